/**
 * GraphQL hardening (README, "GraphQL hardening"), through the real server:
 * every over-limit or forbidden request is refused before any resolver, service method or SQL
 * statement runs, counted by spies on the resolver classes, on the app's service and on
 * better-sqlite3 itself; introspection, the explorer and field suggestions follow the environment;
 * CORS answers only the configured origins; hostile bodies and slow clients do not hurt the process.
 */
import "reflect-metadata";
import http from "node:http";
import net from "node:net";
import zlib from "node:zlib";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { AuditResolver } from "../../src/graphql/audit.js";
import { GRAPHQL_LIMITS, HIDDEN_LIMIT_MESSAGE, INTROSPECTION_LIMITS } from "../../src/graphql/hardening.js";
import { JsonWebKeyResolver } from "../../src/graphql/resolver.js";
import { REQUEST_TIMEOUT_MS } from "../../src/server.js";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { FULL_INTROSPECTION } from "../support/introspection.js";

const STUDIO = "https://studio.apollographql.com";
const ELSEWHERE = "https://evil.example";

/** Open mode asks the store whether a token exists at most once per this; an hour keeps it out of the counts. */
const NO_RECHECK_MS = 3_600_000;

interface Started {
  gateway: RunningGateway;
  database: FreshDatabase;
}

async function start(env: Record<string, string> = {}): Promise<Started> {
  const database = await freshDatabase("sqlite");
  try {
    const gateway = await startGateway({ databaseUrl: database.url, env, openModeRecheckMs: NO_RECHECK_MS });
    return { gateway, database };
  } catch (error) {
    await database.cleanup();
    throw error;
  }
}

async function stop(started: Started | undefined): Promise<void> {
  await started?.gateway.close();
  await started?.database.cleanup();
}

/** Counts resolver calls, service calls and SQL statements from the moment it is created. */
class WorkCounter {
  private readonly spies: { kind: "resolver" | "service" | "sql"; spy: MockInstance }[] = [];

  constructor(service: object) {
    for (const resolverClass of [JsonWebKeyResolver, AuditResolver])
      this.spyOnMethods("resolver", resolverClass.prototype);
    this.spyOnMethods("service", service);
    const statements = Database.prototype as unknown as Record<"prepare" | "exec", (...args: unknown[]) => unknown>;
    this.spies.push(
      { kind: "sql", spy: vi.spyOn(statements, "prepare") },
      { kind: "sql", spy: vi.spyOn(statements, "exec") },
    );
  }

  /** Every method an object has through its class (own methods of a plain instance included). */
  private spyOnMethods(kind: "resolver" | "service", target: object): void {
    const prototype = Object.getPrototypeOf(target) === Object.prototype ? target : Object.getPrototypeOf(target);
    const names = Object.getOwnPropertyNames(target === prototype ? target : prototype).filter(
      (name) => name !== "constructor" && typeof (prototype as Record<string, unknown>)[name] === "function",
    );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) this.spies.push({ kind, spy: vi.spyOn(target as Record<string, () => unknown>, name) });
  }

  reset(): void {
    for (const { spy } of this.spies) spy.mockClear();
  }

  counts(): { resolver: number; service: number; sql: number } {
    const counts = { resolver: 0, service: 0, sql: 0 };
    for (const { kind, spy } of this.spies) counts[kind] += spy.mock.calls.length;
    return counts;
  }

  restore(): void {
    for (const { spy } of this.spies) spy.mockRestore();
  }
}

const NOTHING_RAN = { resolver: 0, service: 0, sql: 0 };

// --- documents -------------------------------------------------------------------------------

/** `depth` levels through introspection (the schema's own types are only 3 deep): __schema, types, fields, type, ofType… name. */
function introspectionChain(depth: number): string {
  const ofTypes = depth - 5;
  return `__schema { types { fields { type { ${"ofType { ".repeat(ofTypes)}name${" }".repeat(ofTypes)} } } } }`;
}

/** The same depth, spread over a chain of fragments, each one selection deep. */
function fragmentChain(depth: number, firstFragmentName = "F0"): string {
  const ofTypes = depth - 5;
  const names = [firstFragmentName, ...Array.from({ length: ofTypes + 3 }, (_, i) => `F${i + 1}`)];
  const steps: [string, string][] = [
    ["Query", "__schema"],
    ["__Schema", "types"],
    ["__Type", "fields"],
    ["__Field", "type"],
    ...Array.from({ length: ofTypes }, (): [string, string] => ["__Type", "ofType"]),
  ];
  const fragments = steps.map(([on, field], i) =>
    i === steps.length - 1
      ? `fragment ${names[i]} on ${on} { ${field} { name } }`
      : `fragment ${names[i]} on ${on} { ${field} { ...${names[i + 1]} } }`,
  );
  return `query { ...${names[0]} }\n${fragments.join("\n")}`;
}

/** A GET with exactly these headers, and the body as it came over the wire. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode!, headers: response.headers, body, bytes: body.length });
        });
      })
      .on("error", reject);
  });
}

const aliases = (count: number, field: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join("\n");
const ALL_MEMBERS = "fragment All on JsonWebKey { alg crv d dp dq e k kid kty n p q qi use x x5c y }";
const create = (i: number) => `createJsonWebKeySet(set: "s${i}", input: { alg: "RS256" }) { set }`;

/** 1,000 and 1,001 tokens exactly: `query Q {` is 3, `{` and `}` 1 each, every `aN: __typename` 3 (and valid, cheap, unlimited aliases). */
const tokens1000 = `query Q { ${aliases(332, () => "__typename")} }`;
const tokens1001 = `{ ${aliases(333, () => "__typename")} }`;

interface Refusal {
  name: string;
  send: (origin: string) => Promise<Response>;
  status: number;
  code: string;
  /** What the refusal says outside production (production says HIDDEN_LIMIT_MESSAGE for the limits). */
  message: RegExp;
  /** Refused by one of the document limits, whose size production does not state. */
  limit?: boolean;
  /** Only introspects: in production, where introspection is off, it is refused for that first. */
  introspectionOnly?: boolean;
}

const postJson = (origin: string, body: unknown) =>
  fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const postQuery = (origin: string, query: string) => postJson(origin, { query });
const MUTATION = 'mutation { createJsonWebKeySet(set: "csrf", input: { alg: "ES256" }) { set } }';

/** A real root field, which puts a document under the ordinary limits whatever else it selects. */
const REAL_FIELD = 'getJsonWebKeySet(set: "s") { set }';
const overIntrospectionDepth = INTROSPECTION_LIMITS.maxDepth + 1;

const refusals: Refusal[] = [
  // Introspection beside a real field gets no exemption: the ordinary depth and cost limits hold.
  {
    name: "depth 7 through introspection beside a real field",
    send: (o) => postQuery(o, `{ ${REAL_FIELD} ${introspectionChain(7)} }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /depth limit of 6 exceeded, found 7/,
    limit: true,
  },
  {
    name: "the standard introspection query beside a real field",
    send: (o) =>
      postQuery(
        o,
        FULL_INTROSPECTION.replace("query IntrospectionQuery {", `query IntrospectionQuery { ${REAL_FIELD}`),
      ),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Cost limit of 1000 exceeded|depth limit of 6 exceeded/,
    limit: true,
  },
  // GHSA-224p-v68g-5g8f: a fragment or operation named __schema once switched depth counting off.
  {
    name: "depth 7 through a fragment named __schema that selects a real field",
    send: (o) =>
      postQuery(o, `query { ...__schema }\nfragment __schema on Query { ${REAL_FIELD} ${introspectionChain(7)} }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /depth limit of 6 exceeded, found 7/,
    limit: true,
  },
  {
    name: "depth 7 in an operation named __schema that selects a real field",
    send: (o) => postQuery(o, `query __schema { ${REAL_FIELD} ${introspectionChain(7)} }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /depth limit of 6 exceeded, found 7/,
    limit: true,
  },
  // Introspection alone has limits of its own.
  {
    name: `depth ${overIntrospectionDepth} through introspection alone`,
    send: (o) => postQuery(o, `{ ${introspectionChain(overIntrospectionDepth)} }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /depth limit of 20 exceeded, found 21/,
    limit: true,
    introspectionOnly: true,
  },
  {
    name: `depth ${overIntrospectionDepth} through a chain of fragments named __schema…`,
    send: (o) => postQuery(o, fragmentChain(overIntrospectionDepth, "__schema")),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /depth limit of 20 exceeded, found 21|Cost limit of 30000 exceeded/,
    limit: true,
    introspectionOnly: true,
  },
  {
    name: "two full introspections in one document",
    send: (o) =>
      postQuery(
        o,
        `{ a: __schema { ...All } b: __schema { ...All } }\n${FULL_INTROSPECTION.slice(FULL_INTROSPECTION.indexOf("fragment FullType")).replace(/\n/g, " ")} fragment All on __Schema { types { ...FullType } directives { name args { ...InputValue } } }`,
      ),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Cost limit of 30000 exceeded/,
    limit: true,
    introspectionOnly: true,
  },
  {
    name: "introspection lists nested four deep (fields of types of fields…)",
    send: (o) =>
      postQuery(
        o,
        "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }",
      ),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Maximum introspection depth exceeded/,
    introspectionOnly: true,
  },
  {
    name: "2,000 __typename aliases inside __schema",
    send: (o) => postQuery(o, `{ __schema { ${aliases(2000, () => "__typename")} } }`),
    status: 400,
    code: "GRAPHQL_PARSE_FAILED",
    message: /more that 1000 tokens/,
    limit: true,
  },
  {
    name: "11 aliases of createJsonWebKeySet",
    send: (o) => postQuery(o, `mutation { ${aliases(11, create)} }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Aliases limit of 10 exceeded, found 11/,
    limit: true,
  },
  {
    name: "11 directives",
    send: (o) => postQuery(o, `{ ${aliases(11, () => "__typename @skip(if: false)")} }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Directives limit of 10 exceeded, found 11/,
    limit: true,
  },
  {
    name: "a 1,001-token document",
    send: (o) => postQuery(o, tokens1001),
    status: 400,
    code: "GRAPHQL_PARSE_FAILED",
    message: /more that 1000 tokens/,
    limit: true,
  },
  {
    name: "a cost-heavy list query (10 full reads of keys and public keys)",
    send: (o) =>
      postQuery(
        o,
        `{ ${aliases(10, (i) => `getJsonWebKeySet(set: "s${i}") { set keys { ...All } publicKeys { ...All } }`)} }\n${ALL_MEMBERS}`,
      ),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Cost limit of 1000 exceeded/,
    limit: true,
  },
  {
    name: "a batched request [op1, op2]",
    send: (o) => postJson(o, [{ query: MUTATION }, { query: '{ getJsonWebKeySet(set: "csrf") { set } }' }]),
    status: 400,
    code: "BAD_REQUEST",
    message: /batching disabled/,
  },
  {
    name: "a POST as text/plain without a preflight header (CSRF)",
    send: (o) =>
      fetch(`${o}/graphql`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ query: MUTATION }),
      }),
    status: 400,
    code: "BAD_REQUEST",
    message: /Cross-Site Request Forgery/,
  },
  {
    name: "a GET with a mutation",
    send: (o) =>
      fetch(`${o}/graphql?query=${encodeURIComponent(MUTATION)}`, { headers: { "apollo-require-preflight": "true" } }),
    status: 405,
    code: "BAD_REQUEST",
    message: /GET requests only support query operations/,
  },
  {
    name: "a GET with a mutation and no preflight header (CSRF)",
    send: (o) => fetch(`${o}/graphql?query=${encodeURIComponent(MUTATION)}`),
    status: 400,
    code: "BAD_REQUEST",
    message: /Cross-Site Request Forgery/,
  },
];

describe.each([
  ["outside production", {}],
  ["in production", { NODE_ENV: "production" }],
])(
  "every over-limit or forbidden request is refused before any resolver, service or database call (%s)",
  (_, env: Record<string, string>) => {
    const production = env.NODE_ENV === "production";
    let started: Started | undefined;
    let work: WorkCounter;

    beforeAll(async () => {
      started = await start(env);
      work = new WorkCounter(started.gateway.app.service);
      // Open mode's one look for a token, cached for NO_RECHECK_MS.
      await postQuery(started.gateway.origin, "{ __typename }");
    });
    afterAll(async () => {
      work?.restore();
      await stop(started);
    });
    beforeEach(() => work.reset());

    it("the counters see the work of a request that is served (control)", async () => {
      const response = await postQuery(started!.gateway.origin, '{ getJsonWebKeySet(set: "none") { set } }');
      expect((await response.json()).errors[0].extensions.code).toBe("NOT_FOUND");
      const counts = work.counts();
      expect(counts.resolver).toBeGreaterThan(0);
      expect(counts.service).toBeGreaterThan(0);
      expect(counts.sql).toBeGreaterThan(0);
    });

    it.each(refusals)(
      "$name: refused, and nothing ran",
      async ({ send, status, code, message, limit, introspectionOnly }) => {
        const response = await send(started!.gateway.origin);
        const body = await response.json();
        expect(response.status).toBe(status);
        expect(body.data).toBeUndefined();
        expect(body.errors[0].extensions.code).toBe(code);
        if (introspectionOnly && production) {
          const reasons = body.errors.map(
            (error: { extensions: { validationErrorCode?: string } }) => error.extensions.validationErrorCode,
          );
          expect(reasons).toContain("INTROSPECTION_DISABLED");
        } else if (limit && production) {
          expect(body.errors[0].message).toBe(HIDDEN_LIMIT_MESSAGE);
          expect(JSON.stringify(body)).not.toMatch(/limit|exceeded|1000|found \d/);
        } else {
          expect(body.errors[0].message).toMatch(message);
        }
        expect(work.counts()).toEqual(NOTHING_RAN);
      },
    );

    it("just under every limit, a document passes: depth 6, 10 aliases, 10 directives, 1,000 tokens, cost under 1,000; introspection alone: depth 20, the standard query", async () => {
      const { origin } = started!.gateway;
      const accepted = [
        `{ ${aliases(10, () => "__typename @skip(if: false)")} }`,
        tokens1000,
        `{ ${aliases(5, (i) => `getJsonWebKeySet(set: "s${i}") { set keys { ...All } publicKeys { ...All } }`)} }\n${ALL_MEMBERS}`,
        `query { ${aliases(10, (i) => `getJsonWebKeySet(set: "s${i}") { set }`)} }`,
        ...(production
          ? []
          : [
              fragmentChain(INTROSPECTION_LIMITS.maxDepth),
              `{ ${introspectionChain(INTROSPECTION_LIMITS.maxDepth)} }`,
              FULL_INTROSPECTION,
            ]),
      ];
      for (const query of accepted) {
        const body = await (await postQuery(origin, query)).json();
        const codes = (body.errors ?? []).map((error: { extensions: { code: string } }) => error.extensions.code);
        expect(
          codes.filter((code: string) => code !== "NOT_FOUND"),
          query.slice(0, 80),
        ).toEqual([]);
      }
      expect(GRAPHQL_LIMITS).toEqual({
        maxDepth: 6,
        maxAliases: 10,
        maxDirectives: 10,
        maxTokens: 1000,
        maxCost: 1000,
      });
      expect(INTROSPECTION_LIMITS).toEqual({ maxDepth: 20, maxCost: 30_000 });
    });

    it("a JSON body nested 10,000 levels deep is refused with 400, and the server keeps answering", async () => {
      const { origin } = started!.gateway;
      const array = "[".repeat(10_000) + "]".repeat(10_000);
      const object = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
      const variables = `{"query":"mutation($i: JsonWebKeySetGeneratorRequest!) { createJsonWebKeySet(set: \\"deep\\", input: $i) { set } }","variables":{"i":${object}}}`;
      for (const body of [array, object, `{"query":${object}}`, variables]) {
        const response = await postJson(origin, body);
        expect(response.status).toBe(400);
        expect((await response.json()).errors[0].extensions.code).toMatch(/^(BAD_REQUEST|BAD_USER_INPUT)$/);
      }
      expect(work.counts()).toEqual(NOTHING_RAN);
      expect(await (await postQuery(origin, "{ __typename }")).json()).toEqual({ data: { __typename: "Query" } });
    });
  },
);

describe("introspection, the explorer and field suggestions follow the environment", () => {
  let started: Started | undefined;
  afterEach(async () => {
    await stop(started);
    started = undefined;
  });

  const introspect = async () => postQuery(started!.gateway.origin, "{ __schema { types { name } } }");
  const explorer = async () =>
    (await fetch(`${started!.gateway.origin}/graphql`, { headers: { accept: "text/html" } })).text();

  it.each([
    ["NODE_ENV unset", {}],
    ["NODE_ENV=test", { NODE_ENV: "test" }],
    ["NODE_ENV=production with GRAPHQL_INTROSPECTION=true", { NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true" }],
  ])("with %s, introspection answers", async (_, env) => {
    started = await start(env);
    const response = await introspect();
    expect(response.status).toBe(200);
    expect((await response.json()).data.__schema.types).toContainEqual({ name: "JsonWebKeySet" });
  });

  it.each([
    ["NODE_ENV=production", { NODE_ENV: "production" }],
    ["GRAPHQL_INTROSPECTION=false outside production", { GRAPHQL_INTROSPECTION: "false" }],
  ])("with %s, introspection is refused (INTROSPECTION_DISABLED)", async (_, env) => {
    started = await start(env);
    const response = await introspect();
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toEqual({
      code: "GRAPHQL_VALIDATION_FAILED",
      validationErrorCode: "INTROSPECTION_DISABLED",
    });
  });

  it("outside production the explorer is served compressed, with an ETag a browser revalidates (304)", async () => {
    started = await start();
    const url = `${started.gateway.origin}/graphql`;
    for (const [acceptEncoding, expected] of [
      ["gzip, deflate, br", "br"],
      ["gzip", "gzip"],
    ] as const) {
      // Node's fetch decompresses and hides content-length; a raw request shows what went over the wire.
      const wire = await rawGet(url, { accept: "text/html", "accept-encoding": acceptEncoding });
      expect(wire.status).toBe(200);
      expect(wire.headers["content-encoding"]).toBe(expected);
      expect(wire.bytes).toBeLessThan(2_600_000);
      expect(zlib[expected === "br" ? "brotliDecompressSync" : "gunzipSync"](wire.body).toString()).toContain(
        "graphiql",
      );
    }
    const plain = await rawGet(url, { accept: "text/html" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.bytes).toBeGreaterThan(8_000_000);
    const etag = plain.headers.etag as string;
    expect(plain.headers["cache-control"]).toBe("no-cache");
    expect((await rawGet(url, { accept: "text/html", "if-none-match": etag })).status).toBe(304);
    // GraphiQL loads the schema by introspection now; the page carries none.
    expect(await explorer()).not.toContain("JsonWebKeySetGeneratorRequest");
  });

  it("GRAPHQL_EXPLORER=true shows the explorer in production, where introspection stays off", async () => {
    started = await start({ NODE_ENV: "production", GRAPHQL_EXPLORER: "true" });
    const html = await explorer();
    expect(html).toContain("graphiql");
    expect((await introspect()).status).toBe(400);
  });

  it.each([
    ["NODE_ENV=production", { NODE_ENV: "production" }],
    ["GRAPHQL_EXPLORER=false outside production", { GRAPHQL_EXPLORER: "false" }],
  ])("with %s there is no explorer", async (_, env) => {
    started = await start(env);
    expect(await explorer()).not.toContain("graphiql");
  });

  const typos: [string, string, Record<string, unknown>?][] = [
    ["a misspelt field", '{ getJsonWebKeySet(set: "a") { kyes { kid } } }'],
    ["a misspelt argument", '{ getJsonWebKeySet(sett: "a") { set } }'],
    [
      "a misspelt input field in variables",
      'mutation($i: JsonWebKeySetGeneratorRequest!) { createJsonWebKeySet(set: "a", input: $i) { set } }',
      { i: { alg: "ES256", kdi: "x" } },
    ],
  ];

  it('in production no error says "Did you mean", so the schema cannot be guessed field by field', async () => {
    started = await start({ NODE_ENV: "production" });
    for (const [what, query, variables] of typos) {
      const { status, body } = await started.gateway.graphql(query, variables);
      expect(status, what).toBe(400);
      expect(body.errors.length, what).toBeGreaterThan(0);
      expect(JSON.stringify(body), what).not.toMatch(/Did you mean|"keys"|"kid"/);
    }
  });

  it("outside production the suggestions stay, for the developer at the keyboard", async () => {
    started = await start();
    const { body } = await started.gateway.graphql(typos[0][1]);
    expect(body.errors[0].message).toMatch(/Did you mean "keys"\?/);
  });
});

describe("CORS: only the configured origins", () => {
  let started: Started | undefined;
  beforeAll(async () => {
    started = await start({ CORS_ORIGINS: `${STUDIO},http://localhost:5173` });
  });
  afterAll(() => stop(started));

  const post = (origin: string) =>
    fetch(`${started!.gateway.origin}/graphql`, {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
  const preflight = (origin: string, path = "/graphql", method = "POST") =>
    fetch(`${started!.gateway.origin}${path}`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers":
          "apollographql-client-name,apollographql-client-version,authorization,content-type,apollo-require-preflight",
      },
    });

  it("a listed origin (Apollo Sandbox) gets its own origin back, without credentials", async () => {
    const response = await post(STUDIO);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(STUDIO);
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });

  it("a listed origin's preflight is answered: methods, and the authorization, content-type, Apollo CSRF and client-awareness headers", async () => {
    const response = await preflight(STUDIO);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(STUDIO);
    expect(response.headers.get("access-control-allow-methods")).toMatch(/POST/);
    const allowed = response.headers.get("access-control-allow-headers")!.split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining([
        "authorization",
        "content-type",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "apollographql-client-name",
        "apollographql-client-version",
      ]),
    );
    expect(
      (await preflight("http://localhost:5173", "/admin/keys/some-set", "PUT")).headers.get(
        "access-control-allow-origin",
      ),
    ).toBe("http://localhost:5173");
  });

  it("an origin not listed is never echoed, and its preflight is refused with 403 naming CORS_ORIGINS", async () => {
    const response = await post(ELSEWHERE);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    for (const path of ["/graphql", "/admin/keys/some-set"]) {
      const refused = await preflight(ELSEWHERE, path);
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get("access-control-allow-origin"), path).toBeNull();
      expect(refused.headers.get("access-control-allow-methods"), path).toBeNull();
      expect(await refused.json(), path).toEqual({
        error: "CORS_ORIGIN_NOT_ALLOWED",
        message: `The origin "${ELSEWHERE}" may not call this gateway from a browser: it is not in CORS_ORIGINS. Add it (exactly scheme://host[:port], comma-separated) and restart the gateway.`,
      });
    }
    // Exact match only: a look-alike of a listed origin is another origin.
    expect((await post(`${STUDIO}.evil.example`)).headers.get("access-control-allow-origin")).toBeNull();
    expect((await post("http://studio.apollographql.com")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("/.well-known/jwks.json stays readable from any origin (`*`), as before", async () => {
    for (const origin of [STUDIO, ELSEWHERE]) {
      const response = await fetch(`${started!.gateway.origin}/.well-known/jwks.json`, { headers: { origin } });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
  });

  it("without CORS_ORIGINS no origin is allowed, not even Apollo Sandbox", async () => {
    const plain = await start();
    try {
      const response = await fetch(`${plain.gateway.origin}/graphql`, {
        method: "POST",
        headers: { origin: STUDIO, "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      const refused = await fetch(`${plain.gateway.origin}/graphql`, {
        method: "OPTIONS",
        headers: { origin: STUDIO, "access-control-request-method": "POST" },
      });
      expect(refused.status).toBe(403);
      expect((await refused.json()).message).toMatch(/not in CORS_ORIGINS/);
    } finally {
      await stop(plain);
    }
  });
});

describe("slow clients", () => {
  let started: Started | undefined;
  afterAll(() => stop(started));

  it(`a request still not fully sent after ${REQUEST_TIMEOUT_MS / 1000} s is answered 408 and its connection closed`, async () => {
    started = await start();
    const { hostname, port } = new URL(started.gateway.origin);
    const begun = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write(
          'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":',
        );
      });
      let received = "";
      socket.on("data", (chunk) => (received += chunk));
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    const waited = Date.now() - begun;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(waited).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(waited).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
    expect((await postQuery(started.gateway.origin, "{ __typename }")).status).toBe(200);
  }, 30_000);
});
