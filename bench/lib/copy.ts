import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The bare COPY of a dataset: what a load without validation, references or rollups costs on the same server. */
export interface BareCopy {
  seconds: number;
  files: { file: string; rows: number; seconds: number }[];
}

/**
 * `COPY`s every CSV file of the dataset folder, as it is, into a plain (logged) table of text
 * columns named after its header, in a schema of its own on the bench database, one file after
 * another on one connection, and drops the schema: the issue-12 yardstick for the first load
 * ("within 2× of a bare COPY"). No index, no constraint, no type conversion: what an on-read
 * layer loading the same files does before it can answer anything.
 */
export async function bareCopy(pool: pg.Pool, folder: string): Promise<BareCopy> {
  const plan = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.csv'))
    .map((file) => ({
      file,
      // A table of text columns named after the header.
      ddl: (client: pg.PoolClient, table: string, header: string[]) => [
        `CREATE TABLE ${table} (${header.map((column) => `${client.escapeIdentifier(column)} text`).join(', ')})`,
      ],
    }));
  return copyFiles(pool, folder, 'bench_copy', plan);
}

/**
 * The tables a team would build for the same files without our pipeline (what the peer of issue
 * 12, PostGraphile over plain tables, loads into): typed columns, each file's natural primary
 * key, a foreign key for every reference, and an index on each referencing column (PostGraphile
 * wants them for its relations). Filled in reference order.
 */
const TYPED_TABLES: [file: string, ddl: string[]][] = [
  [
    'territories.csv',
    [
      `CREATE TABLE bench_typed.territories (code text PRIMARY KEY, parent_code text REFERENCES bench_typed.territories, level text NOT NULL,
         name text NOT NULL, status text)`,
      'CREATE INDEX ON bench_typed.territories (parent_code)',
    ],
  ],
  ['sectors.csv', ['CREATE TABLE bench_typed.sectors (code text PRIMARY KEY, name text NOT NULL)']],
  [
    'organisations.csv',
    [
      `CREATE TABLE bench_typed.organisations (external_id text PRIMARY KEY, name text NOT NULL, kind text NOT NULL,
         territory_code text NOT NULL REFERENCES bench_typed.territories, sector_code text NOT NULL REFERENCES bench_typed.sectors, inn text, ogrn text)`,
      'CREATE INDEX ON bench_typed.organisations (territory_code)',
      'CREATE INDEX ON bench_typed.organisations (sector_code)',
    ],
  ],
  [
    'pages.csv',
    [
      `CREATE TABLE bench_typed.pages (platform text, external_id text, organisation_external_id text NOT NULL REFERENCES bench_typed.organisations,
         url text NOT NULL, name text, verified boolean, status text, PRIMARY KEY (platform, external_id))`,
      'CREATE INDEX ON bench_typed.pages (organisation_external_id)',
    ],
  ],
  [
    'observations.csv',
    [
      `CREATE TABLE bench_typed.observations (platform text, external_id text, subscribers integer NOT NULL, observed_on date NOT NULL,
         PRIMARY KEY (platform, external_id, observed_on), FOREIGN KEY (platform, external_id) REFERENCES bench_typed.pages)`,
    ],
  ],
];

/**
 * The second yardstick: the same files `COPY`ed into the typed, keyed tables above (TYPED_TABLES),
 * on the same server, one after another on one connection; the schema is dropped after. This is
 * the "bare COPY" of the peer the issue measured (20 s there against our 79 s); the text-column
 * one (`bareCopy`) is the lower bound of any load.
 */
export async function typedCopy(pool: pg.Pool, folder: string): Promise<BareCopy> {
  const plan = TYPED_TABLES.filter(([file]) => fs.existsSync(path.join(folder, file))).map(([file, ddl]) => ({ file, ddl: () => ddl }));
  return copyFiles(pool, folder, 'bench_typed', plan);
}

/**
 * Creates `schema`, then for each file of `plan` in order runs its DDL (which creates the table
 * `schema.<file name without .csv>`) and `COPY`s the file into it by its header's columns, timing
 * each; drops the schema after. One connection, one file after another.
 */
async function copyFiles(
  pool: pg.Pool,
  folder: string,
  schema: string,
  plan: { file: string; ddl: (client: pg.PoolClient, table: string, header: string[]) => string[] }[],
): Promise<BareCopy> {
  const client = await pool.connect();
  const files: BareCopy['files'] = [];
  const started = performance.now();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
    for (const { file, ddl } of plan) {
      const source = path.join(folder, file);
      const header = firstLine(source).split(',');
      const table = `${schema}.${client.escapeIdentifier(file.replace(/\.csv$/, ''))}`;
      const at = performance.now();
      for (const statement of ddl(client, table, header)) await client.query(statement);
      const columns = header.map((column) => client.escapeIdentifier(column)).join(', ');
      const copy = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT csv, HEADER true)`));
      await pipeline(fs.createReadStream(source), copy);
      files.push({ file, rows: Number(copy.rowCount), seconds: round((performance.now() - at) / 1000) });
    }
    const seconds = round((performance.now() - started) / 1000);
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    return { seconds, files };
  } finally {
    client.release();
  }
}

function firstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer
      .subarray(0, read)
      .toString('utf8')
      .split(/\r?\n/)[0]!
      .replace(/^\uFEFF/, '');
  } finally {
    fs.closeSync(fd);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
