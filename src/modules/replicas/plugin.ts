import { type ExecutionArgs, type ExecutionResult, GraphQLError, getOperationAST, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { withPrisma } from '../../db/prisma.js';
import type { Replica, ReplicaSet } from '../../db/replicas.js';
import { createLoaders, type Loaders } from '../loaders.js';
import { type DataVersion, dataVersionCache, readDataVersion } from './dataVersion.js';

/** What this plugin needs of the request's context: its loaders, replaced when an operation runs again on the primary. */
interface RoutedContext {
  loaders: Loaders;
}

/**
 * Routes each GraphQL operation to a database. A read-only operation (a query) runs on a fit read
 * replica when there is one (`ReplicaSet.pick`: in turn, skipping replicas that are down or lag),
 * else on the primary; mutations (and their payloads) always run on the primary, as do queries of
 * loads (`load`, `loads`: a client polls them right after sending a load, and the primary runs it).
 *
 * The whole execution runs inside `withPrisma(client, …)`: every `prisma()` call made while
 * resolving it (DataLoaders' batches, Pothos' relation loads, raw SQL) goes to that database.
 * Should an execution on a replica fail unexpectedly (the replica stopped, a statement cancelled by
 * a recovery conflict), the replica is taken out of rotation and the operation runs again on the
 * primary with fresh DataLoaders (a DataLoader keeps its failed promises): the client gets its
 * answer. Input errors (BAD_USER_INPUT…) are answers, not failures.
 *
 * Every response says which data it reflects: `extensions.dataVersion` (`{ version, committedAt }`
 * of the last load the answering database had applied when the operation started: what it read
 * includes at least that load) and `extensions.database` (`primary` or `replica`).
 */
export function readRoutingPlugin(options: { pool: pg.Pool; replicas?: ReplicaSet }): Plugin<RoutedContext> {
  const versionOf = dataVersionCache();
  const { pool, replicas } = options;

  /** Runs on the primary; the version read before (queries) or after (mutations: their payload includes the write). */
  const onPrimary = async (execute: Execute, args: ExecutionArgs, readOnly: boolean) => {
    const before = readOnly ? await versionOf(pool).catch(() => null) : null;
    // Outside any replica's binding: prisma() is the primary's client.
    const result = await execute(args);
    const version = readOnly ? before : await readDataVersion(pool).catch(() => null);
    return withFreshness(result, version, 'primary');
  };

  const onReplica = async (execute: Execute, args: ExecutionArgs, replica: Replica) => {
    try {
      const version = await versionOf(replica.pool);
      const result = await withPrisma(replica.client, () => execute(args));
      const failure = unexpectedFailure(result);
      if (!failure) return withFreshness(result, version, 'replica');
      replicas!.markDown(replica, failure);
    } catch (error) {
      replicas!.markDown(replica, error);
    }
    return undefined;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      const readOnly = operation.operation === 'query';
      const mayUseReplica = readOnly && replicas !== undefined && !readsLoads(operation);
      setExecuteFn(async (executionArgs) => {
        const replica = mayUseReplica ? replicas.pick() : undefined;
        if (replica) {
          const answered = await onReplica(executeFn, executionArgs, replica);
          if (answered) return answered;
          // Again on the primary, with DataLoaders (and Pothos' per-context caches) of its own.
          const context = executionArgs.contextValue as RoutedContext;
          return onPrimary(executeFn, { ...executionArgs, contextValue: { ...context, loaders: createLoaders() } }, readOnly);
        }
        return onPrimary(executeFn, executionArgs, readOnly);
      });
    },
  };
}

type Execute = (args: ExecutionArgs) => unknown;

/** Root fields answered by the primary even in a query: the loads it runs (their status moves fast). */
const PRIMARY_ROOT_FIELDS = new Set(['load', 'loads']);

function readsLoads(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind === 'Field' && PRIMARY_ROOT_FIELDS.has(selection.name.value));
}

function isResult(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && !(Symbol.asyncIterator in value);
}

/** The first error of a result that is not an answer (no extensions.code, not GraphQL's own) and may be the replica's fault, or undefined. */
function unexpectedFailure(result: unknown): Error | undefined {
  if (!isResult(result)) return undefined;
  for (const error of result.errors ?? []) {
    const original = error.originalError;
    if (original && !(original instanceof GraphQLError) && !error.extensions?.code && isReplicaFailure(original)) return original;
  }
  return undefined;
}

/** SQLSTATE of a database error: pg's `code`, or through Prisma's driver adapter (`meta.driverAdapterError.cause.originalCode`). */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null;
  const adapted = candidate?.meta?.driverAdapterError?.cause?.originalCode;
  if (typeof adapted === 'string') return adapted;
  return typeof candidate?.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) ? candidate.code : undefined;
}

/**
 * True unless the error is the operation's own: a statement cancelled by its statement_timeout
 * (57014) would time out on the primary as well, so it is answered as it is, neither retried nor
 * held against the replica. Anything else (a lost connection, a recovery conflict: 40001) is.
 */
export function isReplicaFailure(error: unknown): boolean {
  return sqlState(error) !== '57014';
}

/** The result with `extensions.dataVersion` and `extensions.database` added (streams are left as they are). */
function withFreshness<T>(result: T, dataVersion: DataVersion | null, database: 'primary' | 'replica'): T {
  if (!isResult(result)) return result;
  return { ...result, extensions: { ...result.extensions, dataVersion, database } };
}
