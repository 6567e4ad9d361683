import { describe, expect, it } from 'vitest';
import { today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { useTestDatabase } from '../../helpers/database.js';
import { execute } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { type LoadFiles, LoadModel, Rng } from '../../helpers/randomLoads.js';
import { Recount, STATS_SELECTION } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

const STATS = STATS_SELECTION;

/** Appends observation rows to a load (adding the file when it has none). */
function withObservations(files: LoadFiles, rows: [string, string, number, string][]): LoadFiles {
  if (!rows.length) return files;
  const header = 'platform,external_id,subscribers,observed_on';
  const existing = files['observations.csv'];
  return { ...files, 'observations.csv': existing ? existing + csv(header, rows).slice(header.length + 1) : csv(header, rows) };
}

describe('concurrent loads', () => {
  it('over overlapping subtrees both apply, and the figures equal a recount', { timeout: 120_000 }, async () => {
    const rng = new Rng(7);
    const day = today();
    // Two sources writing into the same tree: every load touches the rollup rows of the same
    // ancestors (RU, the districts, the regions); B also observes A's pages.
    const a = new LoadModel(rng, day, 'a-');
    const b = new LoadModel(rng, day, 'b-');
    expect((await importFolder(pool, await writeLoad(a.initialLoad()))).errors).toEqual([]);
    expect((await importFolder(pool, await writeLoad(b.randomLoad({ organisations: 8, pages: 14, observations: 40 })))).errors).toEqual([]);

    for (let round = 0; round < 6; round++) {
      const ofA = a.observationRows(50); // of A's pages loaded already, before x adds more
      const x = a.randomLoad({ organisations: 15, pages: 40, observations: 400, territoryMoves: false });
      const y = withObservations(b.randomLoad({ organisations: 15, pages: 40, observations: 400, territoryMoves: false }), ofA);
      const [fx, fy] = [await writeLoad(x), await writeLoad(y)];
      const times: Record<string, { start?: number; end?: number }> = { x: {}, y: {} };
      const run = async (name: 'x' | 'y', folder: string) => {
        const result = await importFolder(pool, folder, { onPhase: () => (times[name].start ??= performance.now()) });
        times[name].end = performance.now();
        return result;
      };
      const [rx, ry] = await Promise.all([run('x', fx), run('y', fy)]);
      expect(rx.errors, `round ${round}, load x`).toEqual([]);
      expect(ry.errors, `round ${round}, load y`).toEqual([]);
      // They did run at the same time: each started before the other ended.
      expect(Math.max(times.x.start!, times.y.start!)).toBeLessThan(Math.min(times.x.end!, times.y.end!));

      const recount = await Recount.read(pool);
      const codes = ['RU', 'FD-NORTH', 'FD-SOUTH', '01000000', '03000000', '04000000', rng.pick(a.territoryCodes()), rng.pick(a.territoryCodes())];
      const response = await execute(`{ ${codes.map((code, i) => `t${i}: territory(code: "${code}") { stats { ${STATS} } }`).join('\n')} }`);
      expect(response.errors).toBeUndefined();
      codes.forEach((code, i) => {
        expect(response.data[`t${i}`].stats, `round ${round}, ${code}`).toEqual(recount.territoryStats(code));
      });
      expect(await findRollupMismatches(pool, 20), `rollups after round ${round}`).toEqual([]);
    }
  });
});
