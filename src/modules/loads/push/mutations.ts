import { GraphQLError } from 'graphql';
import { builder } from '../../../builder.js';
import type { Context } from '../../../context.js';
import { prisma } from '../../../db/prisma.js';
import { type AuditCounts, audit } from '../../audit/audit.js';
import { ensureKeyStillValid, KeyNoLongerValid, viewerScope } from '../../keys/guard.js';
import { OrganisationKind } from '../../organisation/schema.js';
import { PageStatus } from '../../page/schema.js';
import { type ImportResult, runLoad } from '../pipeline/runLoad.js';
import { type BulkKind, bulkFile, type RowError } from '../rows/files.js';
import { itemSource } from '../rows/source.js';
import { organisationIdsByExternalId, pageIdsByKey } from './sql.js';

/**
 * Mutations for small pushes (one action each, one `input`, at most 1,000 items, all or nothing
 * per call). Each call is a load of one bulk file made from its items, through the same
 * pipeline as `npm run import` and `POST /v1/loads`: the same validation, scope checks and
 * rollup maintenance.
 */

/** Most items one call takes. */
export const MAX_ITEMS = 1000;

const UserErrorCode = builder.enumType('UserErrorCode', {
  description: 'Why an item of a mutation was refused.',
  values: {
    INVALID: { description: 'A value is malformed or out of range (the message says which and why).' },
    NOT_FOUND: { description: 'The item names a territory, sector, organisation or page that does not exist.' },
    DUPLICATE: { description: 'The same key appears twice in the input.' },
    FORBIDDEN: { description: 'The item lies outside the subtrees the API key may write (or is a sector, which needs a key without `within`).' },
    TOO_MANY: { description: `The input holds more than ${MAX_ITEMS} items: split it into several calls.` },
  } as const,
});

interface UserErrorValue {
  field: string[];
  message: string;
  code: 'INVALID' | 'NOT_FOUND' | 'DUPLICATE' | 'FORBIDDEN' | 'TOO_MANY';
}

const UserError = builder.objectRef<UserErrorValue>('UserError').implement({
  description: 'A problem with the input of a mutation; when there is any, nothing was written.',
  fields: (t) => ({
    field: t.exposeStringList('field', {
      description: 'Path to the offending value, e.g. `["input", "observations", "17", "subscribers"]` (the item index as a string).',
    }),
    message: t.exposeString('message', { description: 'What is wrong and what to change.' }),
    code: t.field({ type: UserErrorCode, description: 'The kind of problem.', resolve: (e) => e.code }),
  }),
});

/** What a push did: counts of the items, the objects written, and the problems when refused. */
interface PushResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Ids of the objects written, read only when the payload asks for them (once). */
  ids: () => Promise<number[]>;
  userErrors: UserErrorValue[];
}

/** camelCase input field of a bulk column (`territory_code` → `territoryCode`). */
function inputField(column: string): string {
  return column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function userError(error: RowError, list: string): UserErrorValue {
  const field = ['input', list, String(error.line - 1), ...(error.column === '*' ? [] : [inputField(error.column)])];
  return { field, message: error.reason, code: error.code };
}

const ACTIONS = { organisations: 'upsertOrganisations', pages: 'upsertPages', observations: 'recordObservations' } as const;

/** Applies the items of a mutation as a load of one bulk file, on behalf of the caller's key. */
async function push(
  context: Context,
  kind: Extract<BulkKind, 'organisations' | 'pages' | 'observations'>,
  items: Record<string, string | null>[],
  written: (result: ImportResult) => Promise<number[]>,
): Promise<PushResult> {
  const viewer = context.viewer!; // the field's scope requires a writing key
  if (items.length > MAX_ITEMS) {
    return {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      ids: noIds,
      userErrors: [
        { field: ['input', kind], message: `at most ${MAX_ITEMS} items per call (got ${items.length}): split them into several calls`, code: 'TOO_MANY' },
      ],
    };
  }
  const spec = bulkFile(kind);
  const result = await runLoad(context.pool, itemSource(spec, items), {
    scope: viewerScope(viewer),
    // A revoke that landed since the request began stops the write here.
    beforeCommit: (client) => ensureKeyStillValid(client, viewer.keyId),
  }).catch((error: unknown) => {
    if (error instanceof KeyNoLongerValid)
      throw new GraphQLError('This API key was revoked or has expired: nothing was written.', { extensions: { code: 'UNAUTHENTICATED' } });
    throw error;
  });
  const [file] = result.files;
  const counts: AuditCounts = { [kind]: { inserted: file.inserted, updated: file.updated, unchanged: file.unchanged, rejected: file.rejected } };
  await audit(context.pool, { keyId: viewer.keyId, action: ACTIONS[kind], outcome: result.ok ? 'applied' : 'rejected', counts });
  if (!result.ok) return { inserted: 0, updated: 0, unchanged: 0, ids: noIds, userErrors: result.errors.map((error) => userError(error, kind)) };
  let ids: Promise<number[]> | undefined;
  return { inserted: file.inserted, updated: file.updated, unchanged: file.unchanged, ids: () => (ids ??= written(result)), userErrors: [] };
}

/** The counts and problems every push payload has. */
const PushPayload = builder.interfaceRef<PushResult>('PushPayload').implement({
  description: 'What a push mutation did: counts of its items and, when refused, why (nothing is written then).',
  fields: (t) => ({
    inserted: t.exposeInt('inserted', { description: 'Items that created a new row.' }),
    updated: t.exposeInt('updated', { description: 'Items that changed an existing row.' }),
    unchanged: t.exposeInt('unchanged', { description: 'Items identical to what was stored (nothing to do).' }),
    userErrors: t.field({ type: [UserError], description: 'Problems with the input; when not empty, nothing was written.', resolve: (r) => r.userErrors }),
  }),
});

/** The ids of a refused push: none. */
const noIds = async (): Promise<number[]> => [];

/** Rows by id in the order of `ids`. */
function inOrder<T extends { id: number }>(ids: readonly number[], rows: readonly T[]): T[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is T => row !== undefined);
}

const UpsertOrganisationsPayload = builder.objectRef<PushResult>('UpsertOrganisationsPayload').implement({
  description: 'What `upsertOrganisations` did.',
  interfaces: [PushPayload],
  fields: (t) => ({
    organisations: t.prismaField({
      type: ['Organisation'],
      description: 'The organisations as written, in input order (empty when refused).',
      resolve: async (query, result) => {
        const ids = await result.ids();
        return inOrder(ids, await prisma().organisation.findMany({ ...query, where: { id: { in: ids } } }));
      },
    }),
  }),
});

const UpsertPagesPayload = builder.objectRef<PushResult>('UpsertPagesPayload').implement({
  description: 'What `upsertPages` did.',
  interfaces: [PushPayload],
  fields: (t) => ({
    pages: t.prismaField({
      type: ['Page'],
      description: 'The pages as written, in input order (empty when refused).',
      resolve: async (query, result) => {
        const ids = await result.ids();
        return inOrder(ids, await prisma().page.findMany({ ...query, where: { id: { in: ids } } }));
      },
    }),
  }),
});

const RecordObservationsPayload = builder.objectRef<PushResult>('RecordObservationsPayload').implement({
  description: 'What `recordObservations` did.',
  interfaces: [PushPayload],
  fields: (t) => ({
    pages: t.prismaField({
      type: ['Page'],
      description: 'The pages observed, each once in input order, with their new latest count (empty when refused).',
      resolve: async (query, result) => {
        const ids = await result.ids();
        return inOrder(ids, await prisma().page.findMany({ ...query, where: { id: { in: ids } } }));
      },
    }),
  }),
});

const OrganisationInput = builder.inputType('OrganisationInput', {
  description: 'An organisation to create or update, by its `externalId` (the columns of organisations.csv).',
  fields: (t) => ({
    externalId: t.string({ required: true, description: 'Identifier given by your system; the key of the upsert.' }),
    name: t.string({ required: true, description: 'Official name.' }),
    kind: t.field({ type: OrganisationKind, required: true, description: 'Authority, institution or other.' }),
    territoryCode: t.string({ required: true, description: 'Code of the territory it is located in (e.g. an OKTMO code).' }),
    sectorCode: t.string({ required: true, description: 'Code of its sector (see `sectors`).' }),
    inn: t.string({ description: 'ИНН, 10 or 12 digits with valid check digits; null when unknown.' }),
    ogrn: t.string({ description: 'ОГРН, 13 or 15 digits with a valid check digit; null when unknown.' }),
  }),
});

const PageInput = builder.inputType('PageInput', {
  description: 'An official page to create or update, by `(platform, externalId)` (the columns of pages.csv).',
  fields: (t) => ({
    platform: t.string({ required: true, description: 'Platform code, e.g. `VK` (see `platforms`).' }),
    externalId: t.string({ required: true, description: "The platform's own id or screen name of the page." }),
    organisationExternalId: t.string({ required: true, description: 'The `externalId` of the organisation it belongs to.' }),
    url: t.string({ required: true, description: "Link to the page; its host must be one of the platform's." }),
    name: t.string({ required: true, description: 'Title of the page.' }),
    verified: t.boolean({ description: 'The "госметка" flag; left out: a new page is not verified, an existing one keeps its value.' }),
    status: t.field({ type: PageStatus, description: 'Left out: a new page is ACTIVE, an existing one keeps its status.' }),
  }),
});

const ObservationInput = builder.inputType('ObservationInput', {
  description: "A page's subscriber count on a day (the columns of observations.csv); an existing count for that day is corrected.",
  fields: (t) => ({
    platform: t.string({ required: true, description: 'Platform code of the page, e.g. `VK`.' }),
    externalId: t.string({ required: true, description: "The platform's own id of the page." }),
    subscribers: t.int({ required: true, description: 'Subscribers counted, 0 to 2,147,483,647.' }),
    observedOn: t.field({ type: 'Date', required: true, description: 'The day counted (not in the future).' }),
  }),
});

const UpsertOrganisationsInput = builder.inputType('UpsertOrganisationsInput', {
  description: `Organisations to create or update: at most ${MAX_ITEMS}, all or nothing.`,
  fields: (t) => ({ organisations: t.field({ type: [OrganisationInput], required: true, description: 'The organisations.' }) }),
});
const UpsertPagesInput = builder.inputType('UpsertPagesInput', {
  description: `Pages to create or update: at most ${MAX_ITEMS}, all or nothing.`,
  fields: (t) => ({ pages: t.field({ type: [PageInput], required: true, description: 'The pages.' }) }),
});
const RecordObservationsInput = builder.inputType('RecordObservationsInput', {
  description: `Subscriber counts to record: at most ${MAX_ITEMS}, all or nothing.`,
  fields: (t) => ({ observations: t.field({ type: [ObservationInput], required: true, description: 'The counts.' }) }),
});

const WRITER = { writer: true } as const;

builder.mutationFields((t) => ({
  upsertOrganisations: t.field({
    authScopes: WRITER,
    type: UpsertOrganisationsPayload,
    description:
      'Creates or updates organisations by `externalId`, inside the subtrees your key may write (before and after the write). All or nothing: any problem is reported in `userErrors` and nothing is written.',
    args: { input: t.arg({ type: UpsertOrganisationsInput, required: true, description: 'The organisations.' }) },
    resolve: (_root, { input }, context) =>
      push(
        context,
        'organisations',
        input.organisations.map((o) => ({
          external_id: o.externalId,
          name: o.name,
          kind: o.kind,
          territory_code: o.territoryCode,
          sector_code: o.sectorCode,
          inn: o.inn ?? null,
          ogrn: o.ogrn ?? null,
        })),
        () =>
          organisationIdsByExternalId(
            context.pool,
            input.organisations.map((o) => o.externalId.trim()),
          ),
      ),
  }),
  upsertPages: t.field({
    authScopes: WRITER,
    type: UpsertPagesPayload,
    description:
      "Creates or updates official pages by `(platform, externalId)`; the page's organisation must lie inside the subtrees your key may write, before and after. All or nothing.",
    args: { input: t.arg({ type: UpsertPagesInput, required: true, description: 'The pages.' }) },
    resolve: (_root, { input }, context) =>
      push(
        context,
        'pages',
        input.pages.map((p) => ({
          platform: p.platform,
          external_id: p.externalId,
          organisation_external_id: p.organisationExternalId,
          url: p.url,
          name: p.name,
          verified: p.verified == null ? null : String(p.verified),
          status: p.status ?? null,
        })),
        () =>
          pageIdsByKey(
            context.pool,
            input.pages.map((p) => ({ platform: p.platform.trim(), externalId: p.externalId.trim() })),
          ),
      ),
  }),
  recordObservations: t.field({
    authScopes: WRITER,
    type: RecordObservationsPayload,
    description: 'Records subscriber counts (late or corrected days too); the figures of every territory above the pages change at once. All or nothing.',
    args: { input: t.arg({ type: RecordObservationsInput, required: true, description: 'The counts.' }) },
    resolve: (_root, { input }, context) =>
      push(
        context,
        'observations',
        input.observations.map((o) => ({ platform: o.platform, external_id: o.externalId, subscribers: String(o.subscribers), observed_on: o.observedOn })),
        () =>
          pageIdsByKey(
            context.pool,
            input.observations.map((o) => ({ platform: o.platform.trim(), externalId: o.externalId.trim() })),
          ),
      ),
  }),
}));
