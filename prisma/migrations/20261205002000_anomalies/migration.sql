-- Anomalies (issue 20): the day-to-day steps of active pages' counts large enough to be a
-- candidate jump (|change| >= 100 and >= 5 % of the count before: ANOMALY_FLOOR,
-- src/modules/monitoring/anomalyFloor.ts), found when observations are written and kept exact by
-- every load (src/modules/loads/pipeline/sql/rollup.ts). One row per ancestor of the page's
-- territory (depth <= 8), so `anomalies(within:)` is one index range of the subtree's root,
-- newest first, at the federation as in a village.
CREATE TABLE "territory_anomaly" (
    "territory_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "page_id" INTEGER NOT NULL,
    "since" DATE NOT NULL,
    "before" INTEGER NOT NULL,
    "after" INTEGER NOT NULL,

    CONSTRAINT "territory_anomaly_pkey" PRIMARY KEY ("territory_id","day","page_id")
);

-- A load deletes the steps it recomputes by (page, day).
CREATE INDEX "territory_anomaly_page_id_day_idx" ON "territory_anomaly"("page_id", "day");

-- The steps of the data already stored.
INSERT INTO "territory_anomaly" (territory_id, day, page_id, since, before, after)
SELECT a.id, s.day, s.page_id, s.since, s.before, s.after
  FROM (SELECT page_id, observed_on AS day, subscribers AS after,
               lag(subscribers) OVER w AS before, lag(observed_on) OVER w AS since
          FROM observation WINDOW w AS (PARTITION BY page_id ORDER BY observed_on)) s
  JOIN page p ON p.id = s.page_id AND p.status = 'ACTIVE'
  JOIN organisation o ON o.id = p.organisation_id
  JOIN territory t ON t.id = o.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
 WHERE s.before IS NOT NULL AND abs(s.after::bigint - s.before) >= 100 AND abs(s.after::bigint - s.before) * 100 >= 5 * s.before::bigint
 ORDER BY 1, 2, 3;
