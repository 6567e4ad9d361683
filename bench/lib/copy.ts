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
  const client = await pool.connect();
  const files: BareCopy['files'] = [];
  const started = performance.now();
  try {
    await client.query('DROP SCHEMA IF EXISTS bench_copy CASCADE');
    await client.query('CREATE SCHEMA bench_copy');
    for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.csv'))) {
      const header = firstLine(path.join(folder, file)).split(',');
      const table = `bench_copy.${client.escapeIdentifier(file.replace(/\.csv$/, ''))}`;
      const at = performance.now();
      await client.query(`CREATE TABLE ${table} (${header.map((column) => `${client.escapeIdentifier(column)} text`).join(', ')})`);
      const copy = client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`));
      await pipeline(fs.createReadStream(path.join(folder, file)), copy);
      files.push({ file, rows: Number(copy.rowCount), seconds: round((performance.now() - at) / 1000) });
    }
    const seconds = round((performance.now() - started) / 1000);
    await client.query('DROP SCHEMA bench_copy CASCADE');
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
