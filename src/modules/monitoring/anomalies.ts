import DataLoader from 'dataloader';
import { prisma } from '../../db/prisma.js';
import { badUserInput } from '../common/errors.js';
import { isPlainRows, type Selection } from '../common/selection.js';
import { daysBetween } from '../figures/dates.js';
import { territoryCode } from '../territory/code.js';
import { ANOMALY_FLOOR } from './anomalyFloor.js';
import { type AnomalySpec, type PageRow, selectPages } from './sql.js';

/** One candidate jump: a page's count between two consecutive observations. */
export interface Anomaly {
  pageId: number;
  /** The day of the later observation. */
  date: string;
  /** The day of the observation before it. */
  since: string;
  before: number;
  after: number;
}

/** The longest range of days `anomalies` lists in one request. */
export const MAX_ANOMALY_DAYS = 366;

/** The arguments of `anomalies` as GraphQL hands them over. */
export interface AnomalyArgs {
  within: string;
  from: string;
  to: string;
  minChange?: number | null;
  minChangePercent?: number | null;
}

/** The arguments checked: a territory code, a range of at most MAX_ANOMALY_DAYS, thresholds at or above the floor; else BAD_USER_INPUT. */
export function anomalySpec(args: AnomalyArgs): AnomalySpec {
  const withinCode = territoryCode(args.within, 'within');
  if (args.from > args.to) throw badUserInput(`\`from\` (${args.from}) is after \`to\` (${args.to})`, 'from');
  const days = daysBetween(args.from, args.to) + 1;
  if (days > MAX_ANOMALY_DAYS) {
    throw badUserInput(`the range ${args.from}..${args.to} spans ${days} days; anomalies are listed over at most ${MAX_ANOMALY_DAYS} days at once`, 'to', {
      maxDays: MAX_ANOMALY_DAYS,
    });
  }
  const minChange = args.minChange ?? 500;
  const minChangePercent = args.minChangePercent ?? 20;
  if (!Number.isInteger(minChange) || minChange < ANOMALY_FLOOR.change) {
    throw badUserInput(`minChange: give a whole number of subscribers of at least ${ANOMALY_FLOOR.change} (smaller steps are not kept).`, 'minChange');
  }
  if (!Number.isFinite(minChangePercent) || minChangePercent < ANOMALY_FLOOR.percent) {
    throw badUserInput(
      `minChangePercent: give at least ${ANOMALY_FLOOR.percent} (percent of the count before; smaller steps are not kept).`,
      'minChangePercent',
    );
  }
  return { withinCode, from: args.from, to: args.to, minChange, minChangePercent };
}

const pagesPerRequest = new WeakMap<object, Map<string, DataLoader<number, PageRow>>>();

/** The page columns a plain row holds: a selection asking only these reads them without Prisma. */
const PAGE_COLUMNS = ['id', 'platformId', 'externalId', 'organisationId', 'url', 'name', 'verified', 'status', 'subscribers', 'observedOn'];

/**
 * The request's loader of anomalies' pages by id under one Prisma selection (`query`, what the
 * GraphQL selection below `page` needs; `loaders`: the request's loaders object): one statement
 * per batch, plain SQL when no relation is asked, else one Prisma `findMany` with the relations.
 */
export function anomalyPages(loaders: object, query: Selection): DataLoader<number, PageRow> {
  let family = pagesPerRequest.get(loaders);
  if (!family) {
    family = new Map();
    pagesPerRequest.set(loaders, family);
  }
  const key = JSON.stringify(query);
  let loader = family.get(key);
  if (!loader) {
    loader = new DataLoader<number, PageRow>(async (ids) => {
      const rows = isPlainRows(query, PAGE_COLUMNS)
        ? await selectPages(ids)
        : ((await prisma().page.findMany({ ...query, where: { id: { in: [...ids] } } } as object)) as PageRow[]);
      const byId = new Map(rows.map((page) => [page.id, page]));
      return ids.map((id) => byId.get(id) ?? new Error(`no page ${id}`));
    });
    family.set(key, loader);
  }
  return loader;
}
