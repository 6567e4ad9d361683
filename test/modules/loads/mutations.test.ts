import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { executeAs } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { Rng } from '../../helpers/randomLoads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { pool } = await useTestDatabase();
let key: string;
let keyId: number;

beforeAll(async () => {
  await loadTwoRegions(pool);
  ({ secret: key, id: keyId } = await keyFor(pool, { name: 'Владимир', within: ['17000000'] }));
});

const UPSERT_ORGANISATIONS = `mutation ($input: UpsertOrganisationsInput!) {
  upsertOrganisations(input: $input) { inserted updated unchanged userErrors { field message code } organisations { externalId name territory { code } } }
}`;
const UPSERT_PAGES = `mutation ($input: UpsertPagesInput!) {
  upsertPages(input: $input) { inserted updated unchanged userErrors { field message code } pages { externalId status verified organisation { externalId } } }
}`;
const RECORD = `mutation ($input: RecordObservationsInput!) {
  recordObservations(input: $input) { inserted updated unchanged userErrors { field message code } pages { externalId subscribers observedAt } }
}`;

const library = (n: number, extra: Record<string, unknown> = {}) => ({
  externalId: `library-${n}`,
  name: `Библиотека №${n}`,
  kind: 'INSTITUTION',
  territoryCode: '17701000',
  sectorCode: 'culture',
  ...extra,
});

describe('upsertOrganisations', () => {
  it('inserts, then leaves unchanged, then updates, returning the organisations as written', async () => {
    const first = await executeAs(key, UPSERT_ORGANISATIONS, { input: { organisations: [library(1), library(2)] } });
    expect(first.data.upsertOrganisations).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      userErrors: [],
      organisations: [
        { externalId: 'library-1', name: 'Библиотека №1', territory: { code: '17701000' } },
        { externalId: 'library-2', name: 'Библиотека №2', territory: { code: '17701000' } },
      ],
    });
    const again = await executeAs(key, UPSERT_ORGANISATIONS, { input: { organisations: [library(1), library(2, { name: 'Центральная библиотека' })] } });
    expect(again.data.upsertOrganisations).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 1,
      organisations: [{ name: 'Библиотека №1' }, { name: 'Центральная библиотека' }],
    });
  });

  it('refuses the whole call when one item is bad, naming the path to the value, and writes nothing', async () => {
    const before = await snapshot(pool);
    const response = await executeAs(key, UPSERT_ORGANISATIONS, {
      input: { organisations: [library(3), library(4, { inn: '1234567890' }), library(5, { territoryCode: '17999000' }), library(3)] },
    });
    expect(response.data.upsertOrganisations.organisations).toEqual([]);
    expect(response.data.upsertOrganisations.userErrors).toEqual([
      { field: ['input', 'organisations', '1', 'inn'], message: expect.stringContaining('not a valid INN'), code: 'INVALID' },
    ]);
    // References and duplicates are checked once the rows are valid.
    const references = await executeAs(key, UPSERT_ORGANISATIONS, {
      input: { organisations: [library(3), library(5, { territoryCode: '17999000' }), library(3)] },
    });
    expect(references.data.upsertOrganisations.userErrors).toEqual([
      { field: ['input', 'organisations', '1', 'territoryCode'], message: 'unknown territory "17999000"', code: 'NOT_FOUND' },
      { field: ['input', 'organisations', '2', 'externalId'], message: expect.stringContaining('duplicate key "library-3"'), code: 'DUPLICATE' },
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it(`refuses more than 1,000 items with TOO_MANY`, async () => {
    const response = await executeAs(key, UPSERT_ORGANISATIONS, { input: { organisations: Array.from({ length: 1001 }, (_, i) => library(100 + i)) } });
    expect(response.data.upsertOrganisations).toMatchObject({ inserted: 0, userErrors: [{ field: ['input', 'organisations'], code: 'TOO_MANY' }] });
    expect((await pool.query("SELECT count(*)::int AS n FROM organisation WHERE external_id LIKE 'library-1__'")).rows[0].n).toBe(0);
  });
});

describe('upsertPages and recordObservations', () => {
  it('write pages and counts; the payload and the territory figures show the new numbers at once', async () => {
    const pages = await executeAs(key, UPSERT_PAGES, {
      input: {
        pages: [{ platform: 'TELEGRAM', externalId: 'library1', organisationExternalId: 'library-1', url: 'https://t.me/library1', name: 'Библиотека' }],
      },
    });
    expect(pages.data.upsertPages).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      userErrors: [],
      pages: [{ externalId: 'library1', status: 'ACTIVE', verified: false, organisation: { externalId: 'library-1' } }],
    });
    const stats = async () => (await executeAs(null, '{ territory(code: "17000000") { stats { subscribers pages } } }')).data.territory.stats;
    const before = await stats();
    const recorded = await executeAs(key, RECORD, {
      input: {
        observations: [
          { platform: 'TELEGRAM', externalId: 'library1', subscribers: 250, observedOn: '2026-11-20' },
          { platform: 'VK', externalId: 'school_a', subscribers: 130, observedOn: '2026-11-20' },
          { platform: 'TELEGRAM', externalId: 'library1', subscribers: 240, observedOn: '2026-11-18' },
        ],
      },
    });
    expect(recorded.data.recordObservations).toEqual({
      inserted: 3,
      updated: 0,
      unchanged: 0,
      userErrors: [],
      pages: [
        { externalId: 'library1', subscribers: 250, observedAt: '2026-11-20' },
        { externalId: 'school_a', subscribers: 130, observedAt: '2026-11-20' },
      ],
    });
    expect(await stats()).toEqual({ subscribers: before.subscribers + 250 + 30, pages: before.pages });
    expect(await findRollupMismatches(pool)).toEqual([]);
  });

  it('report an unknown page, a page of an unknown organisation, and a count in the future', async () => {
    const response = await executeAs(key, RECORD, {
      input: {
        observations: [
          { platform: 'VK', externalId: 'nobody', subscribers: 1, observedOn: '2026-11-20' },
          { platform: 'VK', externalId: 'school_a', subscribers: 1, observedOn: '2999-01-01' },
        ],
      },
    });
    expect(response.data.recordObservations.userErrors.map((e: { field: string[]; code: string }) => [e.field.join('.'), e.code])).toEqual([
      ['input.observations.1.observedOn', 'INVALID'],
    ]);
    const unknown = await executeAs(key, RECORD, {
      input: { observations: [{ platform: 'VK', externalId: 'nobody', subscribers: 1, observedOn: '2026-11-20' }] },
    });
    expect(unknown.data.recordObservations.userErrors).toEqual([
      { field: ['input', 'observations', '0', 'externalId'], message: 'unknown page "VK nobody"', code: 'NOT_FOUND' },
    ]);
    const orphan = await executeAs(key, UPSERT_PAGES, {
      input: { pages: [{ platform: 'VK', externalId: 'orphan', organisationExternalId: 'nobody', url: 'https://vk.com/orphan', name: 'x' }] },
    });
    expect(orphan.data.upsertPages.userErrors[0]).toMatchObject({ field: ['input', 'pages', '0', 'organisationExternalId'], code: 'NOT_FOUND' });
  });

  it('are recorded in the audit trail with their key, outcome and counts', async () => {
    const { rows } = await pool.query('SELECT action, outcome, counts FROM audit_event WHERE key_id = $1 ORDER BY id', [keyId]);
    expect(rows.map((row) => `${row.action}:${row.outcome}`)).toEqual([
      'upsertOrganisations:applied',
      'upsertOrganisations:applied',
      'upsertOrganisations:rejected',
      'upsertOrganisations:rejected',
      'upsertPages:applied',
      'recordObservations:applied',
      'recordObservations:rejected',
      'recordObservations:rejected',
      'upsertPages:rejected',
    ]);
    expect(rows[5].counts).toEqual({ observations: { inserted: 3, updated: 0, unchanged: 0, rejected: 0 } });
  });
});

describe('any mix of mutations and loads', () => {
  it('keeps every rollup equal to a recount from the raw rows', async () => {
    const rng = new Rng(7);
    for (let round = 0; round < 12; round++) {
      const action = rng.pick(['observations', 'observations', 'page', 'load']);
      if (action === 'observations') {
        const observations = Array.from({ length: rng.int(1, 20) }, () => ({
          platform: rng.chance(0.5) ? 'TELEGRAM' : 'VK',
          externalId: '',
          subscribers: rng.int(0, 5000),
          observedOn: new Date(Date.UTC(2026, 8, 1) + rng.int(0, 80) * 86_400_000).toISOString().slice(0, 10),
        })).map((o) => ({ ...o, externalId: o.platform === 'TELEGRAM' ? 'library1' : 'school_a' }));
        const unique = [...new Map(observations.map((o) => [`${o.platform}:${o.observedOn}`, o])).values()];
        const response = await executeAs(key, RECORD, { input: { observations: unique } });
        expect(response.data.recordObservations.userErrors).toEqual([]);
      } else if (action === 'page') {
        const response = await executeAs(key, UPSERT_PAGES, {
          input: {
            pages: [
              {
                platform: 'VK',
                externalId: 'school_a',
                organisationExternalId: rng.pick(['school-a', 'library-1', 'library-2']),
                url: 'https://vk.com/school_a',
                name: 'Школа',
                status: rng.pick(['ACTIVE', 'ARCHIVED']),
              },
            ],
          },
        });
        expect(response.data.upsertPages.userErrors).toEqual([]);
      } else {
        const load = await importFolder(
          pool,
          await writeLoad({
            'observations.csv': csv('platform,external_id,subscribers,observed_on', [
              ['VK', 'school_b', rng.int(0, 900), `2026-10-${String(rng.int(1, 28)).padStart(2, '0')}`],
            ]),
          }),
        );
        expect(load.ok).toBe(true);
      }
      expect(await findRollupMismatches(pool), `round ${round}`).toEqual([]);
    }
  });
});
