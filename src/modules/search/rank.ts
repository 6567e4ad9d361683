import { Prisma } from '../../generated/prisma/client.js';
import { searchKey } from './searchKey.js';

/**
 * Name search over a `search_name` column (lower case, ё folded to е, see `searchKey`), which
 * carries a pg_trgm GIN index. A name matches when every word of the query occurs in it (so a
 * partial word finds the whole one: "петушин" finds "Петушинский муниципальный район"). When
 * no name does, and the query has 4 characters or more, names close enough to be a typo away
 * match instead (trigram word similarity). Matches rank in tiers: the exact name, then names
 * starting with the query, then names with a word starting with it, then the other substring
 * matches, then the merely similar ones.
 */
export interface SearchSpec {
  /** The query in search form. */
  key: string;
  /** Its words. */
  words: string[];
}

/** Search form of a query, or undefined when nothing searchable is left (only punctuation). */
export function searchSpec(text: string): SearchSpec | undefined {
  const key = searchKey(text);
  if (!key) return undefined;
  return { key, words: key.split(' ') };
}

/** Shortest query that also matches by similarity (shorter ones would match almost anything). */
const FUZZY_MIN_LENGTH = 4;

/** `value` for a LIKE pattern, its wildcards taken literally. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** True for rows whose `column` contains every word of the query. */
export function searchWords(column: Prisma.Sql, spec: SearchSpec): Prisma.Sql {
  return Prisma.sql`(${Prisma.join(
    spec.words.map((word) => Prisma.sql`${column} LIKE ${`%${likeLiteral(word)}%`}`),
    ' AND ',
  )})`;
}

/**
 * True for rows whose `column` is close to the query (a typo away), or undefined when the query
 * is too short for closeness to mean anything. `%>`: the word similarity of the query to some
 * part of the name reaches pg_trgm's threshold (0.6); the trigram index serves it.
 */
export function searchNear(column: Prisma.Sql, spec: SearchSpec): Prisma.Sql | undefined {
  if (spec.key.length < FUZZY_MIN_LENGTH) return undefined;
  return Prisma.sql`${column} %> ${spec.key}`;
}

/**
 * The rows of `table` (aliased `alias`) that satisfy `where` and match the search: those with
 * every word of the query, or, only when there are none, those close to it (a misspelt query
 * still finds something, while a good one is not padded with near misses). `where` and the
 * search conditions refer to the table by `alias`.
 */
export function searchedRows(table: Prisma.Sql, alias: Prisma.Sql, where: Prisma.Sql, column: Prisma.Sql, spec: SearchSpec): Prisma.Sql {
  const words = searchWords(column, spec);
  const near = searchNear(column, spec);
  if (!near) return Prisma.sql`(SELECT * FROM ${table} ${alias} WHERE ${where} AND ${words})`;
  return Prisma.sql`(SELECT * FROM ${table} ${alias} WHERE ${where} AND ${words}
    UNION ALL
    SELECT * FROM ${table} ${alias} WHERE ${where} AND ${near}
       AND NOT EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${where} AND ${words}))`;
}

/** The match tier of a row (0 best), for ORDER BY. */
export function searchTier(column: Prisma.Sql, spec: SearchSpec): Prisma.Sql {
  const key = likeLiteral(spec.key);
  return Prisma.sql`CASE
      WHEN ${column} = ${spec.key} THEN 0
      WHEN ${column} LIKE ${`${key}%`} THEN 1
      WHEN ${column} LIKE ${`% ${key}%`} THEN 2
      WHEN ${searchWords(column, spec)} THEN 3
      ELSE 4 END`;
}

/** How close the row is to the query (higher is closer), to order rows within a tier. */
export function searchCloseness(column: Prisma.Sql, spec: SearchSpec): Prisma.Sql {
  return Prisma.sql`word_similarity(${spec.key}, ${column})`;
}
