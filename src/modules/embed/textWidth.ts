/**
 * Approximate width of a text in Verdana 11px (the font of shields-style badges), from per-character
 * advance widths in px. Latin letters, digits and punctuation use Verdana's own metrics; Cyrillic
 * letters are sized like the Latin letters they resemble; anything else gets an average width.
 */

const WIDTHS: Record<string, number> = {
  ' ': 3.87,
  '!': 4.33,
  '"': 5.05,
  '#': 9.0,
  '%': 11.84,
  '&': 7.99,
  "'": 2.95,
  '(': 4.99,
  ')': 4.99,
  '*': 7.0,
  '+': 9.0,
  ',': 4.0,
  '-': 4.99,
  '.': 4.0,
  '/': 4.99,
  ':': 4.99,
  ';': 4.99,
  '<': 9.0,
  '=': 9.0,
  '>': 9.0,
  '?': 6.0,
  '@': 11.0,
  '[': 4.99,
  ']': 4.99,
  _: 7.0,
  '|': 4.99,
  '·': 4.99,
  '−': 9.0,
  '–': 7.0,
  '—': 11.0,
  '«': 7.0,
  '»': 7.0,
  '№': 12.5,
};
for (const digit of '0123456789') WIDTHS[digit] = 7.0;
const LATIN_UPPER = [
  7.52, 7.54, 7.68, 8.47, 6.95, 6.33, 8.52, 8.27, 4.63, 4.99, 7.62, 6.13, 9.27, 8.23, 8.67, 6.65, 8.67, 7.68, 7.5, 6.73, 8.06, 7.52, 10.88, 7.54, 6.73, 7.52,
];
const LATIN_LOWER = [
  6.74, 6.98, 5.98, 6.98, 6.63, 3.87, 6.98, 6.97, 3.02, 3.77, 6.37, 3.02, 10.71, 6.97, 6.72, 6.98, 6.98, 4.69, 5.73, 4.33, 6.97, 6.37, 9.0, 6.37, 6.37, 5.74,
];
LATIN_UPPER.forEach((width, i) => {
  WIDTHS[String.fromCharCode(65 + i)] = width;
});
LATIN_LOWER.forEach((width, i) => {
  WIDTHS[String.fromCharCode(97 + i)] = width;
});
// Cyrillic letters: wide ones by hand, the rest like their Latin look-alikes or an average.
const CYRILLIC: Record<string, number> = {
  А: 7.52,
  Б: 7.54,
  В: 7.54,
  Г: 6.33,
  Д: 8.3,
  Е: 6.95,
  Ё: 6.95,
  Ж: 11.0,
  З: 6.9,
  И: 8.27,
  Й: 8.27,
  К: 7.62,
  Л: 8.1,
  М: 9.27,
  Н: 8.27,
  О: 8.67,
  П: 8.27,
  Р: 6.65,
  С: 7.68,
  Т: 6.73,
  У: 7.3,
  Ф: 9.6,
  Х: 7.54,
  Ц: 8.5,
  Ч: 7.6,
  Ш: 11.4,
  Щ: 11.8,
  Ъ: 8.6,
  Ы: 10.0,
  Ь: 7.3,
  Э: 7.7,
  Ю: 11.6,
  Я: 7.7,
  а: 6.74,
  б: 6.8,
  в: 6.4,
  г: 5.3,
  д: 7.0,
  е: 6.63,
  ё: 6.63,
  ж: 9.3,
  з: 5.8,
  и: 6.97,
  й: 6.97,
  к: 6.37,
  л: 6.8,
  м: 7.9,
  н: 6.97,
  о: 6.72,
  п: 6.97,
  р: 6.98,
  с: 5.98,
  т: 5.6,
  у: 6.37,
  ф: 9.4,
  х: 6.37,
  ц: 7.1,
  ч: 6.5,
  ш: 9.8,
  щ: 10.1,
  ъ: 7.2,
  ы: 9.2,
  ь: 6.3,
  э: 5.9,
  ю: 9.4,
  я: 6.6,
};
Object.assign(WIDTHS, CYRILLIC);

/** Width in px given to a character the table does not know. */
const AVERAGE_WIDTH = 7.0;

/** Width in px of `text` in Verdana 11px (a narrow no-break space counts as a space). */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDTHS[char] ?? (char === '\u00a0' || char === '\u202f' ? WIDTHS[' '] : AVERAGE_WIDTH);
  return width;
}
