/**
 * When a failed delivery is tried again: seconds after its n-th failed attempt (the first retry 5 s
 * after the first failure, then growing), the last step repeating until the retry window (24 h by
 * default) is over. Close to the schedule the Standard Webhooks specification suggests.
 */
export const RETRY_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800] as const;

/** Seconds until the next attempt after `attempts` attempts failed (1: the first one failed). */
export function retryDelaySeconds(attempts: number): number {
  return RETRY_SECONDS[Math.min(Math.max(attempts, 1), RETRY_SECONDS.length) - 1];
}

/** How long a delivery is retried, by default: 24 hours after its load ended. */
export const RETRY_WINDOW_SECONDS = 24 * 3600;
