-- Issue 21 item 3: a rollup per (territory subtree, platform), so that figures by platform with no
-- sector filter (a region's children with `stats { subscribers byPlatform }`, the SUBSCRIBERS
-- order) read one row per platform instead of every (sector, platform) cell. Kept by every load
-- from the same cell deltas as territory_page_rollup (src/modules/loads/pipeline/sql/rollup.ts);
-- `npm run verify` checks it against a recount.

-- CreateTable
CREATE TABLE "territory_platform_rollup" (
    "territory_id" INTEGER NOT NULL,
    "platform_id" INTEGER NOT NULL,
    "pages" INTEGER NOT NULL,
    "subscribers" BIGINT NOT NULL,

    CONSTRAINT "territory_platform_rollup_pkey" PRIMARY KEY ("territory_id","platform_id")
);

-- Rewritten in place by every load touching it (as territory_page_rollup).
ALTER TABLE "territory_platform_rollup" SET (fillfactor = 50);

-- Filled from the page rollup as it stands: its cells summed over sectors.
INSERT INTO "territory_platform_rollup" ("territory_id", "platform_id", "pages", "subscribers")
SELECT territory_id, platform_id, sum(pages)::int, sum(subscribers)::bigint
  FROM "territory_page_rollup"
 GROUP BY 1, 2
 ORDER BY 1, 2;
