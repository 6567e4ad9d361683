/**
 * Persisted (trusted) documents of the embeds: the widget sends only the id and its variables
 * (`GET /graphql?id=embed-figures-v1&variables=…`). A published id never changes meaning: a new
 * shape of the query gets a new id, so widgets already on portals keep working.
 */

/** Figures of one territory for the widget: totals, breakdown by platform, growth and a weekly history. */
const EMBED_FIGURES_V1 = `query EmbedFiguresV1($code: String!, $platforms: [String!], $sectors: [String!], $from: Date!, $to: Date!) {
  territory(code: $code) {
    code
    name
    stats(platforms: $platforms, sectors: $sectors) {
      subscribers
      organisations
      organisationsWithPages
      byPlatform { platform { code name } subscribers }
    }
    growth(from: $from, to: $to, platforms: $platforms, sectors: $sectors) { change relativeChange subscribersFrom subscribersTo }
    history(from: $from, to: $to, interval: WEEK, platforms: $platforms, sectors: $sectors) { date subscribers }
  }
}`;

/** The widget's live figures (`live` attribute): the same stats as `embed-figures-v1`, pushed after each load that changes them. */
const EMBED_FIGURES_LIVE_V1 = `subscription EmbedFiguresLiveV1($code: String!, $platforms: [String!], $sectors: [String!]) {
  figuresChanged(territory: $code, platforms: $platforms, sectors: $sectors) {
    dataVersion
    stats {
      subscribers
      organisations
      organisationsWithPages
      byPlatform { platform { code name } subscribers }
    }
  }
}`;

/** The landing page's live federation figures. */
const LANDING_FIGURES_LIVE_V1 = `subscription LandingFiguresLiveV1 {
  figuresChanged(territory: "RU") { dataVersion stats { subscribers pages organisations organisationsWithPages } }
}`;

export const EMBED_DOCUMENTS: Record<string, string> = {
  'embed-figures-v1': EMBED_FIGURES_V1,
  'embed-figures-live-v1': EMBED_FIGURES_LIVE_V1,
  'landing-figures-live-v1': LANDING_FIGURES_LIVE_V1,
};

/** The landing page's territory search (sent as a query by POST from /landing.js). */
export const LANDING_SEARCH = 'query LandingSearch($search: String!) { territories(filter: { search: $search }, first: 8) { nodes { code name level } } }';
