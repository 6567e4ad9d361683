-- Every daily push rewrites the current figures of most pages (subscribers, observed_on) and
-- organisations (subscribers, platform_mask). Such an update is cheap (a "HOT" update: no index
-- entry is written) only when no index covers the changed columns and the row's new version fits
-- on the same table page. Measured on the national demo (360 k pages, 184 k organisations), a push
-- of one observation per page spent 12 s updating organisations (every index, the trigram index
-- included, got a new entry per row) and 6.5 s updating pages; after this migration 1.5 s and 1.7 s.

-- Organisations ranked by subscribers within one territory sort the territory's few rows instead.
DROP INDEX "organisation_territory_id_subscribers_idx";

-- Half of each table page is left free at insert, so that a push's new row versions stay on their page.
ALTER TABLE "organisation" SET (fillfactor = 50);
ALTER TABLE "page" SET (fillfactor = 50);

-- The same for the rollup rows a push adds to (pages, subscribers and organisations per cell; the
-- per-day changes are mostly new rows, and stay packed).
ALTER TABLE "territory_page_rollup" SET (fillfactor = 50);
ALTER TABLE "territory_organisation_rollup" SET (fillfactor = 50);
