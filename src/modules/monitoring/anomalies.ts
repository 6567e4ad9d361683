import { badUserInput } from '../common/errors.js';
import { daysBetween } from '../figures/dates.js';
import { territoryCode } from '../territory/code.js';
import { ANOMALY_FLOOR } from './anomalyFloor.js';
import type { AnomalySpec } from './sql.js';

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
