import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
});

/** Writes a bulk load folder from CSV texts keyed by file name; removed after the test file. */
export async function writeLoad(files: Record<string, string>): Promise<string> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-load-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(folder, name), text);
  return folder;
}

/** A CSV text from a header and rows (cells quoted when needed). */
export function csv(header: string, rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (value: string | number | null) => {
    if (value === null) return '';
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows.map((row) => row.map(cell).join(','))].join('\n') + '\n';
}

/** A small real-shaped tree: the federation, one district, Vladimir region and two of its municipalities. */
export const SMALL_TREE = csv('code,parent_code,level,name', [
  ['RU', null, 'FEDERATION', 'Российская Федерация'],
  ['FD-CENTRAL', 'RU', 'FEDERAL_DISTRICT', 'Центральный федеральный округ'],
  ['17000000', 'FD-CENTRAL', 'REGION', 'Владимирская область'],
  ['17646000', '17000000', 'MUNICIPAL_DISTRICT', 'Петушинский муниципальный район'],
  ['17646101', '17646000', 'URBAN_SETTLEMENT', 'Город Петушки'],
  ['17701000', '17000000', 'URBAN_OKRUG', 'город Владимир'],
]);

export const SECTORS = csv('code,name', [
  ['education', 'Образование'],
  ['culture', 'Культура'],
  ['administration', 'Органы власти'],
]);
