import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { z } from 'zod';
import type { BulkFile, RowError } from './files.js';
import { stagePlainObservations } from './plainObservations.js';
import type { FastRowCheck } from './rows.js';
import type { LoadSource, ReadProgress } from './source.js';
import { STAGING_TABLES } from './sql/staging.js';

export interface StageResult {
  rows: number;
  rejected: number;
}

/**
 * Streams one file of a load into its staging table: validates every row the source yields
 * and COPYs the valid ones. Bad rows are handed to `onError`; staging goes on so that every
 * bad row is reported.
 */
export async function stageFile(
  client: pg.PoolClient,
  source: LoadSource,
  spec: BulkFile,
  schema: z.ZodType<Record<string, unknown>, Record<string, string>>,
  onError: (error: RowError) => void,
  onProgress: (progress: ReadProgress) => void,
  fast?: FastRowCheck,
): Promise<StageResult> {
  const staging = STAGING_TABLES[spec.kind];
  await client.query(staging.ddl);
  // A file of plain observation lines is staged by PostgreSQL alone (same rows, same lines).
  if (spec.kind === 'observations' && fast && source.path) {
    const rows = await stagePlainObservations(client, source.path(spec), fast, onProgress);
    if (rows !== undefined) return { rows, rejected: 0 };
  }
  const result: StageResult = { rows: 0, rejected: 0 };
  const rejectedLines = new Set<number>();
  const reject = (error: RowError) => {
    if (!rejectedLines.has(error.line)) {
      rejectedLines.add(error.line);
      result.rejected++;
    }
    onError(error);
  };

  // COPY data in chunks of many lines: one stream chunk (and CopyData message) per row costs more
  // than the row itself.
  async function* copyChunks(): AsyncGenerator<string> {
    let chunk = '';
    for await (const line of copyLines()) {
      chunk += line;
      if (chunk.length >= COPY_CHUNK) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  async function* copyLines(): AsyncGenerator<string> {
    for await (const row of source.rows(spec, reject, onProgress)) {
      result.rows++;
      if (row.rejected) continue; // reported by the source already
      // The fast check accepts most rows; any it does not take goes through zod, which has the messages.
      let data = fast?.(row.values);
      if (!data) {
        const parsed = schema.safeParse(row.values);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) reject({ file: spec.file, line: row.line, column: String(issue.path[0] ?? '*'), reason: issue.message });
          continue;
        }
        data = parsed.data;
      }
      const valid = data;
      yield copyLine([row.line, ...staging.columns.slice(1).map((column) => valid[column])]);
    }
  }

  const copy = client.query(copyFrom(`COPY ${staging.table} (${staging.columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(copyChunks()), copy);
  return result;
}

/** Characters of COPY data sent at once. */
const COPY_CHUNK = 64 * 1024;

/** One CSV line for COPY: every value quoted, null as an empty unquoted field. */
function copyLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) line += ',';
    if (value === null || value === undefined) continue;
    const text = String(value);
    line += `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
  }
  return `${line}\n`;
}
