import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data, execute } from '../../helpers/executor.js';
import { writeLoad } from '../../helpers/loads.js';
import { LoadModel, Rng } from '../../helpers/randomLoads.js';
import { Recount } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

/**
 * The rankings COVERAGE, COMPLIANCE, GROWTH and STALE_SHARE after random loads: each list's order equals the
 * order of the figures recounted from raw rows (ties by name), in both directions, for a root list
 * and for children, and paging with cursors walks the same list.
 */
const TODAY = today();
const FROM = addDays(TODAY, -200);
const TO = addDays(TODAY, -20);
const rng = new Rng(20261205);
const model = new LoadModel(rng, TODAY);
let recount: Recount;

beforeAll(async () => {
  for (let n = 0; n < 8; n++) {
    const result = await importFolder(
      pool,
      await writeLoad(n === 0 ? model.initialLoad() : model.randomLoad({ organisations: 6, pages: 12, observations: 60 })),
    );
    expect(result.errors).toEqual([]);
  }
  recount = await Recount.read(pool);
}, 120_000);

type Field = 'COVERAGE' | 'COMPLIANCE' | 'GROWTH' | 'STALE_SHARE';
const STALE_DAYS = 120;
const ORDER_ARGS: Record<Field, string> = {
  COVERAGE: '',
  COMPLIANCE: ', required: ["VK", "OK"]',
  GROWTH: `, from: "${FROM}", to: "${TO}"`,
  STALE_SHARE: `, olderThanDays: ${STALE_DAYS}`,
};

function figure(field: Field, code: string): number {
  if (field === 'COVERAGE') {
    const stats = recount.territoryStats(code);
    return stats.organisations === 0 ? 0 : stats.organisationsWithPages / stats.organisations;
  }
  if (field === 'COMPLIANCE') return recount.compliance(code, ['VK', 'OK']).share;
  if (field === 'STALE_SHARE') {
    const freshness = recount.freshness(code, addDays(TODAY, -STALE_DAYS));
    return freshness.pages === 0 ? 0 : freshness.stalePages / freshness.pages;
  }
  return Number(recount.territoryStats(code, { at: TO }).subscribers) - Number(recount.territoryStats(code, { at: FROM }).subscribers);
}

/** Codes in the order of their recounted figure, ties by name (the model's names differ by code only). */
function expectedOrder(field: Field, direction: 'ASC' | 'DESC', codes: string[]): string[] {
  const sign = direction === 'ASC' ? 1 : -1;
  return [...codes].sort((a, b) => sign * (figure(field, a) - figure(field, b)) || (a < b ? -1 : 1));
}

const LEVELS = '[MUNICIPAL_DISTRICT, URBAN_OKRUG, URBAN_SETTLEMENT, RURAL_SETTLEMENT]';

describe('rankings', () => {
  for (const field of ['COVERAGE', 'COMPLIANCE', 'GROWTH', 'STALE_SHARE'] as const) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`orders by ${field} ${direction} as the recount does, and pages stably with cursors`, async () => {
        const order = `{ field: ${field}, direction: ${direction}${ORDER_ARGS[field]} }`;
        const all = await data(`{ territories(first: 100, filter: { levels: ${LEVELS} }, orderBy: ${order}) { nodes { code } } }`);
        const codes: string[] = all.territories.nodes.map((n: { code: string }) => n.code);
        expect(codes.length).toBeGreaterThan(20);
        expect(codes).toEqual(expectedOrder(field, direction, codes));
        // The figures are not all equal (the order says something).
        expect(new Set(codes.map((code) => figure(field, code))).size).toBeGreaterThan(1);

        const walked: string[] = [];
        let after: string | null = null;
        do {
          const slice: any = await data(
            `query ($after: String) { territories(first: 4, after: $after, filter: { levels: ${LEVELS} }, orderBy: ${order}) { pageInfo { hasNextPage endCursor } nodes { code } } }`,
            { after },
          );
          walked.push(...slice.territories.nodes.map((n: { code: string }) => n.code));
          after = slice.territories.pageInfo.hasNextPage ? slice.territories.pageInfo.endCursor : null;
        } while (after);
        expect(walked).toEqual(codes);

        const children = await data(`{ territory(code: "01000000") { children(first: 10, orderBy: ${order}) { nodes { code } } } }`);
        const childCodes = children.territory.children.nodes.map((n: { code: string }) => n.code);
        expect(childCodes).toEqual(expectedOrder(field, direction, childCodes));
      });
    }
  }

  it('refuses COMPLIANCE without required platforms, GROWTH without days, and unknown codes', async () => {
    const cases: [string, string][] = [
      ['{ field: COMPLIANCE }', 'orderBy.required'],
      ['{ field: COMPLIANCE, required: ["VK", "ICQ"] }', 'orderBy.required'],
      ['{ field: GROWTH, to: "2026-01-01" }', 'orderBy.from'],
      ['{ field: GROWTH, from: "2026-02-01", to: "2026-01-01" }', 'orderBy.from'],
      ['{ field: STALE_SHARE, olderThanDays: -1 }', 'orderBy.olderThanDays'],
      ['{ field: STALE_SHARE, olderThanDays: 4000 }', 'orderBy.olderThanDays'],
    ];
    for (const [order, argument] of cases) {
      for (const query of [
        `{ territories(first: 5, orderBy: ${order}) { nodes { code } } }`,
        `{ territory(code: "RU") { children(first: 5, orderBy: ${order}) { nodes { code } } } }`,
      ]) {
        const response = await execute(query);
        expect(response.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
        expect(response.errors?.[0]?.extensions?.argument, query).toBe(argument);
      }
    }
  });
});
