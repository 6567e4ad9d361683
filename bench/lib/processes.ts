import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { FileSummary } from '../../src/modules/loads/rows/files.js';
import { freePort, sleep } from '../../src/util/os.js';
import { round } from './procstat.js';

/** One file's line of the import command's summary table. */
export type ImportFileSummary = FileSummary;

/** Seconds without a line from the import command after which it is taken for hung. */
const STALL_SECONDS = 300;

/** A run of the import command (`src/cli/import.ts`) as a child process. */
export interface ImportRun {
  /** Wall time of the whole command: Node and tsx start-up, opening (and migrating) the database, the load. */
  wallSeconds: number;
  /** Time the command reports for the load itself (importFolder: staging, checks, upserts, rollups). */
  loadSeconds: number;
  rows: number;
  /** rows / loadSeconds, as the command prints it. */
  rowsPerSecond: number;
  files: ImportFileSummary[];
}

/**
 * Runs `npm run import -- <folder>` the way a user does (as `node --import tsx src/cli/import.ts`,
 * so that no npm process sits between us and it) against the database `env` names. Its progress
 * lines go to our stderr, prefixed. Throws unless it exits 0 with "applied".
 */
export async function runImport(root: string, folder: string, env: Record<string, string>, label: string, onSpawn?: (pid: number) => void): Promise<ImportRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', folder], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  let lastOutput = performance.now();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    lastOutput = performance.now();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    lastOutput = performance.now();
    for (const text of chunk.toString().split('\n')) if (text.trim()) process.stderr.write(`  [${label}] ${text}\n`);
  });
  // The command prints a line per phase and every few seconds while reading: silence this long is a hang.
  let stalled = false;
  const watchdog = setInterval(() => {
    if (performance.now() - lastOutput > STALL_SECONDS * 1000) {
      stalled = true;
      child.kill('SIGTERM');
    }
  }, 5000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => clearInterval(watchdog));
  if (stalled) throw new Error(`the import of ${folder} printed nothing for ${STALL_SECONDS} s and was stopped:\n${stderr.slice(-2000)}`);
  const wallSeconds = (performance.now() - started) / 1000;
  const summary = /applied \((\d+) rows in ([\d.]+) s, (\d+) rows\/s\)/.exec(stdout);
  if (code !== 0 || !summary) {
    throw new Error(`the import of ${folder} failed (exit ${code}):\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  }
  const files = [...stdout.matchAll(/^(\S+\.csv)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/gm)].map((m) => ({
    file: m[1],
    rows: Number(m[2]),
    inserted: Number(m[3]),
    updated: Number(m[4]),
    unchanged: Number(m[5]),
    rejected: Number(m[6]),
  }));
  return {
    wallSeconds: round(wallSeconds, 2),
    loadSeconds: Number(summary[2]),
    rows: Number(summary[1]),
    rowsPerSecond: Number(summary[3]),
    files,
  };
}

/** The API server, started as a user starts it, in its own process. */
export interface ServerProcess {
  pid: number;
  port: number;
  endpoint: string;
  /** Time from spawn to the first 200 from /readyz. */
  startupSeconds: number;
  /** SIGINT, then waits for the exit (SIGKILL after 30 s); resolves with the exit code. */
  stop(): Promise<number | null>;
  exited: boolean;
}

/**
 * Starts `node --import tsx src/server.ts` (what `npm start` runs) with production settings on a
 * free port, its log in `logFile`, and waits for /readyz. `env` names the database (DATA_DIR or
 * DATABASE_URL).
 */
export async function startServer(root: string, env: Record<string, string>, logFile: string): Promise<ServerProcess> {
  const port = await freePort();
  const log = fs.openSync(logFile, 'w');
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    // One client address drives every request of the bench: no rate limit (the limits before execution stay on).
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', DEMO: '0', PORT: String(port), RATE_LIMIT_POINTS: '0', ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`the server exited (${exitCode}) before it was ready; its log:\n${tail(logFile)}`);
    }
    if (performance.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready after 180 s; its log:\n${tail(logFile)}`);
    }
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(200);
  }
  const handle: ServerProcess = {
    pid: child.pid!,
    port,
    endpoint: `${base}/graphql`,
    startupSeconds: round((performance.now() - started) / 1000, 2),
    exited: false,
    stop: async () => {
      if (exitCode === undefined) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exit;
        clearTimeout(timer);
      }
      handle.exited = true;
      return exitCode ?? null;
    },
  };
  return handle;
}

/** The last lines of a log file. */
export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
