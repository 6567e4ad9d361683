import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Prometheus metrics. The process-wide registry holds our own counters (loads, rows, the last
 * committed load, cache hits and misses, refusals); each API adds Yoga's HTTP and GraphQL
 * durations and errors on its own registry, and `/metrics` prints both. No label takes a value a
 * client chooses: operation names, URLs and paths are left out, refusals are labelled by our own
 * reason names only.
 */
export const registry = new Registry();

export const metrics = {
  loads: new Counter({
    name: 'gospubliki_loads_total',
    help: 'Loads run by this process, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  rows: new Counter({ name: 'gospubliki_load_rows_total', help: 'Rows applied by loads run by this process', registers: [registry] }),
  lastLoad: new Gauge({
    name: 'gospubliki_last_committed_load_timestamp_seconds',
    help: 'Unix time of the last committed load this process saw (its own, or any process’s through the change notification)',
    registers: [registry],
  }),
  dataChanges: new Counter({
    name: 'gospubliki_data_change_notifications_total',
    help: 'Committed changes notified to this process (each purges the response cache)',
    registers: [registry],
  }),
  changesFollowed: new Counter({
    name: 'gospubliki_live_changes_total',
    help: 'Committed changes told to the live figures, by the route they came by (redis: pub/sub, notify: PostgreSQL NOTIFY)',
    labelNames: ['route'] as const,
    registers: [registry],
  }),
  cacheHits: new Counter({ name: 'gospubliki_response_cache_hits_total', help: 'Responses served from the server-side cache', registers: [registry] }),
  cacheMisses: new Counter({
    name: 'gospubliki_response_cache_misses_total',
    help: 'Cacheable requests not found in the server-side cache',
    registers: [registry],
  }),
  rateRefusals: new Counter({
    name: 'gospubliki_rate_limit_refusals_total',
    help: 'Requests refused with 429 (over the cost budget)',
    labelNames: ['client'] as const,
    registers: [registry],
  }),
  limitRefusals: new Counter({
    name: 'gospubliki_limit_refusals_total',
    help: 'Requests refused by a limit, by limit',
    labelNames: ['limit'] as const,
    registers: [registry],
  }),
};

/** Outcome of one load, for `recordLoad`. */
export type LoadOutcome = 'applied' | 'rejected' | 'dry-run' | 'failed';

/** Called by the loads module after each load. */
export function recordLoad(outcome: LoadOutcome, rows: number): void {
  metrics.loads.inc({ outcome });
  if (outcome === 'applied') metrics.rows.inc(rows);
}

/** Called when a load commits (here and, through the change notification, for any process's load). */
export function setLastCommittedLoad(date: Date): void {
  metrics.lastLoad.set(date.getTime() / 1000);
}
