-- Planner statistics of the two small catalogue tables (issue 21, the daily push). Autovacuum
-- never analyses a table of a few rows (its threshold is 50 changed rows), so the planner took
-- `platform` for 630 rows instead of 4 and, joining a large load's staged rows to their pages
-- through it, expected 800 where there were 500,000: index lookups of 500,000 organisations one by
-- one instead of one hash join (5 s of a 9 s statement at Russia scale). A large load analyses
-- them again (src/modules/loads/pipeline/sql/load.ts).
ANALYZE "platform";
ANALYZE "sector";
