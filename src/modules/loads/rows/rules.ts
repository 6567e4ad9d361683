import { z } from 'zod';
import { isValidInn, isValidOgrn } from '../../organisation/identifiers.js';
import { searchKey } from '../../search/searchKey.js';
import { codeProblemForLevel } from '../../territory/code.js';
import { isTerritoryLevel } from '../../territory/levels.js';
import type { BulkKind } from './files.js';

/** What row validation needs to know of the database: the platforms and their URL hosts. */
export interface RowContext {
  platformHosts: ReadonlyMap<string, readonly string[]>;
  /** Latest allowed observation date, `YYYY-MM-DD`. */
  latestDate: string;
}

export const MAX_SUBSCRIBERS = 2_147_483_647;
const required = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`);
const optional = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : null));
const text = (what: string, max = 1000) => required(what).max(max, `${what} is longer than ${max} characters`);

const territoryCode = z
  .string()
  .trim()
  .min(1, 'code is required')
  .max(40, 'is longer than 40 characters (an OKTMO code has 8 or 11 digits; a federal district code at most 40 characters)');

const level = z.string().trim().refine(isTerritoryLevel, 'unknown level (FEDERATION, FEDERAL_DISTRICT, REGION, MUNICIPAL_DISTRICT, …)');

const territoryRow = z
  .object({
    code: territoryCode,
    parent_code: optional,
    level,
    name: text('name'),
    status: z
      .string()
      .trim()
      .optional()
      .refine((value) => !value || value === 'ACTIVE' || value === 'RETIRED', 'must be ACTIVE or RETIRED')
      // Empty: an existing territory keeps its status, a new one is ACTIVE (see resolveTerritoryDefaults).
      .transform((value) => value || null),
  })
  .superRefine((row, ctx) => {
    // The code's shape is checked against the level (see territory/code.ts): RU for the federation,
    // a stable code such as FD1 or ЦФО for a federal district, an OKTMO code below.
    const problem = isTerritoryLevel(row.level) ? codeProblemForLevel(row.code, row.level) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['code'], message: problem });
    if (row.level === 'FEDERATION' && row.parent_code) {
      ctx.addIssue({ code: 'custom', path: ['parent_code'], message: 'the federation has no parent' });
    }
    if (row.level !== 'FEDERATION' && !row.parent_code) {
      ctx.addIssue({ code: 'custom', path: ['parent_code'], message: 'is required (only the federation has no parent)' });
    }
    if (row.parent_code === row.code) ctx.addIssue({ code: 'custom', path: ['parent_code'], message: 'a territory cannot be its own parent' });
  })
  .transform((row) => ({ ...row, search_name: searchKey(row.name) }));

const sectorRow = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lowercase code (a-z, 0-9, _)'),
  name: text('name'),
});

const organisationRow = z
  .object({
    external_id: text('external_id', 200),
    name: text('name'),
    kind: z.enum(['AUTHORITY', 'INSTITUTION', 'OTHER'], { error: 'must be AUTHORITY, INSTITUTION or OTHER' }),
    territory_code: required('territory_code'),
    sector_code: required('sector_code'),
    inn: optional.refine((value) => value === null || isValidInn(value), 'not a valid INN (10 or 12 digits with correct check digits)'),
    ogrn: optional.refine((value) => value === null || isValidOgrn(value), 'not a valid OGRN (13 or 15 digits with a correct check digit)'),
  })
  .transform((row) => ({ ...row, search_name: searchKey(row.name) }));

function pageRow(context: RowContext) {
  return z
    .object({
      platform: z
        .string()
        .trim()
        .refine((code) => context.platformHosts.has(code), {
          error: `unknown platform (known: ${[...context.platformHosts.keys()].join(', ')})`,
        }),
      external_id: text('external_id', 200),
      organisation_external_id: required('organisation_external_id'),
      url: z.string().trim().url('not a valid URL'),
      name: text('name'),
      verified: z
        .string()
        .trim()
        .optional()
        .refine((value) => !value || value === 'true' || value === 'false', 'must be true or false')
        // Empty: keep an existing page's value; a new page is not verified (see resolvePageDefaults).
        .transform((value) => (value ? value === 'true' : null)),
      status: z
        .string()
        .trim()
        .optional()
        .refine((value) => !value || value === 'ACTIVE' || value === 'ARCHIVED', 'must be ACTIVE or ARCHIVED')
        // Empty: keep an existing page's status; a new page is ACTIVE (see resolvePageDefaults).
        .transform((value) => value || null),
    })
    .superRefine((row, ctx) => {
      const hosts = context.platformHosts.get(row.platform);
      if (!hosts || !URL.canParse(row.url)) return; // an unknown platform or a bad URL is reported already
      const url = new URL(row.url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http(s) URL' });
      } else if (!hosts.includes(url.hostname.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: `host ${url.hostname} is not a ${row.platform} host (${hosts.join(', ')})` });
      }
    });
}

function observationRow(context: RowContext) {
  return z.object({
    platform: z
      .string()
      .trim()
      .refine((code) => context.platformHosts.has(code), {
        error: `unknown platform (known: ${[...context.platformHosts.keys()].join(', ')})`,
      }),
    external_id: required('external_id'),
    subscribers: z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a non-negative integer')
      .transform(Number)
      .refine((value) => value <= MAX_SUBSCRIBERS, `must be at most ${MAX_SUBSCRIBERS}`),
    observed_on: z
      .string()
      .trim()
      .refine(isCalendarDate, 'must be a real date YYYY-MM-DD')
      .refine((value) => value <= context.latestDate, `is in the future (latest allowed ${context.latestDate})`),
  });
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  // Year 0000 does not exist (PostgreSQL refuses it; 1 BC is written differently).
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The zod schema validating and normalising one row of each bulk file. */
export function rowSchemas(context: RowContext): Record<BulkKind, z.ZodType<Record<string, unknown>, Record<string, string>>> {
  return {
    territories: territoryRow,
    sectors: sectorRow,
    organisations: organisationRow,
    pages: pageRow(context),
    observations: observationRow(context),
  } as unknown as Record<BulkKind, z.ZodType<Record<string, unknown>, Record<string, string>>>;
}

/**
 * A row check without zod for the common case, per file: it returns exactly what the file's zod
 * schema returns for a row it accepts, or undefined, and then the zod schema decides (and writes the
 * messages). So a fast check may be stricter than zod, never looser, and never changes a message.
 * Measured: zod costs 5 µs an observation and 11 µs an organisation; 1.6 M observations are 8 s of
 * a national first load (docs/performance.md).
 */
export type FastRowCheck = (values: Record<string, string>) => Record<string, unknown> | undefined;

/** The fast checks of the files that have one (observations, organisations and pages: the most rows). */
export function fastRowChecks(context: RowContext): Partial<Record<BulkKind, FastRowCheck>> {
  const dates = new Map<string, boolean>();
  const dateOk = (value: string) => {
    let ok = dates.get(value);
    if (ok === undefined) {
      ok = isCalendarDate(value) && value <= context.latestDate;
      if (dates.size < 100_000) dates.set(value, ok);
    }
    return ok;
  };
  const digits = /^\d+$/;
  const kinds = new Set(['AUTHORITY', 'INSTITUTION', 'OTHER']);
  // Hosts the URL parser keeps as they are written (a platform's hosts are data: one such as
  // 01.2.3.4 or xn--zz.com is rewritten or refused by the parser zod uses, so its URLs go to zod).
  const plainHosts = new Map(
    [...context.platformHosts].map(([code, hosts]) => [
      code,
      hosts.filter((host) => URL.canParse(`http://${host}/`) && new URL(`http://${host}/`).hostname === host),
    ]),
  );
  // A plain http(s) URL: lowercase host, a path of unreserved characters, nothing else (zod
  // accepts more; anything else goes to zod).
  const plainUrl = /^https?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:\/[A-Za-z0-9_.~\-/]*)?$/;
  /** An identifier cell as zod gives it: null when empty, the trimmed value when `valid`, else undefined (zod decides). */
  const identifier = (value: string | undefined, valid: (value: string) => boolean): string | null | undefined => {
    if (value === undefined) return null;
    const trimmed = value.trim();
    if (trimmed === '') return null;
    return valid(trimmed) ? trimmed : undefined;
  };
  return {
    observations: (values) => {
      const { platform, external_id, subscribers, observed_on } = values;
      if (typeof platform !== 'string' || typeof external_id !== 'string' || typeof subscribers !== 'string' || typeof observed_on !== 'string')
        return undefined;
      const code = platform.trim();
      const id = external_id.trim();
      const count = subscribers.trim();
      const day = observed_on.trim();
      if (!context.platformHosts.has(code) || id.length === 0 || !digits.test(count) || !dateOk(day)) return undefined;
      const number = Number(count);
      if (number > MAX_SUBSCRIBERS) return undefined;
      return { platform: code, external_id: id, subscribers: number, observed_on: day };
    },
    organisations: (values) => {
      const { external_id, name, kind, territory_code, sector_code, inn, ogrn } = values;
      if (typeof external_id !== 'string' || typeof name !== 'string' || typeof territory_code !== 'string' || typeof sector_code !== 'string')
        return undefined;
      if (!kinds.has(kind!)) return undefined;
      if ((inn !== undefined && typeof inn !== 'string') || (ogrn !== undefined && typeof ogrn !== 'string')) return undefined;
      const validInn = identifier(inn, isValidInn);
      const validOgrn = identifier(ogrn, isValidOgrn);
      if (validInn === undefined || validOgrn === undefined) return undefined;
      const id = external_id.trim();
      const title = name.trim();
      const territory = territory_code.trim();
      const sector = sector_code.trim();
      if (id.length === 0 || id.length > 200 || title.length === 0 || title.length > 1000 || territory.length === 0 || sector.length === 0) return undefined;
      return {
        external_id: id,
        name: title,
        kind,
        territory_code: territory,
        sector_code: sector,
        inn: validInn,
        ogrn: validOgrn,
        search_name: searchKey(title),
      };
    },
    pages: (values) => {
      const { platform, external_id, organisation_external_id, url, name, verified, status } = values;
      if (typeof platform !== 'string' || typeof external_id !== 'string' || typeof organisation_external_id !== 'string') return undefined;
      if (typeof url !== 'string' || typeof name !== 'string') return undefined;
      if ((verified !== undefined && typeof verified !== 'string') || (status !== undefined && typeof status !== 'string')) return undefined;
      const code = platform.trim();
      const hosts = plainHosts.get(code);
      const id = external_id.trim();
      const owner = organisation_external_id.trim();
      const title = name.trim();
      const link = url.trim();
      if (!hosts || id.length === 0 || id.length > 200 || owner.length === 0 || title.length === 0 || title.length > 1000) return undefined;
      const host = plainUrl.exec(link)?.[1];
      if (host === undefined || !hosts.includes(host)) return undefined;
      const flag = verified?.trim() ?? '';
      const state = status?.trim() ?? '';
      if ((flag !== '' && flag !== 'true' && flag !== 'false') || (state !== '' && state !== 'ACTIVE' && state !== 'ARCHIVED')) return undefined;
      return {
        platform: code,
        external_id: id,
        organisation_external_id: owner,
        url: link,
        name: title,
        verified: flag ? flag === 'true' : null,
        status: state || null,
      };
    },
  };
}
