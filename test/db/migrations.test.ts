import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { useTestDatabase } from '../helpers/database.js';

const { url, pool } = await useTestDatabase();

/** The DMMF of prisma/schema.prisma, from Prisma's own schema engine (compiled to wasm). */
function dmmf() {
  const wasm = createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const prismaSchema = fs.readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema }))).datamodel as {
    models: { name: string; dbName: string | null; primaryKey: { fields: string[] } | null; fields: Field[] }[];
    enums: { name: string; values: { name: string }[] }[];
    indexes: { model: string; type: string; fields: { name: string }[]; algorithm?: string }[];
  };
}

interface Field {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
}

const POSTGRES_TYPE: Record<string, string> = { Int: 'int4', String: 'text', BigInt: 'int8', Boolean: 'bool', DateTime: 'timestamp', Json: 'jsonb' };
const NATIVE_TYPE: Record<string, string> = { Date: 'date', Timestamptz: 'timestamptz', Uuid: 'uuid' };

describe('migrations', () => {
  it('create exactly what schema.prisma describes: every model, field, type, nullability, key, unique and index', async () => {
    const model = dmmf();
    const tables = new Map(model.models.map((m) => [m.name, m.dbName ?? m.name]));
    const column = (modelName: string, fieldName: string) => {
      const field = model.models.find((m) => m.name === modelName)!.fields.find((f) => f.name === fieldName)!;
      return field.dbName ?? field.name;
    };
    const { rows: columns } = await pool.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const { rows: indexes } = await pool.query<{ table: string; columns: string[]; unique: boolean; primary: boolean; method: string }>(
      `SELECT t.relname::text AS table, array_agg(a.attname::text ORDER BY k.n) AS columns, i.indisunique AS unique, i.indisprimary AS primary, am.amname AS method
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary, am.amname`,
    );
    const { rows: foreignKeys } = await pool.query<{ table: string; columns: string[] }>(
      `SELECT c.conrelid::regclass::text AS table, array_agg(a.attname::text ORDER BY k.n) AS columns
         FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE c.contype = 'f' GROUP BY c.oid`,
    );
    const { rows: enumValues } = await pool.query<{ name: string; values: string[] }>(
      `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname`,
    );

    const problems: string[] = [];
    for (const m of model.models) {
      const table = tables.get(m.name)!;
      for (const field of m.fields.filter((f) => f.kind !== 'object')) {
        const name = field.dbName ?? field.name;
        const found = columns.find((c) => c.table_name === table && c.column_name === name);
        if (!found) {
          problems.push(`${m.name}.${field.name}: no column ${table}.${name}`);
          continue;
        }
        let expected = field.kind === 'enum' ? field.type : POSTGRES_TYPE[field.type];
        if (field.nativeType?.[0] && NATIVE_TYPE[field.nativeType[0]]) expected = NATIVE_TYPE[field.nativeType[0]];
        if (field.isList) expected = `_${expected}`;
        if (found.udt_name !== expected) problems.push(`${m.name}.${field.name}: type ${found.udt_name}, schema says ${expected}`);
        if (!field.isList && (found.is_nullable === 'NO') !== field.isRequired) {
          problems.push(`${m.name}.${field.name}: nullable=${found.is_nullable}, schema says required=${field.isRequired}`);
        }
      }
      for (const field of m.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
        const wanted = field.relationFromFields!.map((f) => column(m.name, f));
        if (!foreignKeys.some((fk) => fk.table === table && fk.columns.join() === wanted.join())) {
          problems.push(`${m.name}.${field.name}: no foreign key on ${table}(${wanted.join()})`);
        }
      }
    }
    for (const index of model.indexes) {
      const table = tables.get(index.model)!;
      const wanted = index.fields.map((f) => column(index.model, f.name));
      const match = indexes.find(
        (i) =>
          i.table === table &&
          i.columns.join() === wanted.join() &&
          (index.type !== 'id' || i.primary) &&
          (index.type !== 'unique' || i.unique) &&
          (!index.algorithm || i.method === index.algorithm.toLowerCase()),
      );
      if (!match) problems.push(`${index.model}: no ${index.type} index ${index.algorithm ?? ''} on ${table}(${wanted.join()})`);
    }
    for (const e of model.enums) {
      const found = enumValues.find((v) => v.name === e.name);
      if (found?.values.join() !== e.values.map((v) => v.name).join()) problems.push(`enum ${e.name}: ${found?.values.join() ?? 'missing'}`);
    }
    expect(problems).toEqual([]);
    expect(model.models.length).toBeGreaterThanOrEqual(9);
  });

  it('are recorded in _prisma_migrations the way Prisma records them', async () => {
    const migrations = await readMigrations();
    const { rows } = await pool.query(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toEqual(
      migrations.map((m) => ({
        migration_name: m.name,
        checksum: createHash('sha256')
          .update(fs.readFileSync(new URL(`../../prisma/migrations/${m.name}/migration.sql`, import.meta.url)))
          .digest('hex'),
        finished: true,
        applied_steps_count: 1,
        rolled_back_at: null,
      })),
    );
  });

  it('are applied once even when several processes start at the same time', async () => {
    const fresh = new URL(url);
    const name = `${fresh.pathname.slice(1)}_concurrent`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      fresh.pathname = `/${name}`;
      const results = await Promise.all([migrate(fresh.toString()), migrate(fresh.toString()), migrate(fresh.toString())]);
      expect(results.flat()).toEqual((await readMigrations()).map((m) => m.name));
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
