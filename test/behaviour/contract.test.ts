/**
 * The behaviour table and error codes of README ("GraphQL API", "Errors"), one test per rule, run
 * through both transports (GraphQL and REST) on every store: the same calls must give the same
 * outcome and the same class of error everywhere. What only one transport has (GraphQL's delete
 * booleans and error extensions, REST's status codes, headers and envelope strings) is tested in
 * test/api and test/rest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATABLE_ALGORITHMS } from "../../src/domain/algorithms.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, useGateway, type RunningGateway } from "../support/gateway.js";
import { execSql, keyRows } from "../support/rows.js";
import { issue, issueExpired, issueRevoked } from "../support/tokens.js";
import { es256, newSet, refusedKeys, UUID_V4 } from "./fixtures.js";
import { transport, TRANSPORTS, type ErrorCode, type KeySet, type Outcome, type Transport } from "./transports.js";

/** What an error message must never show: internals of the server or the store. */
const INTERNALS = /stack|json_web_key|SELECT|INSERT|\.ts\b|\/tmp|node_modules|prisma/i;

function ok<T>(outcome: Outcome<T>): T {
  if ("error" in outcome) throw new Error(`expected success, got ${outcome.error}: ${outcome.message}`);
  return outcome.ok;
}

function failure<T>(outcome: Outcome<T>, code: ErrorCode): { error: ErrorCode; message: string } {
  expect(outcome).toMatchObject({ error: code });
  return outcome as { error: ErrorCode; message: string };
}

/** Takes the key table away from under the running server, and gives it back. */
async function withStoreBroken(url: string, run: () => Promise<void>) {
  await execSql(url, "ALTER TABLE json_web_key RENAME TO json_web_key_away");
  try {
    await run();
  } finally {
    await execSql(url, "ALTER TABLE json_web_key_away RENAME TO json_web_key");
  }
}

const matrix = (await providers()).flatMap((provider) => TRANSPORTS.map((name) => [provider, name] as const));

describe.each(matrix)("on %s through %s", (provider, transportName) => {
  const gateway = useGateway(provider);
  let api: Transport;

  beforeAll(() => {
    api = transport(transportName, gateway);
  });

  const kidsOf = async (set: string) => ok(await api.getJsonWebKeySet(set)).keys.map((key) => key.kid);

  describe("createJsonWebKeySet", () => {
    it("generates one key and adds it to the set, creating the set if it does not exist", async () => {
      const set = newSet();
      expect(ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "a" })).keys.map((k) => k.kid)).toEqual(["a"]);
      expect(ok(await api.createJsonWebKeySet(set, { alg: "EdDSA", kid: "b" }))).toMatchObject({
        keys: [{ kid: "b", kty: "OKP", crv: "Ed25519" }],
      });
      expect(await kidsOf(set)).toEqual(["b", "a"]);
    });

    it("returns a set holding just the new key, with its private members", async () => {
      const { keys } = ok(await api.createJsonWebKeySet(newSet(), { alg: "ES256", kid: "k" }));
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kid: "k", kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(keys[0].d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it("kid omitted or empty: a random UUID v4", async () => {
      const set = newSet();
      const omitted = ok(await api.createJsonWebKeySet(set, { alg: "ES256" })).keys[0].kid;
      const empty = ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "" })).keys[0].kid;
      for (const kid of [omitted, empty]) expect(kid).toMatch(UUID_V4);
      expect(omitted).not.toEqual(empty);
    });

    it('use omitted: "sig" for a signature algorithm, "enc" for an encryption one', async () => {
      expect(ok(await api.createJsonWebKeySet(newSet(), { alg: "HS256" })).keys[0].use).toBe("sig");
      expect(ok(await api.createJsonWebKeySet(newSet(), { alg: "ECDH-ES" })).keys[0].use).toBe("enc");
    });

    it("crv chooses the curve of an ECDH-ES key (P-256 by default); a crv that does not fit is refused", async () => {
      const set = newSet();
      const created = async (alg: string, crv?: string) =>
        ok(await api.createJsonWebKeySet(set, { alg, ...(crv === undefined ? {} : { crv }) })).keys[0];
      expect(await created("ECDH-ES")).toMatchObject({ kty: "EC", crv: "P-256", use: "enc" });
      expect(await created("ECDH-ES+A128KW", "P-384")).toMatchObject({ kty: "EC", crv: "P-384" });
      expect(await created("ECDH-ES+A256KW", "P-521")).toMatchObject({ kty: "EC", crv: "P-521" });
      expect(await created("ECDH-ES", "X25519")).toMatchObject({ kty: "OKP", crv: "X25519" });
      expect(await created("ECDH-ES", "")).toMatchObject({ crv: "P-256" });
      const before = ok(await api.getJsonWebKeySet(set));
      for (const [alg, crv] of [
        ["ECDH-ES", "Ed25519"],
        ["ES256", "P-384"],
        ["RS256", "P-256"],
      ])
        expect(failure(await api.createJsonWebKeySet(set, { alg, crv }), "BAD_USER_INPUT").message).toMatch(
          /curve|crv/,
        );
      expect(ok(await api.getJsonWebKeySet(set))).toEqual(before);
    });

    it('a signature algorithm with use "enc" is refused, naming the encryption algorithms (and the reverse)', async () => {
      const set = newSet();
      expect(failure(await api.createJsonWebKeySet(set, { alg: "RS256", use: "enc" }), "BAD_USER_INPUT").message).toBe(
        'alg "RS256" is a signature algorithm, so "use" must be "sig"; to generate an encryption key (use "enc"), choose RSA-OAEP, RSA-OAEP-256, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A256KW',
      );
      expect(
        failure(await api.createJsonWebKeySet(set, { alg: "RSA-OAEP-256", use: "sig" }), "BAD_USER_INPUT").message,
      ).toMatch(
        /^alg "RSA-OAEP-256" is an encryption or key-management algorithm, so "use" must be "enc"; to generate a signature key \(use "sig"\), choose RS256, /,
      );
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });

    it("a kid already in the set is a CONFLICT and nothing changes", async () => {
      const set = newSet();
      const original = ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "dup" }));
      failure(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "dup" }), "CONFLICT");
      expect(ok(await api.getJsonWebKeySet(set))).toEqual(original);
    });

    it.each(GENERATABLE_ALGORITHMS)("generates %s with alg, use, kid, kty (and dp, dq, qi for RSA)", async (alg) => {
      const [key] = ok(await api.createJsonWebKeySet(newSet(), { alg })).keys;
      const use = alg.startsWith("RSA-") || alg.startsWith("ECDH") ? "enc" : "sig";
      expect(key).toMatchObject({ alg, use, kid: expect.stringMatching(UUID_V4) });
      const expectedKty = alg.startsWith("HS")
        ? "oct"
        : alg.startsWith("ES") || alg.startsWith("ECDH")
          ? "EC"
          : alg === "EdDSA"
            ? "OKP"
            : "RSA";
      expect(key.kty).toBe(expectedKty);
      if (expectedKty === "RSA") for (const member of ["dp", "dq", "qi"]) expect(key[member]).toBeTruthy();
    });

    it('an unsupported algorithm is BAD_USER_INPUT "Unsupported key algorithm" and nothing is stored', async () => {
      const set = newSet();
      for (const alg of ["HS1", "rs256", "none", "RSA1_5", ""]) {
        expect(failure(await api.createJsonWebKeySet(set, { alg }), "BAD_USER_INPUT").message).toContain(
          "Unsupported key algorithm",
        );
      }
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("getJsonWebKeySet", () => {
    it("returns all keys of the set, newest first (ties broken by insertion order)", async () => {
      const set = newSet();
      for (const kid of ["one", "two", "three"]) ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid }));
      expect(await kidsOf(set)).toEqual(["three", "two", "one"]);
      // A set replacement stores its keys in one statement (equal timestamps): the last one is newest.
      ok(await api.updateJsonWebKeySet(set, { keys: [await es256("x"), await es256("y"), await es256("z")] }));
      expect(await kidsOf(set)).toEqual(["z", "y", "x"]);
    });

    it("a missing set is NOT_FOUND", async () => {
      failure(await api.getJsonWebKeySet(newSet()), "NOT_FOUND");
    });

    it("an empty set (its last key deleted) is NOT_FOUND", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "only" }));
      ok(await api.deleteJsonWebKey(set, "only"));
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("getJsonWebKey", () => {
    it("returns a set holding the one key with that kid, private members included", async () => {
      const set = newSet();
      const created = ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "a" }));
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "b" }));
      const { keys } = ok(await api.getJsonWebKey(set, "a"));
      expect(keys.map((k) => k.kid)).toEqual(["a"]);
      expect(keys[0].d).toBeTruthy();
      expect(keys).toEqual(created.keys);
    });

    it("a missing set or kid is NOT_FOUND", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "a" }));
      failure(await api.getJsonWebKey(set, "nope"), "NOT_FOUND");
      failure(await api.getJsonWebKey(newSet(), "a"), "NOT_FOUND");
    });
  });

  describe("updateJsonWebKey", () => {
    it("stores a caller-supplied key, creating the set if missing, and returns the stored key", async () => {
      const set = newSet();
      const key = await es256("mine");
      expect(ok(await api.updateJsonWebKey(set, "mine", key))).toEqual(key);
      expect(ok(await api.getJsonWebKey(set, "mine")).keys).toEqual([key]);
    });

    it("is an upsert: a second call replaces the key under that kid", async () => {
      const set = newSet();
      ok(await api.updateJsonWebKey(set, "k", await es256()));
      const replacement = await es256();
      ok(await api.updateJsonWebKey(set, "k", replacement));
      expect(ok(await api.getJsonWebKeySet(set)).keys).toEqual([{ ...replacement, kid: "k" }]);
    });

    it("body kid absent: the path/argument kid is used", async () => {
      const set = newSet();
      expect(ok(await api.updateJsonWebKey(set, "from-argument", await es256())).kid).toBe("from-argument");
      expect(await kidsOf(set)).toEqual(["from-argument"]);
    });

    it("body kid equal to the path/argument kid is accepted", async () => {
      const set = newSet();
      expect(ok(await api.updateJsonWebKey(set, "same", await es256("same"))).kid).toBe("same");
    });

    it("body kid different from the path/argument kid is BAD_USER_INPUT and nothing is stored", async () => {
      const set = newSet();
      expect(failure(await api.updateJsonWebKey(set, "kidA", await es256("kidB")), "BAD_USER_INPUT").message).toContain(
        '"kidA"',
      );
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("updateJsonWebKeySet", () => {
    it("replaces the whole set with the given keys and returns the stored set", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "old" }));
      const keys = [await es256("new-1"), await es256("new-2")];
      expect(ok(await api.updateJsonWebKeySet(set, { keys }))).toEqual({ keys });
      expect((await kidsOf(set)).sort()).toEqual(["new-1", "new-2"]);
    });

    it("one invalid key and nothing changes", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "keep" }));
      const broken = { ...(await es256("bad")), x: "not base64url!" };
      failure(await api.updateJsonWebKeySet(set, { keys: [await es256("good"), broken] }), "BAD_USER_INPUT");
      expect(await kidsOf(set)).toEqual(["keep"]);
    });

    it("two keys with the same kid is a CONFLICT and nothing changes", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "keep" }));
      failure(await api.updateJsonWebKeySet(set, { keys: [await es256("same"), await es256("same")] }), "CONFLICT");
      expect(await kidsOf(set)).toEqual(["keep"]);
    });

    it("an empty key list empties the set, which then reads as NOT_FOUND", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256" }));
      expect(ok(await api.updateJsonWebKeySet(set, { keys: [] }))).toEqual({ keys: [] });
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("deleteJsonWebKey / deleteJsonWebKeySet", () => {
    it("deleteJsonWebKey removes the key and is idempotent: a missing key or set succeeds too", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "a" }));
      ok(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "b" }));
      expect(await api.deleteJsonWebKey(set, "a")).toEqual({ ok: null });
      expect(await api.deleteJsonWebKey(set, "a")).toEqual({ ok: null });
      expect(await api.deleteJsonWebKey(newSet(), "a")).toEqual({ ok: null });
      expect(await kidsOf(set)).toEqual(["b"]);
    });

    it("deleteJsonWebKeySet removes every key and is idempotent: a missing set succeeds too", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256" }));
      ok(await api.createJsonWebKeySet(set, { alg: "ES256" }));
      expect(await api.deleteJsonWebKeySet(set)).toEqual({ ok: null });
      expect(await api.deleteJsonWebKeySet(set)).toEqual({ ok: null });
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("key material validation", () => {
    it("caller-supplied keys are checked as real keys: each refusal is BAD_USER_INPUT, shows no secret, and nothing is stored", async () => {
      const set = newSet();
      const { byRule, secrets } = await refusedKeys();
      for (const [rule, input] of Object.entries(byRule)) {
        const outcome = await api.updateJsonWebKey(set, "k", input);
        expect(outcome, rule).toMatchObject({ error: "BAD_USER_INPUT" });
        for (const secret of secrets) expect(JSON.stringify(outcome), rule).not.toContain(secret);
      }
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("limits", () => {
    it("set and kid must be 1 to 255 characters: longer is BAD_USER_INPUT, 255 is accepted", async () => {
      const long = "s".repeat(256);
      for (const outcome of [
        await api.getJsonWebKeySet(long),
        await api.createJsonWebKeySet(long, { alg: "ES256" }),
        await api.createJsonWebKeySet(newSet(), { alg: "ES256", kid: long }),
        await api.getJsonWebKey(newSet(), long),
        await api.deleteJsonWebKey(newSet(), long),
        await api.deleteJsonWebKeySet(long),
      ]) {
        expect(failure(outcome, "BAD_USER_INPUT").message).toContain("1 to 255 characters");
      }
      ok(await api.createJsonWebKeySet("s".repeat(255), { alg: "ES256", kid: "k".repeat(255) }));
    });

    it("an oversized body is refused before parsing: PAYLOAD_TOO_LARGE and nothing is stored", async () => {
      const set = newSet();
      const padded = { ...(await es256("big")), x5c: ["A".repeat(300 * 1024)] };
      failure(await api.updateJsonWebKeySet(set, { keys: [padded] }), "PAYLOAD_TOO_LARGE");
      failure(await api.getJsonWebKeySet(set), "NOT_FOUND");
    });
  });

  describe("errors", () => {
    it("anything unexpected is INTERNAL_SERVER_ERROR with a generic message: no stack, SQL or path", async () => {
      const set = newSet();
      ok(await api.createJsonWebKeySet(set, { alg: "ES256" }));
      await withStoreBroken(gateway.databaseUrl, async () => {
        for (const outcome of [await api.getJsonWebKeySet(set), await api.createJsonWebKeySet(set, { alg: "ES256" })]) {
          expect(failure(outcome, "INTERNAL_SERVER_ERROR").message).not.toMatch(INTERNALS);
        }
      });
      expect(await kidsOf(set)).toHaveLength(1);
    });
  });

  describe("access control (a gateway with API tokens; test/auth has the full matrix)", () => {
    let securedDatabase: FreshDatabase;
    let secured: RunningGateway;
    let set: string;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      securedDatabase = await freshDatabase(provider);
      secured = await startGateway({ databaseUrl: securedDatabase.url, openModeRecheckMs: 0 });
      const db = secured.app.database;
      tokens.reader = await issue(db, ["keys:read", "keys:read-private"]);
      tokens.writer = await issue(db, ["keys:write"]);
      tokens.expired = await issueExpired(db);
      tokens.revoked = await issueRevoked(db);
      tokens.unknown = `jwkgw_0123456789abcdef_${"A".repeat(43)}`;
      tokens.malformed = "jwkgw_not-a-token";
      set = newSet();
      await secured.app.service.updateJsonWebKeySet(set, { keys: [await es256("k")] });
    });
    afterAll(async () => {
      await secured?.close();
      await securedDatabase?.cleanup();
    });

    const as = (token?: string) => transport(transportName, secured, token);
    const reads = async (caller: Transport): Promise<Outcome<KeySet>[]> => [
      await caller.getJsonWebKeySet(set),
      await caller.getJsonWebKey(set, "k"),
    ];
    const writes = async (caller: Transport): Promise<Outcome<unknown>[]> => [
      await caller.createJsonWebKeySet(set, { alg: "ES256", kid: "new" }),
      await caller.updateJsonWebKey(set, "k", await es256("k")),
      await caller.updateJsonWebKeySet(set, { keys: [await es256("other")] }),
      await caller.deleteJsonWebKey(set, "k"),
      await caller.deleteJsonWebKeySet(set),
    ];

    it("without a token every operation is UNAUTHENTICATED, and nothing changes", async () => {
      const before = await keyRows(securedDatabase.url);
      for (const outcome of [...(await reads(as())), ...(await writes(as()))]) {
        expect(failure(outcome, "UNAUTHENTICATED").message).toMatch(/Authorization: Bearer/);
      }
      expect(await keyRows(securedDatabase.url)).toEqual(before);
    });

    it("an expired, revoked, unknown or malformed token is UNAUTHENTICATED with the same message as none: the answer tells nothing about the token", async () => {
      const before = await keyRows(securedDatabase.url);
      const none = failure((await reads(as()))[0], "UNAUTHENTICATED").message;
      for (const kind of ["expired", "revoked", "unknown", "malformed"]) {
        for (const outcome of [...(await reads(as(tokens[kind]))), ...(await writes(as(tokens[kind])))]) {
          expect(failure(outcome, "UNAUTHENTICATED").message, kind).toBe(none);
        }
      }
      expect(await keyRows(securedDatabase.url)).toEqual(before);
    });

    it("a token without keys:write is FORBIDDEN every write, naming the scope, and nothing changes; it still reads", async () => {
      const before = await keyRows(securedDatabase.url);
      for (const outcome of await writes(as(tokens.reader)))
        expect(failure(outcome, "FORBIDDEN").message).toContain("keys:write");
      expect(await keyRows(securedDatabase.url)).toEqual(before);
      for (const outcome of await reads(as(tokens.reader)))
        expect(ok(outcome).keys.map((key) => [key.kid, typeof key.d])).toEqual([["k", "string"]]);
    });

    it("a token without keys:read is FORBIDDEN every read, naming the scope; it still writes", async () => {
      for (const outcome of await reads(as(tokens.writer)))
        expect(failure(outcome, "FORBIDDEN").message).toContain("keys:read");
      ok(await as(tokens.writer).deleteJsonWebKey(set, "absent"));
    });
  });

  describe("concurrency", () => {
    it("20 parallel creates into one new set give 20 keys", async () => {
      const set = newSet();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => api.createJsonWebKeySet(set, { alg: "ES256" })),
      );
      for (const outcome of outcomes) ok(outcome);
      const kids = await kidsOf(set);
      expect(kids).toHaveLength(20);
      expect(new Set(kids).size).toBe(20);
    });
  });
});
