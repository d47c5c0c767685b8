/**
 * Two gateways on one database (README, "Caches and the change feed"): after a write acknowledged by one, the
 * other never serves the set as it was before, although both answer reads from their in-memory
 * key-set caches. On Postgres the second gateway hears of writes through LISTEN/NOTIFY; on SQLite
 * through data_version. Each gateway is a separate app with its own connections, as two processes
 * would be.
 *
 * The checks are on order, not time: every read is sent after the write it must see was answered.
 * The cache counters prove the reads were answered from memory (a test of a cache that never hits
 * would prove nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, providers, type FreshDatabase, type Provider } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { execSql, queryRows } from "../support/rows.js";
import { FEED_APPLICATION_NAME } from "../../src/persistence/cache/feeds.js";

const SET_QUERY = "query ($set: String!) { getJsonWebKeySet(set: $set) { keys { kid } } }";
const KEY_QUERY = "query ($set: String!, $kid: String!) { getJsonWebKey(set: $set, kid: $kid) { keys { kid } } }";

/** For the enclosing describe block: two gateways (separate apps, separate connections) on one fresh database. */
function useTwoGateways(provider: Provider) {
  let database: FreshDatabase | undefined;
  let running: [RunningGateway, RunningGateway] | undefined;
  beforeAll(async () => {
    database = await freshDatabase(provider);
    const first = await startGateway({ databaseUrl: database.url });
    running = [first, await startGateway({ databaseUrl: database.url, migrated: true })];
  });
  afterAll(async () => {
    await running?.[1].close();
    await running?.[0].close();
    await database?.cleanup();
  });
  return { gateways: () => running!, url: () => database!.url };
}

describe.each(await providers())("two gateways on one %s database", (provider) => {
  const { gateways, url } = useTwoGateways(provider);
  let first: RunningGateway;
  let second: RunningGateway;
  beforeAll(() => {
    [first, second] = gateways();
  });

  async function kidsOn(gateway: RunningGateway, set: string): Promise<string[] | "not found"> {
    const { body } = await gateway.graphql(SET_QUERY, { set });
    if (body.errors?.[0]?.extensions?.code === "NOT_FOUND") return "not found";
    expect(body.errors).toBeUndefined();
    return body.data.getJsonWebKeySet.keys.map((key: { kid: string }) => key.kid);
  }

  async function restKidsOn(gateway: RunningGateway, set: string): Promise<string[] | "not found"> {
    const response = await fetch(`${gateway.origin}/admin/keys/${encodeURIComponent(set)}`);
    if (response.status === 404) return "not found";
    expect(response.status).toBe(200);
    return ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
  }

  async function create(gateway: RunningGateway, set: string, kid: string): Promise<void> {
    const { body } = await gateway.graphql(
      'mutation ($set: String!, $kid: String!) { createJsonWebKeySet(set: $set, input: { alg: "ES256", kid: $kid, use: "sig" }) { keys { kid } } }',
      { set, kid },
    );
    expect(body.errors).toBeUndefined();
  }

  it("never serves a set older than the last write the other gateway acknowledged", async () => {
    const set = "coherence";
    const expected: string[] = []; // newest first
    const before = second.app.keyCache!.stats();
    for (let round = 0; round < 40; round++) {
      // Warm the second gateway's cache, twice, so the second read is answered from memory.
      expect(await kidsOn(second, set)).toEqual(expected.length ? expected : "not found");
      expect(await kidsOn(second, set)).toEqual(expected.length ? expected : "not found");
      // Write through the first; the very next read on the second must see it.
      const kid = `k${round}`;
      if (round % 5 === 4) {
        const victim = expected.pop()!;
        const { body } = await first.graphql(
          "mutation ($set: String!, $kid: String!) { deleteJsonWebKey(set: $set, kid: $kid) }",
          { set, kid: victim },
        );
        expect(body.data.deleteJsonWebKey).toBe(true);
      } else {
        await create(first, set, kid);
        expected.unshift(kid);
      }
      expect(await kidsOn(second, set)).toEqual(expected);
      expect(await restKidsOn(second, set)).toEqual(expected);
    }
    const after = second.app.keyCache!.stats();
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(40);
  });

  it("sees a whole set replaced or deleted by the other gateway at once, single-key reads included", async () => {
    const set = "coherence-replace";
    await create(first, set, "a");
    await create(first, set, "b");
    expect(await kidsOn(second, set)).toEqual(["b", "a"]);
    expect(await kidsOn(second, set)).toEqual(["b", "a"]); // from memory
    expect((await second.graphql(KEY_QUERY, { set, kid: "a" })).body.data.getJsonWebKey.keys).toEqual([{ kid: "a" }]);

    const replaced = await fetch(`${first.origin}/admin/keys/${set}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        keys: [
          {
            kty: "oct",
            kid: "c",
            alg: "HS256",
            use: "sig",
            k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0NQ",
          },
        ],
      }),
    });
    expect(replaced.status).toBe(200);
    expect(await kidsOn(second, set)).toEqual(["c"]);
    expect((await second.graphql(KEY_QUERY, { set, kid: "a" })).body.errors[0].extensions.code).toBe("NOT_FOUND");

    const deleted = await first.graphql("mutation ($set: String!) { deleteJsonWebKeySet(set: $set) }", { set });
    expect(deleted.body.data.deleteJsonWebKeySet).toBe(true);
    expect(await kidsOn(second, set)).toBe("not found");
    expect(await restKidsOn(second, set)).toBe("not found");
  });

  it("sees a change made in SQL by another client, not through any gateway", async () => {
    const set = "coherence-sql";
    await create(first, set, "x");
    await create(first, set, "y");
    expect(await kidsOn(second, set)).toEqual(["y", "x"]);
    expect(await kidsOn(second, set)).toEqual(["y", "x"]);
    await execSql(url(), `DELETE FROM json_web_key WHERE "set" = '${set}' AND kid = 'x'`);
    expect(await kidsOn(second, set)).toEqual(["y"]);
  });

  it("keeps its cached sets across commits that change no key (audit records of private reads)", async () => {
    const set = "coherence-audit";
    await create(first, set, "p");
    await kidsOn(second, set);
    const before = second.app.keyCache!.stats();
    for (let i = 0; i < 10; i++) {
      // A REST read of private members writes an audit record (a commit) before it answers.
      const response = await fetch(`${first.origin}/admin/keys/${set}`);
      expect(((await response.json()) as { keys: { d?: string }[] }).keys[0].d).toBeTruthy();
      expect(await kidsOn(second, set)).toEqual(["p"]);
    }
    const after = second.app.keyCache!.stats();
    expect(after.hits - before.hits).toBe(10);
    expect(after.misses - before.misses).toBe(0);
  });

  it("keeps the promise while both gateways are read and written concurrently", async () => {
    const set = "coherence-concurrent";
    await create(first, set, "seed");
    // Readers keep both caches busy; each write, once acknowledged, is looked for on the other gateway.
    let stop = false;
    const readers = [first, second, second].map(async (gateway) => {
      while (!stop) await kidsOn(gateway, set);
    });
    try {
      for (let round = 0; round < 30; round++) {
        const [writer, reader] = round % 2 === 0 ? [first, second] : [second, first];
        const kid = `c${round}`;
        await create(writer, set, kid);
        const seen = await kidsOn(reader, set);
        expect(seen).not.toBe("not found");
        expect(seen as string[]).toContain(kid);
      }
    } finally {
      stop = true;
      await Promise.all(readers);
    }
  });
});

const reachable = await providers();
describe.runIf(reachable.includes("postgres"))("a gateway whose change feed loses its Postgres connection", () => {
  const { gateways, url } = useTwoGateways("postgres");
  let first: RunningGateway;
  let second: RunningGateway;
  beforeAll(() => {
    [first, second] = gateways();
  });

  const kids = async (gateway: RunningGateway, set: string) =>
    (await gateway.graphql(SET_QUERY, { set })).body.data.getJsonWebKeySet.keys.map((key: { kid: string }) => key.kid);
  const create = async (gateway: RunningGateway, set: string, kid: string) =>
    expect(
      (
        await gateway.graphql(
          `mutation { createJsonWebKeySet(set: "${set}", input: { alg: "ES256", kid: "${kid}" }) { set } }`,
        )
      ).body.errors,
    ).toBeUndefined();

  it("reads the database while the feed is down, and uses its cache again once the feed is back", async () => {
    const set = "feed-loss";
    await create(first, set, "a");
    expect(await kids(second, set)).toEqual(["a"]);
    expect(await kids(second, set)).toEqual(["a"]);

    // Cut every change-feed connection of this database (both gateways'; other suites' gateways run on other
    // databases at the same time), as a database failover or an idle-session killer would.
    const cut = await queryRows(
      url(),
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = '${FEED_APPLICATION_NAME}' AND datname = current_database()`,
    );
    expect(cut).toEqual([{ cut: true }, { cut: true }]);

    // No notification can reach the second gateway now; its reads must not come from memory.
    await create(first, set, "b");
    expect(await kids(second, set)).toEqual(["b", "a"]);
    await create(first, set, "c");
    expect(await kids(second, set)).toEqual(["c", "b", "a"]);

    // The feed reconnects by itself; then reads are answered from memory again, and still fresh.
    let hits = second.app.keyCache!.stats().hits;
    for (let attempt = 0; attempt < 100 && second.app.keyCache!.stats().hits === hits; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await kids(second, set);
      await kids(second, set);
    }
    expect(second.app.keyCache!.stats().hits).toBeGreaterThan(hits);
    await create(first, set, "d");
    expect(await kids(second, set)).toEqual(["d", "c", "b", "a"]);
    hits = second.app.keyCache!.stats().hits;
    expect(await kids(second, set)).toEqual(["d", "c", "b", "a"]);
    expect(second.app.keyCache!.stats().hits).toBe(hits + 1);
  });
});
