import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Cell, Column } from './tables.js';

/**
 * The two file formats of the exports, each a byte stream written batch by batch as the reader
 * asks for more (backpressure): a batch is read from the database only when the previous one has
 * been taken by the client.
 */

/** What a writer writes: the columns, then the batches of rows. */
export interface Sheet {
  title: string;
  columns: readonly Column[];
  batches: AsyncIterable<Cell[][]>;
}

/**
 * CSV (RFC 4180, comma, CRLF) in UTF-8 with a byte-order mark, so Excel in Russian opens it
 * right. csv-stringify quotes where needed and, with `escape_formulas`, neutralises text cells
 * beginning with `=`, `+`, `-`, `@`, a tab or a CR (and their full-width forms) with a leading
 * `'` (OWASP's advice on CSV injection); numbers stay numbers (a negative growth keeps its sign).
 */
export function csvStream(sheet: Sheet): ReadableStream<Uint8Array> {
  const options = { escape_formulas: true, record_delimiter: 'windows' as const };
  const encoder = new TextEncoder();
  const iterator = sheet.batches[Symbol.asyncIterator]();
  let header = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (header) {
          header = false;
          controller.enqueue(encoder.encode(`\uFEFF${stringify([sheet.columns.map((c) => c.header)], options)}`));
          return;
        }
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(stringify(next.value, options)));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

const NUMBER_FORMATS: Record<Column['kind'], string | undefined> = { text: '@', count: '#,##0', share: '0.0%' };

/**
 * XLSX through exceljs' streaming writer: one sheet, a bold header row frozen at the top, numbers
 * as numbers (counts with thousands separators, shares as percentages of their 0–1 value), text
 * as text (a cell is never a formula, whatever it begins with). Each batch's rows are committed
 * (written out and forgotten) before the next batch is read, and the next batch waits while the
 * client has not taken what was written.
 */
export function xlsxStream(sheet: Sheet): ReadableStream<Uint8Array> {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  void writeXlsx(sheet, out).catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return pulledFrom(out);
}

/**
 * A web stream that reads the Node stream only when the client pulls: unlike `Readable.toWeb`
 * (whose data listener enqueues into a controller the client may have closed, an uncaught
 * ERR_INVALID_STATE on Node 20 when a download is cancelled), nothing is enqueued after a cancel.
 */
function pulledFrom(out: PassThrough): ReadableStream<Uint8Array> {
  const chunks = out[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    },
    async cancel() {
      out.on('error', () => {}); // the writer's later writes into the destroyed stream fail quietly
      await chunks.return?.();
    },
  });
}

async function writeXlsx(sheet: Sheet, out: PassThrough): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const name = sheet.title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
  const worksheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = sheet.columns.map((column, index) => ({ key: String(index), width: column.width, style: { numFmt: NUMBER_FORMATS[column.kind] } }));
  const header = worksheet.addRow(sheet.columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  for await (const batch of sheet.batches) {
    if (out.destroyed) return;
    for (const cells of batch) worksheet.addRow(cells).commit();
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  }
  worksheet.commit();
  await workbook.commit();
}
