-- The organisations export reads a subtree territory by territory, each territory's organisations in
-- (search name, id) order after the last row sent. This index hands them over in that order, so a
-- batch reads its rows instead of sorting the whole subtree again (as it did with one statement
-- ordered by territory code, search name and id). It covers neither subscribers nor platform_mask,
-- so a push's updates of those stay in place.
CREATE INDEX "organisation_territory_id_search_name_id_idx" ON "organisation"("territory_id", "search_name", "id");
