/**
 * Lists by page (README, "Listing sets and keys") on every store, through GraphQL on a real gateway:
 * paging a 10,000-set store while other sets come and go, backward pages, filters, cursors and page
 * sizes that are refused, and a set's keys by page.
 */
import { describe, expect, it } from "vitest";
import {
  GetJsonWebKeySetKeysPageDocument,
  GetJsonWebKeySetLifecycleDocument,
  JsonWebKeySetsDocument,
  JsonWebKeySetsWithCountDocument,
} from "../../client/gql/graphql.js";
import { providers } from "../support/databases.js";
import { useGateway, type RunningGateway } from "../support/gateway.js";
import { execSql } from "../support/rows.js";
import { es256 } from "../behaviour/fixtures.js";

const SEEDED = 10_000;
const seededName = (i: number) => `s-${String(i).padStart(5, "0")}`;

/** 10,000 one-key sets s-00000 … s-09999 by raw SQL (listing reads no key, so the rows need not open). */
function seedSql(provider: string): string {
  const columns = `("set", kid, format, data, "createdAt", state, "activatedAt")`;
  if (provider === "postgres") {
    return `INSERT INTO json_web_key ${columns}
      SELECT 's-' || lpad(i::text, 5, '0'), 'k', 'jwk+json/v1', '{}', now(), 'ACTIVE', now()
      FROM generate_series(0, ${SEEDED - 1}) AS i`;
  }
  const at = new Date().toISOString().replace(/Z$/, "+00:00");
  return `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEEDED - 1})
    INSERT INTO json_web_key ${columns}
    SELECT printf('s-%05d', i), 'k', 'jwk+json/v1', '{}', '${at}', 'ACTIVE', '${at}' FROM n`;
}

type Client = RunningGateway["client"];

async function setsPage(client: Client, variables: Parameters<typeof pageVariables>[0]) {
  const { data, errors } = await client.request(JsonWebKeySetsDocument, pageVariables(variables));
  expect(errors).toBeUndefined();
  return data!.jsonWebKeySets;
}

function pageVariables(variables: {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  filter?: Record<string, unknown>;
}) {
  return variables;
}

/** The error of a refused list request: its code and reason. */
async function refusal(gateway: RunningGateway, query: string, variables: Record<string, unknown> = {}) {
  const { body } = await gateway.graphql(query, variables);
  expect(body.errors).toHaveLength(1);
  return {
    code: body.errors[0].extensions.code,
    reason: body.errors[0].extensions.reason,
    message: body.errors[0].message,
  };
}

describe.each(await providers())("lists on %s", (provider) => {
  describe("a 10,000-set store", () => {
    const gateway = useGateway(provider);

    it("first: 100 visits every set that existed throughout exactly once while other sets are created and deleted, in name order", async () => {
      await execSql(gateway.databaseUrl, seedSql(provider));
      const key = await es256("churn");
      let stop = false;
      let churned = 0;
      // Sets named between the seeded ones, created and deleted while the pages are read.
      const churn = (async () => {
        for (let i = 0; !stop; i++) {
          const set = `${seededName((i * 37) % SEEDED)}-churn`;
          const created = await gateway.graphql(
            `mutation($set: String!, $input: JsonWebKeySetInput!) { updateJsonWebKeySet(set: $set, input: $input) { set } }`,
            { set, input: { keys: [key] } },
          );
          expect(created.body.errors).toBeUndefined();
          if (i % 2 === 0) {
            const deleted = await gateway.graphql(`mutation($set: String!) { deleteJsonWebKeySet(set: $set) }`, {
              set,
            });
            expect(deleted.body.errors).toBeUndefined();
          }
          churned++;
        }
      })();
      const seen = new Map<string, number>();
      const order: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await setsPage(gateway.client, { first: 100, after });
        pages++;
        for (const { node } of page.edges) {
          seen.set(node.set, (seen.get(node.set) ?? 0) + 1);
          order.push(node.set);
        }
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges).toHaveLength(100);
        after = page.pageInfo.endCursor!;
      }
      stop = true;
      await churn;
      expect(churned).toBeGreaterThan(0);
      for (let i = 0; i < SEEDED; i++) expect(seen.get(seededName(i)), seededName(i)).toBe(1);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      expect(order).toEqual([...order].sort());
      expect(pages).toBeGreaterThanOrEqual(SEEDED / 100);
    }, 120_000);

    it("pages backward with last/before over the same sets in the same order, and counts them", async () => {
      const backward: string[] = [];
      let before: string | null = null;
      for (let pages = 0; pages < 3; pages++) {
        const page = await setsPage(gateway.client, { last: 100, before, filter: { nameStartsWith: "s-" } });
        backward.unshift(...page.edges.map((edge) => edge.node.set));
        expect(page.pageInfo.hasPreviousPage).toBe(true);
        before = page.pageInfo.startCursor!;
      }
      const last300 = Array.from({ length: SEEDED }, (_, i) => seededName(i))
        .slice(-300)
        .filter((name) => backward.includes(name));
      expect(last300).toHaveLength(300);
      // Seeded names and the churn sets still there, in name order.
      expect(backward).toEqual([...backward].sort());
      expect(backward.at(-1)!.startsWith(seededName(SEEDED - 1))).toBe(true);

      const counted = await gateway.client.request(JsonWebKeySetsWithCountDocument, {
        first: 1,
        filter: { nameStartsWith: "s-0999" },
      });
      expect(counted.errors).toBeUndefined();
      const churnLeft = backward.filter((name) => name.startsWith("s-0999") && name.endsWith("-churn")).length;
      expect(counted.data!.jsonWebKeySets.totalCount).toBeGreaterThanOrEqual(10 + churnLeft);
      expect(counted.data!.jsonWebKeySets.edges[0].node).toMatchObject({ set: "s-09990", keyCount: 1 });
    });

    it("drops the seeded rows", async () => {
      await execSql(gateway.databaseUrl, `DELETE FROM json_web_key WHERE "set" LIKE 's-%'`);
    });
  });

  describe("filters, cursors and page sizes", () => {
    const gateway = useGateway(provider);

    it("nameStartsWith is a case-sensitive prefix (LIKE's characters are plain), state keeps sets holding such a key; keyCount and updatedAt summarise each", async () => {
      const names = ["app_a", "app%b", "appXc", "App-d", "apple", "ap"];
      for (const set of names) {
        const created = await gateway.graphql(
          `mutation($set: String!) { createJsonWebKeySet(set: $set, input: { alg: "ES256" }) { set } }`,
          { set },
        );
        expect(created.body.errors).toBeUndefined();
      }
      const rotated = await gateway.graphql(`mutation { rotateJsonWebKeySet(set: "apple") { set } }`);
      expect(rotated.body.errors).toBeUndefined();

      const names_ = async (filter: Record<string, unknown>) =>
        (await setsPage(gateway.client, { first: 100, filter })).edges.map((edge) => edge.node.set);
      expect(await names_({ nameStartsWith: "app" })).toEqual(["app%b", "appXc", "app_a", "apple"]);
      expect(await names_({ nameStartsWith: "app_" })).toEqual(["app_a"]);
      expect(await names_({ nameStartsWith: "app%" })).toEqual(["app%b"]);
      expect(await names_({ nameStartsWith: "App" })).toEqual(["App-d"]);
      expect(await names_({ state: "RETIRED" })).toEqual(["apple"]);
      expect(await names_({ state: "RETIRED", nameStartsWith: "ap" })).toEqual(["apple"]);
      expect(await names_({ state: "REVOKED" })).toEqual([]);

      const page = await setsPage(gateway.client, { first: 100, filter: { nameStartsWith: "apple" } });
      const apple = page.edges[0].node;
      expect(apple.keyCount).toBe(2);
      const whole = await gateway.client.request(GetJsonWebKeySetLifecycleDocument, { set: "apple" });
      const latest = Math.max(
        ...whole.data!.getJsonWebKeySet.keys.flatMap((key) =>
          [key.createdAt, key.activatedAt, key.retiredAt].flatMap((at) => (at ? [Date.parse(at)] : [])),
        ),
      );
      expect(Date.parse(apple.updatedAt)).toBe(latest);
      expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    });

    it("refuses malformed and foreign cursors (BAD_CURSOR), sizes outside 1..100 (BAD_PAGE_SIZE), mixed directions and the alg filter", async () => {
      const list = `query($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {
        jsonWebKeySets(first: $first, after: $after, last: $last, before: $before, filter: $filter) { edges { cursor } } }`;
      const keyCursor = Buffer.from(JSON.stringify([1, "k", "apple", "ACTIVE", new Date().toISOString(), 1])).toString(
        "base64url",
      );
      const version2 = Buffer.from(JSON.stringify([2, "s", "apple"])).toString("base64url");
      for (const after of ["", "not a cursor", "bm90IGpzb24", keyCursor, version2, "a".repeat(5000)]) {
        expect(await refusal(gateway, list, { after })).toMatchObject({ code: "BAD_USER_INPUT", reason: "BAD_CURSOR" });
      }
      expect(await refusal(gateway, list, { last: 5, before: "%%%" })).toMatchObject({ reason: "BAD_CURSOR" });
      for (const size of [0, -1, 101, 1000]) {
        expect(await refusal(gateway, list, { first: size })).toMatchObject({
          code: "BAD_USER_INPUT",
          reason: "BAD_PAGE_SIZE",
          message: "first must be an integer from 1 to 100",
        });
        expect(await refusal(gateway, list, { last: size })).toMatchObject({ reason: "BAD_PAGE_SIZE" });
      }
      expect(await refusal(gateway, list, { first: 5, last: 5 })).toMatchObject({ reason: "BAD_PAGE_ARGUMENTS" });
      expect(await refusal(gateway, list, { filter: { alg: "ES256" } })).toMatchObject({
        reason: "UNSUPPORTED_FILTER",
      });
      const first = await setsPage(gateway.client, { first: 1 });
      const keysList = `query($set: String!, $after: String, $first: Int) {
        getJsonWebKeySet(set: $set) { keysConnection(first: $first, after: $after) { edges { cursor } } } }`;
      // A sets cursor, and a keys cursor of another set, are foreign to a set's keys.
      expect(await refusal(gateway, keysList, { set: "apple", after: first.edges[0].cursor })).toMatchObject({
        reason: "BAD_CURSOR",
      });
      const other = await gateway.graphql(keysList, { set: "ap", first: 1 });
      const otherCursor = other.body.data.getJsonWebKeySet.keysConnection.edges[0].cursor;
      expect(await refusal(gateway, keysList, { set: "apple", after: otherCursor })).toMatchObject({
        reason: "BAD_CURSOR",
      });
      expect(await refusal(gateway, keysList, { set: "apple", first: 101 })).toMatchObject({
        reason: "BAD_PAGE_SIZE",
      });
    });
  });

  describe("REST GET /keys and /admin/keys", () => {
    const gateway = useGateway(provider);

    it("pages the sets with page_size and the Link header's page_token, as Hydra v2 lists do; bad tokens and sizes are 400", async () => {
      for (const set of ["r1", "r2", "r3", "r4", "r5"]) {
        await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256" });
      }
      await gateway.app.service.createJsonWebKeySet("r2", { alg: "ES256" });
      for (const prefix of ["", "/admin"]) {
        const seen: { set: string; key_count: number; updated_at: string }[] = [];
        let url: string | undefined = `${gateway.origin}${prefix}/keys?page_size=2`;
        let pages = 0;
        while (url) {
          const response: Response = await fetch(url);
          expect(response.status).toBe(200);
          const body = (await response.json()) as typeof seen;
          expect(body.length).toBeLessThanOrEqual(2);
          seen.push(...body);
          const link: string = response.headers.get("link")!;
          expect(link).toContain(`<${prefix}/keys?page_size=2>; rel="first"`);
          const next: string | undefined = /<([^>]+)>; rel="next"/.exec(link)?.[1];
          url = next ? `${gateway.origin}${next}` : undefined;
          pages++;
        }
        expect(pages).toBe(3);
        expect(seen.map((entry) => entry.set)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
        expect(seen[1]).toMatchObject({ set: "r2", key_count: 2 });
        expect(Number.isNaN(Date.parse(seen[1].updated_at))).toBe(false);
      }
      for (const query of ["page_token=garbage", "page_size=101", "page_size=0"]) {
        const response = await fetch(`${gateway.origin}/admin/keys?${query}`);
        expect(response.status, query).toBe(400);
        const body = (await response.json()) as { error: string; error_description: string };
        expect(body.error_description, query).toMatch(
          /page_token is not a cursor|page_size must be an integer from 1 to 100/,
        );
      }
    });
  });

  describe("a set's keys by page", () => {
    const gateway = useGateway(provider);

    it("keysConnection pages a 250-key set in the set's order, each key once, with the signing key flagged, filters by state and counts", async () => {
      const set = "many";
      // 50 keys stored at one moment (the insertion order breaks the tie), then 200 one by one.
      const keys = await Promise.all(Array.from({ length: 250 }, (_, i) => es256(`k${i}`)));
      const stored = await gateway.graphql(
        `mutation($set: String!, $input: JsonWebKeySetInput!) { updateJsonWebKeySet(set: $set, input: $input) { set } }`,
        { set, input: { keys: keys.slice(0, 50) } },
      );
      expect(stored.body.errors).toBeUndefined();
      for (let i = 50; i < 250; i += 25) {
        await Promise.all(
          keys.slice(i, i + 25).map(async (key) => {
            const added = await gateway.graphql(
              `mutation($kid: String!, $input: JsonWebKeyInput!) { updateJsonWebKey(set: "many", kid: $kid, input: $input) { kid } }`,
              { kid: key.kid, input: key },
            );
            expect(added.body.errors).toBeUndefined();
          }),
        );
      }
      for (const kid of ["k10", "k20", "k30"]) {
        const revoked = await gateway.graphql(
          `mutation($kid: String!) { revokeJsonWebKey(set: "many", kid: $kid) { kid } }`,
          {
            kid,
          },
        );
        expect(revoked.body.errors).toBeUndefined();
      }
      const rotated = await gateway.graphql(`mutation { rotateJsonWebKeySet(set: "many") { set } }`);
      expect(rotated.body.errors).toBeUndefined();

      const whole = await gateway.client.request(GetJsonWebKeySetLifecycleDocument, { set });
      const expected = whole.data!.getJsonWebKeySet.keys.map((key) => key.kid);
      expect(expected).toHaveLength(251);

      const keysPage = (name: string, cursor: string | null) =>
        gateway.client.request(GetJsonWebKeySetKeysPageDocument, { set: name, first: 100, after: cursor });
      const paged: string[] = [];
      const signing: string[] = [];
      let after: string | null = null;
      for (;;) {
        const { data, errors }: Awaited<ReturnType<typeof keysPage>> = await keysPage(set, after);
        expect(errors).toBeUndefined();
        const connection = data!.getJsonWebKeySet.keysConnection;
        expect(data!.getJsonWebKeySet.keyCount).toBe(251);
        expect(connection.totalCount).toBe(251);
        paged.push(...connection.edges.map((edge) => edge.node.kid));
        signing.push(...connection.edges.filter((edge) => edge.node.isSigningKey).map((edge) => edge.node.kid));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor!;
      }
      expect(paged).toEqual(expected);
      expect(signing).toEqual([whole.data!.getJsonWebKeySet.signingKey!.kid]);
      expect(paged[0]).toBe(signing[0]);

      const revoked = await gateway.client.request(GetJsonWebKeySetKeysPageDocument, {
        set,
        first: 2,
        filter: { state: "REVOKED" },
      });
      const page = revoked.data!.getJsonWebKeySet.keysConnection;
      expect(page.totalCount).toBe(3);
      expect(page.edges.map((edge) => edge.node.state)).toEqual(["REVOKED", "REVOKED"]);
      const rest = await gateway.client.request(GetJsonWebKeySetKeysPageDocument, {
        set,
        first: 2,
        after: page.pageInfo.endCursor,
        filter: { state: "REVOKED" },
      });
      const all = [...page.edges, ...rest.data!.getJsonWebKeySet.keysConnection.edges].map((edge) => edge.node.kid);
      expect(all.sort()).toEqual(["k10", "k20", "k30"]);
      expect(rest.data!.getJsonWebKeySet.keysConnection.pageInfo).toMatchObject({
        hasNextPage: false,
        hasPreviousPage: true,
      });
    });

    it("a missing set is NOT_FOUND for its summary", async () => {
      const missing = await refusal(gateway, `{ getJsonWebKeySet(set: "man") { keyCount } }`);
      expect(missing.code).toBe("NOT_FOUND");
    });
  });
});
