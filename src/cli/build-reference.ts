/**
 * Builds reference/territories.csv (code,parent_code,level,name) from the OKTMO reference files
 * in reference/oktmo (the 2024 second level over the 2019 list, see reference/oktmo/SOURCE.md),
 * checks the tree and prints counts.
 *
 *   npx tsx src/cli/build-reference.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildReferenceTree, countByLevel, findTreeProblems, type Territory } from '../modules/oktmo/tree.js';
import { TERRITORY_LEVELS } from '../modules/territory/levels.js';

const OUTPUT = new URL('../../reference/territories.csv', import.meta.url);

/** Quotes a CSV field per RFC 4180 when it contains a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Serialises territories as UTF-8 CSV with header code,parent_code,level,name. */
function territoriesCsv(territories: readonly Territory[]): string {
  const lines = ['code,parent_code,level,name'];
  for (const t of territories) {
    lines.push([t.code, t.parentCode ?? '', t.level, t.name].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const result = buildReferenceTree();
  const problems = findTreeProblems(result.territories);
  if (problems.length > 0) {
    console.error(`Tree is inconsistent (${problems.length} problems):`);
    for (const p of problems.slice(0, 50)) console.error(`  ${p}`);
    process.exit(1);
  }

  writeFileSync(OUTPUT, territoriesCsv(result.territories), 'utf8');

  console.log(`Wrote ${result.territories.length} territories to ${fileURLToPath(OUTPUT)}`);
  const counts = countByLevel(result.territories);
  for (const level of TERRITORY_LEVELS) {
    console.log(`  ${level.padEnd(28)} ${counts.get(level) ?? 0}`);
  }
  const r = result.report;
  console.log(`Second level as of 2024-01-01: ${r.formations} formations; ${r.formationsGone} formations of 2019 are gone.`);
  console.log(
    `Settlements of 2019: ${r.settlementsKept} kept under municipal districts, ${r.settlementsUnderOkrugs} dropped (formation now an okrug), ${r.settlementsUnderGone} dropped (formation gone); ${r.intracityDistrictsKept} intra-city districts kept.`,
  );
  console.log(`Skipped ${result.skippedHeadings} heading rows and ${result.skippedStale.length} stale rows of the 2019 list.`);
  if (result.subjectsNotInList.length > 0) {
    const left = result.subjectsNotInList.map((s) => `${s.code} ${s.name}`).join('; ');
    console.log(`Subjects without entries in the 2019 list (left out): ${left}`);
  }
}

main();
