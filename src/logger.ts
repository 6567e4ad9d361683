import { pino } from 'pino';
import { config } from './config.js';

/**
 * The process-wide structured logger: JSON lines on stderr (so that command output on stdout
 * stays clean); LOG_LEVEL sets the level (src/config.ts; a bad configuration is reported by the
 * start itself, at level info).
 */
export const logger = pino({ level: levelOf(), base: { service: 'gospubliki' } }, pino.destination(2));

function levelOf(): string {
  try {
    return config().logLevel;
  } catch {
    return 'info';
  }
}
