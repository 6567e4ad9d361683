import autocannon from 'autocannon';
import { ProcessMonitor, type ResourceUse, round } from './procstat.js';

/** One GraphQL request as it goes over the wire (a POST with a JSON body). */
export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

/** Latency and throughput of one load run, with the resources the processes used meanwhile. */
export interface RunStats extends ResourceUse {
  concurrency: number;
  /** Wall time of the run, seconds. */
  seconds: number;
  /** Completed 2xx responses (the latency samples). */
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** Connection errors and timeouts, non-2xx responses, and 2xx responses carrying GraphQL `errors`. */
  errors: number;
}

/** Latency percentiles (nearest rank) of samples in ms, rounded to µs. */
export function summarise(samples: number[]): Pick<RunStats, 'p50' | 'p95' | 'p99' | 'mean' | 'max'> {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, mean: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))], 3);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: round(mean, 3), max: round(sorted[sorted.length - 1], 3) };
}

/** A running autocannon instance driving one operation; `stop()` ends it early. */
export interface LoadRun {
  /** Resolves with the run's latency samples (ms, 2xx responses only) and error count. */
  done: Promise<{ samples: number[]; errors: number; seconds: number }>;
  stop(): void;
}

/**
 * Drives `request` at `endpoint` with `connections` concurrent connections (each sends its next
 * request when the previous answer arrives: closed loop) for `seconds` (or until `stop()`).
 * Latency is taken from autocannon's per-response event (hrtime, in ms with µs precision), since
 * its own histogram records whole milliseconds. A 2xx response whose body holds `"errors"` is
 * counted as an error (autocannon's verifyBody → mismatches).
 */
export function startLoad(endpoint: string, request: GraphQLRequest, connections: number, seconds: number, options: { get?: boolean } = {}): LoadRun {
  const samples: number[] = [];
  const started = performance.now();
  let settle!: { resolve: (value: { samples: number[]; errors: number; seconds: number }) => void; reject: (error: Error) => void };
  const done = new Promise<{ samples: number[]; errors: number; seconds: number }>((resolve, reject) => (settle = { resolve, reject }));
  const instance = autocannon(
    {
      ...(options.get
        ? { url: getUrl(endpoint, request), method: 'GET' as const, headers: { accept: 'application/json' } }
        : {
            url: endpoint,
            method: 'POST' as const,
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify(request),
          }),
      connections,
      duration: seconds,
      timeout: 60,
      verifyBody: (body) => !String(body).includes('"errors"'),
    },
    (error, result) => {
      if (error) return settle.reject(error instanceof Error ? error : new Error(String(error)));
      settle.resolve({ samples, errors: result.errors + result.non2xx + result.mismatches, seconds: (performance.now() - started) / 1000 });
    },
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
  });
  return { done, stop: () => instance.stop() };
}

/** The GET URL of a request (`?query=…&variables=…`): what a portal or CDN sends, served from the response cache when warm. */
export function getUrl(endpoint: string, request: GraphQLRequest): string {
  const params = new URLSearchParams({ query: request.query, variables: JSON.stringify(request.variables) });
  if (request.operationName) params.set('operationName', request.operationName);
  return `${endpoint}?${params}`;
}

/** Runs one operation at one concurrency for `seconds`, watching the server and PostgreSQL. */
export async function measure(
  endpoint: string,
  request: GraphQLRequest,
  concurrency: number,
  seconds: number,
  pids: { server?: number; postmaster?: number },
  options: { get?: boolean } = {},
): Promise<RunStats> {
  const monitor = new ProcessMonitor(pids.server, pids.postmaster);
  const { samples, errors, seconds: wall } = await startLoad(endpoint, request, concurrency, seconds, options).done;
  return toStats(samples, errors, wall, concurrency, monitor.finish());
}

export function toStats(samples: number[], errors: number, seconds: number, concurrency: number, use: ResourceUse): RunStats {
  return {
    concurrency,
    seconds: round(seconds, 2),
    requests: samples.length,
    requestsPerSecond: round(samples.length / seconds, 1),
    ...summarise(samples),
    errors,
    serverCpuPercent: use.serverCpuPercent,
    serverRssPeakMb: use.serverRssPeakMb,
    postgresCpuPercent: use.postgresCpuPercent,
    clientCpuPercent: use.clientCpuPercent,
  };
}

/** Sends `request` once and returns the parsed data and the body's size; throws on a transport or GraphQL error. */
export async function post<T = unknown>(endpoint: string, request: GraphQLRequest): Promise<{ data: T; bytes: number }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return { data: body.data, bytes: Buffer.byteLength(text) };
}

/**
 * p50s of two requests measured in alternation at concurrency 1: `a` for `slice` seconds, then
 * `b`, and again, for `seconds` in all, so both see the same background load; a ratio of two
 * runs made a minute apart on a shared 2-core machine moves with whatever else ran meanwhile.
 */
export async function interleaved(
  endpoint: string,
  a: GraphQLRequest,
  b: GraphQLRequest,
  seconds: number,
  slice = 0.5,
): Promise<{ a: ReturnType<typeof summarise> & { requests: number }; b: ReturnType<typeof summarise> & { requests: number } }> {
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < Math.max(2, Math.round(seconds / slice)); i++) {
    const which = i % 2;
    samples[which].push(...(await startLoad(endpoint, which === 0 ? a : b, 1, slice).done).samples);
  }
  return {
    a: { ...summarise(samples[0]), requests: samples[0].length },
    b: { ...summarise(samples[1]), requests: samples[1].length },
  };
}
