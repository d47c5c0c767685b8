/**
 * The in-browser explorer shown at GET /graphql (GRAPHQL_EXPLORER; on outside production): GraphiQL
 * rendered by @graphql-yoga/render-graphiql into one self-contained page, so it works without
 * internet access (Apollo's own landing page loads Sandbox from a CDN).
 *
 * GraphiQL's own introspection query is 15 levels deep, over the depth limit every document is held
 * to (src/graphql/hardening.ts). So when introspection is enabled the page carries the schema's
 * introspection result, and GraphiQL builds its schema from that instead of asking the server;
 * when introspection is disabled the page carries no schema (GraphiQL then runs without docs).
 */
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { introspectionFromSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

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

let withoutSchema: string | undefined;
const withSchema = new WeakMap<GraphQLSchema, string>();

/** The page (~9 MB), rendered once on first use; `schema` is embedded when given (see above). */
export function explorerPage(schema?: GraphQLSchema): string {
  if (!schema) return (withoutSchema ??= render());
  let page = withSchema.get(schema);
  if (page === undefined) withSchema.set(schema, (page = render(introspectionFromSchema(schema))));
  return page;
}

function render(introspection?: IntrospectionQuery): string {
  // GraphiQL takes `schema` as an introspection result and then does not introspect; yoga passes
  // its options through to GraphiQL but does not declare this one.
  const options = { endpoint: "/graphql", title: "jwk-gateway", defaultQuery: DEFAULT_QUERY, ...(introspection ? { schema: introspection } : {}) };
  return renderGraphiQL(options);
}
