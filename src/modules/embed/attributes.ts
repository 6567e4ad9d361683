/** The embeds' options as written in attributes and query parameters (browser-safe: the widget bundles it). */

/** A comma-separated list (`VK, OK`) as codes; null when empty or absent (no filter). */
export function codeList(raw: string | null | undefined): string[] | null {
  const codes = (raw ?? '')
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  return codes.length ? codes : null;
}

/** `light` or `dark`, or null for anything else (follow the reader's `prefers-color-scheme`). */
export function themeOf(raw: string | null | undefined): 'light' | 'dark' | null {
  return raw === 'light' || raw === 'dark' ? raw : null;
}
