/**
 * The JsonWebKeyRepository contract (src/domain/repository.ts), run against every store: SQLite
 * always, PostgreSQL when reachable (mandatory under CI=true). One migrated database per store for
 * the whole file; every test works in its own sets.
 */
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, generateSecret } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConflictError, KeyIntegrityError, UnavailableError } from "../../../src/errors.js";
import { normalizeJwk, type Jwk } from "../../../src/domain/jwk.js";
import { decodeKey, encodeKey } from "../../../src/persistence/sealing/codec.js";
import { openDatabase } from "../../../src/persistence/db/database.js";
import { PrismaJsonWebKeyRepository } from "../../../src/persistence/keys/repository.js";
import { testSealer } from "../../support/keyring.js";
import { storeCases, type Store } from "../../support/stores.js";
import type { KeyRecord } from "../../../src/domain/lifecycle.js";

/** The members of stored keys, in order (the repository answers them with their lifecycle). */
const keysOf = (records: readonly KeyRecord[]) => records.map((record) => record.key);

/** One private key of each kty; `key(kty, kid)` copies it under another kid. */
const material: Record<"RSA" | "EC" | "OKP" | "oct", Jwk> = {} as never;

beforeAll(async () => {
  const jwk = async (alg: string, exported: Promise<object>) => ({ ...(await exported), alg, use: "sig" }) as Jwk;
  const rsa = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const okp = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const oct = await generateSecret("HS256", { extractable: true });
  material.RSA = await jwk("RS256", exportJWK(rsa.privateKey));
  material.EC = await jwk("ES256", exportJWK(ec.privateKey));
  material.OKP = await jwk("EdDSA", exportJWK(okp.privateKey));
  material.oct = await jwk("HS256", exportJWK(oct));
});

function key(kid: string, kty: keyof typeof material = "EC"): Jwk {
  return normalizeJwk({ ...material[kty], kid });
}

const kidsOf = (keys: Jwk[]) => keys.map((k) => k.kid);
const newSet = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

describe.each(await storeCases())("JsonWebKeyRepository on $name", ({ open }) => {
  let store: Store;
  const repo = () => store.repository;

  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("answers ping", async () => {
    await expect(repo().ping()).resolves.toBeUndefined();
  });

  it("round-trips a key of every kty exactly (members and their order)", async () => {
    const set = newSet("kty");
    const keys = (["RSA", "EC", "OKP", "oct"] as const).map((kty) => key(`k-${kty}`, kty));
    for (const k of keys) await repo().addKey(set, k);
    for (const k of keys) {
      const got = (await repo().getKey(set, k.kid))?.key;
      expect(got).toEqual(k);
      expect(JSON.stringify(got)).toBe(JSON.stringify(normalizeJwk(k)));
    }
    expect(keysOf(await repo().getKeySet(set))).toEqual([...keys].reverse());
  });

  it("returns undefined for a missing key and [] for a missing set", async () => {
    const set = newSet("missing");
    expect((await repo().getKey(set, "nope"))?.key).toBeUndefined();
    expect(keysOf(await repo().getKeySet(set))).toEqual([]);
    await repo().addKey(set, key("a"));
    expect((await repo().getKey(set, "nope"))?.key).toBeUndefined();
    expect((await repo().getKey(set, "A"))?.key).toBeUndefined(); // kids are case-sensitive
  });

  it("lists newest first, ties broken by insertion order", async () => {
    const set = newSet("order");
    for (const kid of ["k1", "k2", "k3", "k4", "k5"]) await repo().addKey(set, key(kid));
    expect(kidsOf(keysOf(await repo().getKeySet(set)))).toEqual(["k5", "k4", "k3", "k2", "k1"]);

    // Identical createdAt for every insert: only the insertion sequence can order them.
    const tied = newSet("tied");
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2020-01-01T00:00:00.000Z") });
    try {
      for (const kid of ["t1", "t2", "t3"]) await repo().addKey(tied, key(kid));
      await repo().upsertKey(tied, key("t1"));
      expect(kidsOf(keysOf(await repo().getKeySet(tied)))).toEqual(["t1", "t3", "t2"]);
    } finally {
      vi.useRealTimers();
    }
    // A later write is newer than all of them.
    await repo().addKey(tied, key("t0"));
    expect(kidsOf(keysOf(await repo().getKeySet(tied)))).toEqual(["t0", "t1", "t3", "t2"]);
  });

  it("addKey of an existing kid throws ConflictError and changes nothing", async () => {
    const set = newSet("conflict");
    await repo().addKey(set, key("a", "EC"));
    await repo().addKey(set, key("b", "EC"));
    const before = keysOf(await repo().getKeySet(set));
    const error = await repo()
      .addKey(set, key("a", "OKP"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe("CONFLICT");
    expect((error as Error).message).toBe(`A key with kid "a" already exists in set "${set}"`);
    expect(keysOf(await repo().getKeySet(set))).toEqual(before);
    // The same kid in another set is fine.
    await repo().addKey(newSet("other"), key("a"));
  });

  it("upsertKey inserts, or replaces the key and makes it the newest", async () => {
    const set = newSet("upsert");
    await repo().upsertKey(set, key("a", "EC"));
    await repo().addKey(set, key("b"));
    await repo().addKey(set, key("c"));
    await repo().upsertKey(set, key("a", "OKP"));
    expect(kidsOf(keysOf(await repo().getKeySet(set)))).toEqual(["a", "c", "b"]);
    expect((await repo().getKey(set, "a"))?.key).toEqual(key("a", "OKP"));
    expect(keysOf(await repo().getKeySet(set))).toHaveLength(3);
  });

  it("replaceKeySet replaces the set exactly, the last key newest; an empty list deletes it", async () => {
    const set = newSet("replace");
    const neighbour = newSet("neighbour");
    await repo().addKey(neighbour, key("x"));
    for (const kid of ["old1", "old2", "shared"]) await repo().addKey(set, key(kid, "EC"));

    const next = [key("n1", "RSA"), key("shared", "oct"), key("n2", "OKP"), key("n3"), key("n4")];
    await repo().replaceKeySet(set, next);
    expect(keysOf(await repo().getKeySet(set))).toEqual([...next].reverse());
    expect((await repo().getKey(set, "old1"))?.key).toBeUndefined();
    expect((await repo().getKey(set, "shared"))?.key).toEqual(key("shared", "oct"));

    await repo().replaceKeySet(set, []);
    expect(keysOf(await repo().getKeySet(set))).toEqual([]);
    expect(await repo().deleteKeySet(set)).toBe(false);
    expect(kidsOf(keysOf(await repo().getKeySet(neighbour)))).toEqual(["x"]);
  });

  it("replaceKeySet with a duplicate kid fails with ConflictError and leaves the old set intact", async () => {
    const set = newSet("dup");
    for (const kid of ["a", "b", "c"]) await repo().addKey(set, key(kid));
    const before = keysOf(await repo().getKeySet(set));
    // Nothing in the repository checks for duplicates: this is the unique constraint at work.
    const error = await repo()
      .replaceKeySet(set, [key("x"), key("y"), key("x", "OKP")])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain('"x"');
    expect(keysOf(await repo().getKeySet(set))).toEqual(before);
  });

  it("deleteKey and deleteKeySet report whether something was removed, and are idempotent", async () => {
    const set = newSet("delete");
    for (const kid of ["a", "b", "c"]) await repo().addKey(set, key(kid));
    expect(await repo().deleteKey(set, "b")).toBe(true);
    expect(await repo().deleteKey(set, "b")).toBe(false);
    expect(await repo().deleteKey(set, "never")).toBe(false);
    expect(kidsOf(keysOf(await repo().getKeySet(set)))).toEqual(["c", "a"]);
    expect(await repo().deleteKeySet(set)).toBe(true);
    expect(await repo().deleteKeySet(set)).toBe(false);
    expect(keysOf(await repo().getKeySet(set))).toEqual([]);
    expect(await repo().deleteKey(set, "a")).toBe(false);
  });

  it("keeps sets isolated from each other", async () => {
    const [one, two] = [newSet("iso1"), newSet("iso2")];
    await repo().addKey(one, key("same", "EC"));
    await repo().addKey(two, key("same", "OKP"));
    await repo().addKey(two, key("only-two"));
    expect((await repo().getKey(one, "same"))?.key).toEqual(key("same", "EC"));
    expect((await repo().getKey(two, "same"))?.key).toEqual(key("same", "OKP"));
    await repo().replaceKeySet(one, [key("r")]);
    await repo().upsertKey(one, key("same", "oct"));
    expect(await repo().deleteKey(one, "only-two")).toBe(false);
    expect(kidsOf(keysOf(await repo().getKeySet(two)))).toEqual(["only-two", "same"]);
    expect(await repo().deleteKeySet(one)).toBe(true);
    expect(kidsOf(keysOf(await repo().getKeySet(two)))).toEqual(["only-two", "same"]);
    // A set name is matched exactly, not as a prefix or pattern.
    expect(keysOf(await repo().getKeySet(two.slice(0, -1)))).toEqual([]);
    expect(keysOf(await repo().getKeySet(`${two.slice(0, 4)}%`))).toEqual([]);
  });

  it("20 parallel addKey calls into a new set store 20 keys", async () => {
    const set = newSet("parallel");
    const kids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    await Promise.all(kids.map((kid) => repo().addKey(set, key(kid))));
    const stored = kidsOf(keysOf(await repo().getKeySet(set)));
    expect(stored).toHaveLength(20);
    expect(new Set(stored)).toEqual(new Set(kids));
  });

  it("parallel addKey calls with the same kid: exactly one wins, the others get ConflictError", async () => {
    const set = newSet("race");
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => repo().addKey(set, key("same"))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(9);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    expect(kidsOf(keysOf(await repo().getKeySet(set)))).toEqual(["same"]);
  });

  it("parallel upsertKey calls of one kid leave exactly one key and never fail", async () => {
    const set = newSet("upsert-race");
    await repo().addKey(set, key("other"));
    const variants = (["RSA", "EC", "OKP", "oct"] as const).flatMap((kty) => [kty, kty]);
    await Promise.all(variants.map((kty) => repo().upsertKey(set, key("k", kty))));
    const keys = keysOf(await repo().getKeySet(set));
    expect(kidsOf(keys)).toEqual(["k", "other"]);
  });

  it("concurrent replaceKeySet calls always end with exactly one submitted list, never a union", async () => {
    const set = newSet("replace-race");
    for (let round = 0; round < 10; round++) {
      const lists = Array.from({ length: 8 }, (_, writer) => [0, 1, 2].map((i) => key(`r${round}-w${writer}-${i}`)));
      await Promise.all(lists.map((list) => repo().replaceKeySet(set, list)));
      const stored = kidsOf(keysOf(await repo().getKeySet(set)));
      const winner = lists.find((list) => list[0].kid === stored.at(-1));
      expect(winner, `round ${round}: ${stored.join(",")}`).toBeDefined();
      expect(stored).toEqual(kidsOf(winner!).reverse());
    }
  });

  it("concurrent writers mixed with replaces and reads: every acknowledged write is kept, readers never see a partial set", async () => {
    const replaced = newSet("mixed-replaced");
    const side = newSet("mixed-side");
    const full = [key("a"), key("b"), key("c")];
    await repo().replaceKeySet(replaced, full);
    const work: Promise<unknown>[] = [];
    const seen: number[] = [];
    for (let i = 0; i < 30; i++) {
      // A replace that must fail (duplicate kid) and roll back, and one that succeeds with the same content.
      work.push(
        repo()
          .replaceKeySet(replaced, [key("a"), key("dup"), key("dup")])
          .catch(() => undefined),
      );
      work.push(repo().replaceKeySet(replaced, full));
      work.push(repo().addKey(side, key(`s${i}`)));
      work.push(
        repo()
          .getKeySet(replaced)
          .then((keys) => seen.push(keys.length)),
      );
    }
    await Promise.all(work);
    expect(new Set(seen)).toEqual(new Set([3]));
    expect(kidsOf(keysOf(await repo().getKeySet(replaced)))).toEqual(["c", "b", "a"]);
    expect(keysOf(await repo().getKeySet(side))).toHaveLength(30);
  });

  it("keeps keys across a restart (close and reopen the database)", async () => {
    const set = newSet("restart");
    const keys = [key("a", "RSA"), key("b", "OKP"), key("c", "oct")];
    for (const k of keys) await repo().addKey(set, k);
    await store.reopen();
    expect(keysOf(await repo().getKeySet(set))).toEqual([...keys].reverse());
    await repo().addKey(set, key("d"));
    expect(kidsOf(keysOf(await repo().getKeySet(set)))).toEqual(["d", "c", "b", "a"]);
  });

  it("refuses a stored row of an unknown format without revealing its data", async () => {
    const set = newSet("format");
    await store.database.client.jsonWebKey.create({
      data: { set, kid: "enc", format: "jwe+aes/v9", data: '{"d":"SECRET"}' },
    });
    const error = await repo()
      .getKeySet(set)
      .then(
        () => new Error("expected a rejection"),
        (e: unknown) => e as Error,
      );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain("jwe+aes/v9");
    expect(error.message).not.toContain("SECRET");
  });
});

describe("codec", () => {
  it("stores jwk+aes256gcm/v1: the normalized key sealed for its (set, kid), with its kek id", async () => {
    const sealer = await testSealer();
    const k = key("c1", "OKP");
    const stored = encodeKey(sealer, "s", { ...k, kid: "c1" });
    expect(stored.format).toBe("jwk+aes256gcm/v1");
    expect(stored.kekId).toBe(sealer.keyring.current.id);
    expect(stored.data).not.toContain(k.d);
    expect(decodeKey(sealer, { ...stored, set: "s", kid: "c1" })).toEqual(k);
    expect(() => decodeKey(sealer, { ...stored, set: "t", kid: "c1" })).toThrow(KeyIntegrityError);
  });

  it("reads the foundation's jwk+json/v1 only when re-sealing; elsewhere it is KEY_INTEGRITY", async () => {
    const sealer = await testSealer();
    const k = key("c2", "EC");
    const plain = { set: "s", kid: "c2", format: "jwk+json/v1", data: JSON.stringify(k), kekId: null };
    expect(decodeKey(sealer, plain, { acceptPlaintext: true })).toEqual(k);
    expect(() => decodeKey(sealer, plain)).toThrow(KeyIntegrityError);
    // A plaintext row holding another kid's key is refused too.
    expect(() => decodeKey(sealer, { ...plain, kid: "other" }, { acceptPlaintext: true })).toThrow(KeyIntegrityError);
  });

  it("refuses unreadable rows without echoing their data", async () => {
    const sealer = await testSealer();
    const row = (format: string, data: string) => ({ set: "s", kid: "k", format, data, kekId: null });
    expect(() => decodeKey(sealer, row("nope/v0", "SECRET"))).toThrow(/"nope\/v0".*cannot be read/);
    for (const data of ["SECRET{", "[]", "null", '"SECRET"']) {
      let message = "";
      try {
        decodeKey(sealer, row("jwk+json/v1", data), { acceptPlaintext: true });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/cannot be read/);
      expect(message).not.toContain("SECRET");
    }
  });
});

describe("an unreachable PostgreSQL server", () => {
  it("surfaces as UnavailableError", async () => {
    const database = await openDatabase("postgresql://postgres@127.0.0.1:1/jwkgw_nowhere");
    try {
      const repository = new PrismaJsonWebKeyRepository(database, await testSealer());
      await expect(repository.ping()).rejects.toBeInstanceOf(UnavailableError);
      await expect(repository.getKeySet("s")).rejects.toBeInstanceOf(UnavailableError);
      await expect(repository.addKey("s", key("a"))).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await database.close();
    }
  });
});
