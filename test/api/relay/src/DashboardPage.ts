/**
 * What a dashboard built with Relay writes against schema.graphql: compiled by relay-compiler in
 * test/api/relay.test.ts (never run). The compiler reads every `graphql` tagged template; an app
 * imports the tag from `react-relay`, which this project does not install.
 */
const graphql = (strings: TemplateStringsArray): string => strings.join('');

/** The page's query: a region, its tile and its ranked children. */
export const dashboardPageQuery = graphql`
  query DashboardPageQuery($code: String!, $from: Date!, $to: Date!) {
    territory(code: $code) {
      id
      name
      ...DashboardTile_territory @arguments(from: $from, to: $to)
      ...DashboardChildren_territory
      ...DashboardOrganisations_territory
    }
  }
`;

/** One figures tile, refetchable through `node` with other filters. */
export const dashboardTile = graphql`
  fragment DashboardTile_territory on Territory
  @refetchable(queryName: "DashboardTileRefetchQuery")
  @argumentDefinitions(platforms: { type: "[String!]" }, sectors: { type: "[String!]" }, from: { type: "Date!" }, to: { type: "Date!" }) {
    id
    code
    stats(platforms: $platforms, sectors: $sectors) {
      subscribers
      pages
      organisations
      organisationsWithPages
      byPlatform {
        platform {
          code
          name
        }
        subscribers
      }
    }
    growth(from: $from, to: $to, platforms: $platforms, sectors: $sectors) {
      change
    }
    history(from: $from, to: $to, interval: WEEK, platforms: $platforms, sectors: $sectors) {
      date
      subscribers
    }
  }
`;

/** The children ranked by subscribers, paginated with @connection. */
export const dashboardChildren = graphql`
  fragment DashboardChildren_territory on Territory
  @refetchable(queryName: "DashboardChildrenPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
    children(first: $count, after: $cursor, orderBy: { field: SUBSCRIBERS, direction: DESC }) @connection(key: "DashboardChildren_children") {
      totalCount
      edges {
        node {
          id
          code
          name
          level
          stats {
            subscribers
            pages
          }
        }
      }
    }
  }
`;

/** The organisations of the subtree, paginated with @connection. */
export const dashboardOrganisations = graphql`
  fragment DashboardOrganisations_territory on Territory
  @refetchable(queryName: "DashboardOrganisationsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
    organisations(first: $count, after: $cursor) @connection(key: "DashboardOrganisations_organisations") {
      edges {
        node {
          id
          name
          kind
          sector {
            code
          }
        }
      }
    }
  }
`;

/** The tile's live figures: Relay updates the store's Stats from each event. */
export const dashboardPageFigures = graphql`
  subscription DashboardPageFiguresSubscription($code: String!, $platforms: [String!]) {
    figuresChanged(territory: $code, platforms: $platforms) {
      dataVersion
      territory {
        id
        code
      }
      stats {
        subscribers
        pages
        organisationsWithPages
      }
    }
  }
`;
