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

describe('errors', () => {
  it('shows GraphQL validation and variable errors as they are, so clients can fix their query', async () => {
    const unknownField = await execute('{ platforms { colour } }');
    expect(unknownField.errors?.[0].message).toContain('Cannot query field "colour" on type "Platform"');
    const missingVariable = await execute('query Q($code: String!) { territory(code: $code) { name } }');
    expect(missingVariable.errors?.[0].message).toContain('Variable "$code" of required type "String!" was not provided');
  });
});
