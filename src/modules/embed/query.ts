import { territoryCode } from '../territory/code.js';
import { codeList, themeOf } from './attributes.js';
import { type Lang, langOf } from './format.js';

/** What an embed URL asks for: the widget's attributes as query parameters (`?platforms=VK,OK&theme=dark`). */
export interface EmbedQuery {
  /** The territory code, normalised (`ru` is `RU`). */
  code: string;
  platforms: string[] | null;
  sectors: string[] | null;
  /** `light` or `dark`; null: follow the reader's `prefers-color-scheme`. */
  theme: 'light' | 'dark' | null;
  lang: Lang;
}

/** The embed query of a territory code from the path and the URL's parameters; a malformed code throws BAD_USER_INPUT. */
export function embedQuery(rawCode: string, params: URLSearchParams): EmbedQuery {
  return {
    code: territoryCode(rawCode, 'code'),
    platforms: codeList(params.get('platforms')),
    sectors: codeList(params.get('sectors')),
    theme: themeOf(params.get('theme')),
    lang: langOf(params.get('lang')),
  };
}
