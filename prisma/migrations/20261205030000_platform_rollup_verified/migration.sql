-- Verified pages by platform (issues 20 and 21): the platform-level rollup carries the verified
-- figures like territory_page_rollup, so Stats.byPlatform read from it has them too.
ALTER TABLE "territory_platform_rollup" ADD COLUMN "verified_pages" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "territory_platform_rollup" ADD COLUMN "verified_subscribers" BIGINT NOT NULL DEFAULT 0;

-- The rows already stored: the sum over sectors of the page rollup's cells.
UPDATE "territory_platform_rollup" r
   SET verified_pages = v.verified_pages, verified_subscribers = v.verified_subscribers
  FROM (SELECT territory_id, platform_id, sum(verified_pages)::int AS verified_pages, sum(verified_subscribers)::bigint AS verified_subscribers
          FROM territory_page_rollup GROUP BY 1, 2) v
 WHERE r.territory_id = v.territory_id AND r.platform_id = v.platform_id;
