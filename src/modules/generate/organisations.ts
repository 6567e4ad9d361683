/**
 * Plans the organisations of a load: per region, a few regional bodies on the region,
 * one administration per municipal formation/settlement, and institutions spread over
 * those hosts by size. A generator, so callers can stream; the same seed replays the
 * same sequence (the calibration pass relies on that).
 */
import { allocateRegions, type Host, type RegionPlan } from './allocation.js';
import { ADMINISTRATION_REACH, HOST_REACH, INSTITUTION_SECTOR_MIX, INSTITUTION_TEMPLATES, type InstitutionTemplate, REGIONAL_BODIES } from './catalogue.js';
import { RegistryNumbers } from './identifiers.js';
import type { Organisation, OrganisationKind, Territory } from './model.js';
import { PageFactory } from './pages.js';
import { deriveSeed, Random, WeightedTable } from './random.js';
import { administrationOf, genitive, placeLabel, placeSlug } from './russian.js';
import type { Scale } from './scales.js';
import { MUNICIPAL_FORMATION_LEVELS, type TerritoryTree } from './territories.js';

/** Share of organisations that have INN and OGRN filled in. */
const REGISTRY_SHARE = 0.9;
/** Sub-stream id of the structure (organisations, pages, sizes). */
const STRUCTURE_STREAM = 1;

export interface PlanInput {
  tree: TerritoryTree;
  scale: Scale;
  seed: number;
}

/** Fields of an organisation before identifiers and pages are attached. */
interface Draft {
  name: string;
  kind: OrganisationKind;
  sectorCode: string;
  territory: Territory;
  slug: string;
  reach: number;
}

/** Yields every organisation of the load, region by region, host by host. */
export function* planOrganisations({ tree, scale, seed }: PlanInput): Generator<Organisation> {
  const rng = new Random(deriveSeed(seed, STRUCTURE_STREAM));
  const regions = allocateRegions(tree.regions(), tree.hostsByRegion(), scale, rng);
  const pages = new PageFactory(rng, scale.pageMix);
  const templates = new TemplatePicker();
  let seq = 0;

  for (const plan of regions) {
    const registry = new RegistryNumbers(plan.number, rng);
    const finish = (draft: Draft): Organisation => {
      const numbers = rng.chance(REGISTRY_SHARE) ? registry.next(rng) : null;
      return {
        externalId: `org-${++seq}`,
        name: draft.name,
        kind: draft.kind,
        territoryCode: draft.territory.code,
        regionCode: plan.region.code,
        sectorCode: draft.sectorCode,
        inn: numbers?.inn ?? null,
        ogrn: numbers?.ogrn ?? null,
        pages: pages.pagesFor(draft, rng),
      };
    };

    const bodies = REGIONAL_BODIES.slice(0, Math.min(scale.regionalBodies, plan.organisations - 1));
    for (const body of bodies) {
      yield finish({
        name: `${body.title} ${genitive(plan.region.name)}`,
        kind: body.kind,
        sectorCode: body.sector,
        territory: plan.region,
        slug: `${body.id}_${placeSlug(plan.region.name)}`,
        reach: body.reach,
      });
    }

    const remaining = plan.organisations - bodies.length;
    const administered = chooseAdministrations(plan, remaining, scale.administrationShare, rng);
    const hosts: Host[] = plan.hosts.length > 0 ? plan.hosts : [{ territory: plan.region, size: 1, weight: 1 }];
    const institutions = spreadInstitutions(hosts, remaining - administered.size, rng);

    for (let h = 0; h < hosts.length; h++) {
      const host = hosts[h] as Host;
      const { territory } = host;
      const sizeReach = Math.sqrt(host.size);
      if (administered.has(h)) {
        yield finish({
          name: `Администрация ${administrationOf(territory.name, territory.level)}`,
          kind: 'AUTHORITY',
          sectorCode: 'administration',
          territory,
          slug: `adm_${placeSlug(territory.name)}`,
          reach: (ADMINISTRATION_REACH[territory.level] ?? 1_000) * sizeReach,
        });
      }
      const occurrences = new Map<string, number>();
      const place = placeLabel(territory.name, territory.level);
      const of = administrationOf(territory.name, territory.level);
      for (let k = 0; k < (institutions[h] as number); k++) {
        const template = templates.pick(territory.level, rng);
        const n = (occurrences.get(template.id) ?? 0) + 1;
        occurrences.set(template.id, n);
        yield finish({
          name: template.name({ place, of, n }),
          kind: template.kind,
          sectorCode: template.sector,
          territory,
          slug: `${template.id}${n > 1 ? n : ''}_${placeSlug(territory.name)}`,
          reach: template.reach * (HOST_REACH[territory.level] ?? 1) * sizeReach,
        });
      }
    }
  }
}

/**
 * Hosts (by index) that get an administration: all of them when the region's budget
 * allows, otherwise municipal formations first, then a random subset of settlements.
 */
function chooseAdministrations(plan: RegionPlan, budget: number, share: number, rng: Random): Set<number> {
  const limit = Math.min(plan.hosts.length, Math.max(0, Math.floor(budget * share)));
  const indices = plan.hosts.map((_, i) => i);
  if (plan.hosts.length <= limit) return new Set(indices);
  const formations = indices.filter((i) => MUNICIPAL_FORMATION_LEVELS.has((plan.hosts[i] as Host).territory.level));
  const settlements = indices.filter((i) => !MUNICIPAL_FORMATION_LEVELS.has((plan.hosts[i] as Host).territory.level));
  const ordered = [...rng.shuffle(formations), ...rng.shuffle(settlements)];
  return new Set(ordered.slice(0, limit));
}

/** Institution count per host, drawn proportionally to host weight. */
function spreadInstitutions(hosts: readonly Host[], count: number, rng: Random): Int32Array {
  const counts = new Int32Array(hosts.length);
  if (count <= 0) return counts;
  const table = new WeightedTable(hosts.map((host, i) => [i, host.weight] as const));
  for (let k = 0; k < count; k++) {
    const i = table.pick(rng);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/** Picks a sector by the mix, then a template of that sector that fits the host level. */
class TemplatePicker {
  private readonly sectors = new WeightedTable(INSTITUTION_SECTOR_MIX);
  private readonly tables = new Map<string, WeightedTable<InstitutionTemplate>>();

  pick(level: string, rng: Random): InstitutionTemplate {
    const sector = this.sectors.pick(rng);
    return this.table(sector, level).pick(rng);
  }

  private table(sector: string, level: string): WeightedTable<InstitutionTemplate> {
    const key = `${sector}|${level}`;
    let table = this.tables.get(key);
    if (!table) {
      const ofSector = INSTITUTION_TEMPLATES.filter((t) => t.sector === sector);
      const fitting = ofSector.filter((t) => !t.levels || t.levels.has(level));
      table = new WeightedTable((fitting.length > 0 ? fitting : ofSector).map((t) => [t, t.weight] as const));
      this.tables.set(key, table);
    }
    return table;
  }
}
