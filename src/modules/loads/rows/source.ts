import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { BULK_FILES, type BulkFile, columnNames, excerpt, isOptional, type RowError } from './files.js';

/**
 * Where a load's rows come from: the CSV files of a folder (`npm run import`, `POST /v1/loads`)
 * or the items of a mutation. Both feed the same pipeline (validation, staging, checks, apply,
 * rollups), so a row means the same thing whichever way it arrives.
 */
export interface LoadSource {
  /** The bulk files this load holds, in apply order. */
  files: readonly BulkFile[];
  /**
   * The rows of one file: each with its line (the file's line, or the item's position + 1) and
   * its non-empty cells by column. Problems found while reading (a bad header, malformed CSV, a
   * wrong column count) go to `reject`; an unreadable row is yielded with `rejected` so it counts.
   */
  rows(spec: BulkFile, reject: (error: RowError) => void, progress: (progress: ReadProgress) => void): AsyncIterable<SourceRow>;
  /** The file of `spec` on disk, when the rows come from one (a folder). */
  path?(spec: BulkFile): string;
}

export interface SourceRow {
  line: number;
  values: Record<string, string>;
  /** True for a row the source could not read (already reported): counted, not validated. */
  rejected?: boolean;
}

/** Progress of reading one file: rows read so far and bytes consumed. */
export interface ReadProgress {
  file: string;
  rows: number;
  bytes: number;
  totalBytes: number;
}

/** The bulk files a folder holds; an error when it is no folder or holds none of them. */
export async function folderSource(folder: string): Promise<LoadSource> {
  const stat = await fs.stat(folder).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`${folder} is not a folder`);
  const names = new Set(await fs.readdir(folder));
  const files = BULK_FILES.filter((spec) => names.has(spec.file));
  if (files.length === 0) throw new Error(`${folder} holds none of ${BULK_FILES.map((file) => file.file).join(', ')}`);
  const fileOf = (spec: BulkFile) => path.join(folder, spec.file);
  return { files, rows: (spec, reject, progress) => csvRows(fileOf(spec), spec, reject, progress), path: fileOf };
}

/** Items of a mutation as rows of one bulk file (line = position + 1; empty or absent cells are null). */
export function itemSource(spec: BulkFile, items: readonly Record<string, string | null | undefined>[]): LoadSource {
  return {
    files: [spec],
    async *rows() {
      for (let i = 0; i < items.length; i++) {
        const values: Record<string, string> = {};
        for (const [column, value] of Object.entries(items[i])) if (value !== null && value !== undefined && value !== '') values[column] = value;
        yield { line: i + 1, values };
      }
    },
  };
}

/**
 * Streams one CSV file (never holding it in memory): checks the header, then yields each record
 * with the line it starts on. Bad headers, wrong column counts, NUL characters and malformed
 * CSV are rejected with their line.
 */
async function* csvRows(
  file: string,
  spec: BulkFile,
  reject: (error: RowError) => void,
  progress: (progress: ReadProgress) => void,
): AsyncGenerator<SourceRow> {
  const totalBytes = (await fs.stat(file)).size;
  const input = createReadStream(file);
  // Empty lines come through as [''] records and are skipped below, so that line numbers can be
  // counted here: csv-parse's own counter reports a record's last line, not its first.
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: 1_000_000 }));
  const fail = (line: number, column: string, reason: string) => reject({ file: spec.file, line, column, reason, code: 'INVALID' });
  let header: string[] | undefined;
  let rows = 0;
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
          for (const problem of problems) fail(line, problem.column, problem.reason);
          return;
        }
        continue;
      }
      rows++;
      if (rows - lastReport >= 5000) {
        lastReport = rows;
        progress({ file: spec.file, rows, bytes: input.bytesRead, totalBytes });
      }
      if (record.length !== header.length) {
        fail(line, '*', `expected ${header.length} columns, found ${record.length}`);
        yield { line, values: {}, rejected: true };
        continue;
      }
      const values: Record<string, string> = {};
      let clean = true;
      for (let i = 0; i < header.length; i++) {
        if (record[i].includes('\u0000')) {
          fail(line, header[i], 'contains a NUL character');
          clean = false;
        }
        if (record[i] !== '') values[header[i]] = record[i];
      }
      yield clean ? { line, values } : { line, values, rejected: true };
    }
  } catch (error) {
    // Malformed CSV (an unclosed quote, a record over 1 MB…): reported as a bad row; the rest of
    // this file cannot be read reliably, other files still are.
    if (!(error instanceof CsvError)) throw error;
    fail(nextLine, '*', `malformed CSV: ${excerpt(error.message.replace(/^Invalid Record Length: |^Quote Not Closed: /, ''), 200)}`);
    input.destroy();
    return;
  }
  if (!header) fail(1, '*', 'the file is empty: a header row is required');
  progress({ file: spec.file, rows, bytes: totalBytes, totalBytes });
}

/** Unknown, missing or repeated columns in a header row (its cells as read, trimmed here). */
export function headerProblems(cells: readonly string[], spec: BulkFile): { column: string; reason: string }[] {
  const header = cells.map((cell) => cell.trim());
  const problems: { column: string; reason: string }[] = [];
  const names = columnNames(spec);
  const known = new Set(names);
  const seen = new Set<string>();
  for (const column of header) {
    if (!known.has(column)) problems.push({ column: excerpt(column), reason: `unknown column (expected ${names.join(',')})` });
    else if (seen.has(column)) problems.push({ column, reason: 'column appears twice' });
    seen.add(column);
  }
  for (const column of spec.columns) {
    if (!seen.has(column.name) && !isOptional(column)) problems.push({ column: column.name, reason: 'missing column' });
  }
  return problems;
}

/**
 * The cells of a file's header row, read from the file's first characters (`head`, which holds at
 * least its first line) as the CSV reader reads them (a byte-order mark dropped, quotes removed);
 * undefined when the line is not CSV.
 */
export function readHeaderLine(head: string): string[] | undefined {
  try {
    const [record] = parseSync(head.replace(/^\uFEFF/, '').split(/\r?\n/)[0], { relax_column_count: true }) as string[][];
    return record ?? [''];
  } catch {
    return undefined;
  }
}

/** Line breaks inside a record's fields (a quoted value may span lines); CRLF counts once. */
function lineBreaks(record: readonly string[]): number {
  let count = 0;
  for (const field of record) if (field.includes('\n') || field.includes('\r')) count += field.match(/\r\n|\r|\n/g)!.length;
  return count;
}
