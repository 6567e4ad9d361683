-- Verified pages (issue 20): per (territory subtree, sector, platform) cell, the active pages that
-- carry the verification mark and the sum of their current counts, kept by every load beside
-- `pages` and `subscribers` (src/modules/loads/pipeline/sql/rollup.ts).
ALTER TABLE "territory_page_rollup" ADD COLUMN "verified_pages" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "territory_page_rollup" ADD COLUMN "verified_subscribers" BIGINT NOT NULL DEFAULT 0;

-- The figures of the rows already stored, from the pages' stored current counts (as a rebuild does).
UPDATE "territory_page_rollup" r
   SET verified_pages = v.pages, verified_subscribers = v.subscribers
  FROM (SELECT a.id AS territory_id, o.sector_id, p.platform_id, count(*)::int AS pages, coalesce(sum(p.subscribers), 0)::bigint AS subscribers
          FROM page p JOIN organisation o ON o.id = p.organisation_id
          JOIN territory t ON t.id = o.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
         WHERE p.status = 'ACTIVE' AND p.verified
         GROUP BY 1, 2, 3) v
 WHERE r.territory_id = v.territory_id AND r.sector_id = v.sector_id AND r.platform_id = v.platform_id;
