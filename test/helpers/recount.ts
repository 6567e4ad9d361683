import type pg from 'pg';

/**
 * The figures of the API (docs/aggregation.md) recounted in plain JS from the raw rows (territory parent links,
 * organisations, pages, observations), independently of the rollups, of `territory.path` and of
 * the maintained page/organisation columns. Results have the shape the GraphQL API returns
 * (BigInt figures as JSON numbers while safe, strings beyond).
 */

interface Raw {
  parent: Map<number, number | null>;
  territoryByCode: Map<string, number>;
  platformCode: Map<number, string>;
  sectorCode: Map<number, string>;
  organisations: { id: number; externalId: string; territoryId: number; sectorId: number }[];
  pages: { id: number; platformId: number; externalId: string; organisationId: number; active: boolean; verified: boolean }[];
  /** Observations per page, oldest first. */
  observations: Map<number, { day: string; subscribers: number }[]>;
}

export type Json = number | string;

/** A BigInt figure the way the API's BigInt scalar sends it. */
export function json(value: bigint): Json {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** Verified active pages and their current subscribers (current only, whatever `at`). */
interface Verified {
  verifiedPages: number;
  verifiedSubscribers: Json;
}

export interface ExpectedStats extends Verified {
  subscribers: Json;
  pages: number;
  organisations: number;
  organisationsWithPages: number;
  byPlatform: ({ platform: { code: string }; subscribers: Json; pages: number; organisations: number } & Verified)[];
  bySector: ({ sector: { code: string }; subscribers: Json; pages: number; organisations: number; organisationsWithPages: number } & Verified)[];
}

/** The fields of `ExpectedStats` as a GraphQL selection. */
export const STATS_SELECTION = `subscribers pages organisations organisationsWithPages verifiedPages verifiedSubscribers
  byPlatform { platform { code } subscribers pages organisations verifiedPages verifiedSubscribers }
  bySector { sector { code } subscribers pages organisations organisationsWithPages verifiedPages verifiedSubscribers }`;

export interface Filter {
  platforms?: string[] | null;
  sectors?: string[] | null;
  at?: string | null;
}

export class Recount {
  private constructor(private readonly raw: Raw) {}

  /** Reads every raw row with plain SQL. */
  static async read(pool: pg.Pool): Promise<Recount> {
    const q = async <T>(sql: string) => (await pool.query(sql)).rows as T[];
    const territories = await q<{ id: number; code: string; parent_id: number | null }>('SELECT id, code, parent_id FROM territory');
    const platforms = await q<{ id: number; code: string }>('SELECT id, code FROM platform');
    const sectors = await q<{ id: number; code: string }>('SELECT id, code FROM sector');
    const organisations = await q<{ id: number; external_id: string; territory_id: number; sector_id: number }>(
      'SELECT id, external_id, territory_id, sector_id FROM organisation',
    );
    const pages = await q<{ id: number; platform_id: number; external_id: string; organisation_id: number; status: string; verified: boolean }>(
      'SELECT id, platform_id, external_id, organisation_id, status, verified FROM page',
    );
    const observations = await q<{ page_id: number; day: string; subscribers: number }>(
      'SELECT page_id, observed_on::text AS day, subscribers FROM observation ORDER BY page_id, observed_on',
    );
    const byPage = new Map<number, { day: string; subscribers: number }[]>();
    for (const o of observations) {
      const list = byPage.get(o.page_id) ?? [];
      list.push({ day: o.day, subscribers: o.subscribers });
      byPage.set(o.page_id, list);
    }
    return new Recount({
      parent: new Map(territories.map((t) => [t.id, t.parent_id])),
      territoryByCode: new Map(territories.map((t) => [t.code, t.id])),
      platformCode: new Map(platforms.map((p) => [p.id, p.code])),
      sectorCode: new Map(sectors.map((s) => [s.id, s.code])),
      organisations: organisations.map((o) => ({ id: o.id, externalId: o.external_id, territoryId: o.territory_id, sectorId: o.sector_id })),
      pages: pages.map((p) => ({
        id: p.id,
        platformId: p.platform_id,
        externalId: p.external_id,
        organisationId: p.organisation_id,
        active: p.status === 'ACTIVE',
        verified: p.verified,
      })),
      observations: byPage,
    });
  }

  territoryId(code: string): number {
    const id = this.raw.territoryByCode.get(code);
    if (id === undefined) throw new Error(`no territory ${code}`);
    return id;
  }

  /** Organisation ids by external id. */
  organisationId(externalId: string): number {
    return this.raw.organisations.find((o) => o.externalId === externalId)!.id;
  }

  /** Page id by platform code and external id. */
  pageId(platform: string, externalId: string): number {
    return this.raw.pages.find((p) => this.raw.platformCode.get(p.platformId) === platform && p.externalId === externalId)!.id;
  }

  /** True when territory `id` is `root` or below it (walking parent links). */
  private within(id: number, root: number): boolean {
    for (let at: number | null | undefined = id, steps = 0; at != null && steps < 100; at = this.raw.parent.get(at), steps++) {
      if (at === root) return true;
    }
    return false;
  }

  /** A page's count as of `at` (latest observation on or before it; now when null); 0 when none. */
  private countOf(pageId: number, at: string | null | undefined): bigint {
    const list = this.raw.observations.get(pageId) ?? [];
    let count = 0n;
    for (const o of list) if (!at || o.day <= at) count = BigInt(o.subscribers);
    return count;
  }

  private statsOver(organisationIds: Set<number>, filter: Filter): ExpectedStats {
    const platformIds = filter.platforms?.length
      ? new Set([...this.raw.platformCode].filter(([, code]) => filter.platforms!.includes(code)).map(([id]) => id))
      : null;
    const organisations = this.raw.organisations.filter((o) => organisationIds.has(o.id));
    type Counted = { subscribers: bigint; pages: number; verifiedPages: number; verifiedSubscribers: bigint };
    const platforms = new Map<number, Counted & { organisations: number }>();
    const sectors = new Map<number, Counted & { organisations: number; organisationsWithPages: number }>();
    const total: Counted = { subscribers: 0n, pages: 0, verifiedPages: 0, verifiedSubscribers: 0n };
    let withPages = 0;
    for (const organisation of organisations) {
      const sector = sectors.get(organisation.sectorId) ?? {
        subscribers: 0n,
        pages: 0,
        organisations: 0,
        organisationsWithPages: 0,
        verifiedPages: 0,
        verifiedSubscribers: 0n,
      };
      sectors.set(organisation.sectorId, sector);
      sector.organisations++;
      const own = this.raw.pages.filter((p) => p.organisationId === organisation.id && p.active && (!platformIds || platformIds.has(p.platformId)));
      if (own.length) {
        withPages++;
        sector.organisationsWithPages++;
      }
      for (const page of own) {
        const count = this.countOf(page.id, filter.at);
        const current = this.countOf(page.id, null);
        const platform = platforms.get(page.platformId) ?? { subscribers: 0n, pages: 0, organisations: 0, verifiedPages: 0, verifiedSubscribers: 0n };
        platforms.set(page.platformId, platform);
        for (const entry of [total, sector, platform]) {
          entry.subscribers += count;
          entry.pages++;
          if (page.verified) {
            entry.verifiedPages++;
            entry.verifiedSubscribers += current;
          }
        }
      }
      for (const platformId of new Set(own.map((p) => p.platformId))) platforms.get(platformId)!.organisations++;
    }
    const order = (a: { subscribers: bigint; code: string }, b: { subscribers: bigint; code: string }) =>
      a.subscribers !== b.subscribers ? (a.subscribers > b.subscribers ? -1 : 1) : a.code < b.code ? -1 : 1;
    return {
      subscribers: json(total.subscribers),
      pages: total.pages,
      organisations: organisations.length,
      organisationsWithPages: withPages,
      verifiedPages: total.verifiedPages,
      verifiedSubscribers: json(total.verifiedSubscribers),
      byPlatform: [...platforms]
        .map(([id, p]) => ({ ...p, code: this.raw.platformCode.get(id)! }))
        .sort(order)
        .map((p) => ({
          platform: { code: p.code },
          subscribers: json(p.subscribers),
          pages: p.pages,
          organisations: p.organisations,
          verifiedPages: p.verifiedPages,
          verifiedSubscribers: json(p.verifiedSubscribers),
        })),
      bySector: [...sectors]
        .map(([id, s]) => ({ ...s, code: this.raw.sectorCode.get(id)! }))
        .sort(order)
        .map((s) => ({
          sector: { code: s.code },
          subscribers: json(s.subscribers),
          pages: s.pages,
          organisations: s.organisations,
          organisationsWithPages: s.organisationsWithPages,
          verifiedPages: s.verifiedPages,
          verifiedSubscribers: json(s.verifiedSubscribers),
        })),
    };
  }

  /** Stats of a territory's subtree. */
  territoryStats(code: string, filter: Filter = {}): ExpectedStats {
    const root = this.territoryId(code);
    const sectorIds = filter.sectors?.length ? new Set([...this.raw.sectorCode].filter(([, c]) => filter.sectors!.includes(c)).map(([id]) => id)) : null;
    const ids = new Set(this.raw.organisations.filter((o) => this.within(o.territoryId, root) && (!sectorIds || sectorIds.has(o.sectorId))).map((o) => o.id));
    return this.statsOver(ids, filter);
  }

  /** Stats of one organisation (its own active pages). */
  organisationStats(externalId: string, filter: Omit<Filter, 'sectors'> = {}): ExpectedStats {
    return this.statsOver(new Set([this.organisationId(externalId)]), filter);
  }

  /** External ids of the organisations of a territory's subtree (narrowed to `sectors`), in no order. */
  organisationsWithin(code: string, sectors?: string[] | null): string[] {
    const root = this.territoryId(code);
    return this.raw.organisations
      .filter((o) => this.within(o.territoryId, root) && (!sectors?.length || sectors.includes(this.raw.sectorCode.get(o.sectorId)!)))
      .map((o) => o.externalId);
  }

  /** Platform codes an organisation has an active page on (from its pages, not the maintained mask). */
  activePlatforms(externalId: string): Set<string> {
    const id = this.organisationId(externalId);
    return new Set(this.raw.pages.filter((p) => p.organisationId === id && p.active).map((p) => this.raw.platformCode.get(p.platformId)!));
  }

  /** Compliance of a territory's subtree with the required platforms (codes), counted organisation by organisation. */
  compliance(code: string, required: string[], sectors?: string[] | null) {
    const organisations = this.organisationsWithin(code, sectors).map((id) => this.activePlatforms(id));
    const compliant = organisations.filter((platforms) => required.every((p) => platforms.has(p))).length;
    const ordered = [...this.raw.platformCode]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => c)
      .filter((c) => required.includes(c));
    return {
      organisations: organisations.length,
      compliant,
      share: organisations.length === 0 ? 0 : compliant / organisations.length,
      missing: ordered.map((platform) => ({ platform: { code: platform }, organisations: organisations.filter((p) => !p.has(platform)).length })),
    };
  }

  /**
   * Freshness of a territory's subtree, page by page from the raw observations: active pages, those whose latest
   * observation is before `since` (or that have none), and the oldest latest-observation day of an observed one.
   */
  freshness(code: string, since: string): { pages: number; stalePages: number; oldestObservedOn: string | null } {
    const root = this.territoryId(code);
    const organisations = new Set(this.raw.organisations.filter((o) => this.within(o.territoryId, root)).map((o) => o.id));
    let pages = 0;
    let stalePages = 0;
    let oldestObservedOn: string | null = null;
    for (const page of this.raw.pages) {
      if (!page.active || !organisations.has(page.organisationId)) continue;
      pages++;
      const latest = this.raw.observations.get(page.id)?.at(-1)?.day;
      if (latest === undefined || latest < since) stalePages++;
      if (latest !== undefined && (oldestObservedOn === null || latest < oldestObservedOn)) oldestObservedOn = latest;
    }
    return { pages, stalePages, oldestObservedOn };
  }

  /**
   * The jumps of a subtree's active pages on days in [from, to]: each step between consecutive observations with
   * |change| >= minChange and |change| >= minChangePercent % of the count before, newest first, then page id descending.
   */
  anomalies(code: string, range: { from: string; to: string; minChange: number; minChangePercent: number }) {
    const root = this.territoryId(code);
    const organisations = new Set(this.raw.organisations.filter((o) => this.within(o.territoryId, root)).map((o) => o.id));
    const found: { pageId: number; date: string; since: string; before: number; after: number }[] = [];
    for (const page of this.raw.pages) {
      if (!page.active || !organisations.has(page.organisationId)) continue;
      const list = this.raw.observations.get(page.id) ?? [];
      for (let i = 1; i < list.length; i++) {
        const [previous, current] = [list[i - 1], list[i]];
        const change = Math.abs(current.subscribers - previous.subscribers);
        if (current.day < range.from || current.day > range.to || change < range.minChange) continue;
        if (change * 100 < range.minChangePercent * previous.subscribers) continue;
        found.push({ pageId: page.id, date: current.day, since: previous.day, before: previous.subscribers, after: current.subscribers });
      }
    }
    found.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : b.pageId - a.pageId));
    return found.map(({ pageId, ...step }) => {
      const page = this.raw.pages.find((p) => p.id === pageId)!;
      return {
        page: { platform: { code: this.raw.platformCode.get(page.platformId)! }, externalId: page.externalId },
        ...step,
        change: step.after - step.before,
      };
    });
  }

  /** A territory's history: the subscribers figure as of each point day. */
  territoryHistory(code: string, days: string[], filter: Omit<Filter, 'at'> = {}): { date: string; subscribers: Json }[] {
    return days.map((date) => ({ date, subscribers: this.territoryStats(code, { ...filter, at: date }).subscribers }));
  }

  /** A page's history: its latest count on or before each point day (0 before the first), whatever its status. */
  pageHistory(platform: string, externalId: string, days: string[]): { date: string; subscribers: Json }[] {
    const id = this.pageId(platform, externalId);
    return days.map((date) => ({ date, subscribers: json(this.countOf(id, date)) }));
  }
}

/**
 * Point days of a history, written independently of src/modules/figures/dates.ts: every day for
 * DAY; for WEEK the Sundays and for MONTH the last days of months within [from, to], plus `to`.
 */
export function expectedPointDays(from: string, to: string, interval: 'DAY' | 'WEEK' | 'MONTH'): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const date = new Date(t);
    const day = date.toISOString().slice(0, 10);
    const isEnd =
      interval === 'DAY' ||
      day === to ||
      (interval === 'WEEK' && date.getUTCDay() === 0) ||
      (interval === 'MONTH' && new Date(t + 86_400_000).getUTCDate() === 1);
    if (isEnd) days.push(day);
  }
  return days;
}
