import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** One GraphQL-over-SSE stream read as a client would: its HTTP status, then its events as they come. */
export interface SseStream {
  status: number;
  events: Record<string, any>[];
  /** Keep-alive comments seen so far. */
  comments: number;
  close(): void;
  /** Resolves with the first event not yet taken by `next` that passes `check` (waiting for it if need be). */
  next(check?: (event: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
}

/** Opens a subscription over SSE (POST, `Accept: text/event-stream`). */
export async function openSse(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const events: Record<string, any>[] = [];
  const waiters: (() => void)[] = [];
  let taken = 0;
  const stream: SseStream = {
    status: response.status,
    events,
    comments: 0,
    close: () => controller.abort(),
    next: (check = () => true, timeoutMs = 10_000) => {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms; had ${JSON.stringify(events)}`)), timeoutMs);
        const look = () => {
          const index = events.findIndex((event, i) => i >= taken && check(event));
          if (index < 0) return false;
          taken = index + 1;
          clearTimeout(timer);
          resolve(events[index]);
          return true;
        };
        const wait = () => {
          if (!look()) waiters.push(wait);
        };
        wait();
      });
    },
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) stream.comments++;
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (data) events.push(JSON.parse(data));
          for (const waiter of waiters.splice(0)) waiter();
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return stream;
}

/** Opens a subscription over WebSocket (graphql-ws), with these headers on its upgrade request; events and errors are collected. */
export function openWs(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  class WithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({ url, webSocketImpl: WithHeaders, retryAttempts: 0, lazy: true });
  const events: Record<string, any>[] = [];
  const errors: unknown[] = [];
  let waiter: (() => void) | undefined;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        events.push(value as Record<string, any>);
        waiter?.();
      },
      error: (error) => {
        errors.push(error);
        waiter?.();
      },
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    /** Resolves once `events.length + errors.length` exceeds `count`. */
    async settled(count: number, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (events.length + errors.length <= count) {
        if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    close: async () => {
      dispose();
      await client.dispose();
    },
  };
}
