/**
 * Secret rotation (README, "Rotating the secret"): add a new secret first, re-seal with
 * `npm run keys:rotate`, then remove the old one. Runs on SQLite and PostgreSQL (mandatory under
 * CI=true); the crash test kills the real CLI with SIGKILL in the middle of re-sealing.
 */
import { exportJWK, generateKeyPair, generateSecret } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeJwk, type Jwk } from "../../../src/domain/jwk.js";
import { kekUsage } from "../../../src/persistence/sealing/key-store.js";
import { PrismaJsonWebKeyRepository } from "../../../src/persistence/keys/repository.js";
import { runRotate } from "../../../src/cli/rotate.js";
import type { KeySealer } from "../../../src/persistence/sealing/seal.js";
import { startGateway } from "../../support/gateway.js";
import { OTHER_SECRET, TEST_SECRET, testSealer, THIRD_SECRET } from "../../support/keyring.js";
import { storeCases, type Store } from "../../support/stores.js";
import { spawnCli } from "../../support/main.js";
import type { KeyRecord } from "../../../src/domain/lifecycle.js";

/** The members of stored keys, in order (the repository answers them with their lifecycle). */
const keysOf = (records: readonly KeyRecord[]) => records.map((record) => record.key);

/** The stores are written with TEST_SECRET (test/support/stores.ts): that is the secret being retired. */
const OLD = TEST_SECRET;
const NEW = OTHER_SECRET;
const CRASH_TIMEOUT_MS = 180_000;

const material: Jwk[] = [];
beforeAll(async () => {
  const exported = async (alg: string, key: CryptoKey | Uint8Array) =>
    ({ ...(await exportJWK(key)), alg, use: "sig" }) as Jwk;
  material.push(await exported("ES256", (await generateKeyPair("ES256", { extractable: true })).privateKey));
  material.push(
    await exported("EdDSA", (await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).privateKey),
  );
  material.push(await exported("HS256", await generateSecret("HS256", { extractable: true })));
  material.push(
    await exported("RS256", (await generateKeyPair("RS256", { modulusLength: 2048, extractable: true })).privateKey),
  );
});

/** `count` keys in sets of `perSet`, written through the repository; returns them by set. */
async function writeKeys(store: Store, prefix: string, count: number, perSet: number): Promise<Map<string, Jwk[]>> {
  const sets = new Map<string, Jwk[]>();
  for (let i = 0; i < count; i++) {
    const set = `${prefix}-${Math.floor(i / perSet)}`;
    const keys = sets.get(set) ?? [];
    keys.push(normalizeJwk({ ...material[i % material.length], kid: `${prefix}-k${i}` }));
    sets.set(set, keys);
  }
  for (const [set, keys] of sets) await store.repository.replaceKeySet(set, keys);
  return sets;
}

/** Every key of `sets` reads back exactly through a repository with `sealer`. */
async function expectAllRead(store: Store, sealer: KeySealer, sets: Map<string, Jwk[]>): Promise<void> {
  const repository = new PrismaJsonWebKeyRepository(store.database, sealer);
  for (const [set, keys] of sets) expect(keysOf(await repository.getKeySet(set))).toEqual([...keys].reverse());
}

/** Rows per kek id (null: plaintext). */
async function rowsPerKek(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const usage of await kekUsage(store.database.client))
    out[usage.kekId ?? "plaintext"] = (out[usage.kekId ?? "plaintext"] ?? 0) + usage.rows;
  return out;
}

/** The rotate command in-process, its output captured. */
async function rotate(store: Store, secrets: string[], args: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRotate(
    args,
    { DATABASE_URL: store.url, SECRETS_SYSTEM: secrets.join(",") },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  return { code, out, err, all: [...out, ...err].join("\n") };
}

/**
 * `jwk-gateway secrets rotate` (what `npm run keys:rotate` runs) in its own process; `killOnProgress`
 * SIGKILLs it at its first progress line. One process: the tsx CLI would run it in a child that outlives a kill.
 */
function rotateProcess(store: Store, secrets: string[], args: string[], killOnProgress = false) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    const child = spawnCli(["secrets", "rotate", ...args], {
      DATABASE_URL: store.url,
      SECRETS_SYSTEM: secrets.join(","),
    });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (killOnProgress && /progress \d+\/\d+/.test(output)) child.kill("SIGKILL");
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code, signal) => resolve({ code, signal, output }));
  });
}

describe.each(await storeCases())("rotation on $name", ({ open }) => {
  let store: Store;
  let oldSealer: KeySealer;
  let newSealer: KeySealer;
  let both: KeySealer;
  beforeAll(async () => {
    store = await open();
    [oldSealer, newSealer, both] = await Promise.all([testSealer(OLD), testSealer(NEW), testSealer(NEW, OLD)]);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("end to end: add the new secret first, re-seal, remove the old one; every key reads throughout", async () => {
    const [oldId, newId] = [oldSealer.keyring.current.id, newSealer.keyring.current.id];
    const sets = await writeKeys(store, "e2e", 30, 10);
    expect(await rowsPerKek(store)).toEqual({ [oldId]: 30 });

    // Step 1: SECRETS_SYSTEM=new,old. The old keys still read; new writes are sealed by the new secret.
    const step1 = await startGateway({
      databaseUrl: store.url,
      migrated: true,
      env: { SECRETS_SYSTEM: `${NEW},${OLD}` },
    });
    try {
      for (const [set, keys] of sets)
        expect((await step1.app.service.getJsonWebKeySet(set)).keys.map(normalizeJwk)).toEqual([...keys].reverse());
      const added = normalizeJwk(
        (await step1.app.service.createJsonWebKeySet("e2e-new", { alg: "ES256", kid: "fresh" })).keys[0],
      );
      sets.set("e2e-new", [added]);
    } finally {
      await step1.close();
    }
    expect(await rowsPerKek(store)).toEqual({ [oldId]: 30, [newId]: 1 });

    // Removing the old secret now is refused, with the count of rows that still need it.
    const early = await startGateway({ databaseUrl: store.url, migrated: true, env: { SECRETS_SYSTEM: NEW } }).then(
      () => new Error("expected a refusal"),
      (error: Error) => error,
    );
    expect(early.name).toBe("StartupError");
    expect(early.message).toContain(
      `30 stored key(s) are sealed with a secret that is not in SECRETS_SYSTEM (kek id ${oldId}: 30 row(s))`,
    );

    const status = await rotate(store, [NEW, OLD], ["--status"]);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`  ${newId}      1  SECRETS_SYSTEM[0], seals`);
    expect(status.out).toContain(`  ${oldId}     30  SECRETS_SYSTEM[1]`);

    // Step 2: re-seal.
    const rotated = await rotate(store, [NEW, OLD]);
    expect(rotated.err).toEqual([]);
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain(
      `keys:rotate: 30 stored key(s) were not sealed by kek id ${newId} (SECRETS_SYSTEM[0])`,
    );
    expect(rotated.out).toContain("keys:rotate: re-sealed 30, changed concurrently 0, failed 0, remaining 0");
    expect(rotated.out.at(-1)).toMatch(/^keys:rotate: done: every stored key is sealed by kek id/);
    expect(await rowsPerKek(store)).toEqual({ [newId]: 31 });
    await expectAllRead(store, both, sets);

    // Running it again finds nothing to do.
    const again = await rotate(store, [NEW, OLD]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`keys:rotate: no stored key needs re-sealing; all are sealed by kek id ${newId}`);

    // Step 3: SECRETS_SYSTEM=new. Everything reads, and the new secret's canary proves it at start.
    // (Only the sealing secret gets a canary: the store wrote its keys without a gateway ever starting on OLD.)
    const canaries = await store.database.client.keyringCanary.findMany({ select: { kekId: true } });
    expect(canaries.map((canary) => canary.kekId)).toEqual([newId]);
    const step3 = await startGateway({ databaseUrl: store.url, migrated: true, env: { SECRETS_SYSTEM: NEW } });
    try {
      for (const [set, keys] of sets)
        expect((await step3.app.service.getJsonWebKeySet(set)).keys.map(normalizeJwk)).toEqual([...keys].reverse());
    } finally {
      await step3.close();
    }
    await expectAllRead(store, newSealer, sets);
    // The old secret alone no longer opens anything.
    await expect(
      new PrismaJsonWebKeyRepository(store.database, oldSealer).getKey("e2e-0", "e2e-k0"),
    ).rejects.toMatchObject({ code: "KEY_INTEGRITY" });
  });

  it("a row that does not open makes rotate exit 1 with the failure and no success line; the other rows are re-sealed", async () => {
    await store.database.client.jsonWebKey.deleteMany({});
    const sets = await writeKeys(store, "fail", 12, 6);
    const victim = await store.database.client.jsonWebKey.findFirstOrThrow({ where: { kid: "fail-k3" } });
    const blob = Buffer.from(victim.data, "base64url");
    blob[blob.length - 1] ^= 0x01;
    await store.database.client.jsonWebKey.update({
      where: { seq: victim.seq },
      data: { data: blob.toString("base64url") },
    });

    const result = await rotate(store, [NEW, OLD]);
    expect(result.code).toBe(1);
    expect(result.out).toContain("keys:rotate: re-sealed 11, changed concurrently 0, failed 1, remaining 1");
    expect(result.err).toContain(
      'keys:rotate: could not re-seal set "fail-0" kid "fail-k3": authentication failed (altered, truncated, or stored under another set, kid or secret)',
    );
    expect(result.err.at(-1)).toMatch(/^keys:rotate: FAILED: 1 stored key\(s\) could not be opened/);
    expect(result.all).not.toContain("done:");
    // The broken row was left exactly as it was.
    expect((await store.database.client.jsonWebKey.findUniqueOrThrow({ where: { seq: victim.seq } })).data).toBe(
      blob.toString("base64url"),
    );
    sets.set(
      "fail-0",
      sets.get("fail-0")!.filter((key) => key.kid !== "fail-k3"),
    );
    const repository = new PrismaJsonWebKeyRepository(store.database, both);
    for (const key of sets.get("fail-1")!) expect((await repository.getKey("fail-1", key.kid))?.key).toEqual(key);
    for (const key of sets.get("fail-0")!) expect((await repository.getKey("fail-0", key.kid))?.key).toEqual(key);
  });

  it("a wrong or missing secret makes rotate exit 1 before touching anything", async () => {
    await store.database.client.jsonWebKey.deleteMany({});
    await writeKeys(store, "wrong", 5, 5);
    const before = await store.database.client.jsonWebKey.findMany({ orderBy: { seq: "asc" } });
    const result = await rotate(store, [THIRD_SECRET]);
    expect(result.code).toBe(1);
    expect(result.err.at(-1)).toMatch(/^keys:rotate: FAILED: SECRETS_SYSTEM does not open this database/);
    expect(result.all).not.toContain(THIRD_SECRET);
    expect(await store.database.client.jsonWebKey.findMany({ orderBy: { seq: "asc" } })).toEqual(before);
    expect(await rotate(store, [NEW, OLD], ["--bogus"])).toMatchObject({ code: 2 });
  });

  it(
    "kill -9 in the middle of re-sealing 2,000 keys loses nothing, and a second run finishes with exact counts",
    async () => {
      await store.database.client.jsonWebKey.deleteMany({});
      const [oldId, newId] = [oldSealer.keyring.current.id, newSealer.keyring.current.id];
      const sets = await writeKeys(store, "crash", 2000, 200);
      expect(await rowsPerKek(store)).toEqual({ [oldId]: 2000 });

      const killed = await rotateProcess(store, [NEW, OLD], ["--batch-size", "10"], true);
      expect(killed.signal, killed.output).toBe("SIGKILL");
      expect(killed.output).toMatch(/progress \d+\/2000 visited/);
      expect(killed.output).not.toContain("done:");
      const afterKill = await rowsPerKek(store);
      const moved = afterKill[newId] ?? 0;
      expect(moved).toBeGreaterThan(0);
      expect(moved).toBeLessThan(2000);
      expect(moved % 10).toBe(0); // whole batches only: the one in flight was rolled back
      expect(afterKill).toEqual({ [newId]: moved, [oldId]: 2000 - moved });
      await expectAllRead(store, both, sets);

      const resumed = await rotateProcess(store, [NEW, OLD], []);
      expect(resumed.code, resumed.output).toBe(0);
      expect(resumed.output).toContain(`${2000 - moved} stored key(s) were not sealed by kek id ${newId}`);
      expect(resumed.output).toContain(
        `keys:rotate: re-sealed ${2000 - moved}, changed concurrently 0, failed 0, remaining 0`,
      );
      expect(resumed.output.trim().split("\n").at(-1)).toMatch(/^keys:rotate: done:/);
      expect(await rowsPerKek(store)).toEqual({ [newId]: 2000 });
      await expectAllRead(store, newSealer, sets);
    },
    CRASH_TIMEOUT_MS,
  );

  it(
    "concurrent writes during a rotation are never overwritten",
    async () => {
      await store.database.client.jsonWebKey.deleteMany({});
      const newId = newSealer.keyring.current.id;
      const sets = await writeKeys(store, "race", 150, 50);
      const writer = new PrismaJsonWebKeyRepository(store.database, both); // a gateway with SECRETS_SYSTEM=new,old
      const running = rotateProcess(store, [NEW, OLD], ["--batch-size", "5"]);
      let rounds = 0;
      let exited = false;
      void running.then(() => (exited = true));
      while (!exited && rounds < 5000) {
        // better-sqlite3 answers synchronously: yield, or the child's exit event is never seen.
        await new Promise((resolve) => setImmediate(resolve));
        // Rewrite a key under its own kid with another key's material: the newest value must survive.
        const set = `race-${rounds % 3}`;
        const keys = sets.get(set)!;
        const index = (rounds * 7) % keys.length;
        keys[index] = normalizeJwk({ ...material[(rounds + 1) % material.length], kid: keys[index].kid });
        await writer.upsertKey(set, keys[index]);
        // upsertKey makes the key the newest of its set.
        keys.push(...keys.splice(index, 1));
        rounds++;
      }
      const result = await running;
      expect(result.code, result.output).toBe(0);
      expect(rounds).toBeGreaterThan(0);
      expect(await rowsPerKek(store)).toEqual({ [newId]: 150 });
      await expectAllRead(store, newSealer, sets);
    },
    CRASH_TIMEOUT_MS,
  );
});
