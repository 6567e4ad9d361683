/** Streaming CSV output (RFC 4180) with backpressure: rows are buffered in ~64 KiB chunks. */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/** A cell value; null and undefined become an empty cell. */
export type CsvCell = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FLUSH_AT = 64 * 1024;

function encodeCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const text = String(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line including its trailing newline. */
export function encodeCsvRow(cells: readonly CsvCell[]): string {
  return cells.map(encodeCell).join(',') + '\n';
}

export class CsvWriter {
  private buffer = '';
  /** Data rows written so far (the header is not counted). */
  rows = 0;

  private constructor(private readonly stream: WriteStream) {}

  /** Creates (or truncates) the file and writes the header row. */
  static open(path: string, header: readonly string[]): CsvWriter {
    const writer = new CsvWriter(createWriteStream(path, { encoding: 'utf8' }));
    writer.buffer = encodeCsvRow(header);
    return writer;
  }

  /** Appends one row; resolves once the stream can take more. */
  async write(cells: readonly CsvCell[]): Promise<void> {
    await this.writeEncoded(encodeCsvRow(cells));
  }

  /** Appends a line produced by encodeCsvRow. */
  async writeEncoded(line: string): Promise<void> {
    this.buffer += line;
    this.rows++;
    if (this.buffer.length >= FLUSH_AT) await this.flush();
  }

  /** Flushes the buffer and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
