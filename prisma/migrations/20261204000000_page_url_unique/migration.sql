-- One URL, one page: two pages of one platform may not share a URL (a page registered twice under
-- two external ids would count its subscribers twice in every total above it). Loads refuse such
-- a row with a DUPLICATE row error naming the other page before anything is written; this index
-- is the guarantee.
CREATE UNIQUE INDEX "page_platform_id_url_key" ON "page"("platform_id", "url");
