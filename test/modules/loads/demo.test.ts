import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../../src/db/migrate.js';
import { REFERENCE } from '../../../src/modules/loads/demo.js';

describe('the files the server reads at start', () => {
  it('are where the code looks for them (the demo data, the migrations)', () => {
    expect(fs.existsSync(path.join(REFERENCE, 'territories.csv'))).toBe(true);
    expect(fs.existsSync(path.join(REFERENCE, 'sectors.csv'))).toBe(true);
    expect(fs.readdirSync(MIGRATIONS_DIR).some((name) => fs.existsSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))).toBe(true);
  });
});
