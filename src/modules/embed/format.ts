/**
 * Numbers and words of the embeds, shared by the widget (bundled for the browser) and the
 * server-rendered badge and iframe page: nothing here may import Node.
 */

/** Languages of the embeds' text. */
export type Lang = 'ru' | 'en';

const LOCALES: Record<Lang, string> = { ru: 'ru-RU', en: 'en-US' };

/** `ru` unless `en` is asked for (any case, `en-US` too). */
export function langOf(raw: string | null | undefined): Lang {
  return raw?.trim().toLowerCase().startsWith('en') ? 'en' : 'ru';
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(lang: Lang, kind: 'full' | 'compact' | 'signed' | 'percent'): Intl.NumberFormat {
  const key = `${lang}:${kind}`;
  let found = formatters.get(key);
  if (!found) {
    const options: Intl.NumberFormatOptions =
      kind === 'compact'
        ? { notation: 'compact', maximumFractionDigits: 1 }
        : kind === 'signed'
          ? { signDisplay: 'exceptZero', maximumFractionDigits: 0 }
          : kind === 'percent'
            ? { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }
            : { maximumFractionDigits: 0 };
    found = new Intl.NumberFormat(LOCALES[lang], options);
    formatters.set(key, found);
  }
  return found;
}

/** A whole number in full: `1 400 009` (ru, non-breaking spaces), `1,400,009` (en). */
export function formatNumber(value: number | bigint, lang: Lang = 'ru'): string {
  return formatter(lang, 'full').format(value);
}

/** A number shortened: `1,4 млн`, `12 тыс.` (ru), `1.4M` (en); below 10 000 in full. */
export function formatCompact(value: number | bigint, lang: Lang = 'ru'): string {
  return Math.abs(Number(value)) < 10_000 ? formatNumber(value, lang) : formatter(lang, 'compact').format(value);
}

/** A change with its sign: `+12 345`, `−80`, `0`. */
export function formatChange(value: number | bigint, lang: Lang = 'ru'): string {
  return formatter(lang, 'signed').format(value);
}

/** A ratio as a signed percentage: 0.0512 → `+5,1 %`. */
export function formatRelative(ratio: number, lang: Lang = 'ru'): string {
  return formatter(lang, 'percent').format(ratio);
}

/** A share as a percentage without a sign: 0.931 → `93,1 %`. */
export function formatShare(ratio: number, lang: Lang = 'ru'): string {
  return new Intl.NumberFormat(LOCALES[lang], { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** A calendar day `YYYY-MM-DD` as `1 дек. 2026` (ru) or `Dec 1, 2026` (en). */
export function formatDay(day: string, lang: Lang = 'ru'): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}
