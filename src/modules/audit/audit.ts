import type pg from 'pg';
import { logger } from '../../logger.js';
import { insertAuditEvent, selectAuditEvents } from './sql.js';

/** What a write did, per kind of row: the summary an operator reads in the audit. */
export type AuditCounts = Record<string, { inserted: number; updated: number; unchanged: number; rejected: number }>;

export interface AuditEvent {
  keyId: number | null;
  action: 'load' | 'import' | 'upsertOrganisations' | 'upsertPages' | 'recordObservations';
  outcome: 'applied' | 'dry-run' | 'rejected' | 'failed';
  counts?: AuditCounts;
  loadId?: string | null;
  detail?: string | null;
}

/**
 * Records a write in the audit trail. A failure to record is logged, not thrown: the write it
 * describes has already committed or rolled back.
 */
export async function audit(db: pg.Pool, event: AuditEvent): Promise<void> {
  await insertAuditEvent(db, event).catch((error: Error) => logger.error({ err: error, event }, 'could not record an audit event'));
}

export { selectAuditEvents as readAudit };
