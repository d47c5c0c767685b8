/**
 * The in-browser explorer shown at GET /graphql outside production: GraphiQL rendered by
 * @graphql-yoga/render-graphiql into one self-contained page, so it works without internet access
 * (Apollo's own landing page loads Sandbox from a CDN).
 */
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";

const DEFAULT_QUERY = `# jwk-gateway: try generating a key, then reading its set.
mutation Create {
  createJsonWebKeySet(set: "my-set", input: { alg: "ES256" }) {
    set
    keys { kid kty alg use crv x y }
  }
}

query Read {
  getJsonWebKeySet(set: "my-set") {
    keys { kid kty alg use }
  }
}
`;

let page: string | undefined;

/** The page is ~9 MB; render it once, on first use. */
export function explorerPage(): string {
  page ??= renderGraphiQL({ endpoint: "/graphql", title: "jwk-gateway", defaultQuery: DEFAULT_QUERY });
  return page;
}
