/**
 * Encryption at rest (README, "Encryption at rest"): the envelope and its AAD, what reaches the disk, tampering,
 * and what start-up refuses. Store-level checks run on SQLite (a temporary file) and PostgreSQL
 * (a fresh database; mandatory under CI=true).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATABLE_ALGORITHMS } from "../../../src/domain/algorithms.js";
import { KeyIntegrityError } from "../../../src/errors.js";
import { normalizeJwk, PRIVATE_MEMBERS, type Jwk } from "../../../src/domain/jwk.js";
import { JsonWebKeyService } from "../../../src/domain/service.js";
import { JWK_AES256GCM_V1, JWK_JSON_V1 } from "../../../src/persistence/sealing/codec.js";
import { DEV_SECRET_FILE } from "../../../src/persistence/sealing/dev-secret.js";
import { Keyring, KeyringError } from "../../../src/persistence/sealing/keyring.js";
import { sqliteFilePath } from "../../../src/persistence/db/url.js";
import {
  aad,
  ENVELOPE_OVERHEAD,
  type KeySealer,
  OpenError,
  TAG_BYTES,
  type SealContext,
} from "../../../src/persistence/sealing/seal.js";
import { runMain } from "../../support/main.js";
import { OTHER_SECRET, TEST_SECRET, testKeyring, testSealer } from "../../support/keyring.js";
import { startGateway } from "../../support/gateway.js";
import { tempSqlite } from "../../support/sqlite.js";
import { storeCases, type Store } from "../../support/stores.js";

const run = promisify(execFile);
const JWK_CONTEXT = (set: string, kid: string): SealContext => ({ purpose: "jwk", set, kid });

/** Every private member of `keys` as base64url text and as raw bytes. */
function secretsOf(keys: readonly Jwk[]): { label: string; bytes: Buffer }[] {
  const needles: { label: string; bytes: Buffer }[] = [];
  for (const key of keys) {
    for (const member of PRIVATE_MEMBERS) {
      const value = key[member];
      if (value === undefined) continue;
      needles.push({ label: `${key.kid}.${member} (base64url)`, bytes: Buffer.from(value, "latin1") });
      needles.push({ label: `${key.kid}.${member} (raw)`, bytes: Buffer.from(value, "base64url") });
    }
  }
  return needles;
}

/** Labels of the needles found in any of the haystacks. */
function found(haystacks: readonly Buffer[], needles: readonly { label: string; bytes: Buffer }[]): string[] {
  return needles.filter(({ bytes }) => haystacks.some((hay) => hay.includes(bytes))).map(({ label }) => label);
}

/** The bytes a thief of the store would get: the SQLite file with -wal and -shm, or a pg_dump. */
async function storeBytes(store: Store): Promise<Buffer[]> {
  if (store.name === "sqlite") {
    const file = sqliteFilePath(store.url);
    const parts = await Promise.all(
      [file, `${file}-wal`, `${file}-shm`].map((part) => readFile(part).catch(() => undefined)),
    );
    expect(parts[0], "the SQLite file exists").toBeDefined();
    return parts.flatMap((part) => (part === undefined ? [] : [part]));
  }
  const database = new URL(store.url).pathname.slice(1);
  const { stdout } = await run("pg_dump", ["-h", "127.0.0.1", "-U", "postgres", database], {
    encoding: "buffer",
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(stdout.includes(Buffer.from("json_web_key"))).toBe(true);
  return [stdout];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

function expectIntegrityError(error: unknown, set: string, kid: string): void {
  expect(error).toBeInstanceOf(KeyIntegrityError);
  expect((error as KeyIntegrityError).code).toBe("KEY_INTEGRITY");
  expect((error as Error).message).toBe(
    `The stored key ${JSON.stringify(kid)} in set ${JSON.stringify(set)} failed its integrity check`,
  );
}

const newSet = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

describe("the keyring", () => {
  it("derives one KEK per secret with a stable 8-hex-digit id; the first seals", async () => {
    const keyring = await testKeyring(TEST_SECRET, OTHER_SECRET);
    const again = await Keyring.fromSecrets([OTHER_SECRET, TEST_SECRET]);
    expect(keyring.ids).toHaveLength(2);
    for (const id of keyring.ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(again.ids).toEqual([...keyring.ids].reverse());
    expect(keyring.current.id).toBe(keyring.ids[0]);
    expect(keyring.role(keyring.ids[0])).toBe("SECRETS_SYSTEM[0], seals");
    expect(keyring.role("00000000")).toBe("not in SECRETS_SYSTEM");
  });

  it("refuses a secret shorter than 32 characters, naming SECRETS_SYSTEM and not the secret", async () => {
    const error = await rejection(Keyring.fromSecrets([TEST_SECRET, "short-but-secret-value"]));
    expect(error).toBeInstanceOf(KeyringError);
    expect((error as Error).message).toMatch(/^SECRETS_SYSTEM: secret #2 is 22 characters long/);
    expect((error as Error).message).not.toContain("short-but-secret-value");
  });
});

describe("the sealed envelope", () => {
  let sealer: KeySealer;
  const plaintext = () => Buffer.from('{"kty":"oct","kid":"k","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}');
  beforeAll(async () => {
    sealer = await testSealer();
  });

  it("is magic ‖ version ‖ kek id ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag, in canonical base64url", () => {
    const sealed = sealer.seal(plaintext(), JWK_CONTEXT("s", "k"));
    const blob = Buffer.from(sealed.data, "base64url");
    expect(sealed.data).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(blob.subarray(0, 6).toString("latin1")).toBe("jwkenc");
    expect(blob[6]).toBe(1);
    expect(blob.subarray(7, 11).toString("hex")).toBe(sealer.keyring.current.id);
    expect(sealed.kekId).toBe(sealer.keyring.current.id);
    expect(blob.length).toBe(ENVELOPE_OVERHEAD + plaintext().length);
    expect(sealer.open(sealed.data, JWK_CONTEXT("s", "k"))).toEqual(plaintext());
  });

  it("opens only for the (purpose, set, kid) it was sealed for; the AAD is length-prefixed", () => {
    const sealed = sealer.seal(plaintext(), JWK_CONTEXT("a", "bc")).data;
    expect(sealer.open(sealed, JWK_CONTEXT("a", "bc"))).toEqual(plaintext());
    for (const context of [
      JWK_CONTEXT("ab", "c"),
      JWK_CONTEXT("a", "b"),
      JWK_CONTEXT("b", "bc"),
      { purpose: "canary", set: "a", kid: "bc" } as const,
    ]) {
      expect(() => sealer.open(sealed, context)).toThrow(OpenError);
    }
    const kekId = sealer.keyring.current.idBytes;
    expect(aad(1, kekId, JWK_CONTEXT("a", "bc"))).not.toEqual(aad(1, kekId, JWK_CONTEXT("ab", "c")));
  });

  it("flipping any single bit of the blob (header, kek id, IV, ciphertext, tag) fails to open", () => {
    const blob = Buffer.from(sealer.seal(plaintext(), JWK_CONTEXT("s", "k")).data, "base64url");
    let silent = 0;
    for (let byte = 0; byte < blob.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const mutant = Buffer.from(blob);
        mutant[byte] ^= 1 << bit;
        try {
          sealer.open(mutant.toString("base64url"), JWK_CONTEXT("s", "k"));
          silent++;
        } catch (error) {
          expect(error).toBeInstanceOf(OpenError);
        }
      }
    }
    expect(silent).toBe(0);
  });

  it("a tag truncated to 4, 8 or 12 bytes, one appended byte, or a non-canonical spelling is refused", () => {
    const data = sealer.seal(plaintext(), JWK_CONTEXT("s", "k")).data;
    const blob = Buffer.from(data, "base64url");
    for (const tagBytes of [4, 8, 12]) {
      const truncated = blob.subarray(0, blob.length - (TAG_BYTES - tagBytes)).toString("base64url");
      expect(() => sealer.open(truncated, JWK_CONTEXT("s", "k"))).toThrow(OpenError);
    }
    expect(() => sealer.open(Buffer.concat([blob, Buffer.of(0)]).toString("base64url"), JWK_CONTEXT("s", "k"))).toThrow(
      OpenError,
    );
    for (const variant of [`${data}=`, `${data} `, data.replace(/-/g, "+").replace(/_/g, "/")]) {
      if (variant === data) continue;
      expect(() => sealer.open(variant, JWK_CONTEXT("s", "k"))).toThrow(OpenError);
    }
  });

  it("a blob sealed under a secret that is not in the keyring fails closed (no trial decryption)", async () => {
    const other = await testSealer(OTHER_SECRET);
    const data = other.seal(plaintext(), JWK_CONTEXT("s", "k")).data;
    expect(() => sealer.open(data, JWK_CONTEXT("s", "k"))).toThrow(/not in SECRETS_SYSTEM/);
    // With both secrets configured it opens: the kek id picks the key.
    expect((await testSealer(TEST_SECRET, OTHER_SECRET)).open(data, JWK_CONTEXT("s", "k"))).toEqual(plaintext());
  });

  it("20,000 seals never repeat an IV", () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 20_000; i++)
      ivs.add(
        Buffer.from(sealer.seal(Buffer.of(i & 0xff), JWK_CONTEXT("s", "k")).data, "base64url")
          .subarray(11, 23)
          .toString("hex"),
      );
    expect(ivs.size).toBe(20_000);
  });
});

describe.each(await storeCases())("encryption at rest on $name", ({ open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  const service = (rsaModulusLength = 2048) =>
    new JsonWebKeyService({ repository: store.repository, generate: { rsaModulusLength } });
  const rows = (set: string) =>
    store.database.client.jsonWebKey.findMany({
      where: { set },
      orderBy: { seq: "asc" },
      select: { kid: true, format: true, data: true, kekId: true },
    });
  const setData = (set: string, kid: string, data: string) =>
    store.database.client.$executeRaw`UPDATE json_web_key SET data = ${data} WHERE "set" = ${set} AND kid = ${kid}`;

  it("keys of all 13 algorithms (and RSA-4096) are stored sealed: no private member in the files or a dump, and every key reads back exactly", async () => {
    const set = newSet("every-alg");
    const created: Jwk[] = [];
    for (const alg of GENERATABLE_ALGORITHMS) {
      created.push(...(await service().createJsonWebKeySet(set, { alg, kid: `k-${alg}` })).keys.map(normalizeJwk));
    }
    created.push(
      ...(await service(4096).createJsonWebKeySet(set, { alg: "RS512", kid: "k-rsa-4096" })).keys.map(normalizeJwk),
    );
    expect(Buffer.from(created.at(-1)!.n!, "base64url").length * 8).toBe(4096);

    for (const row of await rows(set)) {
      expect(row.format).toBe(JWK_AES256GCM_V1);
      expect(row.kekId).toBe(store.sealer.keyring.current.id);
    }
    const needles = secretsOf(created);
    expect(needles.length).toBeGreaterThan(60);
    expect(found(await storeBytes(store), needles)).toEqual([]);
    // The public members are sealed with the rest.
    expect(found(await storeBytes(store), [{ label: "n", bytes: Buffer.from(created[0].n!, "latin1") }])).toEqual([]);

    for (const key of created)
      expect((await service().getJsonWebKey(set, key.kid)).keys.map(normalizeJwk)).toEqual([key]);
    // And after a restart (SQLite: the WAL checkpointed into the main file).
    await store.reopen();
    expect(found(await storeBytes(store), needles)).toEqual([]);
    for (const key of created) expect((await store.repository.getKey(set, key.kid))?.key).toEqual(key);
  });

  it("swapped or copied ciphertexts fail with KEY_INTEGRITY and never return the other row's key; other rows keep reading", async () => {
    const [one, two] = [newSet("swap1"), newSet("swap2")];
    const a = normalizeJwk((await service().createJsonWebKeySet(one, { alg: "ES256", kid: "A" })).keys[0]);
    const b = normalizeJwk((await service().createJsonWebKeySet(two, { alg: "ES256", kid: "B" })).keys[0]);
    const bystander = normalizeJwk(
      (await service().createJsonWebKeySet(one, { alg: "HS256", kid: "bystander" })).keys[0],
    );
    const [rowA] = await rows(one);
    const [rowB] = await rows(two);

    await setData(one, "A", rowB.data);
    await setData(two, "B", rowA.data);
    // A copy of A's row under a new kid, in A's set and in another set under A's kid.
    const third = newSet("copy");
    await store.database.client.jsonWebKey.create({
      data: { set: one, kid: "C", format: rowA.format, data: rowA.data, kekId: rowA.kekId },
    });
    await store.database.client.jsonWebKey.create({
      data: { set: third, kid: "A", format: rowA.format, data: rowA.data, kekId: rowA.kekId },
    });

    for (const [set, kid] of [
      [one, "A"],
      [two, "B"],
      [one, "C"],
      [third, "A"],
    ]) {
      const error = await rejection(store.repository.getKey(set, kid));
      expectIntegrityError(error, set, kid);
      expect(JSON.stringify(error)).not.toContain(a.d);
      expect(JSON.stringify(error)).not.toContain(b.d);
    }
    // A set holding a tampered row is refused whole, never served without it.
    const whole = await rejection(store.repository.getKeySet(one));
    expect(whole).toBeInstanceOf(KeyIntegrityError);
    expect((whole as Error).message).toMatch(
      new RegExp(`^The stored key "[AC]" in set "${one}" failed its integrity check$`),
    );
    expect((await store.repository.getKey(one, "bystander"))?.key).toEqual(bystander);

    // Put back, everything reads again: the failures were the tampering, nothing else.
    await setData(one, "A", rowA.data);
    await setData(two, "B", rowB.data);
    expect((await store.repository.getKey(one, "A"))?.key).toEqual(a);
    expect((await store.repository.getKey(two, "B"))?.key).toEqual(b);
  });

  it("every single-byte change of a stored blob, a truncated tag or an appended byte fails with KEY_INTEGRITY", async () => {
    const set = newSet("flip");
    const key = normalizeJwk((await service().createJsonWebKeySet(set, { alg: "HS256", kid: "victim" })).keys[0]);
    const bystander = normalizeJwk(
      (await service().createJsonWebKeySet(set, { alg: "EdDSA", kid: "bystander" })).keys[0],
    );
    const original = (await rows(set)).find((row) => row.kid === "victim")!.data;
    const blob = Buffer.from(original, "base64url");

    const mutants: string[] = [];
    for (let i = 0; i < blob.length; i++) {
      const mutant = Buffer.from(blob);
      mutant[i] ^= 1 << (i % 8);
      mutants.push(mutant.toString("base64url"));
    }
    for (const tagBytes of [4, 8, 12])
      mutants.push(blob.subarray(0, blob.length - (TAG_BYTES - tagBytes)).toString("base64url"));
    mutants.push(Buffer.concat([blob, Buffer.of(0x42)]).toString("base64url"));

    const silent: number[] = [];
    for (const [index, mutant] of mutants.entries()) {
      await setData(set, "victim", mutant);
      const error = await rejection(store.repository.getKey(set, "victim"));
      if (!(error instanceof KeyIntegrityError)) silent.push(index);
    }
    expect(silent).toEqual([]);
    expect(mutants.length).toBe(blob.length + 4);
    expect((await store.repository.getKey(set, "bystander"))?.key).toEqual(bystander);
    await setData(set, "victim", original);
    expect((await store.repository.getKey(set, "victim"))?.key).toEqual(key);
  });

  it("a plaintext row planted around the gateway is refused as KEY_INTEGRITY, not served", async () => {
    const set = newSet("planted");
    const planted = {
      kty: "oct",
      kid: "planted",
      alg: "HS256",
      use: "sig",
      k: "cGxhbnRlZC1ieS1hbi1hdHRhY2tlci0zMi1ieXRlcyE",
    };
    await store.database.client.jsonWebKey.create({
      data: { set, kid: "planted", format: JWK_JSON_V1, data: JSON.stringify(planted) },
    });
    expectIntegrityError(await rejection(store.repository.getKey(set, "planted")), set, "planted");
  });

  it("over GraphQL and REST a tampered key is KEY_INTEGRITY (HTTP 500), logged with its set and kid, without key material", async () => {
    const set = newSet("transport");
    const victim = normalizeJwk((await service().createJsonWebKeySet(set, { alg: "ES384", kid: "victim" })).keys[0]);
    const other = normalizeJwk(
      (await service().createJsonWebKeySet(newSet("other"), { alg: "ES384", kid: "other" })).keys[0],
    );
    const otherRow = await store.database.client.jsonWebKey.findFirstOrThrow({ where: { kid: "other" } });
    await setData(set, "victim", otherRow.data);

    const logs: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => (logs.push(chunk.toString()), done()) });
    const gateway = await startGateway({ databaseUrl: store.url, migrated: true, logger: { level: "info", stream } });
    try {
      const message = `The stored key "victim" in set ${JSON.stringify(set)} failed its integrity check`;
      const { body } = await gateway.graphql(
        'query ($set: String!) { getJsonWebKey(set: $set, kid: "victim") { keys { kid d } } }',
        { set },
      );
      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].message).toBe(message);
      expect(body.errors[0].extensions).toEqual({ code: "KEY_INTEGRITY" });

      const response = await fetch(`${gateway.origin}/admin/keys/${encodeURIComponent(set)}/victim`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: "error", error_description: message });

      const integrityLogs = logs.filter((line) => line.includes("a stored key failed its integrity check"));
      expect(integrityLogs).toHaveLength(2);
      expect(JSON.parse(integrityLogs[0])).toMatchObject({
        level: 50,
        set,
        kid: "victim",
        reason: expect.stringContaining("authentication failed"),
      });
      const everything = logs.join("") + JSON.stringify(body);
      for (const secret of [victim.d!, other.d!]) expect(everything).not.toContain(secret);
    } finally {
      await gateway.close();
    }
  });
});

describe.each(await storeCases())("start-up on $name", ({ name, open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Every row of both tables, to prove a refused start changed nothing. */
  const snapshot = async () => ({
    keys: await store.database.client.jsonWebKey.findMany({ orderBy: { seq: "asc" } }),
    canaries: await store.database.client.keyringCanary.findMany({ orderBy: { kekId: "asc" } }),
  });

  it("a wrong secret is refused by the canary before listening, and nothing is written", async () => {
    await serviceOf(store).createJsonWebKeySet(newSet("wrong"), { alg: "ES256" });
    await (await startGateway({ databaseUrl: store.url, migrated: true })).close(); // writes the canary of TEST_SECRET
    const before = await snapshot();
    expect(before.canaries.map((canary) => canary.kekId)).toEqual([store.sealer.keyring.current.id]);

    const error = await rejection(
      startGateway({ databaseUrl: store.url, migrated: true, env: { SECRETS_SYSTEM: OTHER_SECRET } }),
    );
    expect((error as Error).name).toBe("StartupError");
    expect((error as Error).message).toMatch(
      /^SECRETS_SYSTEM does not open this database: it was sealed with the secret\(s\) of kek id\(s\) [0-9a-f]{8}/,
    );
    expect((error as Error).message).not.toContain(OTHER_SECRET);
    expect(await snapshot()).toEqual(before);
  });

  it("rows sealed with a secret missing from SECRETS_SYSTEM refuse start with their count, even without a canary", async () => {
    await store.database.client.keyringCanary.deleteMany({});
    const count = await store.database.client.jsonWebKey.count();
    const before = await snapshot();
    const error = await rejection(
      startGateway({ databaseUrl: store.url, migrated: true, env: { SECRETS_SYSTEM: OTHER_SECRET } }),
    );
    expect((error as Error).name).toBe("StartupError");
    expect((error as Error).message).toContain(
      `${count} stored key(s) are sealed with a secret that is not in SECRETS_SYSTEM (kek id ${store.sealer.keyring.current.id}: ${count} row(s))`,
    );
    expect(await snapshot()).toEqual(before);
  });

  it("the foundation's plaintext rows are re-sealed at start, in batches, and logged with the count", async () => {
    const set = newSet("foundation");
    const sample = normalizeJwk(
      (await serviceOf(store).createJsonWebKeySet(newSet("tmp"), { alg: "RS256", kid: "rsa" })).keys[0],
    );
    const plain: Jwk[] = [];
    for (let i = 0; i < 250; i++)
      plain.push({
        kty: "oct",
        kid: `oct-${i}`,
        alg: "HS256",
        use: "sig",
        k: Buffer.from(`${randomUUID()}${i}`).toString("base64url"),
      });
    plain.push({ ...sample, kid: "rsa-plain" });
    await store.database.client.jsonWebKey.createMany({
      data: plain.map((key) => ({ set, kid: key.kid, format: JWK_JSON_V1, data: JSON.stringify(key) })),
    });
    await store.database.client.keyringCanary.deleteMany({});

    const logs: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => (logs.push(chunk.toString()), done()) });
    const gateway = await startGateway({ databaseUrl: store.url, migrated: true, logger: { level: "info", stream } });
    try {
      const line = logs
        .map((entry) => JSON.parse(entry))
        .find((entry) => /re-sealed \d+ stored key\(s\) from the plaintext format/.test(entry.msg));
      expect(line).toMatchObject({
        msg: `re-sealed ${plain.length} stored key(s) from the plaintext format jwk+json/v1`,
        resealed: plain.length,
        failed: 0,
      });
      const stored = await store.database.client.jsonWebKey.findMany({ where: { set } });
      expect(stored).toHaveLength(plain.length);
      for (const row of stored) {
        expect(row.format).toBe(JWK_AES256GCM_V1);
        expect(row.kekId).toBe(store.sealer.keyring.current.id);
      }
      const read = (await gateway.app.service.getJsonWebKeySet(set)).keys;
      expect(new Map(read.map((key) => [key.kid, key]))).toEqual(
        new Map(plain.map((key) => [key.kid, expect.objectContaining(key)])),
      );
      // Not left behind on disk either (SQLite is compacted after the upgrade; pg_dump shows live rows).
      expect(
        found(await storeBytes(store), secretsOf(plain.filter((_, i) => i % 25 === 0 || i === plain.length - 1))),
      ).toEqual([]);
      expect(logs.join("")).not.toContain(sample.d);
    } finally {
      await gateway.close();
    }
  });

  it.runIf(name === "postgres")(
    "on PostgreSQL, start without SECRETS_SYSTEM is refused naming the variable",
    async () => {
      const error = await rejection(
        startGateway({ databaseUrl: store.url, migrated: true, env: { SECRETS_SYSTEM: "" } }),
      );
      expect((error as Error).name).toBe("ConfigError");
      expect((error as Error).message).toMatch(/^SECRETS_SYSTEM: must be set when DATABASE_URL is PostgreSQL/);
    },
  );
});

function serviceOf(store: Store): JsonWebKeyService {
  return new JsonWebKeyService({ repository: store.repository, generate: { rsaModulusLength: 2048 } });
}

describe("the SQLite development secret", () => {
  it("is created on first start next to the database with mode 0600, logged as a warning, reused later, and never logged", async () => {
    const sqlite = await tempSqlite();
    try {
      const logs: string[] = [];
      const stream = new Writable({ write: (chunk, _encoding, done) => (logs.push(chunk.toString()), done()) });
      const env = { SECRETS_SYSTEM: "" };
      const first = await startGateway({ databaseUrl: sqlite.url, env, logger: { level: "info", stream } });
      const file = `${sqlite.dir}/${DEV_SECRET_FILE}`;
      const created = normalizeJwk(
        (await first.app.service.createJsonWebKeySet("dev", { alg: "ES256", kid: "k" })).keys[0],
      );
      await first.close();
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const secret = (await readFile(file, "utf8")).trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const warning = logs.map((line) => JSON.parse(line)).find((line) => line.level === 40);
      expect(warning.msg).toContain(
        `SECRETS_SYSTEM is not set: stored keys are sealed with the development secret in ${file} (created now)`,
      );

      const second = await startGateway({ databaseUrl: sqlite.url, env, logger: { level: "info", stream } });
      expect((await second.app.service.getJsonWebKey("dev", "k")).keys.map(normalizeJwk)).toEqual([created]);
      await second.close();
      expect((await readFile(file, "utf8")).trim()).toBe(secret);
      expect(logs.filter((line) => line.includes("(created now)"))).toHaveLength(1);
      expect(logs.join("")).not.toContain(secret);

      // The same secret given explicitly opens the same database.
      const explicit = await startGateway({ databaseUrl: sqlite.url, env: { SECRETS_SYSTEM: secret } });
      expect((await explicit.app.service.getJsonWebKey("dev", "k")).keys.map(normalizeJwk)).toEqual([created]);
      await explicit.close();

      // Losing the file never silently makes a new secret for a database that holds sealed keys.
      await rm(file);
      const error = await rejection(startGateway({ databaseUrl: sqlite.url, env }));
      expect((error as Error).name).toBe("StartupError");
      expect((error as Error).message).toContain(
        `the development secret file ${file} is missing, but this database holds keys sealed`,
      );
      await expect(stat(file)).rejects.toThrow(/ENOENT/);

      // A damaged file is refused rather than replaced.
      await writeFile(file, "short\n", { mode: 0o600 });
      expect(((await rejection(startGateway({ databaseUrl: sqlite.url, env }))) as Error).message).toContain(
        "is damaged",
      );
    } finally {
      await sqlite.cleanup();
    }
  });

  it("two processes starting at once on a new database agree on one secret file", async () => {
    const sqlite = await tempSqlite();
    try {
      const { createDevSecret } = await import("../../../src/persistence/sealing/dev-secret.js");
      const file = `${sqlite.dir}/${DEV_SECRET_FILE}`;
      const results = await Promise.all(Array.from({ length: 8 }, () => createDevSecret(file)));
      expect(new Set(results.map((result) => result.secret)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect((await readFile(file, "utf8")).trim()).toBe(results[0].secret);
    } finally {
      await sqlite.cleanup();
    }
  });
});

describe("npm start (src/main.ts) refuses", () => {
  it("NODE_ENV=production without SECRETS_SYSTEM, naming the variable, before listening", async () => {
    const sqlite = await tempSqlite();
    try {
      const { code, output } = await runMain({
        NODE_ENV: "production",
        DATABASE_URL: sqlite.url,
        SECRETS_SYSTEM: "",
        PORT: "0",
      });
      expect(code).toBe(1);
      expect(output).toContain("configuration error: SECRETS_SYSTEM: must be set when NODE_ENV=production");
      expect(output).not.toContain("serving GraphQL");
    } finally {
      await sqlite.cleanup();
    }
  });

  it("a wrong secret, with the canary's message, before listening", async () => {
    const sqlite = await tempSqlite();
    try {
      await (await startGateway({ databaseUrl: sqlite.url })).close();
      const { code, output } = await runMain({ DATABASE_URL: sqlite.url, SECRETS_SYSTEM: OTHER_SECRET, PORT: "0" });
      expect(code).toBe(1);
      expect(output).toContain("jwk-gateway: cannot start: SECRETS_SYSTEM does not open this database");
      expect(output).not.toContain("serving GraphQL");
      expect(output).not.toContain(OTHER_SECRET);
    } finally {
      await sqlite.cleanup();
    }
  });
});
