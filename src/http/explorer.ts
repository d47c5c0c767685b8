/**
 * The in-browser explorer shown at GET /graphql (GRAPHQL_EXPLORER; on outside production): GraphiQL
 * rendered by @graphql-yoga/render-graphiql into one self-contained page, so it works without
 * internet access (Apollo's own landing page loads Sandbox from a CDN). Subscriptions run over
 * WebSocket on /graphql (GraphiQL's graphql-ws client), with the Authorization header of the
 * Headers tab as the connection's credentials. GraphiQL loads the schema
 * with the standard introspection query, which the document limits let through while introspection
 * is enabled (src/graphql/hardening.ts); with introspection off it runs without docs.
 *
 * The page is 9 MB, nearly all of it the inlined editor, so it is served here rather than as Apollo's
 * landing page: compressed once (brotli or gzip, whichever the browser accepts; ~1.9 MB and ~2.4 MB),
 * off the event loop, and with an ETag, so a browser that has it revalidates and gets a 304.
 */
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

const DEFAULT_QUERY = `# jwk-gateway: try generating a key, then reading its set.
# Run Watch in a second tab first to see the change arrive (over WebSocket).
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

subscription Watch {
  jsonWebKeySetChanged(set: "my-set") {
    set kind kids at
  }
}
`;

/**
 * GraphiQL sends the Headers tab with each HTTP request, but a WebSocket has no headers: the gateway
 * reads credentials from the connection's `connection_init` payload (graphql/websocket.ts), which
 * GraphiQL's graphql-ws client sends without them. This script, run before GraphiQL, adds the
 * Authorization header of the active tab (GraphiQL keeps its tabs in localStorage) to that payload.
 */
const CONNECTION_PARAMS_SCRIPT = `<script>(() => {
  const headersOfActiveTab = () => {
    try {
      const state = JSON.parse(localStorage.getItem("graphiql:tabState") || "null");
      const tab = state && state.tabs && state.tabs[state.activeTabIndex || 0];
      const text = (tab && tab.headers) || localStorage.getItem("graphiql:headers") || "{}";
      return JSON.parse(text) || {};
    } catch (error) {
      return {};
    }
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === "string" && this.protocol === "graphql-transport-ws" && data.includes("connection_init")) {
      try {
        const message = JSON.parse(data);
        const headers = headersOfActiveTab();
        const name = Object.keys(headers).find((key) => key.toLowerCase() === "authorization");
        if (message.type === "connection_init" && name && typeof headers[name] === "string") {
          message.payload = Object.assign({}, message.payload, { authorization: headers[name] });
          data = JSON.stringify(message);
        }
      } catch (error) {
        // not a message of ours to change
      }
    }
    return send.call(this, data);
  };
})();</script>`;

type Encoding = "br" | "gzip" | "identity";

interface Page {
  etag: string;
  bodies: Record<Encoding, Buffer>;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

let page: Promise<Page> | undefined;

/** Rendered and compressed on first use (about a second of a thread-pool thread), then kept. */
function explorerPage(): Promise<Page> {
  return (page ??= (async () => {
    // Subscriptions over WebSocket on the same path (graphql-ws's protocol), queries and mutations over HTTP.
    const rendered = renderGraphiQL({
      endpoint: "/graphql",
      title: "jwk-gateway",
      defaultQuery: DEFAULT_QUERY,
      subscriptionsProtocol: "WS",
    });
    const html = Buffer.from(rendered.replace("<head>", `<head>${CONNECTION_PARAMS_SCRIPT}`));
    const [br, gz] = await Promise.all([
      brotli(html, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: html.length },
      }),
      gzip(html, { level: 9 }),
    ]);
    const etag = `"${createHash("sha256").update(html).digest("base64url").slice(0, 27)}"`;
    return { etag, bodies: { br, gzip: gz, identity: html } };
  })());
}

/** What Apollo's landing page answers: a GET of /graphql without a query, from a browser (it asks for HTML). */
function wantsExplorer(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const [path, search = ""] = request.url.split("?", 2) as [string, string?];
  if (path !== "/graphql" && path !== "/graphql/") return false;
  if (new URLSearchParams(search).has("query")) return false;
  return /\btext\/html\b/.test(request.headers.accept ?? "");
}

function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get("*") ?? 0;
  if (weight("br") > 0) return "br";
  if (weight("gzip") > 0) return "gzip";
  return "identity";
}

async function serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { etag, bodies } = await explorerPage();
  reply.header("etag", etag).header("cache-control", "no-cache").header("vary", "accept, accept-encoding");
  if (request.headers["if-none-match"] === etag) return reply.status(304).send();
  const encoding = chooseEncoding(request.headers["accept-encoding"]);
  if (encoding !== "identity") reply.header("content-encoding", encoding);
  return reply.type("text/html; charset=utf-8").send(bodies[encoding]);
}

/** Answers GET /graphql from a browser with the explorer, before Apollo sees the request. */
export function registerExplorer(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    if (wantsExplorer(request)) return serve(request, reply);
  });
}
