import { bulkFile, columnNames } from '../../rows/files.js';
import { STAGED } from '../tables.js';

const OBSERVATIONS = bulkFile('observations');
/** The columns of observations.csv, in order (files.ts). */
const COLUMNS = columnNames(OBSERVATIONS).join(', ');
const count = OBSERVATIONS.columns.find((column) => column.rule.type === 'count')!.rule as { max: number };
/** The largest count, and its number of digits. */
export const PLAIN_MAX_COUNT = String(count.max);
const DIGITS = PLAIN_MAX_COUNT.length;

/** The header a plain observations.csv starts with, exactly (no BOM, no CR, no spaces). */
export const PLAIN_HEADER = `${columnNames(OBSERVATIONS).join(',')}\n`;

/**
 * Plain observation lines (`plainObservations.ts`): the statements that read observations.csv
 * with PostgreSQL's own CSV reader and stage it when every line is plain.
 */
export const PLAIN_OBSERVATIONS = {
  /** The file's fields as text, numbered in file order (the header line is not copied). */
  ddl: `CREATE TEMP TABLE plain_observation (n int GENERATED ALWAYS AS IDENTITY,
          ${columnNames(OBSERVATIONS)
            .map((name) => `${name} text NOT NULL`)
            .join(', ')}) ON COMMIT DROP`,
  /**
   * Fields split at commas, with no quoting (the quote is a control character the checks refuse):
   * a quote, an empty field or a wrong field count cannot pass unnoticed.
   */
  copy: `COPY plain_observation (${COLUMNS}) FROM STDIN WITH (FORMAT csv, HEADER true, QUOTE E'\\x02')`,
  /**
   * Rows that are not plain — an external id other than ASCII letters, digits, `_`, `.` and `-`
   * (no space, quote or other character csv-parse or zod could read differently) or longer than
   * 1,000 characters, a count other than digits up to the declared maximum ($1).
   */
  check: `SELECT count(*) FILTER (WHERE NOT (external_id ~ '^[-A-Za-z0-9_.]+$' AND length(external_id) <= 1000
                                         AND subscribers ~ '^[0-9]+$' AND length(subscribers) <= ${DIGITS}
                                         AND (length(subscribers) < ${DIGITS} OR subscribers <= $1)))::int AS bad
            FROM plain_observation`,
  /** The distinct platform codes (checked in Node with the row check's rules). */
  platforms: 'SELECT DISTINCT platform AS value FROM plain_observation',
  /** The distinct days (likewise). */
  days: 'SELECT DISTINCT observed_on AS value FROM plain_observation',
  /** The attempt's table, once its rows are staged. */
  drop: 'DROP TABLE plain_observation',
  /** The rows staged: row n of the data is the file's line n + 1 (the header is line 1). */
  stage: `INSERT INTO ${STAGED.observations} (line, ${COLUMNS})
          SELECT n + 1, platform, external_id, subscribers::int, observed_on::date FROM plain_observation ORDER BY n`,
} as const;
