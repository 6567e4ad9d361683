import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * Writes a bulk load folder from CSV texts keyed by file name, under the run's scratch folder
 * (made and removed by globalSetup, so nothing is left behind and no hook is needed here).
 */
export async function writeLoad(files: Record<string, string>): Promise<string> {
  const folder = path.join(inject('scratchFolder'), `load-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(folder, { recursive: true });
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
