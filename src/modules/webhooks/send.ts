import { Webhook } from 'standardwebhooks';

/** What one attempt got: a status when the receiver answered in time, else an error. */
export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * POSTs `body` to `url` signed the Standard Webhooks way by its library (`webhook-id`, the same on
 * every attempt; `webhook-timestamp`, now; `webhook-signature`, `v1,<HMAC-SHA256>`). Success is a
 * 2xx status within `timeoutMs` (redirects are not followed: a 3xx is a failure).
 */
export async function sendDelivery(delivery: { id: string; url: string; body: string; secret: string }, timeoutMs: number): Promise<AttemptResult> {
  const timestamp = new Date();
  const signature = new Webhook(delivery.secret).sign(delivery.id, timestamp, delivery.body);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'gospubliki-webhooks/1',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: delivery.body,
    });
    // The answer's body is not needed: dropped, not read.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `the receiver answered ${response.status}` };
  } catch (error) {
    if (signal.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, status: null, error: `could not reach the receiver: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}
