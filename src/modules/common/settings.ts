import { z } from 'zod';

/**
 * The parsers of settings read from the environment (src/config.ts reads it, once): every
 * number, list and switch goes through these, so each is checked the same way and a bad value is
 * named in one message at start.
 */

/** Environment variables by name (`process.env`, or a test's own). */
export type Environment = Readonly<Record<string, string | undefined>>;

const absent = (value: unknown) => value === undefined || value === '';

/**
 * A number: absent or empty → `fallback`; else a finite number, at least `min` (default 0), a
 * whole number when `integer`, at most `max`.
 */
export function numberSetting(fallback: number, rules: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}) {
  const min = rules.min ?? 0;
  const what = [rules.integer ? 'a whole number' : 'a number', rules.positive ? 'above 0' : `from ${min}`, rules.max === undefined ? '' : `to ${rules.max}`]
    .filter(Boolean)
    .join(' ');
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (absent(value)) return fallback;
      const number = Number(value);
      const ok =
        Number.isFinite(number) &&
        (!rules.integer || Number.isInteger(number)) &&
        (rules.positive ? number > 0 : number >= min) &&
        (rules.max === undefined || number <= rules.max);
      if (!ok) ctx.addIssue({ code: 'custom', message: `must be ${what}, got "${value}"` });
      return number;
    });
}

/** A comma-separated list (items trimmed, empty ones dropped); absent: empty. */
export const listSetting = z
  .string()
  .optional()
  .transform((raw) =>
    (raw ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Text; absent or empty → `fallback`. */
export function textSetting<T extends string | undefined>(fallback: T) {
  return z
    .string()
    .optional()
    .transform((value) => (absent(value) ? fallback : (value as string)));
}

/** A switch that is on unless set to `0`. */
export const onUnlessZero = z
  .string()
  .optional()
  .transform((value) => value !== '0');

/** Reads `env` with `schema`; a bad value throws one error naming every bad variable and why. */
export function readSettings<T extends z.ZodType>(schema: T, env: Environment): z.output<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new Error(`bad settings: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
}
