import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { statsDetail } from '../../../src/modules/figures/detail.js';
import { loadFixture, TREE } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data } from '../../helpers/executor.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
});

/** Every territory code of the fixture. */
const CODES = TREE.split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => line.split(',')[0]!);

const FULL = `subscribers pages organisations organisationsWithPages
  byPlatform { platform { code } subscribers pages organisations }
  bySector { sector { code } subscribers pages organisations organisationsWithPages }`;
const PLATFORMS_ONLY = 'subscribers pages byPlatform { platform { code } subscribers pages }';
const WITH_ORGANISATIONS = 'subscribers organisations organisationsWithPages byPlatform { platform { code } subscribers organisations }';

/** Arguments of the stats fields compared: no filter, platform and sector filters, past days read forward and backward. */
const ARGUMENTS = [
  '',
  '(platforms: ["VK", "MAX"])',
  '(sectors: ["culture"])',
  '(at: "2025-03-15")',
  '(at: "2026-01-01", platforms: ["VK"])',
  '(at: "2025-04-01", sectors: ["education", "administration"])',
];

function pick(value: unknown, shape: unknown): unknown {
  if (Array.isArray(value)) return value.map((entry) => pick(entry, (shape as unknown[])[0]));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.keys(shape as object).map((key) => [key, pick((value as any)[key], (shape as any)[key])]));
  return value;
}

describe('stats read at the detail a request asks', () => {
  it('knows what a selection needs, through fragments', () => {
    const detail = (query: string) => {
      const document = parse(query);
      const operation = document.definitions.find((d) => d.kind === 'OperationDefinition')! as any;
      const fragments = Object.fromEntries(document.definitions.filter((d) => d.kind === 'FragmentDefinition').map((d: any) => [d.name.value, d]));
      return statsDetail({ fieldNodes: [operation.selectionSet.selections[0]], fragments });
    };
    expect(detail(`{ stats { ${PLATFORMS_ONLY} __typename } }`)).toBe(0);
    expect(detail(`{ stats { ${WITH_ORGANISATIONS} } }`)).toBe(1);
    expect(detail('{ stats { byPlatform { ...P } } } fragment P on PlatformStats { organisations }')).toBe(1);
    expect(detail('{ stats { ... on Stats { bySector { sector { code } } } } }')).toBe(2);
    expect(detail('{ stats { ...S } } fragment S on Stats { subscribers bySector { subscribers } }')).toBe(2);
    expect(detail('{ stats { ...Missing } }')).toBe(2);
  });

  it('gives the same figures at every detail as the full Stats, with every filter and past day', async () => {
    for (const args of ARGUMENTS) {
      const query = (fields: string) => `{ ${CODES.map((code, i) => `t${i}: territory(code: "${code}") { stats${args} { ${fields} } }`).join(' ')} }`;
      const full = await data(query(FULL));
      const platformsOnly = await data(query(PLATFORMS_ONLY));
      const withOrganisations = await data(query(WITH_ORGANISATIONS));
      for (const key of Object.keys(full)) {
        expect(platformsOnly[key], `${key} ${args}`).toEqual(pick(full[key], platformsOnly[key]));
        expect(withOrganisations[key], `${key} ${args}`).toEqual(pick(full[key], withOrganisations[key]));
      }
      // Something is there to compare.
      expect(full.t0.stats.subscribers).toBeGreaterThan(0);
    }
  });

  it('answers two fields of one territory at different details in one request', async () => {
    const result = await data(`{ territory(code: "17000000") { a: stats { subscribers } b: stats { ${FULL} } c: stats { organisations } } }`);
    expect(result.territory.a.subscribers).toBe(result.territory.b.subscribers);
    expect(result.territory.c.organisations).toBe(result.territory.b.organisations);
    expect(result.territory.b.bySector.length).toBeGreaterThan(0);
  });
});
