import fs from 'node:fs';
import path from 'node:path';
import type { GraphQLRequest } from './load.js';

/** What the operations' variables are made of, read from the dataset and the database. */
export interface OperationContext {
  /** The reference region: Vladimir, 17000000. */
  regionCode: string;
  /** A RURAL_SETTLEMENT of the region with active pages (the one with the most). */
  settlementCode: string;
  /** First and last day of the 90-day window ending on the dataset's end date. */
  from: string;
  to: string;
}

/** An operation the runner drives over HTTP: a `.graphql` file of bench/queries and its variables. */
export interface Operation {
  id: string;
  title: string;
  file: string;
  variables(context: OperationContext): Record<string, unknown>;
  /** Concurrency levels it is measured at (32 only for the cheap ones). */
  concurrency: number[];
  /** Driven during the write mix. */
  inWriteMix?: boolean;
}

export const REGION = '17000000';

/**
 * Regions of the bench's tree (bench/.work/<scale>/territories.csv, the 2019 settlements) with
 * about 10, 30 and 100 current children, for Q9's scaling curve (`first: 100`: Saint Petersburg's
 * 111 children show 100).
 */
export const SCALING_REGIONS = [
  { code: '84000000', name: 'Республика Алтай', children: 11 },
  { code: '56000000', name: 'Пензенская область', children: 30 },
  { code: '40000000', name: 'Санкт-Петербург', children: 100 },
] as const;

export const OPERATIONS: readonly Operation[] = [
  {
    id: 'Q1',
    title: 'root stats + byPlatform + bySector',
    file: 'q1-root-stats.graphql',
    variables: () => ({}),
    concurrency: [1, 8, 32],
    inWriteMix: true,
  },
  {
    id: 'Q2',
    title: 'region stats (Vladimir)',
    file: 'q2-region-stats.graphql',
    variables: (c) => ({ code: c.regionCode }),
    concurrency: [1, 8, 32],
    inWriteMix: true,
  },
  {
    id: 'Q3',
    title: 'rural settlement stats',
    file: 'q3-settlement-stats.graphql',
    variables: (c) => ({ code: c.settlementCode }),
    concurrency: [1, 8, 32],
    inWriteMix: true,
  },
  {
    id: 'Q4',
    title: 'region dashboard: 50 children by subscribers + byPlatform',
    file: 'q4-region-dashboard.graphql',
    variables: (c) => ({ code: c.regionCode }),
    concurrency: [1, 8, 32],
    inWriteMix: true,
  },
  {
    id: 'Q9',
    title: 'region children by code (Vladimir) + subscribers + byPlatform',
    file: 'q9-region-children.graphql',
    variables: (c) => ({ code: c.regionCode }),
    concurrency: [1, 8, 32],
  },
  // The scaling curve of Q9: regions of the bench's tree with about 10, 30 and 100 current children.
  ...SCALING_REGIONS.map(
    (region): Operation => ({
      id: `Q9-${region.children}`,
      title: `region children by code, ${region.children} children (${region.name})`,
      file: 'q9-region-children.graphql',
      variables: () => ({ code: region.code }),
      concurrency: [1, 8],
    }),
  ),
  {
    id: 'Q5-root',
    title: '90-day daily history, root',
    file: 'q5-history.graphql',
    variables: (c) => ({ code: 'RU', from: c.from, to: c.to }),
    concurrency: [1, 8],
  },
  {
    id: 'Q5-region',
    title: '90-day daily history, region',
    file: 'q5-history.graphql',
    variables: (c) => ({ code: c.regionCode, from: c.from, to: c.to }),
    concurrency: [1, 8],
  },
  {
    id: 'Q6',
    title: 'territory search "петушин"',
    file: 'q6-territory-search.graphql',
    variables: () => ({ search: 'петушин' }),
    concurrency: [1, 8, 32],
  },
  {
    id: 'Q7',
    title: '100 organisations of a region with pages',
    file: 'q7-region-organisations.graphql',
    variables: (c) => ({ code: c.regionCode }),
    concurrency: [1, 8],
  },
  // Monitoring (issue 20): compliance, freshness and anomalies at the federation and a region against a plain stats of the same node.
  ...(['RU', REGION] as const).flatMap((code): Operation[] => {
    const where = code === 'RU' ? 'root' : 'region';
    return [
      { id: `M1-${where}`, title: `plain stats, ${where} (yardstick of M2)`, file: 'm1-plain-stats.graphql', variables: () => ({ code }), concurrency: [1, 8] },
      { id: `M2-${where}`, title: `compliance with VK and OK, ${where}`, file: 'm2-compliance.graphql', variables: () => ({ code }), concurrency: [1, 8] },
      { id: `M3-${where}`, title: `freshness (30 days), ${where}`, file: 'm3-freshness.graphql', variables: () => ({ code }), concurrency: [1, 8] },
      {
        id: `M4-${where}`,
        title: `anomalies over 90 days, first 20, ${where}`,
        file: 'm4-anomalies.graphql',
        variables: (c) => ({ code, from: c.from, to: c.to }),
        concurrency: [1, 8],
      },
    ];
  }),
];

/** The on-read baseline (SQL beside the server, see queries/q8-baseline.sql). */
export const BASELINE = { id: 'Q8', title: 'on-read baseline: Q1 from raw rows (SQL only)', file: 'q8-baseline.sql' } as const;

/** The request of `operation` (its file read from bench/queries) under `context`. */
export function requestOf(benchDir: string, operation: Operation, context: OperationContext): GraphQLRequest {
  return { query: readQuery(benchDir, operation.file), variables: operation.variables(context) };
}

export function readQuery(benchDir: string, file: string): string {
  return fs.readFileSync(path.join(benchDir, 'queries', file), 'utf8');
}

/** Every query file should be driven: a file no operation names is reported, not silently skipped. */
export function unreferencedQueryFiles(benchDir: string): string[] {
  const named = new Set<string>([...OPERATIONS.map((operation) => operation.file), BASELINE.file]);
  return fs.readdirSync(path.join(benchDir, 'queries')).filter((file) => !named.has(file));
}
