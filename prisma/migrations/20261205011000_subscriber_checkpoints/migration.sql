-- Issue 21 item 1: history whose cost does not grow with its length. A monthly checkpoint of every
-- territory's per-cell subscriber figure, so that a figure as of day D is the checkpoint of D's
-- month plus at most a month of per-day changes, however many years are stored
-- (docs/aggregation.md, "Checkpoints"). Kept exact by every load (src/modules/loads/pipeline/sql/checkpoints.ts).

-- CreateTable
CREATE TABLE "subscriber_checkpoint_month" (
    "month" DATE NOT NULL,

    CONSTRAINT "subscriber_checkpoint_month_pkey" PRIMARY KEY ("month")
);

-- CreateTable
CREATE TABLE "territory_subscriber_checkpoint" (
    "month" DATE NOT NULL,
    "territory_id" INTEGER NOT NULL,
    "sector_id" INTEGER NOT NULL,
    "platform_id" INTEGER NOT NULL,
    "subscribers" BIGINT NOT NULL,

    CONSTRAINT "territory_subscriber_checkpoint_pkey" PRIMARY KEY ("month","territory_id","sector_id","platform_id")
);

-- The checkpoints of the history stored so far: every month from the one after the first change
-- (or the current month) to the current month (UTC), each the sum of the changes before it.
INSERT INTO "subscriber_checkpoint_month" ("month")
SELECT generate_series(least(date_trunc('month', (SELECT min(day) FROM territory_subscriber_change)) + interval '1 month',
                             date_trunc('month', now() AT TIME ZONE 'UTC')),
                       date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month')::date;

INSERT INTO "territory_subscriber_checkpoint" ("month", "territory_id", "sector_id", "platform_id", "subscribers")
SELECT m.month, r.territory_id, r.sector_id, r.platform_id, r.running
  FROM (SELECT territory_id, sector_id, platform_id, bucket, sum(delta) OVER w AS running, lead(bucket) OVER w AS next_bucket
          FROM (SELECT territory_id, sector_id, platform_id, (date_trunc('month', day) + interval '1 month')::date AS bucket, sum(delta) AS delta
                  FROM territory_subscriber_change GROUP BY 1, 2, 3, 4) b
        WINDOW w AS (PARTITION BY territory_id, sector_id, platform_id ORDER BY bucket)) r
  JOIN subscriber_checkpoint_month m ON m.month >= r.bucket AND (r.next_bucket IS NULL OR m.month < r.next_bucket)
 WHERE r.running <> 0
 ORDER BY 1, 2, 3, 4;
