-- Freshness (issue 20): per territory subtree, the active pages by the day of their latest
-- observation ('-infinity': never observed). `Territory.freshness` sums one index range of it;
-- every load keeps it exact by the same before/after delta as the other rollups.
CREATE TABLE "territory_freshness_rollup" (
    "territory_id" INTEGER NOT NULL,
    "observed_on" DATE NOT NULL,
    "pages" INTEGER NOT NULL,

    CONSTRAINT "territory_freshness_rollup_pkey" PRIMARY KEY ("territory_id","observed_on")
);

ALTER TABLE "territory_freshness_rollup" SET (fillfactor = 50);

-- The rows of the data already stored, from the pages' stored latest day (as a rebuild does).
INSERT INTO "territory_freshness_rollup" (territory_id, observed_on, pages)
SELECT a.id, coalesce(p.observed_on, '-infinity'::date), count(*)::int
  FROM page p JOIN organisation o ON o.id = p.organisation_id
  JOIN territory t ON t.id = o.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
 WHERE p.status = 'ACTIVE'
 GROUP BY 1, 2
 ORDER BY 1, 2;
