/**
 * The RSA key pool (src/persistence/pool/key-pool.ts) and the generation limits over HTTP, on SQLite (a
 * temporary file) and PostgreSQL (a fresh database; mandatory under CI=true):
 *
 * - pooled keys are sealed, bound to their row, and never in plaintext in the store;
 * - a pooled key is never handed out twice: concurrent creates and claims from two "processes" (two
 *   connections with their own pool and service) on one database;
 * - pooled keys survive restarts and come out oldest first; a claimed key is gone for good, also
 *   when storing it failed (a conflict);
 * - pools are per algorithm and modulus length; close() leaves nothing writing;
 * - KEY_GENERATION_BUSY through GraphQL and REST (503, Retry-After), with nothing stored, and the pool
 *   serving creates while generation is saturated.
 *
 * RSA keys are 2048 bits. Nothing here depends on how long a generation takes: saturation is made by
 * holding the limiter's slot with a promise the test resolves, and waits poll state (vi.waitFor).
 */
import { readFile } from "node:fs/promises";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ConflictError } from "../../../src/errors.js";
import { GenerationLimiter } from "../../../src/domain/generation-limiter.js";
import { PRIVATE_MEMBERS, type Jwk } from "../../../src/domain/jwk.js";
import { JsonWebKeyService } from "../../../src/domain/service.js";
import { loadConfig } from "../../../src/config.js";
import { openDatabase, type Database } from "../../../src/persistence/db/database.js";
import { KeyPool, type PoolLogger } from "../../../src/persistence/pool/key-pool.js";
import { sqliteFilePath } from "../../../src/persistence/db/url.js";
import { PrismaJsonWebKeyRepository } from "../../../src/persistence/keys/repository.js";
import { OpenError, type KeySealer } from "../../../src/persistence/sealing/seal.js";
import { freshDatabase, providers, type FreshDatabase } from "../../support/databases.js";
import { startGateway, useGateway, type RunningGateway } from "../../support/gateway.js";
import { testSealer } from "../../support/keyring.js";
import { auditRows, everyStoredValue, keyRows, queryRows } from "../../support/rows.js";
import { storeCases, type Store } from "../../support/stores.js";

const BITS = 2048;
/** How long to wait for a generation the pool abandoned at close to finish on its own (an RSA key; a busy CI machine). */
const GENERATION_SETTLES = { timeout: 25_000, interval: 50 };

interface PooledRow {
  id: number;
  ref: string;
  alg: string;
  modulusLength: number;
  format: string;
  data: string;
  kekId: string;
}

/** The pool's rows as stored, oldest first. */
async function pooledRows(url: string): Promise<PooledRow[]> {
  const rows = await queryRows(
    url,
    `SELECT id, ref, alg, "modulusLength", format, data, "kekId" FROM pooled_key ORDER BY id`,
  );
  return rows.map((row) => ({
    ...(row as unknown as PooledRow),
    id: Number(row.id),
    modulusLength: Number(row.modulusLength),
  }));
}

/** Opens a pooled row the way the pool does (purpose "pooled-key", bound to its pool and ref). */
function openPooled(sealer: KeySealer, row: PooledRow): Partial<Jwk> {
  return JSON.parse(
    sealer
      .open(row.data, { purpose: "pooled-key", set: `${row.alg}/${row.modulusLength}`, kid: row.ref })
      .toString("utf8"),
  );
}

/** The moduli of the pooled keys, oldest first. */
async function pooledModuli(url: string, sealer: KeySealer): Promise<string[]> {
  return (await pooledRows(url)).map((row) => openPooled(sealer, row).n!);
}

/** A logger that keeps what it is told, for "never logs key material" and "logs the discard" checks. */
function memoryLogger(): PoolLogger & { lines: { level: string; object: object; message: string }[] } {
  const lines: { level: string; object: object; message: string }[] = [];
  const at = (level: string) => (object: object, message: string) => void lines.push({ level, object, message });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

/** One gateway process's worth of key handling on a database: its own connection, limiter, pool and service. */
interface Process {
  database: Database;
  limiter: GenerationLimiter;
  pool: KeyPool;
  service: JsonWebKeyService;
  taken: string[];
  generated: string[];
  log: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

async function openProcess(
  store: Store,
  options: { size: number; algs?: string[]; rsaModulusLength?: number; ownConnection?: boolean },
): Promise<Process> {
  const database = options.ownConnection ? await openDatabase(store.url) : store.database;
  const limiter = new GenerationLimiter({ concurrency: 1, queue: 1000 });
  const taken: string[] = [];
  const generated: string[] = [];
  const generate = { rsaModulusLength: options.rsaModulusLength ?? BITS };
  const log = memoryLogger();
  const pool = new KeyPool({
    log,
    database,
    sealer: store.sealer,
    limiter,
    algs: options.algs ?? ["RS256"],
    size: options.size,
    generate,
    onTaken: (alg) => taken.push(alg),
  });
  const service = new JsonWebKeyService({
    repository: new PrismaJsonWebKeyRepository(database, store.sealer),
    generate,
    generationLimiter: limiter,
    keySource: (request) => pool.take(request),
    onKeyGenerated: (alg) => generated.push(alg),
  });
  return {
    database,
    limiter,
    pool,
    service,
    taken,
    generated,
    log,
    async close() {
      await pool.close();
      if (options.ownConnection) await database.close();
    },
  };
}

/** Every private member value of `keys`, as base64url text and as raw bytes. */
function secretsOf(keys: readonly Partial<Jwk>[]): Buffer[] {
  return keys.flatMap((key) =>
    PRIVATE_MEMBERS.flatMap((member) =>
      key[member] === undefined ? [] : [Buffer.from(key[member], "latin1"), Buffer.from(key[member], "base64url")],
    ),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(await storeCases())("the RSA key pool on $name", ({ name, open }) => {
  let store: Store;
  const processes: Process[] = [];
  const process = async (options: Parameters<typeof openProcess>[1]) => {
    const opened = await openProcess(store, options);
    processes.push(opened);
    return opened;
  };

  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    for (const opened of processes.splice(0)) await opened.close();
    await store.close();
  });

  it("fills to KEY_POOL_SIZE with sealed keys bound to their row, never in plaintext in the store", async () => {
    const { pool } = await process({ size: 3 });
    await pool.fill();
    expect(await pool.count("RS256")).toBe(3);
    const rows = await pooledRows(store.url);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((row) => row.ref)).size).toBe(3);
    const keys = rows.map((row) => {
      expect(row).toMatchObject({
        alg: "RS256",
        modulusLength: BITS,
        format: "jwk+aes256gcm/v1",
        kekId: store.sealer.keyring.current.id,
      });
      const key = openPooled(store.sealer, row);
      // Material only: kid, use and alg are the claimer's.
      expect(Object.keys(key).sort()).toEqual(["d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"]);
      expect(Buffer.from(key.n!, "base64url").length * 8).toBe(BITS);
      // Bound to its row: not to another row's ref, not as a stored key.
      expect(() =>
        store.sealer.open(row.data, {
          purpose: "pooled-key",
          set: `RS256/${BITS}`,
          kid: rows.find((other) => other !== row)!.ref,
        }),
      ).toThrow(OpenError);
      expect(() => store.sealer.open(row.data, { purpose: "jwk", set: `RS256/${BITS}`, kid: row.ref })).toThrow(
        OpenError,
      );
      return key;
    });
    expect(new Set(keys.map((key) => key.n)).size).toBe(3);

    const secrets = secretsOf(keys);
    expect(secrets.length).toBe(3 * 12);
    let haystacks: Buffer[];
    if (name === "sqlite") {
      const file = sqliteFilePath(store.url);
      const parts = await Promise.all(
        [file, `${file}-wal`, `${file}-shm`].map((part) => readFile(part).catch(() => undefined)),
      );
      haystacks = parts.flatMap((part) => (part === undefined ? [] : [part]));
      expect(haystacks[0].length).toBeGreaterThan(0);
    } else {
      haystacks = [Buffer.from(await everyStoredValue(store.url), "latin1")];
    }
    expect(secrets.filter((secret) => haystacks.some((hay) => hay.includes(secret)))).toEqual([]);
  });

  it("never hands a pooled key out twice: more concurrent creates than pooled keys, from two services (on Postgres, two connections)", async () => {
    const K = 4;
    const C = 10;
    const first = await process({ size: K });
    // SQLite: one connection, as in one gateway process. Two better-sqlite3 connections in one process
    // cannot both write: a transaction open on one (across awaits) blocks the other's synchronous busy
    // wait, and so the event loop. Separate processes do not have that problem; the claim-only test
    // below runs on two SQLite connections.
    const second = await process({ size: K, ownConnection: name === "postgres" });
    await first.pool.fill();
    // Stop both fillers: claims still work, and the pool now only shrinks, so the counts below are exact.
    await first.pool.close();
    await second.pool.close();
    const pooled = await pooledModuli(store.url, store.sealer);
    expect(pooled).toHaveLength(K);

    const results = await Promise.all(
      Array.from({ length: C }, (_, i) =>
        (i % 2 === 0 ? first : second).service.createJsonWebKeySet(`set-${i % 3}`, { alg: "RS256", kid: `kid-${i}` }),
      ),
    );
    const moduli = results.map((result) => result.keys[0].n!);
    expect(new Set(moduli).size).toBe(C);
    expect(moduli.filter((n) => pooled.includes(n)).sort()).toEqual([...pooled].sort());
    expect(await pooledRows(store.url)).toEqual([]);
    expect(first.taken.length + second.taken.length).toBe(K);
    expect(first.generated.length + second.generated.length).toBe(C - K);
    // What was handed out is what was stored, each under its own kid.
    const stored = (await Promise.all([0, 1, 2].map((set) => store.repository.getKeySet(`set-${set}`)))).flat();
    expect(stored.map((record) => record.key.n).sort()).toEqual([...moduli].sort());
    for (const result of results) expect(result.keys[0]).toMatchObject({ alg: "RS256", use: "sig", kty: "RSA" });
  });

  it("concurrent claims from two processes hand out each pooled key exactly once", async () => {
    const K = 8;
    const first = await process({ size: K });
    const second = await process({ size: K, ownConnection: true });
    await first.pool.fill();
    await first.pool.close();
    await second.pool.close();
    const pooled = await pooledModuli(store.url, store.sealer);

    const takes = await Promise.all(
      Array.from({ length: 3 * K }, (_, i) =>
        (i % 2 === 0 ? first : second).pool.take({ alg: "RS256", kid: `k${i}`, use: "sig" }),
      ),
    );
    const handedOut = takes.filter((key): key is Jwk => key !== undefined);
    expect(handedOut).toHaveLength(K);
    expect(handedOut.map((key) => key.n).sort()).toEqual([...pooled].sort());
    expect(await pooledRows(store.url)).toEqual([]);
    for (const [i, key] of takes.entries())
      if (key) expect(key).toMatchObject({ kid: `k${i}`, alg: "RS256", use: "sig", kty: "RSA" });
  });

  it("survives a restart: pooled keys come out oldest first, and a claimed key is gone for good", async () => {
    const before = await process({ size: 3 });
    await before.pool.fill();
    const pooled = await pooledModuli(store.url, store.sealer);
    expect(pooled).toHaveLength(3);
    await before.pool.close();

    await store.reopen();
    const after = await process({ size: 3 });
    await after.pool.close(); // no refill: only what was pooled before the restart comes out
    const created = await after.service.createJsonWebKeySet("restarted", { alg: "RS256", kid: "a" });
    expect(created.keys[0].n).toBe(pooled[0]);

    await store.reopen();
    expect(await pooledModuli(store.url, store.sealer)).toEqual(pooled.slice(1));
    const again = await process({ size: 3 });
    await again.pool.close();
    const taken = await Promise.all(["b", "c", "d"].map((kid) => again.pool.take({ alg: "RS256", kid, use: "sig" })));
    expect(
      taken
        .map((key) => key?.n)
        .filter(Boolean)
        .sort(),
    ).toEqual(pooled.slice(1).sort());
    expect(taken.filter((key) => key === undefined)).toHaveLength(1);
  });

  it("a conflicting kid still fails with CONFLICT and stores nothing; the claimed key is discarded, never reused", async () => {
    const { pool, service, generated } = await process({ size: 2 });
    await pool.fill();
    await pool.close();
    const pooled = await pooledModuli(store.url, store.sealer);
    const created = await service.createJsonWebKeySet("s", { alg: "RS256", kid: "k" });
    expect(created.keys[0].n).toBe(pooled[0]);
    const rowsBefore = await keyRows(store.url);

    const conflict = await rejection(service.createJsonWebKeySet("s", { alg: "RS256", kid: "k" }));
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(await keyRows(store.url)).toEqual(rowsBefore);
    expect(await pooledRows(store.url)).toEqual([]); // pooled[1] was taken for the failed create, and is gone

    const next = await service.createJsonWebKeySet("s", { alg: "RS256", kid: "k2" });
    expect(pooled).not.toContain(next.keys[0].n);
    expect(generated).toEqual(["RS256"]);
  });

  it("a pooled blob copied into another row does not open there: it is discarded and logged, never handed out", async () => {
    const { pool, log } = await process({ size: 2 });
    await pool.fill();
    await pool.close();
    const [one, two] = await pooledRows(store.url);
    await store.database.client.$executeRawUnsafe(`UPDATE pooled_key SET data = '${one.data}' WHERE id = ${two.id}`);

    const first = await pool.take({ alg: "RS256", kid: "first", use: "sig" });
    expect(first?.n).toBe(openPooled(store.sealer, one).n);
    expect(await pool.take({ alg: "RS256", kid: "second", use: "sig" })).toBeUndefined();
    expect(await pooledRows(store.url)).toEqual([]);
    const discarded = log.lines.filter((line) => line.level === "error");
    expect(discarded).toHaveLength(1);
    expect(discarded[0]).toMatchObject({
      message: "a pooled key failed its integrity check and was discarded",
      object: { pooledKey: two.ref },
    });
    const logged = JSON.stringify(log.lines);
    expect(secretsOf([first!]).filter((secret) => logged.includes(secret.toString("latin1")))).toEqual([]);
  });

  it("keeps a pool per algorithm and modulus length: another size never gets these keys, and purges them at its start", async () => {
    const small = await process({ size: 1 });
    await small.pool.fill();
    await small.pool.close();
    const other = await process({ size: 1, rsaModulusLength: 3072, algs: ["RS256", "PS256"] });
    expect(await other.pool.take({ alg: "RS256", kid: "k", use: "sig" })).toBeUndefined();
    expect(await small.pool.take({ alg: "PS256", kid: "k", use: "sig" })).toBeUndefined();
    expect(await small.pool.take({ alg: "ES256", kid: "k", use: "sig" })).toBeUndefined();
    expect(await pooledRows(store.url)).toHaveLength(1);

    // Started and closed at once: the stale row is purged, and no 3072-bit key is ever written.
    other.pool.start();
    await other.pool.close();
    // The generation the close abandoned runs on in the thread pool (RSA-3072 here: seconds on a busy machine).
    await vi.waitFor(() => expect(other.limiter.active).toBe(0), GENERATION_SETTLES);
    expect(await pooledRows(store.url)).toEqual([]);
  });

  it("refills after claims, counting every process's keys, and writes nothing once closed", async () => {
    const first = await process({ size: 2 });
    const second = await process({ size: 2, ownConnection: true });
    first.pool.start();
    await first.pool.fill();
    second.pool.start();
    await second.pool.fill();
    expect(await pooledRows(store.url)).toHaveLength(2); // second counted first's keys and added none

    await first.pool.take({ alg: "RS256", kid: "k", use: "sig" });
    await first.pool.fill(); // the refill the claim started
    expect(await pooledRows(store.url)).toHaveLength(2);

    await first.pool.take({ alg: "RS256", kid: "k2", use: "sig" });
    await first.pool.take({ alg: "RS256", kid: "k3", use: "sig" });
    await Promise.all([first.pool.close(), second.pool.close()]);
    const atClose = (await pooledRows(store.url)).length;
    // A generation that was running when the pools closed finishes on its own and is dropped.
    await vi.waitFor(() => expect(first.limiter.active + second.limiter.active).toBe(0), GENERATION_SETTLES);
    await first.pool.fill(); // a no-op once closed
    expect(await pooledRows(store.url)).toHaveLength(atClose);
  });
});

describe("KEY_POOL_* and KEY_GENERATION_* settings", () => {
  it("defaults: a pool of 4 RS256 keys, half the CPUs generating, 16 waiting", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ keyPoolSize: 4, keyPoolAlgs: ["RS256"], keyGenerationQueue: 16 });
    expect(config.keyGenerationConcurrency).toBeGreaterThanOrEqual(1);
  });

  it("reads and checks them", () => {
    expect(
      loadConfig({
        KEY_POOL_SIZE: "0",
        KEY_POOL_ALGS: " PS256, RS256,PS256 ",
        KEY_GENERATION_CONCURRENCY: "3",
        KEY_GENERATION_QUEUE: "0",
      }),
    ).toMatchObject({
      keyPoolSize: 0,
      keyPoolAlgs: ["PS256", "RS256"],
      keyGenerationConcurrency: 3,
      keyGenerationQueue: 0,
    });
    expect(() => loadConfig({ KEY_POOL_ALGS: "RS256,ES256" })).toThrow(
      /KEY_POOL_ALGS: lists "ES256"; only RSA algorithms are pooled/,
    );
    expect(() => loadConfig({ KEY_GENERATION_CONCURRENCY: "0" })).toThrow(
      /KEY_GENERATION_CONCURRENCY: must be an integer from 1/,
    );
    expect(() => loadConfig({ KEY_POOL_SIZE: "-1" })).toThrow(/KEY_POOL_SIZE/);
  });
});

const RS256 = JSON.stringify({ alg: "RS256" });
const restCreate = (gateway: RunningGateway, set: string, body = RS256) =>
  fetch(`${gateway.origin}/keys/${set}`, { method: "POST", headers: { "content-type": "application/json" }, body });
const graphqlCreate = (gateway: RunningGateway, set: string, alg = "RS256") =>
  gateway.graphql(
    `mutation($set: String!, $alg: String!) { createJsonWebKeySet(set: $set, input: { alg: $alg }) { keys { kid n } } }`,
    { set, alg },
  );

describe.each(await providers())("KEY_GENERATION_BUSY over HTTP on %s", (provider) => {
  const gateway = useGateway(provider, { env: { KEY_GENERATION_CONCURRENCY: "1", KEY_GENERATION_QUEUE: "0" } });

  it("refuses RSA creates beyond the limits with 503 + Retry-After (REST) and KEY_GENERATION_BUSY (GraphQL), storing nothing", async () => {
    const limiter = gateway.app.generationLimiter;
    expect(limiter.limits).toEqual({ concurrency: 1, queue: 0 });
    expect(gateway.app.keyPool).toBeUndefined();
    const hold = deferred();
    const holding = limiter.run(() => hold.promise); // the one slot, taken until released below
    try {
      const rowsBefore = await keyRows(gateway.databaseUrl);
      const rest = await restCreate(gateway, "busy-rest");
      expect(rest.status).toBe(503);
      expect(rest.headers.get("retry-after")).toBe("2");
      const body = await rest.json();
      expect(body).toEqual({
        error: "Service Unavailable",
        error_description: expect.stringMatching(
          /Too many RSA keys are being generated right now \(1 at once, 0 waiting\).*Try again in a few seconds/,
        ),
      });
      expect(body.error_description).toMatch(/KEY_POOL_SIZE/);

      const graphql = await graphqlCreate(gateway, "busy-graphql");
      expect(graphql.status).toBe(200);
      expect(graphql.body.errors).toEqual([
        expect.objectContaining({ message: body.error_description, extensions: { code: "KEY_GENERATION_BUSY" } }),
      ]);

      // EC keys are not limited; nothing of the refused creates was stored.
      const ec = await graphqlCreate(gateway, "busy-ec", "ES256");
      expect(ec.body.errors).toBeUndefined();
      const rowsAfter = await keyRows(gateway.databaseUrl);
      expect(rowsAfter.filter((row) => String(row.set).startsWith("busy-") && row.set !== "busy-ec")).toEqual([]);
      expect(
        rowsAfter
          .filter((row) => !rowsBefore.some((old) => old.set === row.set && old.kid === row.kid))
          .map((row) => row.set),
      ).toEqual(["busy-ec"]);
      const audit = await auditRows(gateway.databaseUrl);
      expect(
        audit.filter((row) => row.outcome === "KEY_GENERATION_BUSY").map((row) => [row.transport, row.set]),
      ).toEqual([
        ["rest", "busy-rest"],
        ["graphql", "busy-graphql"],
      ]);
    } finally {
      hold.resolve();
      await holding;
    }
    const created = await restCreate(gateway, "busy-rest");
    expect(created.status).toBe(201);
  });

  it("counts GraphQL refusals under their own code in the metrics", async () => {
    const text = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(text).toMatch(
      /jwkgw_errors_total\{transport="graphql",operation="createJsonWebKeySet",code="KEY_GENERATION_BUSY"\} 1/,
    );
  });
});

describe.each(await providers())("the key pool in the gateway on %s", (provider) => {
  let database: FreshDatabase;
  let sealer: KeySealer;
  const running: RunningGateway[] = [];
  const start = async (env: Record<string, string>, migrated = true) => {
    const gateway = await startGateway({ databaseUrl: database.url, migrated, env });
    running.push(gateway);
    return gateway;
  };
  const stop = async (gateway: RunningGateway) => {
    running.splice(running.indexOf(gateway), 1);
    await gateway.close();
  };

  beforeAll(async () => {
    database = await freshDatabase(provider);
    sealer = await testSealer();
  });
  afterAll(async () => {
    for (const gateway of running.splice(0)) await gateway.close();
    await database.cleanup();
  });

  it("serves creates from keys pooled before a restart, oldest first, and counts takes apart from generations", async () => {
    const first = await start({ KEY_POOL_SIZE: "2" }, false);
    await first.app.keyPool!.fill();
    const pooled = await pooledModuli(database.url, sealer);
    expect(pooled).toHaveLength(2);
    await stop(first);

    // Saturated generation (no slot, no queue) cannot stop a create the pool can serve.
    const second = await start({ KEY_POOL_SIZE: "2", KEY_GENERATION_CONCURRENCY: "1", KEY_GENERATION_QUEUE: "0" });
    const hold = deferred();
    const holding = second.app.generationLimiter.run(() => hold.promise);
    try {
      const rest = await restCreate(second, "pooled");
      expect(rest.status).toBe(201);
      expect((await rest.json()).keys[0].n).toBe(pooled[0]);
      const graphql = await graphqlCreate(second, "pooled");
      expect(graphql.body.errors).toBeUndefined();
      expect(graphql.body.data.createJsonWebKeySet.keys[0].n).toBe(pooled[1]);
      // The pool is empty now (its refill waits for the held slot): the next RSA create must generate, and is refused.
      expect((await restCreate(second, "pooled")).status).toBe(503);
    } finally {
      hold.resolve();
      await holding;
    }
    const metrics = await (await fetch(`${second.origin}/metrics`)).text();
    expect(metrics).toMatch(/jwkgw_key_pool_taken_total\{alg="RS256"\} 2/);
    expect(metrics).not.toMatch(/jwkgw_key_generations_total\{alg="RS256"\}/);
    await second.app.keyPool!.fill();
    await stop(second);

    // Claimed keys are gone for good: what is pooled now is new.
    const now = await pooledModuli(database.url, sealer);
    expect(now).toHaveLength(2);
    expect(now.filter((n) => pooled.includes(n))).toEqual([]);
    const stored = await queryRows(database.url, `SELECT COUNT(*) AS c FROM json_web_key WHERE "set" = 'pooled'`);
    expect(Number(stored[0].c)).toBe(2);
  });

  it("logs how many keys are pooled, at info, and never key material", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    // Take the two pooled keys first, so that this start has keys to generate.
    const taker = await start({ KEY_POOL_SIZE: "2" });
    await taker.app.keyPool!.close();
    await restCreate(taker, "drain");
    await restCreate(taker, "drain");
    await stop(taker);

    const gateway = await startGateway({
      databaseUrl: database.url,
      migrated: true,
      env: { KEY_POOL_SIZE: "2" },
      logger: { level: "debug", stream },
    });
    running.push(gateway);
    await gateway.app.keyPool!.fill();
    const pooled = await pooledRows(database.url);
    const keys = pooled.map((row) => openPooled(sealer, row));
    await stop(gateway);
    const entries = lines.map((line) => JSON.parse(line));
    expect(
      entries
        .filter((entry) => entry.level === 30 && /^RSA key pool: \d+ RS256 key\(s\) ready$/.test(entry.msg))
        .at(-1),
    ).toMatchObject({
      alg: "RS256",
      pooledKeys: 2,
      target: 2,
    });
    const text = lines.join("\n");
    expect(secretsOf(keys).filter((secret) => text.includes(secret.toString("latin1")))).toEqual([]);
    expect(keys.every((key) => !text.includes(key.n!))).toBe(true);
  });
});
