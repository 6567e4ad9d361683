import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../../src/db/migrate.js';
import { DEMO_REFERENCE, loadDemoIfEmpty } from '../../../src/modules/loads/demo.js';
import { useTestDatabase } from '../../helpers/database.js';

const { pool } = await useTestDatabase();

describe('the demo on first start', () => {
  it('reads the shipped reference files (the folder resolves to the project’s reference/)', () => {
    expect(path.basename(DEMO_REFERENCE)).toBe('reference');
    expect(existsSync(path.join(DEMO_REFERENCE, 'territories.csv'))).toBe(true);
    expect(existsSync(path.join(DEMO_REFERENCE, 'sectors.csv'))).toBe(true);
    expect(existsSync(path.join(DEMO_REFERENCE, '..', 'package.json'))).toBe(true);
    expect(existsSync(path.join(MIGRATIONS_DIR, '20261126000000_init', 'migration.sql'))).toBe(true);
  });

  it('refuses an unknown DEMO_SCALE before touching the database', async () => {
    await expect(loadDemoIfEmpty(pool, 'huge')).rejects.toThrow('DEMO_SCALE must be demo or national, got "huge"');
  });
});
