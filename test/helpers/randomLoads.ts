import { Random } from '../../src/modules/generate/random.js';
import { csv } from './loads.js';

/** The generator's seeded PRNG (the same seed gives the same loads), plus random subsets. */
export class Rng extends Random {
  /** A random non-empty subset, in the original order. */
  subset<T>(items: readonly T[]): T[] {
    const chosen = items.filter(() => this.chance(0.5));
    return chosen.length ? chosen : [this.pick(items)];
  }
}

export const PLATFORMS = ['VK', 'OK', 'TELEGRAM', 'MAX'] as const;
const HOST: Record<string, string> = { VK: 'vk.com', OK: 'ok.ru', TELEGRAM: 't.me', MAX: 'max.ru' };

interface TerritoryRow {
  code: string;
  parentCode: string | null;
  level: string;
  name: string;
}
interface OrganisationRow {
  externalId: string;
  name: string;
  kind: string;
  territoryCode: string;
  sectorCode: string;
}
interface PageRow {
  platform: string;
  externalId: string;
  organisation: string;
  verified: boolean;
  status: 'ACTIVE' | 'ARCHIVED';
}

/** The files of one load (file name → CSV text). */
export type LoadFiles = Record<string, string>;

/**
 * A model of what has been loaded, used only to write valid random loads (the tests recount
 * from the database's raw rows, never from this model). Ids carry `prefix`, so two models can
 * write loads that do not collide.
 */
export class LoadModel {
  readonly territories = new Map<string, TerritoryRow>();
  readonly sectors = ['education', 'culture', 'sport', 'administration'];
  readonly organisations = new Map<string, OrganisationRow>();
  readonly pages = new Map<string, PageRow>();
  /** Observed days and counts per page key (`platform:externalId`). */
  readonly observations = new Map<string, Map<string, number>>();
  private nextOrganisation = 1;
  private nextPage = 1;
  private nextSettlement = 0;
  private readonly previous: LoadFiles[] = [];

  constructor(
    private readonly rng: Rng,
    /** The last day observations may have, `YYYY-MM-DD`. */
    private readonly today: string,
    private readonly prefix = '',
    /** Oldest observation, in days before today. */
    private readonly horizonDays = 500,
  ) {
    const add = (code: string, parentCode: string | null, level: string) => this.territories.set(code, { code, parentCode, level, name: `Территория ${code}` });
    add('RU', null, 'FEDERATION');
    add('FD-NORTH', 'RU', 'FEDERAL_DISTRICT');
    add('FD-SOUTH', 'RU', 'FEDERAL_DISTRICT');
    for (const [region, district] of [
      ['01', 'FD-NORTH'],
      ['03', 'FD-NORTH'],
      ['04', 'FD-SOUTH'],
    ]) {
      add(`${region}000000`, district, 'REGION');
      add(`${region}701000`, `${region}000000`, 'URBAN_OKRUG');
      for (const municipal of ['601', '602']) {
        const code = `${region}${municipal}000`;
        add(code, `${region}000000`, 'MUNICIPAL_DISTRICT');
        add(`${region}${municipal}101`, code, 'URBAN_SETTLEMENT');
        add(`${region}${municipal}401`, code, 'RURAL_SETTLEMENT');
        add(`${region}${municipal}402`, code, 'RURAL_SETTLEMENT');
      }
    }
  }

  /** The day `daysAgo` days before today. */
  private day(daysAgo: number): string {
    return new Date(Date.parse(`${this.today}T00:00:00Z`) - daysAgo * 86_400_000).toISOString().slice(0, 10);
  }

  /** Days from `day` to today. */
  private ago(day: string): number {
    return Math.round((Date.parse(`${this.today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  }

  /** Codes of every territory. */
  territoryCodes(): string[] {
    return [...this.territories.keys()];
  }

  /**
   * Observation rows (`platform,external_id,subscribers,observed_on`) of `count` random pages of
   * this model, to put in another model's load.
   */
  observationRows(count: number): [string, string, number, string][] {
    const rows = new Map<string, [string, string, number, string]>();
    for (let i = 0; i < count && this.pages.size; i++) {
      const page = this.pages.get(this.rng.pick([...this.pages.keys()]))!;
      const day = this.day(this.rng.int(0, this.horizonDays));
      rows.set(`${page.platform}:${page.externalId}@${day}`, [page.platform, page.externalId, this.count(), day]);
    }
    return [...rows.values()];
  }

  /** The first load: the tree and the sectors, with a first batch of data. */
  initialLoad(): LoadFiles {
    const files = this.randomLoad({ organisations: 8, pages: 14, observations: 40 });
    files['territories.csv'] = this.territoriesCsv([...this.territories.values()]);
    files['sectors.csv'] = csv(
      'code,name',
      this.sectors.map((code) => [code, `Сектор ${code}`]),
    );
    return files;
  }

  private territoriesCsv(rows: TerritoryRow[]): string {
    return csv(
      'code,parent_code,level,name',
      rows.map((t) => [t.code, t.parentCode, t.level, t.name]),
    );
  }

  private newOrganisation(): OrganisationRow {
    const territory = this.rng.pick(this.territoryCodes());
    const row: OrganisationRow = {
      externalId: `${this.prefix}org${this.nextOrganisation++}`,
      name: `Организация ${this.nextOrganisation}`,
      kind: this.rng.pick(['AUTHORITY', 'INSTITUTION', 'OTHER']),
      territoryCode: territory,
      sectorCode: this.rng.pick(this.sectors),
    };
    this.organisations.set(row.externalId, row);
    return row;
  }

  private newPage(): PageRow | undefined {
    if (!this.organisations.size) return undefined;
    const row: PageRow = {
      platform: this.rng.pick(PLATFORMS),
      externalId: `${this.prefix}page${this.nextPage++}`,
      organisation: this.rng.pick([...this.organisations.keys()]),
      verified: this.rng.chance(0.5),
      status: this.rng.chance(0.85) ? 'ACTIVE' : 'ARCHIVED',
    };
    this.pages.set(`${row.platform}:${row.externalId}`, row);
    return row;
  }

  private count(): number {
    const r = this.rng.next();
    if (r < 0.1) return 0;
    if (r < 0.15) return this.rng.int(2_000_000_000, 2_147_483_647);
    return this.rng.int(0, 200_000);
  }

  /**
   * A random load: new organisations and pages, observations (new days, corrections of observed
   * days, days older than the page's newest), organisations moved to another territory or sector,
   * pages archived, unarchived or moved to another organisation, rarely a territory moved under
   * another parent, and now and then a re-run of an earlier load.
   */
  randomLoad(sizes: { organisations?: number; pages?: number; observations?: number; territoryMoves?: boolean } = {}): LoadFiles {
    if (this.previous.length && sizes.organisations === undefined && this.rng.chance(0.05)) return this.rng.pick(this.previous);
    const organisations = new Map<string, OrganisationRow>();
    const pages = new Map<string, PageRow>();
    const observations = new Map<string, [string, string, number, string]>();
    const territories: TerritoryRow[] = [];

    // Now and then a new settlement, which this load's organisations may already use.
    if (sizes.organisations === undefined && this.rng.chance(0.08)) {
      const parent = this.rng.pick([...this.territories.values()].filter((t) => t.level === 'MUNICIPAL_DISTRICT'));
      const code = `${parent.code.slice(0, 5)}4${String(10 + this.nextSettlement++).padStart(2, '0')}`;
      const row = { code, parentCode: parent.code, level: 'RURAL_SETTLEMENT', name: `Новое поселение ${code}` };
      this.territories.set(code, row);
      territories.push(row);
    }
    const newOrganisations = sizes.organisations ?? (this.rng.chance(0.6) ? this.rng.int(1, 4) : 0);
    for (let i = 0; i < newOrganisations; i++) {
      const row = this.newOrganisation();
      organisations.set(row.externalId, row);
    }
    const newPages = sizes.pages ?? (this.rng.chance(0.7) ? this.rng.int(1, 8) : 0);
    for (let i = 0; i < newPages; i++) {
      const row = this.newPage();
      if (row) pages.set(`${row.platform}:${row.externalId}`, row);
    }
    // Existing organisations moved to another territory and/or sector.
    if (this.organisations.size && this.rng.chance(0.3)) {
      for (let i = this.rng.int(1, 3); i > 0; i--) {
        const row = this.organisations.get(this.rng.pick([...this.organisations.keys()]))!;
        if (this.rng.chance(0.7)) row.territoryCode = this.rng.pick(this.territoryCodes());
        if (this.rng.chance(0.5)) row.sectorCode = this.rng.pick(this.sectors);
        organisations.set(row.externalId, row);
      }
    }
    // Existing pages archived, unarchived or moved to another organisation.
    if (this.pages.size && this.rng.chance(0.35)) {
      for (let i = this.rng.int(1, 3); i > 0; i--) {
        const key = this.rng.pick([...this.pages.keys()]);
        const row = this.pages.get(key)!;
        const what = this.rng.int(0, 2);
        if (what !== 1) row.status = row.status === 'ACTIVE' ? 'ARCHIVED' : 'ACTIVE';
        if (what !== 0) row.organisation = this.rng.pick([...this.organisations.keys()]);
        pages.set(key, row);
      }
    }
    // Existing pages gaining or losing the verification mark (now and then with their observations in the same load).
    if (this.pages.size && this.rng.chance(0.3)) {
      for (let i = this.rng.int(1, 3); i > 0; i--) {
        const key = this.rng.pick([...this.pages.keys()]);
        const row = this.pages.get(key)!;
        row.verified = !row.verified;
        pages.set(key, row);
      }
    }
    // Observations.
    const observationCount = sizes.observations ?? (this.rng.chance(0.85) ? this.rng.int(3, 25) : 0);
    for (let i = 0; i < observationCount && this.pages.size; i++) {
      const key = this.rng.pick([...this.pages.keys()]);
      const page = this.pages.get(key)!;
      const seen = this.observations.get(key) ?? new Map<string, number>();
      this.observations.set(key, seen);
      const days = [...seen.keys()].sort();
      let day: string;
      const r = this.rng.next();
      if (r < 0.25 && days.length) {
        day = this.rng.pick(days); // a correction (or an unchanged repeat)
      } else if (r < 0.45 && days.length) {
        // Out of order: a day before the page's newest observation.
        const newestAgo = this.ago(days.at(-1)!);
        day = newestAgo < this.horizonDays ? this.day(this.rng.int(newestAgo + 1, this.horizonDays)) : days[0];
      } else {
        day = this.day(this.rng.int(0, this.horizonDays));
      }
      const value = seen.has(day) && this.rng.chance(0.3) ? seen.get(day)! : this.count();
      const rowKey = `${key}@${day}`;
      if (observations.has(rowKey)) continue;
      seen.set(day, value);
      observations.set(rowKey, [page.platform, page.externalId, value, day]);
    }
    // Rarely, a territory moved under another parent of the right level.
    if (sizes.territoryMoves !== false && sizes.organisations === undefined && this.rng.chance(0.08)) {
      const movable = [...this.territories.values()].filter(
        (t) => (t.level === 'MUNICIPAL_DISTRICT' || t.level.endsWith('_SETTLEMENT')) && !territories.includes(t),
      );
      const row = this.rng.pick(movable);
      const parentLevel = row.level === 'MUNICIPAL_DISTRICT' ? 'REGION' : 'MUNICIPAL_DISTRICT';
      const parents = [...this.territories.values()].filter((t) => t.level === parentLevel && t.code !== row.parentCode);
      row.parentCode = this.rng.pick(parents).code;
      territories.push(row);
    }

    const files: LoadFiles = {};
    if (territories.length) files['territories.csv'] = this.territoriesCsv(territories);
    if (organisations.size) {
      files['organisations.csv'] = csv(
        'external_id,name,kind,territory_code,sector_code,inn,ogrn',
        [...organisations.values()].map((o) => [o.externalId, o.name, o.kind, o.territoryCode, o.sectorCode, null, null]),
      );
    }
    if (pages.size) {
      files['pages.csv'] = csv(
        'platform,external_id,organisation_external_id,url,name,verified,status',
        [...pages.values()].map((p) => [
          p.platform,
          p.externalId,
          p.organisation,
          `https://${HOST[p.platform]}/${p.externalId}`,
          `Страница ${p.externalId}`,
          String(p.verified),
          p.status,
        ]),
      );
    }
    if (observations.size) files['observations.csv'] = csv('platform,external_id,subscribers,observed_on', [...observations.values()]);
    if (!Object.keys(files).length)
      files['sectors.csv'] = csv(
        'code,name',
        this.sectors.map((code) => [code, `Сектор ${code}`]),
      );
    this.previous.push(files);
    return files;
  }
}
