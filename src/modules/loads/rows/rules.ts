import { z } from 'zod';
import { searchKey } from '../../search/searchKey.js';
import { codeProblemForLevel } from '../../territory/code.js';
import { isTerritoryLevel } from '../../territory/levels.js';
import { BULK_FILES, type BulkKind, type Column, type ColumnRule } from './files.js';

export { MAX_SUBSCRIBERS } from './files.js';

/**
 * The row rules of files.ts as code: a zod schema per file (which writes the messages) and, for
 * the files with the most rows, a fast check without zod that returns the same result for the
 * rows it accepts (`FastRowCheck`). Both are built from the same column declarations.
 */

/** What row validation needs to know of the database: the platforms and their URL hosts. */
export interface RowContext {
  platformHosts: ReadonlyMap<string, readonly string[]>;
  /** Latest allowed observation date, `YYYY-MM-DD`. */
  latestDate: string;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  // Year 0000 does not exist (PostgreSQL refuses it; 1 BC is written differently).
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const emptyToNull = (value: string | undefined) => (value ? value : null);

/** The zod schema of one cell, from its rule. */
function zodCell(name: string, rule: ColumnRule, context: RowContext): z.ZodType {
  const trimmed = z.string().trim();
  switch (rule.type) {
    case 'text': {
      const present = z
        .string({ error: `${name} is required` })
        .trim()
        .min(1, `${name} is required`);
      return rule.max === undefined ? present : present.max(rule.max, rule.tooLong ?? `${name} is longer than ${rule.max} characters`);
    }
    case 'optionalText':
      return trimmed.optional().transform(emptyToNull);
    case 'choice':
      if (rule.optional)
        return trimmed
          .optional()
          .refine((value) => !value || rule.values.includes(value), rule.message)
          .transform(emptyToNull);
      return rule.trim === false
        ? z.enum(rule.values as [string, ...string[]], { error: rule.message })
        : trimmed.refine((value) => rule.values.includes(value), rule.message);
    case 'flag':
      return trimmed
        .optional()
        .refine((value) => !value || value === 'true' || value === 'false', rule.message)
        .transform((value) => (value ? value === 'true' : null));
    case 'pattern':
      return trimmed.regex(rule.pattern, rule.message);
    case 'identifier':
      return trimmed
        .optional()
        .transform(emptyToNull)
        .refine((value) => value === null || rule.valid(value), rule.message);
    case 'platform':
      return trimmed.refine((code) => context.platformHosts.has(code), { error: `unknown platform (known: ${[...context.platformHosts.keys()].join(', ')})` });
    case 'url':
      return trimmed.url('not a valid URL');
    case 'count':
      return trimmed
        .regex(/^\d+$/, 'must be a non-negative integer')
        .transform(Number)
        .refine((value) => value <= rule.max, `must be at most ${rule.max}`);
    case 'date':
      return trimmed
        .refine(isCalendarDate, 'must be a real date YYYY-MM-DD')
        .refine((value) => value <= context.latestDate, `is in the future (latest allowed ${context.latestDate})`);
  }
}

function zodObject(columns: readonly Column[], context: RowContext) {
  return z.object(Object.fromEntries(columns.map((column) => [column.name, zodCell(column.name, column.rule, context)])));
}

type Row = Record<string, unknown>;

/** Rules across the cells of a territory row. */
function territoryRules(row: Row, ctx: z.RefinementCtx): void {
  const code = row.code as string;
  const level = row.level as string;
  const parent = row.parent_code as string | null;
  // The code's shape is checked against the level (see territory/code.ts): RU for the federation,
  // a stable code such as FD1 or ЦФО for a federal district, an OKTMO code below.
  const problem = isTerritoryLevel(level) ? codeProblemForLevel(code, level) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', path: ['code'], message: problem });
  if (level === 'FEDERATION' && parent) ctx.addIssue({ code: 'custom', path: ['parent_code'], message: 'the federation has no parent' });
  if (level !== 'FEDERATION' && !parent) ctx.addIssue({ code: 'custom', path: ['parent_code'], message: 'is required (only the federation has no parent)' });
  if (parent === code) ctx.addIssue({ code: 'custom', path: ['parent_code'], message: 'a territory cannot be its own parent' });
}

/** A page's URL must be http(s) on one of its platform's hosts. */
function pageRules(context: RowContext) {
  return (row: Row, ctx: z.RefinementCtx): void => {
    const url = row.url as string;
    const hosts = context.platformHosts.get(row.platform as string);
    if (!hosts || !URL.canParse(url)) return; // an unknown platform or a bad URL is reported already
    const { protocol, hostname } = new URL(url);
    if (protocol !== 'https:' && protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http(s) URL' });
    } else if (!hosts.includes(hostname.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `host ${hostname} is not a ${row.platform} host (${hosts.join(', ')})` });
    }
  };
}

const withSearchName = (row: Row) => ({ ...row, search_name: searchKey(row.name as string) });

export type RowSchema = z.ZodType<Record<string, unknown>, Record<string, string>>;

/** The zod schema validating and normalising one row of each bulk file. */
export function rowSchemas(context: RowContext): Record<BulkKind, RowSchema> {
  const object = (kind: BulkKind) => zodObject(BULK_FILES.find((spec) => spec.kind === kind)!.columns, context);
  return {
    territories: object('territories').superRefine(territoryRules).transform(withSearchName),
    sectors: object('sectors'),
    organisations: object('organisations').transform(withSearchName),
    pages: object('pages').superRefine(pageRules(context)),
    observations: object('observations'),
  } as unknown as Record<BulkKind, RowSchema>;
}

/**
 * A row check without zod for the common case, per file: it returns exactly what the file's zod
 * schema returns for a row it accepts, or undefined, and then the zod schema decides (and writes the
 * messages). So a fast check may be stricter than zod, never looser, and never changes a message.
 * Measured: zod costs 5 µs an observation and 11 µs an organisation; 1.6 M observations are 8 s of
 * a national first load (docs/performance.md).
 */
export type FastRowCheck = (values: Record<string, string>) => Record<string, unknown> | undefined;

/** A cell the fast check leaves to zod. */
const UNSURE = Symbol('unsure');
type FastCell = (value: string | undefined, row: Record<string, string>) => unknown;

/**
 * The fast check of one cell, from its rule: the value zod gives, or UNSURE (zod decides).
 * Stricter than zod where zod's parser is subtle (URLs: a plain http(s) URL on one of the
 * platform's hosts as the URL parser keeps them; anything else goes to zod).
 */
function fastCell(rule: ColumnRule, context: RowContext, plainHosts: ReadonlyMap<string, readonly string[]>, dateOk: (day: string) => boolean): FastCell {
  const values = rule.type === 'choice' ? new Set(rule.values) : undefined;
  const optional =
    (valid: (trimmed: string) => unknown): FastCell =>
    (value) => {
      if (value === undefined) return null;
      if (typeof value !== 'string') return UNSURE;
      const trimmed = value.trim();
      return trimmed === '' ? null : valid(trimmed);
    };
  const present =
    (valid: (trimmed: string) => unknown): FastCell =>
    (value) =>
      typeof value === 'string' ? valid(value.trim()) : UNSURE;
  switch (rule.type) {
    case 'text':
      return present((trimmed) => (trimmed.length > 0 && trimmed.length <= (rule.max ?? Number.POSITIVE_INFINITY) ? trimmed : UNSURE));
    case 'optionalText':
      return optional((trimmed) => trimmed);
    case 'choice':
      if (rule.optional) return optional((trimmed) => (values!.has(trimmed) ? trimmed : UNSURE));
      if (rule.trim === false) return (value) => (value !== undefined && values!.has(value) ? value : UNSURE);
      return present((trimmed) => (values!.has(trimmed) ? trimmed : UNSURE));
    case 'flag':
      return optional((trimmed) => (trimmed === 'true' ? true : trimmed === 'false' ? false : UNSURE));
    case 'pattern':
      return present((trimmed) => (rule.pattern.test(trimmed) ? trimmed : UNSURE));
    case 'identifier':
      return optional((trimmed) => (rule.valid(trimmed) ? trimmed : UNSURE));
    case 'platform':
      return present((trimmed) => (context.platformHosts.has(trimmed) ? trimmed : UNSURE));
    case 'url':
      return (value, row) => {
        if (typeof value !== 'string') return UNSURE;
        const link = value.trim();
        const host = PLAIN_URL.exec(link)?.[1];
        const hosts = plainHosts.get(row.platform?.trim() ?? '');
        return host !== undefined && hosts?.includes(host) ? link : UNSURE;
      };
    case 'count':
      return present((trimmed) => (DIGITS.test(trimmed) && Number(trimmed) <= rule.max ? Number(trimmed) : UNSURE));
    case 'date':
      return present((trimmed) => (dateOk(trimmed) ? trimmed : UNSURE));
  }
}

const DIGITS = /^\d+$/;
/** A plain http(s) URL: lowercase host, a path of unreserved characters, nothing else (zod accepts more; anything else goes to zod). */
const PLAIN_URL = /^https?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:\/[A-Za-z0-9_.~\-/]*)?$/;

/** The files with a fast check (the most rows), and what each adds to the row. */
const FAST_FILES: Partial<Record<BulkKind, (row: Row) => Row>> = {
  observations: (row) => row,
  organisations: withSearchName,
  pages: (row) => row,
};

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
  // Hosts the URL parser keeps as they are written (a platform's hosts are data: one such as
  // 01.2.3.4 or xn--zz.com is rewritten or refused by the parser zod uses, so its URLs go to zod).
  const plainHosts = new Map(
    [...context.platformHosts].map(([code, hosts]) => [
      code,
      hosts.filter((host) => URL.canParse(`http://${host}/`) && new URL(`http://${host}/`).hostname === host),
    ]),
  );
  const checks: Partial<Record<BulkKind, FastRowCheck>> = {};
  for (const spec of BULK_FILES) {
    const finish = FAST_FILES[spec.kind];
    if (!finish) continue;
    const cells = spec.columns.map((column) => [column.name, fastCell(column.rule, context, plainHosts, dateOk)] as const);
    checks[spec.kind] = (values) => {
      const row: Row = {};
      for (const [name, cell] of cells) {
        const value = cell(values[name], values);
        if (value === UNSURE) return undefined;
        row[name] = value;
      }
      return finish(row);
    };
  }
  return checks;
}
