import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { z } from 'zod';
import type { BulkFile, RowError } from '../rows/files.js';
import { type FastRowCheck, fastRowChecks, rowSchemas } from '../rows/rules.js';
import type { LoadSource } from '../rows/source.js';
import { stagePlainObservations } from './plainObservations.js';
import type { LoadSession } from './session.js';
import { platformHostsOf, READ_PLATFORM_HOSTS } from './sql/load.js';
import type { Staged } from './steps.js';
import { STAGED, STAGED_COLUMNS } from './tables.js';

/** Rows from which a staging table is analysed before the checks join it. */
const ANALYZE_STAGED_FROM = 5_000;

/**
 * Step 1: streams every file of the load into its staging table, each row validated (the fast
 * check, else zod with its messages). Every bad row is reported before the load stops.
 */
export async function stage(session: LoadSession, source: LoadSource): Promise<Staged> {
  // The staging tables and the platforms' hosts in one round trip.
  const [platforms] = await session.send(
    [READ_PLATFORM_HOSTS],
    source.files.map((spec) => STAGED[spec.kind]),
  );
  const platformHosts = platformHostsOf(platforms);
  const latestDate = new Date(Date.now() + 12 * 3600_000).toISOString().slice(0, 10);
  const schemas = rowSchemas({ platformHosts, latestDate });
  const fast = fastRowChecks({ platformHosts, latestDate });
  for (const spec of source.files) {
    session.phase(`reading ${spec.file}`);
    const result = await stageFile(session, source, spec, schemas[spec.kind], fast[spec.kind]);
    session.summaries.set(spec.kind, { file: spec.file, rows: result.rows, inserted: 0, updated: 0, unchanged: 0, rejected: result.rejected });
  }
  session.stopIfRejected();
  // The planner's statistics of the large staging tables; a small one (a push of 1,000 items)
  // plans well on its size alone (PostgreSQL reads a temporary table's page count when it has no
  // statistics), and analysing it would cost a round trip.
  const large = source.files.filter((spec) => session.summaries.get(spec.kind)!.rows >= ANALYZE_STAGED_FROM);
  await session.analyze(large.map((spec) => STAGED[spec.kind]));
  return { kinds: new Set(source.files.map((file) => file.kind)) };
}

interface StageResult {
  rows: number;
  rejected: number;
}

/**
 * Streams one file of a load into its staging table: validates every row the source yields
 * and COPYs the valid ones. Bad rows go to the session; staging goes on so that every bad row is
 * reported.
 */
async function stageFile(
  session: LoadSession,
  source: LoadSource,
  spec: BulkFile,
  schema: z.ZodType<Record<string, unknown>, Record<string, string>>,
  fast: FastRowCheck | undefined,
): Promise<StageResult> {
  const table = await session.table(STAGED[spec.kind]);
  const progress = session.progress.bind(session);
  // A file of plain observation lines is staged by PostgreSQL alone (same rows, same lines).
  if (spec.kind === 'observations' && fast && source.path) {
    const rows = await stagePlainObservations(session.client, source.path(spec), fast, progress);
    if (rows !== undefined) return { rows, rejected: 0 };
  }
  const result: StageResult = { rows: 0, rejected: 0 };
  const rejectedLines = new Set<number>();
  const reject = (error: RowError) => {
    if (!rejectedLines.has(error.line)) {
      rejectedLines.add(error.line);
      result.rejected++;
    }
    session.reject(error);
  };
  const columns = STAGED_COLUMNS[spec.kind];

  async function* copyLines(): AsyncGenerator<string> {
    for await (const row of source.rows(spec, reject, progress)) {
      result.rows++;
      if (row.rejected) continue; // reported by the source already
      // The fast check accepts most rows; any it does not take goes through zod, which has the messages.
      let data = fast?.(row.values);
      if (!data) {
        const parsed = schema.safeParse(row.values);
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            reject({ file: spec.file, line: row.line, column: String(issue.path[0] ?? '*'), reason: issue.message, code: 'INVALID' });
          continue;
        }
        data = parsed.data;
      }
      const valid = data;
      yield copyLine([row.line, ...columns.slice(1).map((column) => valid[column])]);
    }
  }

  const copy = session.client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(copyChunks(copyLines())), copy);
  return result;
}

/** Characters of COPY data sent at once. */
const COPY_CHUNK = 64 * 1024;

/**
 * COPY data in chunks of many lines: one stream chunk (and CopyData message) per row costs more
 * than the row itself.
 */
async function* copyChunks(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= COPY_CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

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
