import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { execute } from '../helpers/executor.js';

await useTestDatabase();

describe('the API over a migrated database', () => {
  it('lists the seeded platforms', async () => {
    const response = await execute('{ platforms { code name } }');
    expect(response.errors).toBeUndefined();
    expect(response.data.platforms.map((p: { code: string }) => p.code)).toEqual(['VK', 'OK', 'TELEGRAM', 'MAX']);
  });
});
