/**
 * GraphQL subscriptions over WebSocket (README, "Subscriptions"), through a real graphql-ws client on
 * loopback: changes made over HTTP reach subscribers on every store, with kinds, kids and the set;
 * credentials are checked at connect, per field and again when the token is revoked; the document
 * limits of queries hold; the transport's own limits (subscriptions per connection, message size,
 * connections) hold; and the metrics count subscriptions and deliveries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSet } from "../behaviour/fixtures.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { closeOf, rawSocket, subscribeTo, type Subscription } from "../support/subscriptions.js";
import { bearer, issue } from "../support/tokens.js";
import { PrismaTokenStore } from "../../src/persistence/tokens/token-store.js";
import { parseToken } from "../../src/auth/tokens.js";

const CHANGES = `subscription Changes($set: String) {
  jsonWebKeySetChanged(set: $set) { set kind kids at keySet { set keys { kid kty } } }
}`;

describe.each(await providers())("subscriptions on %s", (provider) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let reader: string;
  let writer: string;
  const open: Subscription[] = [];
  const subscribe = (...args: Parameters<typeof subscribeTo>) => {
    const subscription = subscribeTo(...args);
    open.push(subscription);
    return subscription;
  };

  beforeAll(async () => {
    database = await freshDatabase(provider);
    gateway = await startGateway({
      databaseUrl: database.url,
      openModeRecheckMs: 0,
      env: { SUBSCRIPTIONS_PER_CONNECTION: "3", SUBSCRIPTIONS_MAX_MESSAGE_BYTES: "4096" },
    });
    reader = `Bearer ${await issue(gateway.app.database, ["keys:read"])}`;
    writer = `Bearer ${await issue(gateway.app.database, ["keys:read", "keys:write", "keys:read-private"])}`;
  });
  afterAll(async () => {
    await Promise.all(open.map((subscription) => subscription.dispose()));
    await gateway?.close();
    await database?.cleanup();
  });

  async function create(set: string, kid: string) {
    const { body } = await gateway.graphql(
      `mutation($set: String!, $kid: String) { createJsonWebKeySet(set: $set, input: { alg: "ES256", kid: $kid }) { set } }`,
      { set, kid },
      { authorization: writer },
    );
    expect(body.errors).toBeUndefined();
  }

  it("a key created over HTTP reaches the set's subscriber and the every-set subscriber, with the set as it is", async () => {
    const set = newSet();
    const one = subscribe(gateway.origin, CHANGES, { variables: { set }, authorization: reader });
    const every = subscribe(gateway.origin, CHANGES, { authorization: reader });
    await Promise.all([one.connected, every.connected]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscribe messages reach the server
    const started = Date.now();
    await create(set, "k1");
    const event = await one.waitFor((result) => result.data?.jsonWebKeySetChanged?.kids?.includes("k1"));
    expect(event.errors).toBeUndefined();
    const change = event.data.jsonWebKeySetChanged;
    expect(change).toMatchObject({ set, kind: "KEY_ADDED", kids: ["k1"] });
    expect(Math.abs(Date.parse(change.at) - started)).toBeLessThan(30_000);
    expect(change.keySet).toEqual({ set, keys: [{ kid: "k1", kty: "EC" }] });
    await every.waitFor((result) => result.data?.jsonWebKeySetChanged?.set === set);

    // The other kinds, in order, and only this set's changes on the set's subscription.
    await create(newSet(), "elsewhere");
    const { body } = await gateway.graphql(
      `mutation($set: String!) { deleteJsonWebKey(set: $set, kid: "k1") }`,
      { set },
      { authorization: writer },
    );
    expect(body.data.deleteJsonWebKey).toBe(true);
    const removed = await one.waitFor((result) => result.data?.jsonWebKeySetChanged?.kind === "KEY_REMOVED");
    expect(removed.data.jsonWebKeySetChanged).toMatchObject({ set, kids: ["k1"], keySet: null });
    expect(one.results.map((result) => result.data.jsonWebKeySetChanged.set)).toEqual([set, set]);
  });

  it("refuses a connection without valid credentials with 4403 Forbidden", async () => {
    for (const params of [{}, { authorization: "Bearer not-a-token" }, { authorization: 42 }]) {
      const refused = subscribe(gateway.origin, CHANGES, { connectionParams: params });
      const ended = await refused.ended;
      expect(ended).toMatchObject({ how: "closed", code: 4403 });
      expect(refused.results).toEqual([]);
    }
  });

  it("a keys:read subscriber selecting private members gets FORBIDDEN for each, the public ones still", async () => {
    const set = newSet();
    const subscription = subscribe(
      gateway.origin,
      `subscription($set: String) { jsonWebKeySetChanged(set: $set) { kind keySet { keys { kid d } } } }`,
      { variables: { set }, authorization: reader },
    );
    await subscription.connected;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await create(set, "secret");
    const event = await subscription.waitFor(() => true);
    expect(event.data.jsonWebKeySetChanged.keySet.keys).toEqual([{ kid: "secret", d: null }]);
    expect(event.errors).toHaveLength(1);
    expect(event.errors![0].extensions?.code).toBe("FORBIDDEN");
    expect(event.errors![0].path).toEqual(["jsonWebKeySetChanged", "keySet", "keys", 0, "d"]);
    expect(JSON.stringify(event)).not.toMatch(/"d":"[A-Za-z0-9_-]{20,}"/);
  });

  it("a token without keys:read cannot subscribe: FORBIDDEN, then complete", async () => {
    const writeOnly = `Bearer ${await issue(gateway.app.database, ["keys:write"])}`;
    const subscription = subscribe(gateway.origin, CHANGES, { authorization: writeOnly });
    expect(await subscription.ended).toEqual({ how: "complete" });
    expect(subscription.results).toHaveLength(1);
    expect(subscription.results[0].errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("revoking the token (by another connection to the database) ends its subscriptions with 4403", async () => {
    const token = await issue(gateway.app.database, ["keys:read"]);
    const subscription = subscribe(gateway.origin, CHANGES, { authorization: `Bearer ${token}` });
    await subscription.connected;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { openDatabase } = await import("../../src/persistence/db/database.js");
    const other = await openDatabase(database.url);
    try {
      await new PrismaTokenStore(other).revoke(parseToken(token)!.id, new Date());
    } finally {
      await other.close();
    }
    const ended = await Promise.race([
      subscription.ended,
      new Promise((resolve) => setTimeout(() => resolve("still open"), 10_000)),
    ]);
    expect(ended).toMatchObject({ how: "closed", code: 4403 });
  });

  it("checks the credentials again before each change: an expired token gets UNAUTHENTICATED, then 4403", async () => {
    const { issueToken } = await import("../../src/auth/tokens.js");
    const { token } = await issueToken(new PrismaTokenStore(gateway.app.database), {
      name: `short-${Date.now()}`,
      scopes: ["keys:read"],
      expiresInMs: 1500,
    });
    const set = newSet();
    const subscription = subscribe(gateway.origin, CHANGES, { variables: { set }, authorization: `Bearer ${token}` });
    await subscription.connected;
    await new Promise((resolve) => setTimeout(resolve, 1800)); // expired; nothing was written to the token store
    await create(set, "after-expiry");
    const ended = await subscription.ended;
    expect(subscription.results).toHaveLength(1);
    expect(subscription.results[0].data).toBeNull();
    expect(subscription.results[0].errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(ended.how === "complete" || ended.code === 4403).toBe(true);
  });

  it("holds the document limits of queries, and serves subscriptions only", async () => {
    const cases: [string, RegExp | string][] = [
      [
        `subscription { jsonWebKeySetChanged { keySet { keys { kid } } } ${"a ".repeat(1200)} }`,
        "GRAPHQL_PARSE_FAILED",
      ],
      [
        `subscription { jsonWebKeySetChanged { ${Array.from({ length: 11 }, (_, i) => `a${i}: set`).join(" ")} } }`,
        "GRAPHQL_VALIDATION_FAILED",
      ],
      [`subscription { jsonWebKeySetChanged { nope } }`, "GRAPHQL_VALIDATION_FAILED"],
      [`query { getJsonWebKeySet(set: "x") { set } }`, "BAD_REQUEST"],
      [`subscription($set: String) { jsonWebKeySetChanged(set: $set) { set } }`, "BAD_USER_INPUT"],
    ];
    for (const [query, code] of cases) {
      const subscription = subscribe(gateway.origin, query, {
        authorization: reader,
        variables: query.includes("$set") ? { set: 12 } : undefined,
      });
      const ended = await subscription.ended;
      expect(ended.how, query.slice(0, 60)).toBe("error");
      expect((ended.errors as { extensions: { code: string } }[])[0].extensions.code, query.slice(0, 60)).toBe(code);
    }
    // A bad argument is the service's refusal, as for queries.
    const bad = subscribe(gateway.origin, `subscription { jsonWebKeySetChanged(set: "") { set } }`, {
      authorization: reader,
    });
    expect(await bad.ended).toEqual({ how: "complete" });
    expect(bad.results[0].errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "BAD_SET" });
  });

  it("caps subscriptions per connection and message size", async () => {
    const socket = await rawSocket(gateway.origin);
    const messages: any[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: reader } }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(messages[0]).toEqual({ type: "connection_ack" });
    for (const id of ["1", "2", "3", "4"])
      socket.send(JSON.stringify({ id, type: "subscribe", payload: { query: CHANGES } }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const refused = messages.filter((message) => message.type === "error");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ id: "4", payload: [{ extensions: { reason: "TOO_MANY_SUBSCRIPTIONS" } }] });
    const closed = closeOf(socket);
    socket.send("x".repeat(5000));
    expect((await closed).code).toBe(1009);
  });

  it("refuses browser pages from other origins, and paths other than /graphql", async () => {
    await expect(rawSocket(gateway.origin, { origin: "https://evil.example" })).rejects.toMatchObject({ status: 403 });
    const own = await rawSocket(gateway.origin, { origin: gateway.origin });
    own.close();
    const { default: WebSocket } = await import("ws");
    const elsewhere = new WebSocket(`${gateway.origin.replace("http", "ws")}/metrics`, "graphql-transport-ws");
    const status = await new Promise((resolve) =>
      elsewhere.once("unexpected-response", (_request, response) => resolve(response.statusCode)),
    );
    expect(status).toBe(404);
  });

  it("counts open subscriptions and delivered changes in /metrics", async () => {
    const set = newSet();
    const subscription = subscribe(gateway.origin, CHANGES, { variables: { set }, authorization: reader });
    await subscription.connected;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const metric = async (name: string) => {
      const text = await (await fetch(`${gateway.origin}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    };
    expect(await metric("jwkgw_subscriptions_open")).toBeGreaterThanOrEqual(1);
    const before = await metric("jwkgw_subscription_events_total");
    await create(set, "counted");
    await subscription.waitFor(() => true);
    expect(await metric("jwkgw_subscription_events_total")).toBeGreaterThan(before);
    const openBefore = await metric("jwkgw_subscriptions_open");
    await subscription.dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await metric("jwkgw_subscriptions_open")).toBe(openBefore - 1);
  });

  it("GET and POST of /graphql still answer queries", async () => {
    const response = await fetch(`${gateway.origin}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "true", ...bearer(reader.slice("Bearer ".length)) },
    });
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
    expect((await gateway.graphql("{ __typename }", {}, { authorization: reader })).body).toEqual({
      data: { __typename: "Query" },
    });
  });
});
