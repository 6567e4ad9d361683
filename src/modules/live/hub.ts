import { Repeater } from 'graphql-yoga';
import { logger } from '../../logger.js';
import type { ScopeFilter } from '../figures/filter.js';
import type { Stats } from '../figures/fold.js';
import { createLoaders } from '../loaders.js';

/** A territory row as the subscription's `territory` field resolves it. */
export type LiveTerritory = { id: number; code: string } & Record<string, unknown>;

/** What one subscription follows: a territory's current figures under its platform and sector filters. */
export interface FiguresGroup {
  territory: LiveTerritory;
  filter: ScopeFilter;
}

/** One event of `figuresChanged`. */
export interface FiguresEvent {
  territory: LiveTerritory;
  stats: Stats;
  /** The data version of the commit that changed the figures (the latest one announced). */
  dataVersion: number;
}

interface Group {
  key: string;
  group: FiguresGroup;
  listeners: Set<(event: FiguresEvent) => void>;
  /** The figures last seen (the baseline an event is compared with); undefined until first read. */
  seen: Promise<string | undefined>;
}

/** Stats as a comparable string (bigints written as decimals). */
function fingerprint(stats: Stats): string {
  return JSON.stringify(stats, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

function groupKey(group: FiguresGroup): string {
  const ids = (list: readonly number[] | null) => (list ? [...list].sort((a, b) => a - b).join(',') : '*');
  return `${group.territory.id}|${ids(group.filter.platformIds)}|${ids(group.filter.sectorIds)}`;
}

/** Reads the current stats of groups: one loader set per round, so groups of one filter share a statement. */
export async function readGroupStats(groups: readonly FiguresGroup[]): Promise<Stats[]> {
  const loaders = createLoaders();
  return Promise.all(groups.map((group) => loaders.territoryStats.load({ id: group.territory.id, filter: { ...group.filter, at: null } })));
}

/**
 * The live figures of one process. Open subscriptions are grouped by (territory, platforms,
 * sectors); on each committed change of the data (`changed`, from the edge's change listener),
 * each distinct group's stats are read once (batched) and an event goes to that group's
 * subscribers only when its figures differ from the last ones seen. Changes arriving while a round
 * runs are folded into one more round after it: at most one event per commit per subscription.
 */
export class LiveFigures {
  private readonly groups = new Map<string, Group>();
  private running: Promise<void> | undefined;
  private again = false;
  private latest = 0;
  private readonly stops = new Set<() => void>();

  constructor(private readonly read: (groups: readonly FiguresGroup[]) => Promise<Stats[]> = readGroupStats) {}

  /** Open subscriptions, and distinct groups among them. */
  get size(): { subscriptions: number; groups: number } {
    let subscriptions = 0;
    for (const group of this.groups.values()) subscriptions += group.listeners.size;
    return { subscriptions, groups: this.groups.size };
  }

  /** The events of one subscription; returning the iterator (the client leaves) unsubscribes at once. */
  watch(group: FiguresGroup): Repeater<FiguresEvent> {
    return new Repeater<FiguresEvent>(async (push, stop) => {
      const entry = this.join(group);
      const listener = (event: FiguresEvent) => void push(event);
      entry.listeners.add(listener);
      this.stops.add(stop);
      await stop;
      this.stops.delete(stop);
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && this.groups.get(entry.key) === entry) this.groups.delete(entry.key);
    });
  }

  /** Ends every open subscription (at shutdown: their streams complete). */
  close(): void {
    for (const stop of this.stops) stop();
  }

  private join(group: FiguresGroup): Group {
    const key = groupKey(group);
    let entry = this.groups.get(key);
    if (!entry) {
      entry = { key, group, listeners: new Set(), seen: this.baseline(group) };
      this.groups.set(key, entry);
    }
    return entry;
  }

  private async baseline(group: FiguresGroup): Promise<string | undefined> {
    try {
      const [stats] = await this.read([group]);
      return fingerprint(stats);
    } catch (error) {
      logger.warn({ err: error }, 'live figures: reading a baseline failed');
      return undefined;
    }
  }

  /** A committed change of the data (its version when known): re-reads every group once. */
  changed(version?: number): Promise<void> {
    if (version !== undefined) this.latest = Math.max(this.latest, version);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.rounds().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      await this.round().catch((error: Error) => logger.warn({ err: error }, 'live figures: a round of reads failed'));
    } while (this.again);
  }

  private async round(): Promise<void> {
    const entries = [...this.groups.values()];
    if (entries.length === 0) return;
    const stats = await this.read(entries.map((entry) => entry.group));
    const dataVersion = this.latest;
    await Promise.all(
      entries.map(async (entry, index) => {
        const now = fingerprint(stats[index]);
        const before = await entry.seen;
        entry.seen = Promise.resolve(now);
        if (before === now) return;
        const event = { territory: entry.group.territory, stats: stats[index], dataVersion };
        for (const listener of entry.listeners) listener(event);
      }),
    );
  }
}
