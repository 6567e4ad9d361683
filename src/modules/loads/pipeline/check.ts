import type { LoadSession } from './session.js';
import { resolvePageDefaults, resolveTerritoryDefaults } from './sql/apply.js';
import { FIRST_LOAD_KIND, firstLoadKindOf } from './sql/firstLoad.js';
import { LOCK_APPLY } from './sql/load.js';
import { findScopeErrorsAfter, findScopeErrorsBefore } from './sql/scope.js';
import { findReferenceErrors, findRetirementErrors } from './sql/validation.js';
import type { Checked, Staged } from './steps.js';

/**
 * Step 2: waits for its turn to write (one load writes at a time; reading and staging run
 * concurrently), then checks what needs the database or the whole load: duplicate keys, unknown
 * references, the order of levels, the retirement rules and the key's scope. Empty cells of
 * territories and pages take their stored values or the defaults here. The lock, whether the load
 * is a first load (`firstLoadKind`) and the first checks go in one round trip.
 */
export async function check(session: LoadSession, staged: Staged): Promise<Checked> {
  const { client } = session;
  const { kinds } = staged;
  session.phase('checking references');
  const { errors, leading } = await findReferenceErrors(client, kinds, [LOCK_APPLY, FIRST_LOAD_KIND]);
  session.rejectAll(errors);
  session.stopIfRejected();
  if (kinds.has('territories')) await resolveTerritoryDefaults(client);
  session.rejectAll(await findRetirementErrors(client, kinds));
  session.stopIfRejected();
  // Rows outside the key's scope as things stand: reported together with those outside it as
  // written, so the client sees every such row at once; nothing commits either way.
  const { scope } = session.options;
  const outOfScope = scope ? await findScopeErrorsBefore(client, kinds, scope.withinIds, scope.within) : [];
  if (kinds.has('pages')) await resolvePageDefaults(client);
  return { ...staged, outOfScope, firstLoad: firstLoadKindOf(leading[1]) };
}

/** After the write step: rows that, as written, lie outside the key's scope (with those found before). */
export async function checkScopeAfterWrite(session: LoadSession, checked: Checked): Promise<void> {
  const { scope } = session.options;
  if (!scope) return;
  const after = await findScopeErrorsAfter(session.client, checked.kinds, scope.withinIds, scope.within);
  const seen = new Set(checked.outOfScope.map((e) => `${e.file}:${e.line}`));
  session.rejectAll(checked.outOfScope);
  session.rejectAll(after.filter((e) => !seen.has(`${e.file}:${e.line}`)));
  session.stopIfRejected();
}
