/** The territory levels in Russian, as the explorer names them. */
export const LEVEL_NAMES: Record<string, string> = {
  FEDERATION: 'Федерация',
  FEDERAL_DISTRICT: 'Федеральный округ',
  REGION: 'Субъект федерации',
  MUNICIPAL_DISTRICT: 'Муниципальный район',
  MUNICIPAL_OKRUG: 'Муниципальный округ',
  URBAN_OKRUG: 'Городской округ',
  INTRACITY_TERRITORY: 'Внутригородская территория',
  INTRACITY_DISTRICT: 'Внутригородской район',
  URBAN_SETTLEMENT: 'Городское поселение',
  RURAL_SETTLEMENT: 'Сельское поселение',
  INTER_SETTLEMENT_TERRITORY: 'Межселенная территория',
  LOCALITY: 'Населённый пункт',
};

/** The column names of the children table, by sort. */
export const SORT_NAMES = {
  name: 'Территория',
  subscribers: 'Подписчики',
  coverage: 'Охват',
  compliance: 'Соответствие',
  growth: 'Рост за 90 дней',
} as const;
