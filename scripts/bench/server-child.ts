/**
 * The gateway under test, in its own process: the real composition root (createApp + loadConfig)
 * listening on an ephemeral loopback port, plus a few IPC commands the benchmark needs from inside
 * the server process:
 *
 * - `seed`: adds keys to a set through the service (`createJsonWebKeySet`, the same path as the API,
 *   without HTTP), a bounded number in flight;
 * - `eld.reset` / `eld.read`: the event-loop delay histogram of this process
 *   (perf_hooks.monitorEventLoopDelay, 1 ms resolution);
 * - `rawRsa`: jose's raw `generateKeyPair('RS256', { modulusLength: 4096 })`, timed in this process;
 * - `profile.start` / `profile.stop`: a CPU profile of this process's main thread (inspector Session);
 * - `stats`: the key-set cache's hit and miss counters, and how many RSA-4096 keys the pool holds.
 */
import "reflect-metadata";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { generateKeyPair } from "jose";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { serveChild } from "./rpc.js";

export interface ServerInit {
  env: Record<string, string>;
  logLevel: string;
}

serveChild(async (init: ServerInit) => {
  const config = loadConfig(init.env);
  const app = await createApp(config, { logger: { level: init.logLevel } });
  await app.server.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.server.address();
  if (!address || typeof address === "string") throw new Error("no TCP address");

  const token = await issueBenchToken(app);

  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  let session: Session | undefined;

  type Bulk = { repository: { replaceKeySet(set: string, keys: readonly unknown[]): Promise<void> }; generateJwk: (request: { alg: string; kid: string; use: string }) => Promise<unknown>; validateJwk: (key: unknown) => unknown };
  let bulk: Promise<Bulk | { error: string }> | undefined;
  let grown: unknown[] = [];
  let reused = false;
  let generateMs = 0;
  const openBulk = async (): Promise<Bulk | { error: string }> => {
    try {
      const [{ openKeyStore }, { PrismaJsonWebKeyRepository }, { generateJwk }, { validateJwk }] = await Promise.all([
        import("../../src/persistence/sealing/key-store.js"),
        import("../../src/persistence/keys/repository.js"),
        import("../../src/domain/generate.js"),
        import("../../src/domain/validate.js"),
      ]);
      const { sealer } = await openKeyStore(config, app.database);
      return {
        repository: new PrismaJsonWebKeyRepository(app.database, sealer) as unknown as Bulk["repository"],
        generateJwk: generateJwk as unknown as Bulk["generateJwk"],
        validateJwk: validateJwk as unknown as Bulk["validateJwk"],
      };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  const handlers = {
    /** The key-set cache's counters and the RSA-4096 keys waiting in the pool. */
    async stats() {
      return { cache: app.keyCache?.stats() ?? null, pooledRs256: app.keyPool ? await app.keyPool.count("RS256") : null };
    },
    /** The bearer token every benchmark request sends (or why there is none). */
    token() {
      return token;
    },
    async seed(args: { set: string; alg: string; count: number; kidPrefix: string; inFlight?: number }) {
      const started = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < args.count) {
          const i = next++;
          await app.service.createJsonWebKeySet(args.set, { alg: args.alg, kid: `${args.kidPrefix}${i}` });
        }
      };
      await Promise.all(Array.from({ length: Math.min(args.inFlight ?? 8, args.count) }, worker));
      return { ms: performance.now() - started };
    },
    /**
     * Fills one set per size (`<setPrefix><size>`) with the first `size` of the same keys. The keys
     * are generated with the gateway's own `generateJwk` and `validateJwk` (or handed over from a
     * previous database's run, already validated), then each set is stored with the repository's
     * `replaceKeySet`: one transaction per set, every key sealed like any stored key. The service
     * caps a set replacement at 50 keys and the app does not expose its repository, so the
     * repository is rebuilt here the way createApp builds it (openKeyStore +
     * PrismaJsonWebKeyRepository on the app's database). Falls back to `seed` (one service create
     * per key) if those internals have moved.
     */
    async seedGrowth(args: { setPrefix: string; sizes: number[]; alg: string; keys?: unknown[]; keysOnly?: boolean }) {
      const started = performance.now();
      const largest = Math.max(...args.sizes);
      bulk ??= openBulk();
      const tools = await bulk;
      if ("error" in tools) {
        if (args.keysOnly) return { ms: 0, generateMs: 0, method: "service" };
        for (const size of args.sizes) await handlers.seed({ set: `${args.setPrefix}${size}`, alg: args.alg, count: size, kidPrefix: "g-" });
        return { ms: performance.now() - started, generateMs: 0, method: `one service create per key (the repository path failed: ${tools.error})` };
      }
      if (args.keys && args.keys.length >= largest && grown.length < largest) {
        grown = args.keys;
        reused = true;
      }
      while (grown.length < largest) grown.push(tools.validateJwk(await tools.generateJwk({ alg: args.alg, kid: `g-${grown.length}`, use: "sig" })));
      generateMs += performance.now() - started;
      if (args.keysOnly) return { ms: generateMs, generateMs, method: "keys only" };
      const writeStarted = performance.now();
      for (const size of args.sizes) await tools.repository.replaceKeySet(`${args.setPrefix}${size}`, grown.slice(0, size));
      const writeMs = performance.now() - writeStarted;
      return {
        ms: generateMs + writeMs,
        generateMs,
        method: `repository replaceKeySet, one transaction per set${reused ? " (keys generated and validated in the previous database's run, reused)" : ""}`,
      };
    },
    /**
     * Adds `count` one-key sets named `<prefix><n>` by raw SQL (lists scenario): listing reads no
     * key, so the rows are placeholders that never open; only the set names and counts matter.
     */
    async seedSets(args: { prefix: string; from: number; count: number }) {
      const started = performance.now();
      const postgres = app.database.provider === "postgres";
      const at = postgres ? "now()" : `'${new Date().toISOString().replace(/Z$/, "+00:00")}'`;
      const columns = `("set", kid, format, data, "createdAt", state, "activatedAt")`;
      const last = args.from + args.count - 1;
      const sql = postgres
        ? `INSERT INTO json_web_key ${columns} SELECT $1 || lpad(i::text, 7, '0'), 'k', 'jwk+json/v1', '{}', ${at}, 'ACTIVE', ${at} FROM generate_series(${args.from}, ${last}) AS i`
        : `WITH RECURSIVE n(i) AS (SELECT ${args.from} UNION ALL SELECT i + 1 FROM n WHERE i < ${last}) INSERT INTO json_web_key ${columns} SELECT ? || printf('%07d', i), 'k', 'jwk+json/v1', '{}', ${at}, 'ACTIVE', ${at} FROM n`;
      await app.database.client.$executeRawUnsafe(sql, args.prefix);
      return { ms: performance.now() - started };
    },
    /** The keys the last seedGrowth stored, to seed the next database with the same keys. */
    grownKeys() {
      return grown;
    },
    "eld.reset"() {
      eld.reset();
    },
    "eld.read"() {
      const ms = (ns: number) => ns / 1e6;
      return { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean), count: eld.count };
    },
    async rawRsa(args: { count: number; bits: number }) {
      const times: number[] = [];
      for (let i = 0; i < args.count; i++) {
        const started = performance.now();
        await generateKeyPair("RS256", { modulusLength: args.bits, extractable: true });
        times.push(performance.now() - started);
      }
      return times;
    },
    async "profile.start"() {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 500 });
      await session.post("Profiler.start");
    },
    async "profile.stop"(args: { file: string }) {
      if (!session) throw new Error("no profile running");
      const { profile } = await session.post("Profiler.stop");
      await session.post("Profiler.disable");
      session.disconnect();
      session = undefined;
      await writeFile(args.file, JSON.stringify(profile));
      return args.file;
    },
    /** Rows in the audit trail (audit_event), or null when there is no such table. */
    async auditCount() {
      try {
        const rows = await app.database.client.$queryRawUnsafe<{ n: unknown }[]>('SELECT count(*) AS n FROM "audit_event"');
        return Number(rows[0]?.n);
      } catch {
        return null;
      }
    },
    /** CPU time of this process so far (µs, user + system, all threads). */
    cpu() {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    },
    memory() {
      return process.memoryUsage();
    },
    async close() {
      eld.disable();
      await app.close();
    },
  };
  return { port: address.port, handlers };
});

/**
 * An API token with the key scopes, issued straight into the fresh database, so the benchmark
 * measures the gateway as deployed (tokens mode: every admin request carries a bearer token that is
 * verified), not the loopback-only open mode. Uses the token store the way `npm run token -- create`
 * does; without it (older trees) the run goes on without a token and says so.
 */
async function issueBenchToken(app: { database: unknown }): Promise<{ token?: string; readToken?: string; note: string }> {
  try {
    const [{ issueToken }, { PrismaTokenStore }] = await Promise.all([import("../../src/auth/tokens.js"), import("../../src/persistence/tokens/token-store.js")]);
    const store = new PrismaTokenStore(app.database as ConstructorParameters<typeof PrismaTokenStore>[0]);
    const issued = await issueToken(store, { name: "bench", scopes: ["keys:read", "keys:read-private", "keys:write"] });
    const reader = await issueToken(store, { name: "bench-reader", scopes: ["keys:read"] });
    return {
      token: issued.token,
      readToken: reader.token,
      note:
        "gateway requests send `Authorization: Bearer <token>` (tokens mode, as deployed) for a token with keys:read, keys:read-private and keys:write; " +
        "the extra REST row uses a second token with keys:read only; /.well-known/jwks.json is anonymous",
    };
  } catch (error) {
    return { note: `no API token could be issued (${error instanceof Error ? error.message : String(error)}); requests were sent without one` };
  }
}
