import { describe, expect, it } from 'vitest';
import { today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, execute } from '../../helpers/executor.js';
import { writeLoad } from '../../helpers/loads.js';
import { LoadModel, PLATFORMS, Rng } from '../../helpers/randomLoads.js';
import { Recount } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

/**
 * Compliance and `organisations(filter: { missingPlatforms })` after random loads (seeded), against a
 * recount organisation by organisation from the raw page rows (not the maintained masks).
 */
const SEED = Number(process.env.STATS_SEED ?? 20261204);
const LOADS = 12;
const COMPLIANCE = 'organisations compliant share missing { platform { code } organisations }';

const list = (codes: readonly string[] | null) => (codes ? `[${codes.map((c) => JSON.stringify(c)).join(', ')}]` : 'null');

describe(`compliance after random loads (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  const model = new LoadModel(rng, today());

  it('equals a recount from the raw rows at random nodes, required platforms and sectors', { timeout: 120_000 }, async () => {
    for (let n = 0; n < LOADS; n++) {
      const result = await importFolder(pool, await writeLoad(n === 0 ? model.initialLoad() : model.randomLoad()));
      expect(result.errors, `load ${n}`).toEqual([]);
      const recount = await Recount.read(pool);
      const fields: string[] = [];
      const expected: Record<string, unknown> = {};
      for (let i = 0; i < 5; i++) {
        const code = rng.pick(model.territoryCodes());
        const required = rng.subset(PLATFORMS);
        const sectors = rng.chance(0.5) ? null : rng.subset(model.sectors);
        fields.push(`c${i}: territory(code: "${code}") { compliance(required: ${list(required)}, sectors: ${list(sectors)}) { ${COMPLIANCE} } }`);
        expected[`c${i}`] = { compliance: recount.compliance(code, required, sectors) };
        const missing = rng.subset(PLATFORMS);
        fields.push(
          `m${i}: organisations(first: 100, filter: { within: "${code}", missingPlatforms: ${list(missing)}, sectors: ${list(sectors)} }) { totalCount nodes { externalId } }`,
        );
        const ids = recount.organisationsWithin(code, sectors).filter((id) => {
          const platforms = recount.activePlatforms(id);
          return missing.some((p) => !platforms.has(p));
        });
        expected[`m${i}`] = ids;
      }
      const response = await execute(`{ ${fields.join('\n')} }`);
      expect(response.errors, `load ${n}`).toBeUndefined();
      for (const [alias, value] of Object.entries(expected)) {
        const got = response.data[alias];
        if (alias.startsWith('m')) {
          const ids = value as string[];
          expect(got.totalCount, `load ${n} ${alias}`).toBe(ids.length);
          if (ids.length <= 100) expect(got.nodes.map((o: { externalId: string }) => o.externalId).sort(), `load ${n} ${alias}`).toEqual([...ids].sort());
        } else {
          expect(got, `load ${n} ${fields.find((f) => f.startsWith(`${alias}:`))}`).toEqual(value);
        }
      }
    }
  });

  it('is batched: children with two compliances each run the same few statements for 2 or 3 children', async () => {
    const query = `query ($code: String!) { territory(code: $code) { children(first: 100) { nodes { code
      a: compliance(required: ["VK", "OK"]) { ${COMPLIANCE} }
      b: compliance(required: ["TELEGRAM"], sectors: ["education"]) { ${COMPLIANCE} } } } } }`;
    const federation = await countStatements(() => execute(query, { code: 'RU' }));
    const region = await countStatements(() => execute(query, { code: '01000000' }));
    expect(federation.result.errors).toBeUndefined();
    expect(region.result.errors).toBeUndefined();
    expect(federation.result.data.territory.children.nodes).toHaveLength(2);
    expect(region.result.data.territory.children.nodes).toHaveLength(3);
    expect(region.statements).toBe(federation.statements);
    // The territory with its children (read ahead in one statement), the catalogue, one statement per sector filter of compliance.
    expect(region.statements).toBeLessThanOrEqual(3);
    const recount = await Recount.read(pool);
    for (const child of region.result.data.territory.children.nodes) {
      expect(child.a).toEqual(recount.compliance(child.code, ['VK', 'OK']));
      expect(child.b).toEqual(recount.compliance(child.code, ['TELEGRAM'], ['education']));
    }
  });

  it('reads a territory and its compliance without sectors in one statement (read along), with sectors in two', async () => {
    const recount = await Recount.read(pool);
    const plain = await countStatements(() => execute(`{ territory(code: "01000000") { code compliance(required: ["VK", "OK"]) { ${COMPLIANCE} } } }`));
    expect(plain.result.data.territory.compliance).toEqual(recount.compliance('01000000', ['VK', 'OK']));
    expect(plain.statements).toBe(1);
    const narrowed = await countStatements(() =>
      execute(`{ territory(code: "01000000") { compliance(required: ["OK"], sectors: ["sport"]) { ${COMPLIANCE} } } }`),
    );
    expect(narrowed.result.data.territory.compliance).toEqual(recount.compliance('01000000', ['OK'], ['sport']));
    expect(narrowed.statements).toBe(2);
  });

  it('refuses unknown and missing platform codes with BAD_USER_INPUT', async () => {
    const unknown = await execute('{ territory(code: "RU") { compliance(required: ["VK", "FACEBOOK"]) { compliant } } }');
    expect(unknown.data).toEqual({ territory: null });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.message).toContain('"FACEBOOK"');
    expect(unknown.errors?.[0]?.message).toContain('Known platforms');
    const none = await execute('{ territory(code: "RU") { compliance(required: []) { compliant } } }');
    expect(none.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(none.errors?.[0]?.extensions?.argument).toBe('required');
    const filter = await execute('{ organisations(filter: { missingPlatforms: ["MYSPACE"] }) { totalCount } }');
    expect(filter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(filter.errors?.[0]?.extensions?.argument).toBe('filter.missingPlatforms');
  });
});
