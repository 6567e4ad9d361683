import { GraphQLError } from 'graphql';
import { DateScalar } from '../common/date.js';
import { badUserInput } from '../common/errors.js';

/** Which list an export holds and in which format. */
export type ExportList = 'children' | 'organisations';
export type ExportFormat = 'csv' | 'xlsx';

/**
 * The query parameters of an export, named and read as the GraphQL arguments they stand for:
 * code lists are comma-separated (`platforms=VK,OK`), days are `YYYY-MM-DD`. Codes are resolved
 * against the catalogue later (tables.ts); here only their shape is checked.
 */
export interface ExportParams {
  /** Platforms the subscriber and page figures count (Stats' `platforms`); null: every platform. */
  platforms: string[] | null;
  /** Sectors the organisations are narrowed to; null: every sector. */
  sectors: string[] | null;
  /** children: the compliance columns are added for these required platforms. */
  required: string[] | null;
  /** children: a growth column over [from, to] is added when both are given. */
  from: string | null;
  to: string | null;
  /** organisations: only those lacking an active page on one of these platforms. */
  missingPlatforms: string[] | null;
}

/** The parameters each list takes. */
export const PARAMETERS: Record<ExportList, readonly (keyof ExportParams)[]> = {
  children: ['platforms', 'sectors', 'required', 'from', 'to'],
  organisations: ['sectors', 'missingPlatforms'],
};

function codes(value: string | null): string[] | null {
  if (value === null) return null;
  const list = value
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  return list.length ? list : null;
}

function day(value: string | null, name: string): string | null {
  if (value === null || value.trim() === '') return null;
  try {
    return DateScalar.parseValue(value.trim()) as string;
  } catch (error) {
    throw badUserInput(`${name}: ${error instanceof GraphQLError ? error.message : 'not a day'} (a day is YYYY-MM-DD)`, name);
  }
}

/** The parameters of an export URL; BAD_USER_INPUT for a parameter the list does not take, a malformed day or a bad range. */
export function exportParams(list: ExportList, search: URLSearchParams): ExportParams {
  const allowed = PARAMETERS[list];
  for (const name of new Set(search.keys())) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw badUserInput(`unknown parameter "${name.slice(0, 40)}": the ${list} export takes ${allowed.join(', ')}`, name.slice(0, 40));
    }
    if (search.getAll(name).length > 1) throw badUserInput(`${name} is given more than once: give it once, codes separated by commas`, name);
  }
  const params: ExportParams = {
    platforms: codes(search.get('platforms')),
    sectors: codes(search.get('sectors')),
    required: codes(search.get('required')),
    from: day(search.get('from'), 'from'),
    to: day(search.get('to'), 'to'),
    missingPlatforms: codes(search.get('missingPlatforms')),
  };
  if ((params.from === null) !== (params.to === null))
    throw badUserInput('from and to go together: give both for a growth column', params.from ? 'to' : 'from');
  if (params.from && params.to && params.from > params.to) throw badUserInput(`from (${params.from}) is after to (${params.to})`, 'from');
  return params;
}
