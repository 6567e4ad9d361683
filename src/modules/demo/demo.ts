import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { ADVISORY_LOCKS } from '../../db/locks.js';
import { logger } from '../../logger.js';
import { generateLoad } from '../generate/index.js';
import { importFolder } from '../loads/pipeline/runLoad.js';

/** The shipped reference folder (territories.csv, sectors.csv) the demo is generated from. */
export const DEMO_REFERENCE = fileURLToPath(new URL('../../../reference/', import.meta.url));

/**
 * Scales a first start may load: `national` (the default: every region at the published density)
 * or `demo` (a compact set: Vladimir at full density, the other regions thinner, weekly history).
 */
const DEMO_SCALES = ['national', 'demo'] as const;

/**
 * On first start with an empty database: the real territory tree (reference/territories.csv)
 * plus generated organisations, pages and observations (scale `national` unless `scaleName` says
 * `demo`; fixed seed, 90 days ending today), loaded through the ordinary import path (a first
 * load: see src/modules/loads).
 */
export async function loadDemoIfEmpty(pool: pg.Pool, scaleName = 'national'): Promise<boolean> {
  const scale = DEMO_SCALES.find((name) => name === (scaleName || 'national'));
  if (!scale) throw new Error(`DEMO_SCALE must be ${DEMO_SCALES.join(' or ')}, got "${scaleName}"`);
  // Processes starting together on one empty database load the demo once: the first to hold the
  // lock loads it, the others wait and then find it there.
  const lock = await pool.connect();
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-demo-'));
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.demo]);
    const { rows } = await lock.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM territory) AS empty');
    if (!rows[0].empty) return false;
    const started = Date.now();
    logger.info({ scale }, 'empty database: generating the demo data');
    await generateLoad({
      scale,
      outDir: folder,
      territoriesPath: path.join(DEMO_REFERENCE, 'territories.csv'),
      sectorsPath: path.join(DEMO_REFERENCE, 'sectors.csv'),
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
    await lock.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.demo]).catch(() => undefined);
    lock.release();
  }
}
