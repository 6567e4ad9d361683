import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CsvWriter } from '../generate/csv-writer.js';
import type { RowError } from '../loads/rows/files.js';
import { FEDERAL_DISTRICTS, FEDERATION } from './federalDistricts.js';
import { parseRosstatOktmo } from './rosstat.js';

/**
 * Turns an official Rosstat OKTMO file into a bulk load folder holding `territories.csv`
 * (with the federation and the federal districts the regions attach to), streaming. Rows the
 * parser rejects (bad control digit, short row…) come back as errors; the caller loads nothing
 * then.
 */
export async function rosstatToLoadFolder(file: string): Promise<{ folder: string; errors: RowError[]; rows: number }> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-oktmo-'));
  const writer = CsvWriter.open(path.join(folder, 'territories.csv'), ['code', 'parent_code', 'level', 'name']);
  const errors: RowError[] = [];
  const name = path.basename(file);
  await writer.write([FEDERATION.code, null, 'FEDERATION', FEDERATION.name]);
  for (const district of FEDERAL_DISTRICTS) await writer.write([district.code, FEDERATION.code, 'FEDERAL_DISTRICT', district.name]);
  let rows = 0;
  for await (const row of parseRosstatOktmo(file)) {
    if (row.type === 'error') {
      errors.push({ file: name, line: row.line, column: '*', reason: row.message, code: 'INVALID' });
      continue;
    }
    rows++;
    await writer.write([row.code, row.parentCode, row.level, row.name]);
  }
  await writer.close();
  return { folder, errors, rows };
}
