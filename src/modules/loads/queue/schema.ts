import { decodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../../builder.js';
import { prisma } from '../../../db/prisma.js';
import type { Load as LoadRow } from '../../../generated/prisma/client.js';
import { connectionType, sliceByPosition } from '../../common/connection.js';
import { guardNodes } from '../../common/node.js';
import { sliceArgs } from '../../common/slice.js';
import { isUnrestricted } from '../../keys/keys.js';
import type { FileSummary, RowError } from '../rows/files.js';
import { maySee } from './http.js';

const LoadStatus = builder.enumType('LoadStatus', {
  description: 'Where a bulk load stands.',
  values: {
    QUEUED: { description: 'Received; waiting for the loads received before it.' },
    RUNNING: { description: 'Being validated and applied (see `progress`).' },
    SUCCEEDED: { description: 'Applied (or, for a dry run, found valid): see `files`.' },
    FAILED: { description: 'Nothing was applied: see `reason` and `errors`. Send it again once fixed.' },
  } as const,
});

interface ProgressValue {
  phase?: string;
  file?: string;
  rows?: number;
  bytes?: number;
  totalBytes?: number;
}

const LoadProgress = builder.objectRef<ProgressValue>('LoadProgress').implement({
  description: 'How far a running load has come.',
  fields: (t) => ({
    phase: t.string({
      nullable: true,
      description: 'The step it is in: reading a file, checking references, applying, updating rollups…',
      resolve: (p) => p.phase ?? null,
    }),
    file: t.string({ nullable: true, description: 'The file being read.', resolve: (p) => p.file ?? null }),
    rows: t.int({ nullable: true, description: 'Rows of that file read so far.', resolve: (p) => p.rows ?? null }),
    bytes: t.float({ nullable: true, description: 'Bytes of that file read so far.', resolve: (p) => p.bytes ?? null }),
    totalBytes: t.float({ nullable: true, description: 'Size of that file in bytes.', resolve: (p) => p.totalBytes ?? null }),
  }),
});

const LoadFile = builder.objectRef<FileSummary>('LoadFile').implement({
  description: 'What one file of a load did (for a failed load: the bad rows only).',
  fields: (t) => ({
    file: t.exposeString('file', { description: 'The file, e.g. `observations.csv`.' }),
    rows: t.exposeInt('rows', { description: 'Data rows in the file.' }),
    inserted: t.exposeInt('inserted', { description: 'Rows that created a new row.' }),
    updated: t.exposeInt('updated', { description: 'Rows that changed an existing row.' }),
    unchanged: t.exposeInt('unchanged', { description: 'Rows identical to what was stored.' }),
    rejected: t.exposeInt('rejected', { description: 'Bad rows (see `errors`).' }),
  }),
});

const LoadRowError = builder.objectRef<RowError>('LoadRowError').implement({
  description: 'A bad row of a load: where it is and what to fix.',
  fields: (t) => ({
    file: t.exposeString('file', { description: 'The file.' }),
    line: t.exposeInt('line', { description: 'Line of the row in the file (the header is line 1).' }),
    column: t.exposeString('column', { description: 'The column at fault, or `*` for the whole row.' }),
    reason: t.exposeString('reason', { description: 'What is wrong.' }),
  }),
});

export const Load = builder.prismaNode('Load', {
  id: { field: 'id' },
  nullable: true,
  description: 'A bulk load sent with `POST /v1/loads`: queued, applied one at a time in the order received, all or nothing.',
  // Only its key (or a key that writes anywhere) may read a load.
  authScopes: (load, context) => maySee(context.viewer, load),
  fields: (t) => ({
    status: t.field({ type: LoadStatus, description: 'Where it stands.', resolve: (load) => load.status }),
    dryRun: t.exposeBoolean('dryRun', { description: 'True: validated and counted, then rolled back.' }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The `Idempotency-Key` it was sent with.' }),
    bytes: t.field({ type: 'BigInt', description: 'Bytes received.', resolve: (load) => load.bytes }),
    receivedAt: t.field({ type: 'DateTime', description: 'When it was received.', resolve: (load) => load.receivedAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it began to apply.', resolve: (load) => load.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it ended.', resolve: (load) => load.finishedAt }),
    progress: t.field({
      type: LoadProgress,
      nullable: true,
      description: 'How far it has come, while RUNNING.',
      resolve: (load) => (load.progress as ProgressValue | null) ?? null,
    }),
    files: t.field({
      type: [LoadFile],
      description: 'Per file: rows, inserted, updated, unchanged, rejected (once ended).',
      resolve: (load) => (load.files as FileSummary[] | null) ?? [],
    }),
    errorCount: t.exposeInt('errorCount', { description: 'How many row errors it had.' }),
    errors: t.field({ type: [LoadRowError], description: 'The first 100 row errors.', resolve: (load) => (load.errors as RowError[] | null) ?? [] }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it failed (`rejected rows…`, `interrupted`…); null otherwise.' }),
  }),
});

const LoadConnection = connectionType(Load, 'Load', 'loads');

// `node(id:)` shows a load only to its key (or a key that writes anywhere).
guardNodes('Load', async (ids, context) => {
  if (!context.viewer) return new Set();
  const rows = await prisma().load.findMany({ where: { id: { in: ids } }, select: { id: true, keyId: true } });
  return new Set(rows.filter((row) => maySee(context.viewer, row)).map((row) => row.id));
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

builder.queryFields((t) => ({
  load: t.prismaField({
    authScopes: { keyHolder: true },
    type: 'Load',
    nullable: true,
    description: "A load by its id (as `POST /v1/loads` answered it): your key's own loads only; null for any other id.",
    args: { id: t.arg.id({ required: true, description: 'The load id (a UUID) or its global id.' }) },
    resolve: async (query, _root, args, context) => {
      const raw = String(args.id);
      const id = UUID.test(raw) ? raw.toLowerCase() : decodedLoadId(raw);
      if (!id) return null;
      const load = await prisma().load.findUnique({ ...query, where: { id } });
      return load && maySee(context.viewer, load) ? load : null;
    },
  }),
  loads: t.connection(
    {
      authScopes: { keyHolder: true },
      type: Load,
      description: "Your key's loads, newest first (a key that writes anywhere sees every key's).",
      resolve: async (_root, args, context) => {
        const viewer = context.viewer!;
        const where = isUnrestricted(viewer) ? {} : { keyId: viewer.keyId };
        return sliceByPosition(
          'loads',
          sliceArgs('loads', args),
          (offset, limit) => prisma().load.findMany({ where, orderBy: { seq: 'desc' }, skip: offset, take: limit }) as Promise<LoadRow[]>,
          () => prisma().load.count({ where }),
        );
      },
    },
    LoadConnection,
  ),
}));

/** The row id inside a `Load` global id, or null. */
function decodedLoadId(globalId: string): string | null {
  try {
    const { typename, id } = decodeGlobalID(globalId);
    return typename === 'Load' && UUID.test(id) ? id.toLowerCase() : null;
  } catch {
    return null;
  }
}
