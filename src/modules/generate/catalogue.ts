/**
 * What kinds of organisations exist and how big their audiences are: sector mix,
 * name templates, host-level weights and median page sizes. Pure data; tune here.
 */
import type { OrganisationKind } from './model.js';

/** How many institutions a host of each level attracts, relative to each other. */
export const HOST_WEIGHT: Readonly<Record<string, number>> = {
  URBAN_OKRUG: 40,
  INTRACITY_TERRITORY: 30,
  INTRACITY_DISTRICT: 25,
  MUNICIPAL_OKRUG: 18,
  MUNICIPAL_DISTRICT: 10,
  URBAN_SETTLEMENT: 6,
  RURAL_SETTLEMENT: 2.5,
};

/** Audience multiplier by host level (cities have bigger pages than villages). */
export const HOST_REACH: Readonly<Record<string, number>> = {
  REGION: 1,
  URBAN_OKRUG: 1.5,
  INTRACITY_DISTRICT: 1.3,
  INTRACITY_TERRITORY: 1.2,
  MUNICIPAL_OKRUG: 1.1,
  MUNICIPAL_DISTRICT: 1,
  URBAN_SETTLEMENT: 0.9,
  RURAL_SETTLEMENT: 0.6,
};

/** Median VK audience of a local administration by level. */
export const ADMINISTRATION_REACH: Readonly<Record<string, number>> = {
  URBAN_OKRUG: 3_600,
  MUNICIPAL_OKRUG: 1_800,
  INTRACITY_DISTRICT: 1_600,
  MUNICIPAL_DISTRICT: 1_400,
  INTRACITY_TERRITORY: 1_000,
  URBAN_SETTLEMENT: 600,
  RURAL_SETTLEMENT: 140,
};

/** Sector mix of institutions (administrations and regional bodies come on top). */
export const INSTITUTION_SECTOR_MIX: ReadonlyArray<readonly [string, number]> = [
  ['education', 0.5],
  ['culture', 0.22],
  ['sport', 0.065],
  ['healthcare', 0.05],
  ['social', 0.045],
  ['youth', 0.03],
  ['administration', 0.02],
  ['housing', 0.018],
  ['employment', 0.012],
  ['emergency', 0.012],
  ['transport', 0.01],
  ['other', 0.01],
  ['tourism', 0.008],
];

/** Words available to a name template. */
export interface NameContext {
  /** Short place label: "г. Ковров", "Судогодского района". */
  place: string;
  /** Genitive phrase for bodies "of" a place: "города Ковров". */
  of: string;
  /** Occurrence of this template at this host, from 1. */
  n: number;
}

export interface InstitutionTemplate {
  /** Also the start of Telegram/MAX slugs. */
  id: string;
  sector: string;
  kind: OrganisationKind;
  /** Weight within its sector. */
  weight: number;
  /** Host levels where it occurs; absent = any. */
  levels?: ReadonlySet<string>;
  /** Median VK audience at a mid-size host. */
  reach: number;
  name(ctx: NameContext): string;
}

const CITY = new Set(['URBAN_OKRUG', 'INTRACITY_DISTRICT', 'INTRACITY_TERRITORY', 'MUNICIPAL_OKRUG']);
const CENTRE = new Set(['URBAN_OKRUG', 'INTRACITY_DISTRICT', 'INTRACITY_TERRITORY', 'MUNICIPAL_OKRUG', 'MUNICIPAL_DISTRICT']);
const DISTRICT = new Set(['MUNICIPAL_DISTRICT', 'MUNICIPAL_OKRUG', 'URBAN_OKRUG']);
const TOWN_OR_CENTRE = new Set([...CENTRE, 'URBAN_SETTLEMENT']);
const VILLAGE = new Set(['RURAL_SETTLEMENT', 'URBAN_SETTLEMENT']);

/** "Title" the first time at a host, "Title №n" afterwards. */
const numbered = (title: string, n: number): string => (n === 1 ? title : `${title} №${n}`);

function template(
  id: string,
  sector: string,
  weight: number,
  reach: number,
  name: (ctx: NameContext) => string,
  options: { kind?: OrganisationKind; levels?: ReadonlySet<string> } = {},
): InstitutionTemplate {
  return { id, sector, weight, reach, name, kind: options.kind ?? 'INSTITUTION', levels: options.levels };
}

const COLLEGES = ['Политехнический колледж', 'Педагогический колледж', 'Медицинский колледж', 'Технологический колледж'];

export const INSTITUTION_TEMPLATES: readonly InstitutionTemplate[] = [
  template('sosh', 'education', 0.4, 300, ({ place, n }) => `МБОУ СОШ №${n} ${place}`),
  template('ds', 'education', 0.34, 120, ({ place, n }) => `МБДОУ детский сад №${n} ${place}`),
  template('oosh', 'education', 0.06, 80, ({ place, n }) => `МБОУ ООШ №${n} ${place}`, { levels: VILLAGE }),
  template('cdt', 'education', 0.08, 200, ({ place, n }) => `МБУ ДО «${numbered('Центр детского творчества', n)}» ${place}`, { levels: TOWN_OR_CENTRE }),
  template('dshi', 'education', 0.08, 150, ({ place, n }) => `МБУ ДО «Детская школа искусств №${n}» ${place}`, { levels: TOWN_OR_CENTRE }),
  template(
    'college',
    'education',
    0.04,
    480,
    ({ place, n }) => `ГБПОУ «${COLLEGES[(n - 1) % COLLEGES.length]}${n > COLLEGES.length ? ` №${n}` : ''}» ${place}`,
    { levels: CENTRE },
  ),

  template('dk', 'culture', 0.36, 120, ({ place, n }) => `МБУК «${numbered('Дом культуры', n)}» ${place}`),
  template('bibl', 'culture', 0.34, 80, ({ place, n }) => `МБУК «${n === 1 ? 'Центральная библиотека' : `Библиотека-филиал №${n}`}» ${place}`),
  template('muzey', 'culture', 0.12, 280, ({ place, n }) => `МБУК «${numbered('Краеведческий музей', n)}» ${place}`, { levels: TOWN_OR_CENTRE }),
  template('kdc', 'culture', 0.12, 160, ({ place, n }) => `МБУК «${numbered('Культурно-досуговый центр', n)}» ${place}`),
  template('park', 'culture', 0.06, 360, ({ place, n }) => `МАУК «${numbered('Парк культуры и отдыха', n)}» ${place}`, { levels: CITY }),

  template('ss', 'sport', 0.45, 200, ({ place, n }) => `МБУ «Спортивная школа №${n}» ${place}`),
  template('fok', 'sport', 0.3, 160, ({ place, n }) => `МАУ «${numbered('Физкультурно-оздоровительный комплекс', n)}» ${place}`),
  template('stadion', 'sport', 0.15, 240, ({ place, n }) => `МБУ «${numbered('Стадион', n)}» ${place}`, { levels: TOWN_OR_CENTRE }),
  template('club', 'sport', 0.1, 120, ({ place, n }) => `АНО «${numbered('Спортивный клуб', n)}» ${place}`, { kind: 'OTHER' }),

  template('crb', 'healthcare', 0.3, 600, ({ place, n }) => `ГБУЗ «${numbered('Центральная районная больница', n)}» ${place}`, { levels: DISTRICT }),
  template('poliklinika', 'healthcare', 0.25, 480, ({ place, n }) => `ГБУЗ «Городская поликлиника №${n}» ${place}`, { levels: CITY }),
  template('bolnitsa', 'healthcare', 0.2, 600, ({ place, n }) => `ГБУЗ «Городская больница №${n}» ${place}`, { levels: TOWN_OR_CENTRE }),
  template('ub', 'healthcare', 0.15, 100, ({ place, n }) => `ГБУЗ «${numbered('Участковая больница', n)}» ${place}`, { levels: VILLAGE }),
  template('stomat', 'healthcare', 0.1, 240, ({ place, n }) => `ГБУЗ «${numbered('Стоматологическая поликлиника', n)}» ${place}`, { levels: TOWN_OR_CENTRE }),

  template('kcson', 'social', 0.5, 240, ({ place, n }) => `ГБУСО «${numbered('Комплексный центр социального обслуживания населения', n)}» ${place}`),
  template('srcn', 'social', 0.25, 160, ({ place, n }) => `ГКУСО «${numbered('Социально-реабилитационный центр для несовершеннолетних', n)}» ${place}`),
  template('internat', 'social', 0.25, 100, ({ place, n }) => `ГБУСО «${numbered('Дом-интернат для престарелых и инвалидов', n)}» ${place}`),

  template('mc', 'youth', 0.6, 320, ({ place, n }) => `МБУ «${numbered('Молодёжный центр', n)}» ${place}`),
  template('patriot', 'youth', 0.4, 200, ({ place, n }) => `МБУ «${numbered('Центр патриотического воспитания', n)}» ${place}`),

  template('sovet', 'administration', 0.6, 360, ({ of, n }) => numbered(`Совет народных депутатов ${of}`, n), { kind: 'AUTHORITY' }),
  template('ksp', 'administration', 0.4, 120, ({ of, n }) => numbered(`Контрольно-счётная палата ${of}`, n), { kind: 'AUTHORITY' }),

  template('czn', 'employment', 1, 360, ({ place, n }) => `ГКУ «${numbered('Центр занятости населения', n)}» ${place}`, { levels: TOWN_OR_CENTRE }),

  template('zhkh', 'housing', 0.5, 160, ({ place, n }) => `МУП «${numbered('Жилищно-коммунальное хозяйство', n)}» ${place}`, { kind: 'OTHER' }),
  template('ugkh', 'housing', 0.5, 200, ({ place, n }) => `МКУ «${numbered('Управление ЖКХ', n)}» ${place}`),

  template('edds', 'emergency', 0.6, 360, ({ place, n }) => `МКУ «${numbered('Единая дежурно-диспетчерская служба', n)}» ${place}`),
  template('gochs', 'emergency', 0.4, 280, ({ place, n }) => `МКУ «${numbered('Управление по делам ГО и ЧС', n)}» ${place}`),

  template('pap', 'transport', 0.5, 240, ({ place, n }) => `МУП «${numbered('Пассажирское автотранспортное предприятие', n)}» ${place}`, { kind: 'OTHER' }),
  template('dorogi', 'transport', 0.5, 160, ({ place, n }) => `МКУ «${numbered('Управление дорожного хозяйства', n)}» ${place}`),

  template('tic', 'tourism', 1, 280, ({ place, n }) => `МБУ «${numbered('Туристско-информационный центр', n)}» ${place}`),

  template('cb', 'other', 0.35, 32, ({ place, n }) => `МКУ «${numbered('Централизованная бухгалтерия', n)}» ${place}`),
  template('gazeta', 'other', 0.35, 600, ({ place, n }) => `АНО «${numbered('Редакция газеты', n)}» ${place}`, { kind: 'OTHER' }),
  template('mfc', 'other', 0.3, 240, ({ place, n }) => `МАУ «${numbered('Многофункциональный центр', n)}» ${place}`),
];

/** A body of the regional government, placed on the region itself. */
export interface RegionalBodyTemplate {
  id: string;
  sector: string;
  kind: OrganisationKind;
  reach: number;
  /** Title before the region's genitive name. */
  title: string;
}

/** In priority order: a scale with k regional bodies takes the first k. */
export const REGIONAL_BODIES: readonly RegionalBodyTemplate[] = [
  { id: 'gov', sector: 'administration', kind: 'AUTHORITY', reach: 45_000, title: 'Правительство' },
  { id: 'minobr', sector: 'education', kind: 'AUTHORITY', reach: 15_000, title: 'Министерство образования' },
  { id: 'minzdrav', sector: 'healthcare', kind: 'AUTHORITY', reach: 15_000, title: 'Министерство здравоохранения' },
  { id: 'minkult', sector: 'culture', kind: 'AUTHORITY', reach: 9_000, title: 'Министерство культуры' },
  { id: 'zaks', sector: 'administration', kind: 'AUTHORITY', reach: 6_000, title: 'Законодательное собрание' },
  { id: 'minsoc', sector: 'social', kind: 'AUTHORITY', reach: 7_000, title: 'Министерство социальной защиты населения' },
  { id: 'minsport', sector: 'sport', kind: 'AUTHORITY', reach: 6_000, title: 'Министерство физической культуры и спорта' },
  { id: 'molodezh', sector: 'youth', kind: 'AUTHORITY', reach: 5_000, title: 'Комитет по молодёжной политике' },
  { id: 'trud', sector: 'employment', kind: 'AUTHORITY', reach: 3_500, title: 'Департамент по труду и занятости населения' },
  { id: 'mintrans', sector: 'transport', kind: 'AUTHORITY', reach: 4_000, title: 'Министерство транспорта и дорожного хозяйства' },
  { id: 'gzhi', sector: 'housing', kind: 'AUTHORITY', reach: 2_500, title: 'Государственная жилищная инспекция' },
  { id: 'turizm', sector: 'tourism', kind: 'AUTHORITY', reach: 3_500, title: 'Комитет по туризму' },
  { id: 'gochs', sector: 'emergency', kind: 'INSTITUTION', reach: 3_000, title: 'Служба гражданской обороны и чрезвычайных ситуаций' },
];

/** Sector codes the catalogue uses (each must exist in sectors.csv). */
export function catalogueSectors(): Set<string> {
  return new Set([...INSTITUTION_SECTOR_MIX.map(([sector]) => sector), ...INSTITUTION_TEMPLATES.map((t) => t.sector), ...REGIONAL_BODIES.map((b) => b.sector)]);
}
