import type { Api } from '../../src/yoga.js';

/**
 * Runs `attack` while another client asks `/healthz` again and again; returns the attack's
 * result and the slowest health answer seen meanwhile (the event loop blocked by the attack
 * shows here: the other client waits as long as it is blocked).
 */
export async function whileAttacking<T>(api: Api, attack: () => Promise<T>): Promise<{ result: T; slowestHealthMs: number; attackMs: number }> {
  let done = false;
  let slowestHealthMs = 0;
  const other = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await api.fetch('http://other-client/healthz');
      await response.arrayBuffer();
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const started = performance.now();
  try {
    const result = await attack();
    return { result, slowestHealthMs, attackMs: performance.now() - started };
  } finally {
    done = true;
    await other;
  }
}

/** True when a body shows a stack trace or an internal detail (file paths, SQL, driver names). */
export function leaksInternals(body: string): boolean {
  return /\n\s+at |\bat [\w.<>]+ \(|node:internal|node_modules|\/src\/|\.ts:\d+|\.js:\d+|SELECT |prisma|TypeError|RangeError|ReferenceError|"stack"|ECONN/i.test(
    body,
  );
}
