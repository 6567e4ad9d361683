import { describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { ANOMALY_FLOOR } from '../../../src/modules/monitoring/anomalyFloor.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, data, execute } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { LoadModel, Rng } from '../../helpers/randomLoads.js';
import { Recount } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

/**
 * `anomalies` after random loads (seeded: new, late and corrected observations, pages archived, moved and marked,
 * organisations and territories moved), against the steps recounted page by page from the raw observations, at random
 * nodes, ranges and thresholds; then paging, a late observation splitting a step, and the refusals.
 */
const SEED = Number(process.env.STATS_SEED ?? 20261206);
const LOADS = 14;
const TODAY = today();
const NODE = 'page { platform { code } externalId } date since before after change';

const load = async (files: Record<string, string>) => {
  const result = await importFolder(pool, await writeLoad(files));
  expect(result.errors).toEqual([]);
};

describe(`anomalies after random loads (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  const model = new LoadModel(rng, TODAY);

  it('equal the steps recounted from the raw observations at random nodes, ranges and thresholds', { timeout: 150_000 }, async () => {
    for (let n = 0; n < LOADS; n++) {
      await load(n === 0 ? model.initialLoad() : model.randomLoad({ observations: rng.int(10, 40) }));
      const recount = await Recount.read(pool);
      const fields: string[] = [];
      const expected: Record<string, ReturnType<Recount['anomalies']>> = {};
      for (let i = 0; i < 5; i++) {
        const code = i === 0 ? 'RU' : rng.pick(model.territoryCodes());
        const to = addDays(TODAY, -rng.int(0, 200));
        const from = addDays(to, -rng.int(0, 365));
        const minChange = rng.pick([ANOMALY_FLOOR.change, 500, rng.int(100, 150_000)]);
        const minChangePercent = rng.pick([ANOMALY_FLOOR.percent, 20, rng.int(5, 400)]);
        fields.push(
          `a${i}: anomalies(within: "${code}", from: "${from}", to: "${to}", minChange: ${minChange}, minChangePercent: ${minChangePercent}, first: 100) { totalCount nodes { ${NODE} } }`,
        );
        expected[`a${i}`] = recount.anomalies(code, { from, to, minChange, minChangePercent });
      }
      const response = await execute(`{ ${fields.join('\n')} }`);
      expect(response.errors, `load ${n}`).toBeUndefined();
      for (const [alias, steps] of Object.entries(expected)) {
        const got = response.data[alias];
        const what = `load ${n} ${fields.find((f) => f.startsWith(`${alias}:`))}`;
        expect(got.totalCount, what).toBe(steps.length);
        expect(got.nodes, what).toEqual(steps.slice(0, 100));
      }
      expect(await findRollupMismatches(pool, 20), `rollups after load ${n}`).toEqual([]);
    }
  });

  it('pages through a long list with cursors, newest first, in a few statements at any depth', async () => {
    const args = `within: "RU", from: "${addDays(TODAY, -365)}", to: "${TODAY}", minChange: 100, minChangePercent: 5`;
    const all = await data(`{ anomalies(${args}, first: 100) { totalCount nodes { date page { externalId } } } }`);
    expect(all.anomalies.totalCount).toBeGreaterThan(14);
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const slice: any = await data(
        `query Walk($after: String) { anomalies(${args}, first: 7, after: $after) { pageInfo { hasNextPage endCursor } nodes { date page { externalId } } } }`,
        { after },
      );
      walked.push(...slice.anomalies.nodes.map((a: { date: string; page: { externalId: string } }) => `${a.date} ${a.page.externalId}`));
      after = slice.anomalies.pageInfo.hasNextPage ? slice.anomalies.pageInfo.endCursor : null;
    } while (after);
    expect(walked).toHaveLength(all.anomalies.totalCount);
    expect(walked.slice(0, 100)).toEqual(all.anomalies.nodes.map((a: { date: string; page: { externalId: string } }) => `${a.date} ${a.page.externalId}`));
    const dates = walked.map((w) => w.slice(0, 10));
    expect(dates).toEqual([...dates].sort().reverse());
    // The slice with its count, then its pages in one batched read (and their platforms): not one statement per node.
    const few = await countStatements(() => execute(`{ anomalies(${args}, first: 3) { totalCount nodes { ${NODE} } } }`));
    const many = await countStatements(() => execute(`{ anomalies(${args}, first: 50) { totalCount nodes { ${NODE} } } }`));
    expect(many.statements, many.sql.join('\n')).toBe(few.statements);
    expect(many.statements).toBeLessThanOrEqual(6);
    const plain = await countStatements(() => execute(`{ anomalies(${args}, first: 50) { totalCount nodes { date page { externalId } } } }`));
    expect(plain.statements).toBe(2);
  });

  it('stay exact when a late observation splits a step and when a correction removes one', async () => {
    const [d1, d5, d10] = [addDays(TODAY, -10), addDays(TODAY, -5), TODAY];
    await load({
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['jump-org', 'Школа', 'INSTITUTION', '01601101', 'education', null, null],
      ]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'jumper', 'jump-org', 'https://vk.com/jumper', 'Прыгун', 'true', 'ACTIVE'],
      ]),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [
        ['VK', 'jumper', 1000, d1],
        ['VK', 'jumper', 2000, d10],
      ]),
    });
    const steps = async () =>
      (await data(`{ anomalies(within: "01601101", from: "${d1}", to: "${d10}", minChange: 100, minChangePercent: 5) { nodes { date since before after } } }`))
        .anomalies.nodes;
    expect(await steps()).toEqual([{ date: d10, since: d1, before: 1000, after: 2000 }]);
    // A late observation between them: two steps, the later one re-based.
    await load({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'jumper', 1900, d5]]) });
    expect(await steps()).toEqual([
      { date: d10, since: d5, before: 1900, after: 2000 },
      { date: d5, since: d1, before: 1000, after: 1900 },
    ]);
    // A correction of the late day: no step into it, one step out of it.
    await load({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'jumper', 1000, d5]]) });
    expect(await steps()).toEqual([{ date: d10, since: d5, before: 1000, after: 2000 }]);
    // Archived: listed nowhere; active again: back.
    const page = (status: string) => ({
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'jumper', 'jump-org', 'https://vk.com/jumper', 'Прыгун', 'true', status],
      ]),
    });
    await load(page('ARCHIVED'));
    expect(await steps()).toEqual([]);
    await load(page('ACTIVE'));
    expect(await steps()).toHaveLength(1);
    expect(await findRollupMismatches(pool, 20)).toEqual([]);
  });

  it('refuses thresholds below the floor, long or reversed ranges, big slices and malformed codes', async () => {
    const base = { within: '"RU"', from: `"${addDays(TODAY, -30)}"`, to: `"${TODAY}"` };
    const cases: [Record<string, string>, string][] = [
      [{ minChange: '99' }, 'minChange'],
      [{ minChangePercent: '4.5' }, 'minChangePercent'],
      [{ from: `"${addDays(TODAY, -400)}"` }, 'to'],
      [{ from: `"${addDays(TODAY, 1)}"` }, 'from'],
      [{ first: '101' }, 'first'],
      [{ within: '"not a code"' }, 'within'],
    ];
    for (const [change, argument] of cases) {
      const args = Object.entries({ ...base, ...change })
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      const response = await execute(`{ anomalies(${args}) { totalCount } }`);
      expect(response.errors?.[0]?.extensions?.code, args).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.argument, args).toBe(argument);
    }
    // An unknown (well-formed) code lists nothing.
    expect((await data(`{ anomalies(within: "99999999", from: "${addDays(TODAY, -30)}", to: "${TODAY}") { totalCount } }`)).anomalies.totalCount).toBe(0);
  });
});
