import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../src/modules/catalogue/catalogue.js';
import { resolveScopeFilter } from '../../../src/modules/figures/filter.js';
import { type FiguresEvent, type FiguresGroup, LiveFigures, readGroupStats } from '../../../src/modules/live/hub.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();
await loadTwoRegions(pool);

async function group(code: string, platforms: string[] | null): Promise<FiguresGroup> {
  const { rows } = await pool.query<{ id: number; code: string }>('SELECT id, code FROM territory WHERE code = $1', [code]);
  return { territory: rows[0], filter: resolveScopeFilter(await loadCatalogue(), { platforms, sectors: null }) };
}

async function observe(page: string, subscribers: number, day: string): Promise<void> {
  const result = await importFolder(
    pool,
    await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', page, subscribers, day]]) }),
  );
  expect(result.errors).toEqual([]);
}

describe('the live figures hub', () => {
  it('reads each distinct group once per round and tells only the groups whose figures changed, once', async () => {
    const rounds: number[] = [];
    const hub = new LiveFigures(async (groups) => {
      rounds.push(groups.length);
      return readGroupStats(groups);
    });
    const groups = [await group('17000000', null), await group('17000000', ['TELEGRAM']), await group('33000000', null)];
    const received: FiguresEvent[][] = [];
    const iterators = Array.from({ length: 60 }, (_, i) => {
      const events: FiguresEvent[] = [];
      received.push(events);
      const watch = hub.watch(groups[i % 3]);
      void (async () => {
        for await (const event of watch) events.push(event);
      })();
      return watch;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the baselines (one read per group)
    expect(hub.size).toEqual({ subscriptions: 60, groups: 3 });
    rounds.length = 0;

    await observe('school_a', 500, '2026-11-20');
    await hub.changed(7);
    expect(rounds).toEqual([3]); // one read of the three groups, not sixty
    await new Promise((resolve) => setImmediate(resolve));
    const counts = received.map((events) => events.length);
    // Vladimir unfiltered: one event each; Vladimir on TELEGRAM and Kirov: nothing changed.
    expect(counts.filter((_, i) => i % 3 === 0)).toEqual(Array(20).fill(1));
    expect(counts.filter((_, i) => i % 3 !== 0)).toEqual(Array(40).fill(0));
    expect(received[0][0].stats.subscribers).toBe(500n);
    expect(received[0][0].dataVersion).toBe(7);

    // A change announced with nothing changed for anyone: no event at all.
    await hub.changed(8);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received.map((events) => events.length)).toEqual(counts);

    // Two announcements while a round runs fold into one more round.
    rounds.length = 0;
    await observe('school_b', 900, '2026-11-20');
    await Promise.all([hub.changed(9), hub.changed(10), hub.changed(11)]);
    expect(rounds).toEqual([3, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received.filter((_, i) => i % 3 === 2).map((events) => events.length)).toEqual(Array(20).fill(1));

    // Leaving unsubscribes at once; the last one of a group removes the group.
    await Promise.all(iterators.map((watch) => watch.return()));
    expect(hub.size).toEqual({ subscriptions: 0, groups: 0 });
  });
});
