/**
 * Just enough Russian morphology for readable names: the genitive of territory
 * names ("Владимирская область" → "Владимирской области"), short place labels
 * ("город Ковров" → "г. Ковров") and Latin slugs for page ids.
 */

/** Type nouns that head a territory name, with their genitive forms. */
const NOUN_GENITIVE: Readonly<Record<string, string>> = {
  район: 'района',
  округ: 'округа',
  поселение: 'поселения',
  сельсовет: 'сельсовета',
  поссовет: 'поссовета',
  область: 'области',
  край: 'края',
  республика: 'республики',
  город: 'города',
  'город-курорт': 'города-курорта',
  'город-герой': 'города-героя',
  поселок: 'поселка',
  посёлок: 'посёлка',
  село: 'села',
  деревня: 'деревни',
  станица: 'станицы',
  территория: 'территории',
  образование: 'образования',
  улус: 'улуса',
  кожуун: 'кожууна',
  наслег: 'наслега',
};

/** Whole names that do not follow the patterns below. */
const SPECIAL_GENITIVE: Readonly<Record<string, string>> = {
  Москва: 'Москвы',
  'Санкт-Петербург': 'Санкт-Петербурга',
  Севастополь: 'Севастополя',
};

/** Settlement-type prefixes and their usual abbreviations, longest first. */
const PLACE_ABBREVIATIONS: ReadonlyArray<readonly [string, string]> = [
  ['поселок городского типа ', 'пгт '],
  ['рабочий поселок ', 'рп '],
  ['рабочий посёлок ', 'рп '],
  ['город-курорт ', 'г.-к. '],
  ['город ', 'г. '],
  ['поселок ', 'п. '],
  ['посёлок ', 'п. '],
  ['село ', 'с. '],
  ['деревня ', 'д. '],
  ['станица ', 'ст-ца '],
  ['хутор ', 'х. '],
];

function adjectiveGenitive(word: string): string | null {
  const rules: ReadonlyArray<readonly [RegExp, string]> = [
    [/([кгх])ий$/, '$1ого'],
    [/([жшчщ])ий$/, '$1его'],
    [/ний$/, 'него'],
    [/ый$/, 'ого'],
    [/ой$/, 'ого'],
    [/ое$/, 'ого'],
    [/ее$/, 'его'],
    [/ая$/, 'ой'],
    [/яя$/, 'ей'],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return null;
}

function keepCase(original: string, inflected: string): string {
  const first = original[0] ?? '';
  return first !== first.toLowerCase() ? first + inflected.slice(1) : inflected;
}

/**
 * Genitive of a territory name when it starts with adjectives followed by a type noun
 * ("Судогодский муниципальный район", "сельское поселение Вяткинское", "Республика Коми");
 * otherwise the name unchanged.
 */
export function genitive(name: string): string {
  const special = SPECIAL_GENITIVE[name];
  if (special) return special;
  const words = name.split(' ');
  const inflected: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const noun = NOUN_GENITIVE[word.toLowerCase()];
    if (noun) {
      inflected.push(keepCase(word, noun));
      return [...inflected, ...words.slice(i + 1)].join(' ');
    }
    const adjective = adjectiveGenitive(word);
    if (!adjective) return name;
    inflected.push(adjective);
  }
  return name;
}

/** A short label for use inside an organisation name ("г. Ковров", "Александровского района"). */
export function placeLabel(name: string, level: string): string {
  for (const [prefix, short] of PLACE_ABBREVIATIONS) {
    if (name.startsWith(prefix)) return short + name.slice(prefix.length);
  }
  const inflected = genitive(name).replace(' муниципального района', ' района');
  if (inflected !== name) return inflected;
  if (level === 'RURAL_SETTLEMENT' && !name.includes(' ')) return `с/п ${name}`;
  if (level === 'URBAN_SETTLEMENT' && !name.includes(' ')) return `г/п ${name}`;
  return name;
}

/** Genitive phrase for "Администрация <…>", adding the settlement type when the name is bare. */
export function administrationOf(name: string, level: string): string {
  const inflected = genitive(name);
  if (inflected !== name) return inflected;
  if (!name.includes(' ')) {
    if (level === 'RURAL_SETTLEMENT') return `сельского поселения ${name}`;
    if (level === 'URBAN_SETTLEMENT') return `городского поселения ${name}`;
  }
  return name;
}

const LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** Lower-case Latin transliteration keeping only [a-z0-9]. */
export function transliterate(text: string): string {
  let out = '';
  for (const char of text.toLowerCase()) {
    const latin = LATIN[char];
    if (latin !== undefined) out += latin;
    else if (/[a-z0-9]/.test(char)) out += char;
  }
  return out;
}

/** Slug of the proper-name part of a territory name ("город Ковров" → "kovrov"). */
export function placeSlug(name: string, maxLength = 12): string {
  const words = name.split(/[\s—-]+/).filter(Boolean);
  const proper = words.find((w) => /^[А-ЯЁA-Z]/.test(w)) ?? words[0] ?? '';
  return transliterate(proper).slice(0, maxLength) || 'place';
}
