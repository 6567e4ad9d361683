/**
 * Most pages `Organisation.pages` returns: an organisation with more (on the platforms and
 * status asked) answers that field with a LIST_TOO_LONG error naming `pagesConnection`, which
 * pages through any number. The cost function (src/modules/edge/cost.ts) counts the list at
 * this size, so a query's cost stays an upper bound on what it returns.
 */
export const PAGES_PER_ORGANISATION = 20;
