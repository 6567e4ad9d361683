import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU and memory of processes, read from Linux's /proc (no dependency, no sampling agent):
 * - CPU: utime + stime of /proc/<pid>/stat (clock ticks spent in user and kernel mode, all
 *   threads of the process), read before and after a run; the delta over the wall time is the
 *   process's CPU use, 100 % = one core busy.
 * - memory: VmRSS of /proc/<pid>/status, sampled while a run lasts; the peak is reported.
 */

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on every common Linux). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds the process has used so far (user + system), or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  // After the name: state(3) ppid(4) … utime(14) stime(15), i.e. indexes 11 and 12 here.
  return fields ? (Number(fields[11]) + Number(fields[12])) / clockTicks() : undefined;
}

/** Parent process id, or undefined when the process is gone. */
export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/** Resident set size in bytes, or undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Ids of the live direct children of `pid` (a PostgreSQL postmaster's backends and workers). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (parentPid(Number(entry)) === pid) children.push(Number(entry));
  }
  return children;
}

/**
 * CPU of a changing set of processes: each is counted from its first sighting (from zero when it
 * appeared after the start) to its last sighting, so a process that exits during a run (an import
 * command, a backend that closes) keeps the CPU it used up to the last sample.
 */
class CpuTracker {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();

  /** Starts counting `pid`: from its current CPU, or from zero when it is new since the run began. */
  add(pid: number, fromZero: boolean): void {
    if (this.first.has(pid)) return;
    const cpu = cpuSeconds(pid);
    if (cpu === undefined) return;
    this.first.set(pid, fromZero ? 0 : cpu);
    this.last.set(pid, cpu);
  }

  sample(): void {
    for (const pid of this.last.keys()) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.last.set(pid, cpu);
    }
  }

  has(pid: number): boolean {
    return this.first.has(pid);
  }

  seconds(): number {
    let total = 0;
    for (const [pid, first] of this.first) total += this.last.get(pid)! - first;
    return total;
  }
}

/**
 * Watches the processes of a run while it lasts, sampling every 100 ms: the API server (CPU, peak
 * RSS), PostgreSQL (the postmaster and every process it forks, new backends included), the bench
 * process itself, and any process handed to `watch` (an import command).
 */
export class ProcessMonitor {
  private readonly started = performance.now();
  private readonly server = new CpuTracker();
  private readonly postgres = new CpuTracker();
  private readonly extra = new Map<string, CpuTracker>();
  private readonly clientCpu = process.cpuUsage();
  private peakRss = 0;
  private ticks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly serverPid: number | undefined,
    private readonly postmasterPid: number | undefined,
  ) {
    if (serverPid) this.server.add(serverPid, false);
    if (postmasterPid) for (const pid of [postmasterPid, ...childPids(postmasterPid)]) this.postgres.add(pid, false);
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  /** Counts `pid` (started after this monitor) under `label` too. */
  watch(label: string, pid: number): void {
    const tracker = this.extra.get(label) ?? new CpuTracker();
    tracker.add(pid, true);
    this.extra.set(label, tracker);
  }

  private sample(): void {
    this.server.sample();
    this.postgres.sample();
    for (const tracker of this.extra.values()) tracker.sample();
    // New PostgreSQL processes (a backend for a new connection) every 500 ms.
    if (this.postmasterPid && this.ticks++ % 5 === 0) {
      for (const pid of childPids(this.postmasterPid)) if (!this.postgres.has(pid)) this.postgres.add(pid, true);
    }
    if (this.serverPid) this.peakRss = Math.max(this.peakRss, rssBytes(this.serverPid) ?? 0);
  }

  /** Stops sampling; CPU in % of one core over the wall time, RSS peak in MB. */
  finish(): ResourceUse & { extra: Record<string, number> } {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.started) / 1000;
    const percent = (cpu: number) => round((100 * cpu) / seconds, 1);
    const client = process.cpuUsage(this.clientCpu);
    return {
      serverCpuPercent: this.serverPid ? percent(this.server.seconds()) : null,
      serverRssPeakMb: this.serverPid ? round(this.peakRss / 1048576, 1) : null,
      postgresCpuPercent: this.postmasterPid ? percent(this.postgres.seconds()) : null,
      clientCpuPercent: percent((client.user + client.system) / 1e6),
      extra: Object.fromEntries([...this.extra].map(([label, tracker]) => [label, percent(tracker.seconds())])),
    };
  }
}

export interface ResourceUse {
  /** CPU of the API server process, % of one core (200 % = both cores of a 2-core machine). */
  serverCpuPercent: number | null;
  /** Highest resident set size of the API server process seen during the run. */
  serverRssPeakMb: number | null;
  /** CPU of every PostgreSQL process (postmaster, backends, workers), % of one core; null when not on this machine. */
  postgresCpuPercent: number | null;
  /** CPU of the bench process itself (the load generator), % of one core. */
  clientCpuPercent: number | null;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
