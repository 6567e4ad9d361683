import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { FastRowCheck } from '../rows/rules.js';
import type { ReadProgress } from '../rows/source.js';
import { PLAIN_HEADER, PLAIN_MAX_COUNT, PLAIN_OBSERVATIONS } from './sql/plainObservations.js';

/**
 * Stages observations.csv without parsing it in Node, when every line is plain: PostgreSQL reads
 * the fields (split at commas, no quoting), one statement checks them against strict rules
 * (external ids of ASCII letters, digits, `_`, `.` and `-`; counts of digits within range: nothing
 * csv-parse or zod could read differently), and the distinct platform codes and days go through
 * the file's own fast row check (`fast`), taken as they are. Every such line is then a row the
 * usual path accepts, with the same values and the same line number.
 *
 * Returns the rows staged, or undefined when the file is not plain (another header, a quote, a
 * space, an empty field or line, a CR, an unknown platform, a day in the future…): nothing is left
 * of the attempt (a savepoint) and the caller stages the file the usual way, which gives its
 * messages.
 */
export async function stagePlainObservations(
  client: pg.PoolClient,
  file: string,
  fast: FastRowCheck,
  onProgress: (progress: ReadProgress) => void,
): Promise<number | undefined> {
  const totalBytes = (await fs.stat(file)).size;
  if (!(await startsWith(file, PLAIN_HEADER))) return undefined;
  await client.query('SAVEPOINT plain_observations');
  let staged: number | undefined;
  try {
    await client.query(PLAIN_OBSERVATIONS.ddl);
    let newlines = 0;
    let last = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines++;
        last = chunk[chunk.length - 1] ?? last;
        done(null, chunk);
      },
    });
    const copy = client.query(copyFrom(PLAIN_OBSERVATIONS.copy));
    await pipeline(createReadStream(file), count, copy);
    // Every line after the header arrived as one row (PostgreSQL's CSV reader stops at a `\.` line).
    const dataLines = newlines - 1 + (last === 10 ? 0 : 1);
    const { rows } = await client.query<{ bad: number }>(PLAIN_OBSERVATIONS.check, [PLAIN_MAX_COUNT]);
    if (Number(copy.rowCount) === dataLines && rows[0].bad === 0 && (await valuesAccepted(client, fast))) {
      await client.query(PLAIN_OBSERVATIONS.stage);
      await client.query(PLAIN_OBSERVATIONS.drop);
      staged = dataLines;
    }
  } catch (error) {
    // PostgreSQL refused the bytes (a NUL, invalid UTF-8, a carriage return): not plain.
    if ((error as { code?: string }).code === undefined) {
      await client.query('ROLLBACK TO SAVEPOINT plain_observations');
      throw error;
    }
  }
  if (staged === undefined) {
    await client.query('ROLLBACK TO SAVEPOINT plain_observations');
    return undefined;
  }
  await client.query('RELEASE SAVEPOINT plain_observations');
  onProgress({ file: 'observations.csv', rows: staged, bytes: totalBytes, totalBytes });
  return staged;
}

/** Whether the fast row check accepts every distinct platform code and every distinct day of the lines. */
async function valuesAccepted(client: pg.PoolClient, fast: FastRowCheck): Promise<boolean> {
  const platforms = await client.query<{ value: string }>(PLAIN_OBSERVATIONS.platforms);
  const days = await client.query<{ value: string }>(PLAIN_OBSERVATIONS.days);
  const sample = { external_id: 'x', subscribers: '0' };
  const someDay = days.rows[0]?.value ?? '';
  const somePlatform = platforms.rows[0]?.value ?? '';
  // Accepted, and kept as written (the check trims; a value it would change is not plain).
  const kept = (row: Record<string, unknown> | undefined, column: string, value: string) => row !== undefined && row[column] === value;
  return (
    platforms.rows.every((row) => kept(fast({ ...sample, platform: row.value, observed_on: someDay }), 'platform', row.value)) &&
    days.rows.every((row) => kept(fast({ ...sample, platform: somePlatform, observed_on: row.value }), 'observed_on', row.value))
  );
}

async function startsWith(file: string, text: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(text.length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead === buffer.length && buffer.toString('latin1') === text;
  } finally {
    await handle.close();
  }
}
