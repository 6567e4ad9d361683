/** Domain shapes of the generated bulk load (one interface per CSV file). */

export const PLATFORMS = ['VK', 'OK', 'TELEGRAM', 'MAX'] as const;
export type Platform = (typeof PLATFORMS)[number];

export type OrganisationKind = 'AUTHORITY' | 'INSTITUTION' | 'OTHER';
export type PageStatus = 'ACTIVE' | 'ARCHIVED';

/** Platforms whose audience the published totals count (VK + OK + Telegram). */
export const AUDIENCE_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(['VK', 'OK', 'TELEGRAM']);

/** A row of territories.csv. */
export interface Territory {
  code: string;
  parentCode: string | null;
  level: string;
  name: string;
}

/** A generated page, before its subscriber history is drawn. */
export interface Page {
  /** Global sequence number: seeds the page's own random stream. */
  seq: number;
  platform: Platform;
  externalId: string;
  url: string;
  name: string;
  verified: boolean;
  status: PageStatus;
  /** Uncalibrated subscriber count at the end date. */
  reach: number;
}

/** A generated organisation with its pages. */
export interface Organisation {
  externalId: string;
  name: string;
  kind: OrganisationKind;
  territoryCode: string;
  /** The REGION the territory belongs to (for calibration and the summary). */
  regionCode: string;
  sectorCode: string;
  inn: string | null;
  ogrn: string | null;
  pages: Page[];
}

/** A subscriber count of a page on a day. */
export interface Observation {
  /** Days before the end date (0 = the end date itself). */
  daysBefore: number;
  subscribers: number;
}
