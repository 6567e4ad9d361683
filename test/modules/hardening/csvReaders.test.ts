import fs from 'node:fs/promises';
import path from 'node:path';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { bulkFile, columnNames, type RowError } from '../../../src/modules/loads/rows/files.js';
import { folderSource } from '../../../src/modules/loads/rows/source.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { writeLoad } from '../../helpers/loads.js';

/**
 * The CSV readers against the reference parser (csv-parse's synchronous parser, read whole), for
 * random files and random byte damage: the streamed reader of a folder yields the same rows, with
 * the lines they start on, or reports the same named error (`malformed CSV`); the whole load
 * pipeline (PostgreSQL's own CSV reader for plain observation files, Node's for the rest) counts
 * the same rows or fails on the same error, and applies nothing in a dry run.
 */
const { pool } = await useTestDatabase();
const OBSERVATIONS = bulkFile('observations');
const COLUMNS = columnNames(OBSERVATIONS);
const HEADER = COLUMNS.join(',');

beforeAll(async () => {
  await loadFixture(pool);
});

/** A cell as a CSV writer might write it: plain, or quoted (with quotes, commas, line breaks inside). */
const cell = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/),
  fc.string({ maxLength: 10 }).map((text) => `"${text.replaceAll('"', '""')}"`),
  fc.constantFrom('VK', 'OK', 'adm33', 'elkino_dk', '1200', '2025-04-01', '', '"a,b"', '"line\nbreak"', '"q""uote"', 'пётр'),
);
const record = fc.array(cell, { minLength: 1, maxLength: 6 }).map((cells) => cells.join(','));
const file = fc.record({
  bom: fc.boolean(),
  crlf: fc.boolean(),
  records: fc.array(fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: fc.constant('') }), { maxLength: 12 }),
  finalBreak: fc.boolean(),
});
/** Byte damage: a byte replaced, inserted or removed, among the bytes CSV cares about or any. */
const damage = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('replace', 'insert', 'delete'),
    byte: fc.oneof(fc.constantFrom(0x22, 0x2c, 0x0a, 0x0d, 0x00, 0xff, 0xd0), fc.integer({ min: 0, max: 255 })),
  }),
  { maxLength: 3 },
);

function bytesOf(spec: { bom: boolean; crlf: boolean; records: string[]; finalBreak: boolean }, damages: { at: number; kind: string; byte: number }[]): Buffer {
  const br = spec.crlf ? '\r\n' : '\n';
  const text = [HEADER, ...spec.records].join(br) + (spec.finalBreak ? br : '');
  let bytes = [...Buffer.concat([spec.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)])];
  for (const { at, kind, byte } of damages) {
    const i = bytes.length ? at % bytes.length : 0;
    if (kind === 'replace' && bytes.length) bytes[i] = byte;
    else if (kind === 'insert') bytes.splice(i, 0, byte);
    else if (bytes.length) bytes.splice(i, 1);
    bytes = bytes.slice();
  }
  return Buffer.from(bytes);
}

type Reference = { kind: 'malformed' } | { kind: 'header'; header: string[] } | { kind: 'rows'; rows: { line: number; record: string[] }[] };

/** What the reference parser reads: malformed, a header that is not the file's, or the records after the header with their first lines. */
function reference(bytes: Buffer): Reference {
  let records: string[][];
  let infos: { info: { lines: number } }[];
  try {
    const parsed = parse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: false, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    records = parsed.map((entry) => entry.record);
    infos = parsed;
  } catch (error) {
    if (error instanceof CsvError) return { kind: 'malformed' };
    throw error;
  }
  const rows: { line: number; record: string[] }[] = [];
  let header: string[] | undefined;
  let line = 1;
  for (let i = 0; i < records.length; i++) {
    const first = line;
    line = infos[i].info.lines + 1; // the line after this record's last
    if (records[i].length === 1 && records[i][0] === '') continue;
    if (!header) {
      header = records[i].map((name) => name.trim());
      if (header.join(',') !== HEADER) return { kind: 'header', header };
      continue;
    }
    rows.push({ line: first, record: records[i] });
  }
  return { kind: 'rows', rows };
}

async function streamed(bytes: Buffer): Promise<{ rows: { line: number; values: Record<string, string>; rejected?: boolean }[]; errors: RowError[] }> {
  const folder = await writeLoad({});
  await fs.writeFile(path.join(folder, OBSERVATIONS.file), bytes);
  const source = await folderSource(folder);
  const errors: RowError[] = [];
  const rows = [];
  for await (const row of source.rows(
    OBSERVATIONS,
    (error) => errors.push(error),
    () => undefined,
  ))
    rows.push(row);
  await fs.rm(folder, { recursive: true, force: true });
  return { rows, errors };
}

describe('the CSV readers against csv-parse', () => {
  it('the streamed reader yields the reference rows and lines, or the same named error, for random damaged files', async () => {
    await fc.assert(
      fc.asyncProperty(file, damage, async (spec, damages) => {
        const bytes = bytesOf(spec, damages);
        const expected = reference(bytes);
        const { rows, errors } = await streamed(bytes);
        if (expected.kind === 'malformed') {
          // Refused: as malformed, or, when its header is wrong already, by the header (read first, the file stops there).
          const named = errors.some((error) => error.reason.startsWith('malformed CSV'));
          const header = rows.length === 0 && errors.length > 0 && errors.every((error) => !error.reason.startsWith('expected'));
          expect(named || header, JSON.stringify(errors)).toBe(true);
          return;
        }
        if (expected.kind === 'header') {
          if (expected.header.length) expect(errors.length).toBeGreaterThan(0);
          expect(rows).toEqual([]);
          return;
        }
        expect(errors.filter((error) => error.reason.startsWith('malformed CSV'))).toEqual([]);
        expect(rows.map((row) => row.line)).toEqual(expected.rows.map((row) => row.line));
        for (let i = 0; i < rows.length; i++) {
          const { record } = expected.rows[i];
          if (record.length !== COLUMNS.length || record.some((value) => value.includes('\u0000'))) {
            expect(rows[i].rejected).toBe(true);
            continue;
          }
          const values = Object.fromEntries(COLUMNS.map((column, c) => [column, record[c]]).filter(([, value]) => value !== ''));
          expect(rows[i]).toEqual({ line: expected.rows[i].line, values });
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('the load pipeline (PostgreSQL’s reader for plain files, Node’s for the rest) counts the reference rows or fails on the same error, applying nothing', async () => {
    const observed = fc.record({
      page: fc.constantFrom(['VK', 'adm33'], ['VK', 'elkino_dk'], ['TELEGRAM', 'adm33tg']),
      subscribers: fc.nat({ max: 10_000_000 }),
      day: fc.integer({ min: 1, max: 28 }),
      quoted: fc.boolean(),
    });
    const observations = fc.array(observed, { maxLength: 20 }).map((rows) =>
      rows.map(({ page, subscribers, day, quoted }) => {
        const cells = [page[0], page[1], String(subscribers), `2025-02-${String(day).padStart(2, '0')}`];
        return (quoted ? cells.map((value) => `"${value}"`) : cells).join(',');
      }),
    );
    const before = (await pool.query('SELECT count(*)::int AS n, coalesce(sum(subscribers), 0)::text AS s FROM observation')).rows[0];
    await fc.assert(
      fc.asyncProperty(observations, fc.boolean(), damage, async (records, crlf, damages) => {
        const bytes = bytesOf({ bom: false, crlf, records, finalBreak: true }, damages);
        const expected = reference(bytes);
        const folder = await writeLoad({});
        await fs.writeFile(path.join(folder, OBSERVATIONS.file), bytes);
        const result = await importFolder(pool, folder, { dryRun: true });
        await fs.rm(folder, { recursive: true, force: true });
        if (expected.kind === 'malformed') {
          expect(result.ok).toBe(false);
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        if (expected.kind === 'header') {
          expect(result.ok).toBe(false);
          return;
        }
        expect(result.errors.filter((error) => error.reason.startsWith('malformed CSV'))).toEqual([]);
        expect(result.files.find((summary) => summary.file === OBSERVATIONS.file)?.rows).toBe(expected.rows.length);
      }),
      { numRuns: 40 },
    );
    expect((await pool.query('SELECT count(*)::int AS n, coalesce(sum(subscribers), 0)::text AS s FROM observation')).rows[0]).toEqual(before);
  }, 180_000);
});
