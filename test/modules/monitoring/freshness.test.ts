import { describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, execute } from '../../helpers/executor.js';
import { writeLoad } from '../../helpers/loads.js';
import { LoadModel, Rng } from '../../helpers/randomLoads.js';
import { Recount } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

/**
 * `Territory.freshness` after random loads (seeded: late, corrected and new observations, pages archived, moved and
 * marked, territories moved), against a recount page by page from the raw observations; the rollup it reads is also
 * compared with `npm run verify`'s recount.
 */
const SEED = Number(process.env.STATS_SEED ?? 20261205);
const LOADS = 14;
const TODAY = today();
const FRESHNESS = 'pages stalePages oldestObservedOn since olderThanDays';

describe(`freshness after random loads (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  const model = new LoadModel(rng, TODAY);

  it('equals a recount from the raw observations at random nodes and ages', { timeout: 120_000 }, async () => {
    for (let n = 0; n < LOADS; n++) {
      const result = await importFolder(pool, await writeLoad(n === 0 ? model.initialLoad() : model.randomLoad()));
      expect(result.errors, `load ${n}`).toEqual([]);
      const recount = await Recount.read(pool);
      const fields: string[] = [];
      const expected: Record<string, unknown> = {};
      for (let i = 0; i < 6; i++) {
        const code = i === 0 ? 'RU' : rng.pick(model.territoryCodes());
        const days = rng.pick([0, 1, 30, rng.int(0, 520)]);
        fields.push(`f${i}: territory(code: "${code}") { freshness(olderThanDays: ${days}) { ${FRESHNESS} } }`);
        const since = addDays(TODAY, -days);
        expected[`f${i}`] = { freshness: { ...recount.freshness(code, since), since, olderThanDays: days } };
      }
      const response = await execute(`{ ${fields.join('\n')} }`);
      expect(response.errors, `load ${n}`).toBeUndefined();
      for (const [alias, value] of Object.entries(expected)) {
        expect(response.data[alias], `load ${n} ${fields.find((f) => f.startsWith(`${alias}:`))}`).toEqual(value);
      }
      expect(await findRollupMismatches(pool, 20), `rollups after load ${n}`).toEqual([]);
    }
  });

  it('defaults to 30 days, and Page.observedOn is the latest observation day', async () => {
    const recount = await Recount.read(pool);
    const response = await execute('{ territory(code: "RU") { freshness { stalePages olderThanDays } } }');
    expect(response.data.territory.freshness).toEqual({ stalePages: recount.freshness('RU', addDays(TODAY, -30)).stalePages, olderThanDays: 30 });
    const [key] = model.pages.keys();
    const [platform, externalId] = key.split(':');
    const { rows } = await pool.query(
      `SELECT max(o.observed_on)::text AS day FROM observation o JOIN page p ON p.id = o.page_id JOIN platform f ON f.id = p.platform_id
        WHERE f.code = $1 AND p.external_id = $2`,
      [platform, externalId],
    );
    const page = await execute(`{ page(platform: "${platform}", externalId: "${externalId}") { observedOn observedAt } }`);
    expect(page.data.page).toEqual({ observedOn: rows[0].day, observedAt: rows[0].day });
  });

  it('is batched: a region and its children with freshness under two ages run the same statements for the federation as for a region', async () => {
    const query = `query Fresh($code: String!) { territory(code: $code) {
      freshness { stalePages } children(first: 100) { nodes { code a: freshness { stalePages } b: freshness(olderThanDays: 7) { pages oldestObservedOn } } } } }`;
    const federation = await countStatements(() => execute(query, { code: 'RU' }));
    const region = await countStatements(() => execute(query, { code: '01000000' }));
    expect(federation.result.errors).toBeUndefined();
    expect(region.statements).toBe(federation.statements);
    // The territory with its children (one statement) and one freshness statement per age.
    expect(region.statements).toBeLessThanOrEqual(3);
  });

  it('refuses an age out of range with BAD_USER_INPUT', async () => {
    for (const days of [-1, 3651]) {
      const response = await execute(`{ territory(code: "RU") { freshness(olderThanDays: ${days}) { stalePages } } }`);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain('olderThanDays');
    }
  });
});
