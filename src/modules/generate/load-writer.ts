/**
 * Streams organisations.csv, pages.csv and observations.csv side by side from a plan.
 * Observations are drawn per page from their own random stream and written in shuffled
 * chunks, so dates arrive out of order like late data, yet reproducibly.
 */
import { join } from 'node:path';
import { type Calibration, factorFor } from './calibration.js';
import { CsvWriter, encodeCsvRow } from './csv-writer.js';
import { formatIsoDate } from './dates.js';
import type { Organisation } from './model.js';
import { ObservationDays, observeSubscribers, plantMonitoringCases } from './observations.js';
import { deriveSeed, Random } from './random.js';
import type { Scale } from './scales.js';
import type { SummaryTally } from './summary.js';

const OBSERVATION_STREAM = 2;
const SHUFFLE_STREAM = 3;
/** Observation rows shuffled together before writing. */
const SHUFFLE_CHUNK_ROWS = 20_000;

export const ORGANISATION_HEADER = ['external_id', 'name', 'kind', 'territory_code', 'sector_code', 'inn', 'ogrn'];
export const PAGE_HEADER = ['platform', 'external_id', 'organisation_external_id', 'url', 'name', 'verified', 'status'];
export const OBSERVATION_HEADER = ['platform', 'external_id', 'subscribers', 'observed_on'];

export interface LoadWriterContext {
  outDir: string;
  seed: number;
  /** End date as a UTC day number. */
  endDay: number;
  scale: Scale;
  calibration: Calibration;
  tally: SummaryTally;
}

/** Writes the three files; returns data rows per file name. */
export async function writeOrganisationFiles(organisations: Iterable<Organisation>, ctx: LoadWriterContext): Promise<Record<string, number>> {
  const organisationsCsv = CsvWriter.open(join(ctx.outDir, 'organisations.csv'), ORGANISATION_HEADER);
  const pagesCsv = CsvWriter.open(join(ctx.outDir, 'pages.csv'), PAGE_HEADER);
  const observationsCsv = CsvWriter.open(join(ctx.outDir, 'observations.csv'), OBSERVATION_HEADER);

  const { scale } = ctx;
  const dates = Array.from({ length: scale.windowDays + 1 }, (_, d) => formatIsoDate(ctx.endDay - d));
  const schedule = new ObservationDays(scale.observations, scale.windowDays);
  const pageRng = new Random(0);
  const shuffleRng = new Random(deriveSeed(ctx.seed, SHUFFLE_STREAM));
  let chunk: string[] = [];
  const flushChunk = async (): Promise<void> => {
    shuffleRng.shuffle(chunk);
    for (const line of chunk) await observationsCsv.writeEncoded(line);
    chunk = [];
  };

  try {
    for (const organisation of organisations) {
      ctx.tally.addOrganisation(organisation);
      await organisationsCsv.write([
        organisation.externalId,
        organisation.name,
        organisation.kind,
        organisation.territoryCode,
        organisation.sectorCode,
        organisation.inn,
        organisation.ogrn,
      ]);
      const factor = factorFor(ctx.calibration, organisation.regionCode);
      for (const page of organisation.pages) {
        await pagesCsv.write([page.platform, page.externalId, organisation.externalId, page.url, page.name, page.verified, page.status]);
        pageRng.reseed(deriveSeed(ctx.seed, OBSERVATION_STREAM, page.seq));
        const days = schedule.pick(pageRng);
        const series = plantMonitoringCases(observeSubscribers(page.platform, page.reach * factor, days, scale.windowDays, pageRng), pageRng);
        for (const point of series) {
          chunk.push(encodeCsvRow([page.platform, page.externalId, point.subscribers, dates[point.daysBefore]]));
        }
        const latest = series[series.length - 1];
        if (latest) ctx.tally.addCurrent(organisation, page, latest.subscribers);
      }
      if (chunk.length >= SHUFFLE_CHUNK_ROWS) await flushChunk();
    }
    await flushChunk();
  } finally {
    await Promise.all([organisationsCsv.close(), pagesCsv.close(), observationsCsv.close()]);
  }
  return {
    'organisations.csv': organisationsCsv.rows,
    'pages.csv': pagesCsv.rows,
    'observations.csv': observationsCsv.rows,
  };
}
