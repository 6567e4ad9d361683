import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * How much of a Stats a request reads, so that the statement reads only the rollup rows it needs
 * (docs/performance.md): a region's 30 children asked for `subscribers` and `byPlatform` need 4
 * rows each (one per platform), not the ~70 of every (sector, platform) cell and (sector,
 * platform set) of organisations.
 * - 0 `PLATFORMS`: subscribers, pages, verifiedPages, verifiedSubscribers, byPlatform { platform subscribers pages verified… };
 * - 1 `ORGANISATIONS`: also organisations, organisationsWithPages, byPlatform { organisations };
 * - 2 `FULL`: also bySector (whose entries also come from organisations), or anything not known here.
 * Levels are ordered: a Stats computed at one level answers every level below it.
 */
export type StatsDetail = 0 | 1 | 2;
export const PLATFORMS: StatsDetail = 0;
export const ORGANISATIONS: StatsDetail = 1;
export const FULL: StatsDetail = 2;

const STATS_FIELDS: Record<string, StatsDetail | 'byPlatform'> = {
  __typename: PLATFORMS,
  subscribers: PLATFORMS,
  pages: PLATFORMS,
  verifiedPages: PLATFORMS,
  verifiedSubscribers: PLATFORMS,
  organisations: ORGANISATIONS,
  organisationsWithPages: ORGANISATIONS,
  byPlatform: 'byPlatform',
  bySector: FULL,
};

const PLATFORM_FIELDS: Record<string, StatsDetail> = {
  __typename: PLATFORMS,
  platform: PLATFORMS,
  subscribers: PLATFORMS,
  pages: PLATFORMS,
  verifiedPages: PLATFORMS,
  verifiedSubscribers: PLATFORMS,
  organisations: ORGANISATIONS,
};

/**
 * The detail the Stats field being resolved is asked at, from its selection (fragments and inline
 * fragments followed; `@skip`/`@include` ignored, so it may be more than needed, never less).
 */
export function statsDetail(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): StatsDetail {
  // Every item of a list resolves its field with the same fieldNodes array (the executor collects
  // subfields once per request): the selection is read once for them all.
  const known = details.get(info.fieldNodes);
  if (known !== undefined) return known;
  const detail = detailOf(info);
  details.set(info.fieldNodes, detail);
  return detail;
}

const details = new WeakMap<readonly FieldNode[], StatsDetail>();

function detailOf(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): StatsDetail {
  let detail: StatsDetail = PLATFORMS;
  const visit = (set: SelectionSetNode | undefined, fields: Record<string, StatsDetail | 'byPlatform'>, seen: Set<string>): void => {
    if (!set) return;
    for (const selection of set.selections) {
      if (detail === FULL) return;
      if (selection.kind === Kind.FIELD) {
        const level = Object.hasOwn(fields, selection.name.value) ? fields[selection.name.value] : FULL;
        if (level === 'byPlatform') visit(selection.selectionSet, PLATFORM_FIELDS, seen);
        else if (level > detail) detail = level;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, fields, seen);
      } else {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (!fragment) detail = FULL;
        else if (!seen.has(name)) visit(fragment.selectionSet, fields, new Set([...seen, name]));
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, STATS_FIELDS, new Set());
  return detail;
}
