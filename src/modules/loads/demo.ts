import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { logger } from '../../logger.js';
import { generateLoad } from '../generate/index.js';
import { importFolder } from './importFolder.js';

const REFERENCE = fileURLToPath(new URL('../../../reference/', import.meta.url));

/**
 * On first start with an empty database: the real territory tree (reference/territories.csv)
 * plus generated organisations, pages and observations (scale `demo`, fixed seed, 90 days
 * ending today), loaded through the ordinary import path.
 */
export async function loadDemoIfEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM territory) AS empty');
  if (!rows[0].empty) return false;
  const started = Date.now();
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-demo-'));
  try {
    logger.info('empty database: generating the demo data');
    await generateLoad({
      scale: 'demo',
      outDir: folder,
      territoriesPath: path.join(REFERENCE, 'territories.csv'),
      sectorsPath: path.join(REFERENCE, 'sectors.csv'),
    });
    logger.info('loading the demo data');
    const result = await importFolder(pool, folder, { onPhase: (phase) => logger.info(`demo load: ${phase}`) });
    if (!result.ok) {
      throw new Error(
        `the demo data did not load: ${result.errors
          .slice(0, 5)
          .map((e) => `${e.file}:${e.line}: ${e.column}: ${e.reason}`)
          .join('; ')}`,
      );
    }
    logger.info({ files: result.files, ms: Date.now() - started }, 'demo data loaded');
    return true;
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}
