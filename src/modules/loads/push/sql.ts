import type pg from 'pg';

/** Ids of the organisations with these external ids, in the order given (missing ones left out). */
export async function organisationIdsByExternalId(db: pg.Pool | pg.ClientBase, externalIds: readonly string[]): Promise<number[]> {
  // The organisations a mutation wrote, in input order.
  const { rows } = await db.query<{ id: number }>(
    `SELECT o.id FROM unnest($1::text[]) WITH ORDINALITY AS k(external_id, n) JOIN organisation o ON o.external_id = k.external_id ORDER BY k.n`,
    [externalIds],
  );
  return rows.map((row) => row.id);
}

/** Ids of the pages with these (platform code, external id) keys, in the order given, each once. */
export async function pageIdsByKey(db: pg.Pool | pg.ClientBase, keys: readonly { platform: string; externalId: string }[]): Promise<number[]> {
  // The pages a mutation wrote or observed, in input order, each page once.
  const { rows } = await db.query<{ id: number }>(
    `SELECT p.id FROM (
       SELECT DISTINCT ON (p.id) p.id, k.n
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(platform, external_id, n)
         JOIN platform f ON f.code = upper(k.platform)
         JOIN page p ON p.platform_id = f.id AND p.external_id = k.external_id
        ORDER BY p.id, k.n) p
     ORDER BY p.n`,
    [keys.map((key) => key.platform), keys.map((key) => key.externalId)],
  );
  return rows.map((row) => row.id);
}
