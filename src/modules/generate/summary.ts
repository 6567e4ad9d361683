/**
 * What a generated load contains, computed the way the API will: the current figure
 * of a page is its latest observation, ARCHIVED pages count nowhere, and audiences
 * are summed over VK + OK + Telegram.
 */
import { AUDIENCE_PLATFORMS, type Organisation, type Page, PLATFORMS, type Platform } from './model.js';
import { REFERENCE_REGION } from './scales.js';

export interface GenerationSummary {
  scale: string;
  seed: number;
  endDate: string;
  outDir: string;
  /** Data rows per file name. */
  rows: Record<string, number>;
  /** The reference region (Vladimir), when it is in the load. */
  reference: { code: string; name: string; organisations: number; subscribers: number } | null;
  /** Current VK + OK + Telegram audience over all regions. */
  totalSubscribers: number;
  /** Organisation count per sector code, largest first. */
  organisationsBySector: Record<string, number>;
  pagesByPlatform: Record<Platform, number>;
  /** Page-size factors applied to hit the published figures (1 = uncalibrated). */
  calibration: { referenceFactor: number; otherFactor: number };
  elapsedMs: number;
}

/** Accumulates the summary while rows stream out. */
export class SummaryTally {
  referenceOrganisations = 0;
  referenceSubscribers = 0;
  totalSubscribers = 0;
  readonly bySector = new Map<string, number>();
  readonly byPlatform = Object.fromEntries(PLATFORMS.map((p) => [p, 0])) as Record<Platform, number>;

  addOrganisation(organisation: Organisation): void {
    this.bySector.set(organisation.sectorCode, (this.bySector.get(organisation.sectorCode) ?? 0) + 1);
    if (organisation.regionCode === REFERENCE_REGION) this.referenceOrganisations++;
    for (const page of organisation.pages) this.byPlatform[page.platform]++;
  }

  /** Records a page's latest observed count. */
  addCurrent(organisation: Organisation, page: Page, subscribers: number): void {
    if (page.status !== 'ACTIVE' || !AUDIENCE_PLATFORMS.has(page.platform)) return;
    this.totalSubscribers += subscribers;
    if (organisation.regionCode === REFERENCE_REGION) this.referenceSubscribers += subscribers;
  }

  sectorsLargestFirst(): Record<string, number> {
    return Object.fromEntries([...this.bySector].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  }
}

const number = (value: number): string => value.toLocaleString('en-US');

/** Human-readable report for the CLI. */
export function formatSummary(summary: GenerationSummary): string {
  const lines = [
    `Generated scale "${summary.scale}" (seed ${summary.seed}, end date ${summary.endDate}) into ${summary.outDir} in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    'Rows per file:',
    ...Object.entries(summary.rows).map(([file, rows]) => `  ${file.padEnd(20)} ${number(rows).padStart(12)}`),
    `  ${'total'.padEnd(20)} ${number(Object.values(summary.rows).reduce((a, b) => a + b, 0)).padStart(12)}`,
    `Pages per platform: ${PLATFORMS.map((p) => `${p} ${number(summary.pagesByPlatform[p])}`).join(', ')}`,
  ];
  if (summary.reference) {
    const r = summary.reference;
    lines.push(`${r.name} (${r.code}): ${number(r.organisations)} organisations, ${number(r.subscribers)} current subscribers (VK+OK+TELEGRAM)`);
  }
  lines.push(`Russia: ${number(summary.totalSubscribers)} current subscribers (VK+OK+TELEGRAM)`);
  const { referenceFactor, otherFactor } = summary.calibration;
  lines.push(`Calibration factors: reference region ×${referenceFactor.toFixed(3)}, other regions ×${otherFactor.toFixed(3)}`);
  lines.push('Organisations per sector:');
  for (const [sector, count] of Object.entries(summary.organisationsBySector)) {
    const total = summary.rows['organisations.csv'] || 1;
    lines.push(`  ${sector.padEnd(16)} ${number(count).padStart(9)}  ${((100 * count) / total).toFixed(1).padStart(5)}%`);
  }
  return lines.join('\n');
}
