import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { z } from 'zod';
import { type BulkFile, OPTIONAL_COLUMNS, type RowError } from './files.js';
import { STAGING_TABLES } from './sql/staging.js';

/** Progress of one file: rows read so far and bytes of the file consumed. */
export interface StageProgress {
  file: string;
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface StageResult {
  rows: number;
  rejected: number;
}

/**
 * Streams one bulk file into its staging table: parses the CSV (never holding the file in
 * memory), checks the header, validates every row and COPYs the valid ones. Bad rows are
 * handed to `onError`; the load goes on so that every bad row is reported.
 */
export async function stageFile(
  client: pg.PoolClient,
  folderFile: string,
  spec: BulkFile,
  schema: z.ZodType<Record<string, unknown>, Record<string, string>>,
  onError: (error: RowError) => void,
  onProgress: (progress: StageProgress) => void,
): Promise<StageResult> {
  const staging = STAGING_TABLES[spec.kind];
  await client.query(staging.ddl);
  const totalBytes = (await stat(folderFile)).size;
  const input = createReadStream(folderFile);
  const parser = input.pipe(
    // Empty lines come through as [''] records and are skipped below, so that line numbers can be
    // counted here: csv-parse's own counter reports a record's last line, not its first.
    parse({ bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: 1_000_000 }),
  );
  const result: StageResult = { rows: 0, rejected: 0 };
  const reject = (line: number, column: string, reason: string) => {
    result.rejected++;
    onError({ file: spec.file, line, column, reason });
  };

  async function* copyLines(): AsyncGenerator<string> {
    let header: string[] | undefined;
    let lastReport = 0;
    let nextLine = 1;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        const line = nextLine;
        nextLine += 1 + lineBreaks(record);
        if (record.length === 1 && record[0] === '') continue; // an empty line
        if (!header) {
          header = record.map((name) => name.trim());
          const problems = headerProblems(header, spec);
          if (problems.length) {
            for (const problem of problems) reject(line, problem.column, problem.reason);
            return;
          }
          continue;
        }
        result.rows++;
        if (result.rows - lastReport >= 5000) {
          lastReport = result.rows;
          onProgress({ file: spec.file, rows: result.rows, bytes: input.bytesRead, totalBytes });
        }
        if (record.length !== header.length) {
          reject(line, '*', `expected ${header.length} columns, found ${record.length}`);
          continue;
        }
        const raw: Record<string, string> = {};
        let clean = true;
        for (let i = 0; i < header.length; i++) {
          if (record[i].includes('\u0000')) {
            reject(line, header[i], 'contains a NUL character');
            clean = false;
          }
          if (record[i] !== '') raw[header[i]] = record[i];
        }
        if (!clean) continue;
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) reject(line, String(issue.path[0] ?? '*'), issue.message);
          continue;
        }
        yield copyLine([line, ...staging.columns.slice(1).map((column) => parsed.data[column])]);
      }
    } catch (error) {
      // Malformed CSV (an unclosed quote, a record over 1 MB…): reported as a bad row; the rest of
      // this file cannot be read reliably, other files still are.
      if (!(error instanceof CsvError)) throw error;
      reject(nextLine, '*', `malformed CSV: ${error.message.replace(/^Invalid Record Length: |^Quote Not Closed: /, '')}`);
      input.destroy();
      return;
    }
    if (!header) reject(1, '*', 'the file is empty: a header row is required');
    onProgress({ file: spec.file, rows: result.rows, bytes: totalBytes, totalBytes });
  }

  const copy = client.query(copyFrom(`COPY ${staging.table} (${staging.columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(copyLines()), copy);
  return result;
}

/** Unknown, missing or repeated columns in a header row. */
export function headerProblems(header: readonly string[], spec: BulkFile): { column: string; reason: string }[] {
  const problems: { column: string; reason: string }[] = [];
  const known = new Set<string>(spec.columns);
  const seen = new Set<string>();
  for (const column of header) {
    if (!known.has(column)) problems.push({ column, reason: `unknown column (expected ${spec.columns.join(',')})` });
    else if (seen.has(column)) problems.push({ column, reason: 'column appears twice' });
    seen.add(column);
  }
  for (const column of spec.columns) {
    if (!seen.has(column) && !OPTIONAL_COLUMNS[spec.kind].includes(column)) problems.push({ column, reason: 'missing column' });
  }
  return problems;
}

/** Line breaks inside a record's fields (a quoted value may span lines); CRLF counts once. */
function lineBreaks(record: readonly string[]): number {
  let count = 0;
  for (const field of record) if (field.includes('\n') || field.includes('\r')) count += field.match(/\r\n|\r|\n/g)!.length;
  return count;
}

/** One CSV line for COPY: every value quoted, null as an empty unquoted field. */
function copyLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) line += ',';
    if (value === null || value === undefined) continue;
    const text = String(value);
    line += '"' + (text.includes('"') ? text.replaceAll('"', '""') : text) + '"';
  }
  return line + '\n';
}
