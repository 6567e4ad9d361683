import DataLoader from 'dataloader';

/**
 * Batches are dispatched once the current round of resolvers has settled (after I/O callbacks
 * and promise jobs), so lookups made after an `await` in sibling resolvers still share a batch.
 */
const afterSiblings = (dispatch: () => void) => void setImmediate(dispatch);

/**
 * Per-request DataLoaders created on demand, one per (family, key): fields asking the same list
 * with the same selection and arguments share one loader, so one batch and one statement.
 */
export function loaderFamilies() {
  const loaders = new Map<string, DataLoader<number, unknown>>();
  return function memo<V>(family: string, key: unknown, batch: (ids: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
    const name = `${family}:${JSON.stringify(key)}`;
    let loader = loaders.get(name) as DataLoader<number, V> | undefined;
    if (!loader) {
      loader = new DataLoader<number, V>(batch, { batchScheduleFn: afterSiblings });
      loaders.set(name, loader as DataLoader<number, unknown>);
    }
    return loader;
  };
}

/** Rows of one partition of a list below many parents: the slice shown and the size of the list. */
export interface PartitionRows<T> {
  total: number;
  nodes: T[];
}

/** Each anchor's partition, its ids replaced by the rows read for them (in order; rows not found are left out). */
export function partitionRows<T>(
  anchors: readonly number[],
  slices: ReadonlyMap<number, { total: number; ids: number[] }>,
  rows: ReadonlyMap<number, T>,
): PartitionRows<T>[] {
  return anchors.map((anchor) => {
    const partition = slices.get(anchor);
    return { total: partition?.total ?? 0, nodes: (partition?.ids ?? []).map((id) => rows.get(id)).filter((row): row is T => row !== undefined) };
  });
}
