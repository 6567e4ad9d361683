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

/**
 * True when an answer shows a stack trace or an internal detail: a stack frame, a path of this
 * machine or of node_modules, a JavaScript error's name, a driver's error code.
 */
export function leaksInternals(body: string): boolean {
  if (body.includes(process.cwd())) return true;
  return /\n\s+at \S|\bat (async )?[\w.<>$]+ \(|node:internal|node_modules\/|\.(ts|js|mjs|cjs):\d+:\d+|\b(TypeError|RangeError|ReferenceError|SyntaxError): |"stack"|\bECONN(RESET|REFUSED)\b/.test(
    body,
  );
}
