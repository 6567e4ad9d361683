import type pg from 'pg';
import { logger } from '../../../logger.js';

/** SQLSTATEs after which the whole transaction may simply be tried again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `work` in one transaction on one connection: committed when it returns, rolled back when
 * it throws. A deadlock or serialization failure is retried (a few times, with backoff), so
 * concurrent loads never surface one to the user.
 */
export async function withLoadTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      // The transaction and its settings in one round trip; a load may run for minutes: the read
      // pool's statement_timeout does not apply to it. No JIT: a large load's statements are
      // costed high enough to be compiled, which costs more than it saves on their simple joins.
      await client.query("BEGIN; SET LOCAL work_mem = '256MB'; SET LOCAL statement_timeout = 0; SET LOCAL jit = off");
      await work(client);
      await client.query('COMMIT');
      return;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw error;
      logger.warn({ attempt, code }, 'load conflicted with a concurrent load; retrying');
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt * attempt));
    } finally {
      client.release();
    }
  }
}
