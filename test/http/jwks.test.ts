/**
 * The public JSON Web Key Set (README, "Operations"; RFC 7517 §5): GET /.well-known/jwks.json and
 * GraphQL's discoverJsonWebKeys / JsonWebKeySet.publicKeys, on every store. Every public response is
 * checked twice for private material (README, "Private members"): a JSON walk for private
 * member names, and a substring search for every private value this test created or imported.
 */
import { exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { CreateJsonWebKeySetDocument, DiscoverJsonWebKeysDocument } from "../../client/gql/graphql.js";
import { DEFAULT_JWKS_BROADCAST_SETS } from "../../src/config.js";
import { GENERATABLE_ALGORITHMS } from "../../src/domain/algorithms.js";
import { PRIVATE_MEMBERS, toPublicJwk, type Jwk } from "../../src/domain/jwk.js";
import { ifNoneMatchHits, JWKS_CACHE_CONTROL, PublicJwks } from "../../src/http/jwks.js";
import type { KeyRecord, KeyState } from "../../src/domain/lifecycle.js";
import { providers } from "../support/databases.js";
import { useGateway } from "../support/gateway.js";

const [ID_TOKEN, ACCESS_TOKEN] = DEFAULT_JWKS_BROADCAST_SETS;
const FORBIDDEN_MEMBERS = new Set<string>([...PRIVATE_MEMBERS, "oth"]);

/** Every member name anywhere in a JSON value. */
function memberNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) memberNames(item, into);
  else if (value && typeof value === "object") {
    for (const [name, member] of Object.entries(value)) {
      into.add(name);
      memberNames(member, into);
    }
  }
  return into;
}

/** Every object with a `kty` anywhere in a JSON value. */
function keysIn(value: unknown, into: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) keysIn(item, into);
  else if (value && typeof value === "object") {
    if ("kty" in value) into.push(value);
    for (const member of Object.values(value)) keysIn(member, into);
  }
  return into;
}

/** Records every private value the test creates, and checks public responses against them. */
class Secrets {
  readonly values = new Set<string>();

  add(key: object): void {
    for (const member of PRIVATE_MEMBERS) {
      const value = (key as Record<string, unknown>)[member];
      if (typeof value === "string" && value.length > 0) this.values.add(value);
    }
  }

  /** The rules of a public response (no private member, value or oct key), for a raw body. */
  expectNoneIn(raw: string, where: string): void {
    const json: unknown = JSON.parse(raw);
    const names = [...memberNames(json)].filter((name) => FORBIDDEN_MEMBERS.has(name));
    expect(names, `${where}: private member names`).toEqual([]);
    expect(
      keysIn(json).filter((key) => key.kty === "oct"),
      `${where}: oct keys`,
    ).toEqual([]);
    const leaked = [...this.values].filter((value) => raw.includes(value));
    expect(leaked.length, `${where}: ${leaked.length} private values found in the body`).toBe(0);
  }
}

async function privateJwk(alg: "RS256" | "ES384" | "EdDSA"): Promise<Record<string, string>> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "RS256" ? { modulusLength: 2048 } : {}),
  });
  return { ...(await exportJWK(privateKey)), alg, use: "sig" } as unknown as Record<string, string>;
}

describe.each(await providers())("/.well-known/jwks.json on %s", (provider) => {
  const gateway = useGateway(provider);
  const secrets = new Secrets();

  const fetchJwks = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${gateway.origin}/.well-known/jwks.json`, { headers });
    return { response, raw: await response.text() };
  };
  const publishedKids = async () => (JSON.parse((await fetchJwks()).raw) as { keys: Jwk[] }).keys.map((key) => key.kid);
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${gateway.origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const raw = await response.text();
    const body = JSON.parse(raw);
    expect(body.errors).toBeUndefined();
    return { raw, body };
  };
  const create = async (set: string, alg: string, kid: string) => {
    const { data, errors } = await gateway.client.request(CreateJsonWebKeySetDocument, { set, input: { alg, kid } });
    expect(errors).toBeUndefined();
    const [key] = data!.createJsonWebKeySet.keys;
    secrets.add(key);
    return key;
  };
  const put = async (set: string, kid: string, key: Record<string, string>) => {
    secrets.add(key);
    const { body } = await graphql(
      "mutation($set: String!, $kid: String!, $input: JsonWebKeyInput!) { updateJsonWebKey(set: $set, kid: $kid, input: $input) { kid } }",
      { set, kid, input: key },
    );
    expect(body.data.updateJsonWebKey.kid).toBe(kid);
  };

  it('with no broadcast keys the document is {"keys":[]}, not an error and not null', async () => {
    const { response, raw } = await fetchJwks();
    expect(response.status).toBe(200);
    expect(raw).toBe('{"keys":[]}');
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const { body } = await graphql("{ discoverJsonWebKeys { set keys { kid } publicKeys { kid } } }");
    expect(body.data.discoverJsonWebKeys).toEqual({ set: "jwks", keys: [], publicKeys: [] });
  });

  it("missing broadcast sets are not generated on a read", async () => {
    await fetchJwks();
    for (const set of DEFAULT_JWKS_BROADCAST_SETS) {
      const response = await fetch(`${gateway.origin}/keys/${encodeURIComponent(set)}`);
      expect(response.status, set).toBe(404);
    }
  });

  describe("with keys of every kind in the broadcast sets", () => {
    /** Expected publishing order: the id-token set newest first, then the access-token set newest first. */
    const expected: { idToken: string[]; accessToken: string[] } = { idToken: [], accessToken: [] };
    const stored = new Map<string, Jwk>();

    beforeAll(async () => {
      // Every algorithm in both sets, alternating kinds, so oct keys sit between published ones.
      for (const [i, alg] of GENERATABLE_ALGORITHMS.entries()) {
        for (const [set, list] of [
          [ID_TOKEN, expected.idToken],
          [ACCESS_TOKEN, expected.accessToken],
        ] as const) {
          const kid = `${set === ID_TOKEN ? "id" : "at"}-${i}-${alg}`;
          const key = await create(set, alg, kid);
          // The typed client answers null for absent members; a stored key lacks them.
          stored.set(
            `${set}/${kid}`,
            Object.fromEntries(Object.entries(key).filter(([, v]) => v !== null)) as unknown as Jwk,
          );
          if (key.kty !== "oct") list.unshift(kid);
        }
      }
      // Imported through updateJsonWebKey: private asymmetric keys (published as their public half,
      // same kid) and an oct key (never published).
      for (const alg of ["RS256", "ES384", "EdDSA"] as const) {
        const key = await privateJwk(alg);
        const kid = `imported-${alg}`;
        await put(ID_TOKEN, kid, key);
        stored.set(`${ID_TOKEN}/${kid}`, { ...key, kid } as unknown as Jwk);
        expected.idToken.unshift(kid);
      }
      await put(ACCESS_TOKEN, "imported-oct", {
        kty: "oct",
        k: Buffer.alloc(32, 7).toString("base64url"),
        alg: "HS256",
        use: "sig",
      });
      // A set that is not broadcast: never published.
      await create("not-broadcast", "ES256", "hidden");
    }, 120_000);

    it("publishes the public half of every asymmetric key of the broadcast sets, in configured order, newest first", async () => {
      const { response, raw } = await fetchJwks();
      expect(response.status).toBe(200);
      const { keys } = JSON.parse(raw) as { keys: Jwk[] };
      expect(keys.map((key) => key.kid)).toEqual([...expected.idToken, ...expected.accessToken]);
      for (const key of keys) {
        const set = expected.idToken.includes(key.kid) ? ID_TOKEN : ACCESS_TOKEN;
        expect(key).toEqual(toPublicJwk(stored.get(`${set}/${key.kid}`)!));
      }
    });

    it("never contains a private member, a private value or an oct key (JSON walk and value search)", async () => {
      expect(secrets.values.size).toBeGreaterThan(40);
      const { raw } = await fetchJwks();
      secrets.expectNoneIn(raw, "/.well-known/jwks.json");
      expect(raw).not.toContain("hidden");
    });

    it("GraphQL discoverJsonWebKeys returns the same public keys, with every private member null", async () => {
      const { raw, body } = await graphql(`
        {
          discoverJsonWebKeys {
            set
            keys {
              kid
              kty
              alg
              use
              crv
              e
              n
              x
              y
              x5c
              d
              p
              q
              dp
              dq
              qi
              k
            }
          }
        }
      `);
      const { keys } = body.data.discoverJsonWebKeys as { keys: Record<string, unknown>[] };
      expect(keys.map((key) => key.kid)).toEqual([...expected.idToken, ...expected.accessToken]);
      for (const key of keys)
        for (const member of PRIVATE_MEMBERS) expect(key[member], `${key.kid}.${member}`).toBeNull();
      for (const key of keys) expect(key.kty).not.toBe("oct");
      // The raw body names the private members (as nulls); no value may appear.
      expect([...secrets.values].filter((value) => raw.includes(value))).toEqual([]);
      // The typed client document asks for public members only.
      const typed = await gateway.client.request(DiscoverJsonWebKeysDocument, {});
      secrets.expectNoneIn(JSON.stringify(typed), "discoverJsonWebKeys (typed client)");
      expect(typed.data!.discoverJsonWebKeys.keys.map((key) => key.kid)).toEqual(keys.map((key) => key.kid));
    });

    it("GraphQL JsonWebKeySet.publicKeys holds the public forms of the set's asymmetric keys, oct left out", async () => {
      const selection = "set publicKeys { kid kty alg use crv e n x y x5c d p q dp dq qi k }";
      const { raw, body } = await graphql(
        `{ id: getJsonWebKeySet(set: "${ID_TOKEN}") { ${selection} } at: getJsonWebKeySet(set: "${ACCESS_TOKEN}") { ${selection} } }`,
      );
      expect(body.data.id.publicKeys.map((key: Jwk) => key.kid)).toEqual(expected.idToken);
      expect(body.data.at.publicKeys.map((key: Jwk) => key.kid)).toEqual(expected.accessToken);
      for (const key of [...body.data.id.publicKeys, ...body.data.at.publicKeys]) {
        expect(key.kty).not.toBe("oct");
        for (const member of PRIVATE_MEMBERS) expect(key[member]).toBeNull();
      }
      expect([...secrets.values].filter((value) => raw.includes(value))).toEqual([]);
      // publicKeys on a mutation's result too: a set that holds only an oct key has none.
      const created = await graphql(
        'mutation { createJsonWebKeySet(set: "oct-only", input: { alg: "HS512", kid: "s" }) { publicKeys { kid } } }',
      );
      expect(created.body.data.createJsonWebKeySet.publicKeys).toEqual([]);
    });

    it("ETag and If-None-Match: 304 with no body for a current tag, 200 after a change", async () => {
      const first = await fetchJwks();
      const etag = first.response.headers.get("etag")!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(first.response.headers.get("cache-control")).toBe(JWKS_CACHE_CONTROL);

      for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const again = await fetchJwks({ "if-none-match": tag });
        expect(again.response.status, tag).toBe(304);
        expect(again.raw).toBe("");
        expect(again.response.headers.get("etag")).toBe(etag);
        expect(again.response.headers.get("cache-control")).toBe(JWKS_CACHE_CONTROL);
      }
      expect((await fetchJwks({ "if-none-match": '"stale"' })).response.status).toBe(200);

      // Same body, same tag: the ETag is a hash of the body.
      expect((await fetchJwks()).response.headers.get("etag")).toBe(etag);
      await create(ACCESS_TOKEN, "ES256", "etag-probe");
      const changed = await fetchJwks({ "if-none-match": etag });
      expect(changed.response.status).toBe(200);
      expect(changed.response.headers.get("etag")).not.toBe(etag);
      expect(JSON.parse(changed.raw).keys.map((key: Jwk) => key.kid)).toContain("etag-probe");
    });

    it("HEAD answers with the headers only", async () => {
      const response = await fetch(`${gateway.origin}/.well-known/jwks.json`, { method: "HEAD" });
      expect(response.status).toBe(200);
      expect(response.headers.get("etag")).toMatch(/^"/);
      expect(await response.text()).toBe("");
    });
  });

  describe("the document follows every write to a broadcast set", () => {
    it("create, update, delete of a key (GraphQL and REST), replace and delete of a set", async () => {
      const set = ACCESS_TOKEN;
      await create(set, "ES256", "w-created");
      expect(await publishedKids()).toContain("w-created");

      const replacement = await privateJwk("ES384");
      await put(set, "w-created", replacement);
      const published = (JSON.parse((await fetchJwks()).raw) as { keys: Jwk[] }).keys.find(
        (key) => key.kid === "w-created",
      );
      expect(published).toMatchObject({ crv: "P-384", x: replacement.x });

      await graphql('mutation { deleteJsonWebKey(set: "hydra.jwt.access-token", kid: "w-created") }');
      expect(await publishedKids()).not.toContain("w-created");

      // REST writes go through the same service, so they invalidate too.
      const rest = await fetch(`${gateway.origin}/keys/${encodeURIComponent(set)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ alg: "EdDSA", kid: "w-rest" }),
      });
      expect(rest.status).toBe(201);
      secrets.add(((await rest.json()) as { keys: Jwk[] }).keys[0]);
      expect(await publishedKids()).toContain("w-rest");

      const a = await privateJwk("EdDSA");
      const b = await privateJwk("RS256");
      secrets.add(a);
      secrets.add(b);
      const octValue = Buffer.alloc(48, 9).toString("base64url");
      secrets.values.add(octValue);
      await graphql(
        'mutation($input: JsonWebKeySetInput!) { updateJsonWebKeySet(set: "hydra.jwt.access-token", input: $input) { set } }',
        {
          input: {
            keys: [
              { ...a, kid: "r-a" },
              { kty: "oct", kid: "r-oct", k: octValue },
              { ...b, kid: "r-b" },
            ],
          },
        },
      );
      const afterReplace = await publishedKids();
      expect(afterReplace.slice(-2)).toEqual(["r-b", "r-a"]);
      expect(afterReplace).not.toContain("w-rest");
      expect(afterReplace).not.toContain("r-oct");
      secrets.expectNoneIn((await fetchJwks()).raw, "after replace");

      await graphql('mutation { deleteJsonWebKeySet(set: "hydra.jwt.access-token") }');
      const afterDelete = await publishedKids();
      expect(afterDelete.some((kid) => kid.startsWith("r-") || kid.startsWith("at-"))).toBe(false);
      expect(afterDelete.length).toBeGreaterThan(0); // the id-token set is still published

      await graphql(`mutation { deleteJsonWebKeySet(set: "${ID_TOKEN}") }`);
      expect((await fetchJwks()).raw).toBe('{"keys":[]}');
      const { body } = await graphql("{ discoverJsonWebKeys { keys { kid } } }");
      expect(body.data.discoverJsonWebKeys.keys).toEqual([]);
    });

    it("writes to other sets leave the document (and its ETag) as it was", async () => {
      await create(ID_TOKEN, "ES256", "stable");
      const before = await fetchJwks();
      await create("elsewhere", "ES256", "other");
      const after = await fetchJwks({ "if-none-match": before.response.headers.get("etag")! });
      expect(after.response.status).toBe(304);
    });
  });
});

describe.each(await providers())("JWKS_BROADCAST_SETS on %s", (provider) => {
  const gateway = useGateway(provider, { env: { JWKS_BROADCAST_SETS: "second, first ,second" } });

  it("publishes the configured sets in the configured order, each once, and nothing else", async () => {
    for (const [set, kid] of [
      ["first", "f"],
      ["second", "s"],
      [ID_TOKEN, "default-set"],
    ]) {
      const { errors } = await gateway.client.request(CreateJsonWebKeySetDocument, {
        set,
        input: { alg: "ES256", kid },
      });
      expect(errors).toBeUndefined();
    }
    const response = await fetch(`${gateway.origin}/.well-known/jwks.json`);
    expect(((await response.json()) as { keys: Jwk[] }).keys.map((key) => key.kid)).toEqual(["s", "f"]);
  });
});

describe("PublicJwks (the in-memory document)", () => {
  const key = (kid: string, kty: Jwk["kty"] = "OKP"): Jwk =>
    kty === "oct"
      ? { kty, kid, k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" }
      : { kty, kid, crv: "Ed25519", x: `x-${kid}`, d: `d-${kid}` };
  /** A stored key in `state` (created at `at` ms), as the repository reads it. */
  const stored = (key: Jwk, state: KeyState = "ACTIVE", at = 0, publishedUntil?: number): KeyRecord => ({
    key,
    state,
    createdAt: new Date(at),
    activatedAt: state === "NEXT" ? null : new Date(at),
    retiredAt: state === "RETIRED" || state === "REVOKED" ? new Date(at) : null,
    publishedUntil: publishedUntil === undefined ? null : new Date(publishedUntil),
    revokedAt: state === "REVOKED" ? new Date(at) : null,
  });

  function fixture(refreshAfterMs = 30_000) {
    const sets: Record<string, KeyRecord[]> = {
      a: [stored(key("a1")), stored(key("a-oct", "oct"))],
      b: [stored(key("b1"))],
    };
    const loads: string[] = [];
    let clock = 0;
    let gate: Promise<void> | undefined;
    const jwks = new PublicJwks({
      sets: ["a", "b", "a"],
      load: async (set) => {
        loads.push(set);
        const keys = [...(sets[set] ?? [])]; // read now, answer later: a write may overtake it
        await gate;
        return keys;
      },
      refreshAfterMs,
      now: () => clock,
    });
    return {
      jwks,
      sets,
      loads,
      tick: (ms: number) => (clock += ms),
      hold: () => {
        let release!: () => void;
        gate = new Promise((resolve) => (release = resolve));
        return () => {
          gate = undefined;
          release();
        };
      },
    };
  }

  it("loads each broadcast set once, in order, and answers from memory afterwards", async () => {
    const { jwks, loads } = fixture();
    const first = await jwks.current();
    expect(first.keys.map((k) => k.kid)).toEqual(["a1", "b1"]);
    expect(first.body).toBe(
      JSON.stringify({
        keys: [
          { kty: "OKP", kid: "a1", crv: "Ed25519", x: "x-a1" },
          { kty: "OKP", kid: "b1", crv: "Ed25519", x: "x-b1" },
        ],
      }),
    );
    expect(await jwks.current()).toBe(first);
    expect(loads).toEqual(["a", "b"]);
  });

  it("concurrent requests share one load", async () => {
    const { jwks, loads, hold } = fixture();
    const release = hold();
    const both = Promise.all([jwks.current(), jwks.current()]);
    release();
    const [x, y] = await both;
    expect(x).toBe(y);
    expect(loads).toEqual(["a", "b"]);
  });

  it("a change to a broadcast set invalidates; a change elsewhere does not", async () => {
    const { jwks, sets, loads } = fixture();
    await jwks.current();
    jwks.invalidate("elsewhere");
    await jwks.current();
    expect(loads).toHaveLength(2);
    sets.b.unshift(stored(key("b2")));
    jwks.invalidate("b");
    expect((await jwks.current()).keys.map((k) => k.kid)).toEqual(["a1", "b2", "b1"]);
  });

  it("a load that a write overtook is answered but not kept", async () => {
    const { jwks, sets, hold } = fixture();
    const release = hold();
    const early = jwks.current();
    sets.a = [];
    jwks.invalidate("a");
    release();
    expect((await early).keys.map((k) => k.kid)).toEqual(["a1", "b1"]);
    expect((await jwks.current()).keys.map((k) => k.kid)).toEqual(["b1"]);
  });

  it("a cached document is reloaded after refreshAfterMs (writes by other processes)", async () => {
    const { jwks, sets, tick } = fixture(1000);
    await jwks.current();
    sets.a = [];
    tick(999);
    expect((await jwks.current()).keys).toHaveLength(2);
    tick(1);
    expect((await jwks.current()).keys.map((k) => k.kid)).toEqual(["b1"]);
  });

  it("a failed load is not cached", async () => {
    let fail = true;
    const jwks = new PublicJwks({
      sets: ["a"],
      load: async () => {
        if (fail) throw new Error("down");
        return [stored(key("a1"))];
      },
    });
    await expect(jwks.current()).rejects.toThrow("down");
    fail = false;
    expect((await jwks.current()).keys).toHaveLength(1);
  });

  it("publishes NEXT, ACTIVE and unexpired RETIRED keys in the set's order, never REVOKED, and recomputes when a RETIRED key expires", async () => {
    const { jwks, sets, tick } = fixture(1_000_000);
    sets.a = [
      stored(key("signer"), "ACTIVE", 30),
      stored(key("next"), "NEXT", 40),
      stored(key("retired"), "RETIRED", 10, 500),
      stored(key("revoked"), "REVOKED", 20),
    ];
    sets.b = [];
    const first = await jwks.current();
    expect(first.keys.map((k) => [k.kid, k.state, k.isSigningKey])).toEqual([
      ["signer", "ACTIVE", true],
      ["next", "NEXT", false],
      ["retired", "RETIRED", false],
    ]);
    expect(first.body).not.toContain("revoked");
    tick(499);
    expect(await jwks.current()).toBe(first);
    tick(1); // publishedUntil: the document is stale without any write
    expect((await jwks.current()).keys.map((k) => k.kid)).toEqual(["signer", "next"]);
  });

  it("If-None-Match uses weak comparison over a list, and * matches", () => {
    expect(ifNoneMatchHits('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('"x", "abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHits("*", '"abc"')).toBe(true);
    expect(ifNoneMatchHits('"abcd"', '"abc"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"abc"')).toBe(false);
  });
});
