import { describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { useTestDatabase } from '../../helpers/database.js';
import { execute } from '../../helpers/executor.js';
import { writeLoad } from '../../helpers/loads.js';
import { LoadModel, PLATFORMS, Rng } from '../../helpers/randomLoads.js';
import { type ExpectedStats, expectedPointDays, type Filter, Recount, STATS_SELECTION } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

/**
 * Random loads (seeded, deterministic): inserts, corrections, out-of-order days, organisations and
 * pages moved, pages archived and unarchived, territories moved. After each load the API's
 * figures for random nodes, filters and days must equal a recount from the raw rows, and the
 * rollups must equal `npm run verify`'s recount. STATS_SEED / STATS_LOADS override the defaults.
 */
const SEED = Number(process.env.STATS_SEED ?? 20261126);
const LOADS = Number(process.env.STATS_LOADS ?? 40);
const TODAY = today();
const STATS = STATS_SELECTION;
/** Figures by platform alone: read at the lowest detail (no sector filter: from territory_platform_rollup). */
const BY_PLATFORM = 'subscribers pages verifiedPages verifiedSubscribers byPlatform { platform { code } subscribers pages verifiedPages verifiedSubscribers }';

/** The by-platform part of recounted Stats (what BY_PLATFORM asks). */
function byPlatformOf(stats: ExpectedStats) {
  return {
    subscribers: stats.subscribers,
    pages: stats.pages,
    verifiedPages: stats.verifiedPages,
    verifiedSubscribers: stats.verifiedSubscribers,
    byPlatform: stats.byPlatform.map(({ platform, subscribers, pages, verifiedPages, verifiedSubscribers }) => ({
      platform,
      subscribers,
      pages,
      verifiedPages,
      verifiedSubscribers,
    })),
  };
}

function graphqlList(codes: readonly string[] | null | undefined): string {
  return codes ? `[${codes.map((c) => JSON.stringify(c)).join(', ')}]` : 'null';
}

describe(`random loads (seed ${SEED})`, () => {
  it(`keeps every figure equal to a recount from the raw rows over ${LOADS} loads`, { timeout: 120_000 }, async () => {
    const rng = new Rng(SEED);
    const model = new LoadModel(rng, TODAY);
    const randomDay = (back: number, ahead = 0) => addDays(TODAY, rng.int(-back, ahead));
    const randomFilter = (): Filter => ({
      platforms: rng.chance(0.5) ? null : rng.subset(PLATFORMS),
      sectors: rng.chance(0.6) ? null : rng.subset(model.sectors),
    });

    for (let n = 0; n < LOADS; n++) {
      const files = n === 0 ? model.initialLoad() : model.randomLoad();
      const result = await importFolder(pool, await writeLoad(files));
      expect(result.errors, `load ${n}`).toEqual([]);
      const recount = await Recount.read(pool);

      // One request asking many figures under different filters (batched by filter).
      const fields: string[] = [];
      const expected: Record<string, unknown> = {};
      for (let i = 0; i < 6; i++) {
        const code = rng.pick(model.territoryCodes());
        const filter: Filter = { ...randomFilter(), at: rng.chance(0.4) ? null : randomDay(520, 3) };
        fields.push(
          `s${i}: territory(code: "${code}") { stats(platforms: ${graphqlList(filter.platforms)}, sectors: ${graphqlList(filter.sectors)}, at: ${filter.at ? `"${filter.at}"` : 'null'}) { ${STATS} } }`,
        );
        expected[`s${i}`] = { stats: recount.territoryStats(code, filter) };
      }
      {
        const code = rng.pick(model.territoryCodes());
        const filter = randomFilter();
        const interval = rng.pick(['DAY', 'WEEK', 'MONTH'] as const);
        const from = randomDay(520, 2);
        const to = addDays(from, rng.int(0, interval === 'DAY' ? 60 : 200));
        fields.push(
          `h: territory(code: "${code}") { history(from: "${from}", to: "${to}", interval: ${interval}, platforms: ${graphqlList(filter.platforms)}, sectors: ${graphqlList(filter.sectors)}) { date subscribers } }`,
        );
        expected.h = { history: recount.territoryHistory(code, expectedPointDays(from, to, interval), filter) };
      }
      for (let i = 0; i < 2; i++) {
        const code = rng.pick(model.territoryCodes());
        const filter: Filter = { ...randomFilter(), at: rng.chance(0.6) ? null : randomDay(520, 3) };
        fields.push(
          `b${i}: territory(code: "${code}") { stats(platforms: ${graphqlList(filter.platforms)}, sectors: ${graphqlList(filter.sectors)}, at: ${filter.at ? `"${filter.at}"` : 'null'}) { ${BY_PLATFORM} } }`,
        );
        expected[`b${i}`] = { stats: byPlatformOf(recount.territoryStats(code, filter)) };
      }
      const parent = rng.pick(model.territoryCodes().filter((code) => [...model.territories.values()].some((t) => t.parentCode === code)));
      fields.push(
        `c: territory(code: "${parent}") { children(first: 100, orderBy: { field: SUBSCRIBERS, direction: DESC }) { nodes { code stats { ${BY_PLATFORM} } } } }`,
      );
      for (let i = 0; i < 2; i++) {
        const code = rng.pick(model.territoryCodes());
        const filter = randomFilter();
        const from = randomDay(520, 2);
        const to = addDays(from, rng.int(0, 500));
        fields.push(
          `g${i}: territory(code: "${code}") { growth(from: "${from}", to: "${to}", platforms: ${graphqlList(filter.platforms)}, sectors: ${graphqlList(filter.sectors)}) { from to subscribersFrom subscribersTo change } }`,
        );
        const [a, b] = [recount.territoryStats(code, { ...filter, at: from }), recount.territoryStats(code, { ...filter, at: to })];
        expected[`g${i}`] = {
          growth: { from, to, subscribersFrom: a.subscribers, subscribersTo: b.subscribers, change: Number(b.subscribers) - Number(a.subscribers) },
        };
      }
      for (let i = 0; i < 3 && model.organisations.size; i++) {
        const externalId = rng.pick([...model.organisations.keys()]);
        const filter = { platforms: rng.chance(0.5) ? null : rng.subset(PLATFORMS), at: rng.chance(0.5) ? null : randomDay(520, 3) };
        fields.push(
          `o${i}: organisation(externalId: "${externalId}") { stats(platforms: ${graphqlList(filter.platforms)}, at: ${filter.at ? `"${filter.at}"` : 'null'}) { ${STATS} } }`,
        );
        expected[`o${i}`] = { stats: recount.organisationStats(externalId, filter) };
      }
      if (model.pages.size) {
        const [platform, externalId] = rng.pick([...model.pages.keys()]).split(':');
        const interval = rng.pick(['DAY', 'WEEK', 'MONTH'] as const);
        const from = randomDay(520, 2);
        const to = addDays(from, rng.int(0, interval === 'DAY' ? 60 : 300));
        fields.push(
          `p: page(platform: "${platform}", externalId: "${externalId}") { history(from: "${from}", to: "${to}", interval: ${interval}) { date subscribers } }`,
        );
        expected.p = { history: recount.pageHistory(platform, externalId, expectedPointDays(from, to, interval)) };
      }
      const response = await execute(`{ ${fields.join('\n')} }`);
      expect(response.errors, `load ${n}`).toBeUndefined();
      // A parent's children ranked by subscribers, each with its figures by platform: every child, in order, each exact.
      const children = (response.data.c as { children: { nodes: { code: string; stats: ReturnType<typeof byPlatformOf> }[] } }).children.nodes;
      const childCodes = [...model.territories.values()].filter((t) => t.parentCode === parent).map((t) => t.code);
      expect(children.map((c) => c.code).sort(), `load ${n}, children of ${parent}`).toEqual(childCodes.sort().slice(0, 100));
      for (const child of children) expect(child.stats, `load ${n}, child ${child.code}`).toEqual(byPlatformOf(recount.territoryStats(child.code)));
      const ranked = children.map((c) => BigInt(c.stats.subscribers as number));
      expect(
        ranked.every((v, i) => i === 0 || ranked[i - 1] >= v),
        `load ${n}, order of ${parent}'s children`,
      ).toBe(true);
      for (const [alias, value] of Object.entries(expected)) {
        expect(response.data[alias], `load ${n}, ${fields.find((f) => f.startsWith(`${alias}:`))}`).toEqual(value);
      }
      expect(await findRollupMismatches(pool, 20), `rollups after load ${n}`).toEqual([]);
      const since = randomDay(520);
      expect(await findRollupMismatches(pool, 20, { since }), `history since ${since} after load ${n}`).toEqual([]);
    }
  });
});
