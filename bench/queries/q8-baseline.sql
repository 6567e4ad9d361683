-- Q8, the on-read baseline: Q1's figures (subscribers, pages, organisations,
-- organisationsWithPages, by platform and by sector) for the subtree of the territory with code
-- $1, computed from the raw rows at request time, the way an "instant GraphQL over PostgreSQL"
-- layer would aggregate: walk the tree down from the node (recursive CTE over parent_id), take
-- every organisation located in it, every ACTIVE page of those, and each page's latest
-- observation (the primary key (page_id, observed_on) read backwards, one probe per page);
-- then group. No rollup table, no denormalised column (organisation.subscribers,
-- page.subscribers) is read. One statement; the runner times it with a plain pg client.
--
-- Rows: dim 'total' (key NULL), 'platform' (key = platform code) and 'sector' (key = sector code),
-- each with subscribers, pages, organisations and organisations_with_pages (for 'platform',
-- organisations = organisations with an active page on it, as in PlatformStats).
WITH RECURSIVE subtree AS (
  SELECT id FROM territory WHERE code = $1
  UNION ALL
  SELECT t.id FROM territory t JOIN subtree s ON t.parent_id = s.id
),
scope_organisation AS MATERIALIZED (
  SELECT o.id, o.sector_id FROM organisation o JOIN subtree s ON s.id = o.territory_id
),
active_page AS MATERIALIZED (
  SELECT p.organisation_id, p.platform_id, coalesce(last.subscribers, 0)::bigint AS subscribers
    FROM page p
    JOIN scope_organisation o ON o.id = p.organisation_id
    LEFT JOIN LATERAL (SELECT ob.subscribers FROM observation ob WHERE ob.page_id = p.id
                        ORDER BY ob.observed_on DESC LIMIT 1) last ON true
   WHERE p.status = 'ACTIVE'
),
per_organisation AS (
  SELECT o.id, o.sector_id, count(a.organisation_id) AS pages, coalesce(sum(a.subscribers), 0) AS subscribers
    FROM scope_organisation o LEFT JOIN active_page a ON a.organisation_id = o.id
   GROUP BY o.id, o.sector_id
)
SELECT CASE WHEN grouping(s.code) = 1 THEN 'total' ELSE 'sector' END AS dim, s.code AS key,
       sum(r.subscribers)::bigint AS subscribers, sum(r.pages)::int AS pages,
       count(*)::int AS organisations, (count(*) FILTER (WHERE r.pages > 0))::int AS organisations_with_pages
  FROM per_organisation r JOIN sector s ON s.id = r.sector_id
 GROUP BY ROLLUP (s.code)
UNION ALL
SELECT 'platform', f.code, sum(a.subscribers)::bigint, count(*)::int,
       count(DISTINCT a.organisation_id)::int, count(DISTINCT a.organisation_id)::int
  FROM active_page a JOIN platform f ON f.id = a.platform_id
 GROUP BY f.code
