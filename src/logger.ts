import { pino } from 'pino';

/**
 * The process-wide structured logger: JSON lines on stderr (so that command output on stdout
 * stays clean); LOG_LEVEL sets the level.
 */
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'gospubliki' } }, pino.destination(2));
