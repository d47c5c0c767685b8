/**
 * The scenarios of `npm run bench`, run against one database. Each figure is measured next to its
 * limit in the same run (a bare route, jose alone, the idle server), and the ratio is what the
 * targets judge, because absolute figures drift between runs on a shared machine.
 */
import { mkdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPrivateKey, randomBytes, sign } from "node:crypto";
import { validateJwk } from "../../src/domain/validate.js";
import type { Child } from "./rpc.js";
import { runLoad, runPair, type LoadResult, type LoadSpec } from "./load.js";
import { summarise, type ProfileSummary } from "./profile.js";
import type { BareRoute } from "./bare-child.js";

export interface Settings {
  /** Measured seconds per load. */
  duration: number;
  /** Warm-up seconds before each measured load. */
  warmup: number;
  readConnections: number;
  createConnections: number;
  growthConnections: number;
  growthSizes: number[];
  rsaSamples: number;
  rsaInFlight: number;
  /** Growth keys from a previous database's run, to store the same keys again without generating them. */
  growthKeys?: unknown[];
  profile: boolean;
  /** KEY_POOL_SIZE the gateway runs with, as configured (for the report). */
  poolSize: string;
  /** Scenarios to run (--only); all when undefined. A partial run is for iterating, not for BENCHMARKS.md. */
  only?: ReadonlySet<string>;
  profileDir: string;
  root: string;
}

export const READ_SET = "bench.read";
/** Growth sets are named `bench.growth.<size>`. */
export const GROWTH_SET_PREFIX = "bench.growth.";

export interface SeedReport {
  ms: number;
  generateMs: number;
  method: string;
}
/** The five keys of the read set: one of each key family the gateway generates, RSA at 4096 bits. */
export const READ_SET_ALGS = ["RS256", "ES256", "ES384", "ES512", "EdDSA"] as const;

export const READ_ROUTES = ["graphql", "rest", "restPublic", "jwks"] as const;
export const AUDIT_PROBE_REQUESTS = 10;

export const READ_QUERY = "query Read($set: String!) { getJsonWebKeySet(set: $set) { set keys { kid kty alg use crv x y n e } } }";
export const ROTATE_MUTATION =
  "mutation Rotate($set: String!, $input: RotateJsonWebKeySetInput) { rotateJsonWebKeySet(set: $set, input: $input) { set signingKey { kid } } }";
/** Sets the rotation scenario rotates every second while the JWKS is read; main.ts broadcasts them. */
export const ROTATING_SETS = Array.from({ length: 10 }, (_, i) => `bench.rotating.${i}`);
export const CREATE_MUTATION =
  "mutation Create($set: String!, $input: JsonWebKeySetGeneratorRequest!) { createJsonWebKeySet(set: $set, input: $input) { set keys { kid } } }";

const graphqlFailed = (body: string) => body.includes('"errors"') || !body.includes('"data"');

export type Verdict = "PASS" | "MISS" | "INVALID";

export interface Check {
  id: string;
  label: string;
  value: number;
  target: number;
  /** `min`: value must be ≥ target; `max`: value must be < (or ≤) target. */
  kind: "min" | "max";
  inclusive?: boolean;
  unit: string;
  verdict: Verdict;
  /** Why the figure cannot be judged (failed requests). */
  invalid?: string;
}

export interface Pair {
  gateway: LoadResult;
  limit: LoadResult;
  ratio: number;
}

export interface ListsPair {
  small: LoadResult;
  large: LoadResult;
  smallSize: number;
  largeSize: number;
  /** Server CPU per request (mean latency when CPU is not measured), large / small. */
  ratio: number;
}

export const LISTS_SETS_QUERY = "query Sets { jsonWebKeySets(first: 50) { edges { cursor node { set keyCount updatedAt } } pageInfo { hasNextPage endCursor } } }";
export const LISTS_KEYS_QUERY =
  "query Keys($set: String!) { getJsonWebKeySet(set: $set) { keyCount keysConnection(first: 50) { edges { cursor node { kid kty alg crv x y state isSigningKey } } pageInfo { hasNextPage endCursor } } } }";
const LISTS_SMALL_SETS = 100;
const LISTS_LARGE_SETS = 100_000;
const LISTS_KEY_SIZES = [100, 10_000] as const;
export const LISTS_RATIO_LIMIT = 1.5;

export interface GrowthPoint {
  keys: number;
  /** log-log slope of server CPU per request from the previous size (robust to other load on the machine). */
  cpuSlope?: number;
  bytes: number;
  load: LoadResult;
  /** log-log slope of mean latency from the previous size (undefined for the first). */
  slope?: number;
}

export interface DbResult {
  kind: "sqlite" | "postgres";
  description: string;
  /** os.loadavg() (1, 5, 15 min) before and after this database's scenarios: other work on the machine. */
  loadAverage: { before: number[]; after: number[] };
  seconds: Record<string, number>;
  read: Partial<Record<BareRoute, Pair>>;
  /** Diagnostic: Apollo Server alone (bare-child.ts) answering the GraphQL read from memory, against the bare route. */
  apolloAlone?: Pair;
  skipped: string[];
  creates: Partial<Record<"ES256" | "EdDSA", LoadResult>>;
  rsa?: { createMs: number[]; rawMs: number[]; createP50: number; rawP50: number };
  /** validateJwk on crafted RSA-8192 keys (validationCases): the worst of VALIDATION_REPEATS runs of each. */
  validation?: { cases: { name: string; ms: number; refused: boolean }[]; slowest: { name: string; ms: number }; signMs: number; ratio: number };
  isolation?: {
    idle: LoadResult;
    loaded: LoadResult;
    idleEld: EldReading;
    loadedEld: EldReading;
    /** 8 RSA-4096 creates in flight and no reads. */
    rsaOnlyEld: EldReading;
    ratio: number;
    rsaCompleted: number;
    /** RSA creates that failed (any failure makes the isolation figures INVALID). */
    rsaFailed: number;
  };
  growth: GrowthPoint[];
  /** Pages (README, "Listing sets and keys"): the same page on a small and a large store or set. */
  lists?: Partial<Record<"sets" | "keys", ListsPair>>;
  /** How requests were authenticated. */
  auth?: string;
  /** Loads with failed requests. */
  problems: string[];
  /** How the growth sets were filled, and how long it took (all sizes together). */
  seed?: SeedReport & { keys: number };
  checks: Check[];
  profiles: Record<string, ProfileSummary>;
  /** Audit records written per REST read (measured over a few sequential reads). */
  auditPerRead: Partial<Record<BareRoute, number>>;
  /** Key-set cache answers during each route's measured read pair (server-child `stats`). */
  cache: Partial<Record<BareRoute, { hits: number; misses: number }>>;
  /** RSA-4096 keys in the pool before the sequential RSA creates, and after them. */
  pool?: { before: number | null; after: number | null; size: string };
  /** Bytes of each read response the bare route replays. */
  readBytes: Partial<Record<BareRoute, number>>;
  /** Key rotation (README, "Key rotation"): a rotation against a create of the same alg, and JWKS reads while sets rotate. */
  rotation?: {
    createEs256: LoadResult;
    rotateEs256: LoadResult;
    es256Ratio: number;
    rsaCreateMs: number[];
    rsaRotateMs: number[];
    rsaRatio: number;
    jwksIdle: LoadResult;
    jwksRotating: LoadResult;
    jwksRatio: number;
    rotations: number;
    rotationFailures: number;
  };
}

interface ServerStats {
  cache: { sets: number; hits: number; misses: number } | null;
  pooledRs256: number | null;
}

export interface EldReading {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

type Log = (message: string) => void;

export async function runScenarios(kind: DbResult["kind"], description: string, server: Child, bare: Child, settings: Settings, log: Log): Promise<DbResult> {
  const result: DbResult = { kind, description, loadAverage: { before: os.loadavg(), after: [] }, seconds: {}, read: {}, skipped: [], problems: [], creates: {}, growth: [], checks: [], profiles: {}, readBytes: {}, auditPerRead: {}, cache: {} };
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      result.seconds[name] = (performance.now() - started) / 1000;
      log(`${kind}: ${name} done in ${result.seconds[name].toFixed(1)} s`);
    }
  };
  const runId = randomBytes(3).toString("hex");
  const full = (spec: Omit<LoadSpec, "duration" | "warmup"> & Partial<Pick<LoadSpec, "duration" | "warmup">>): LoadSpec => ({
    duration: settings.duration,
    warmup: settings.warmup,
    ...spec,
  });
  const load = (spec: Omit<LoadSpec, "duration" | "warmup"> & Partial<Pick<LoadSpec, "duration" | "warmup">>): Promise<LoadResult> => runLoad(full(spec));

  const auth = await server.call<{ token?: string; readToken?: string; note: string }>("token");
  result.auth = auth.note;
  const AUTH: Record<string, string> = auth.token ? { authorization: `Bearer ${auth.token}` } : {};
  const READ_AUTH: Record<string, string> = auth.readToken ? { authorization: `Bearer ${auth.readToken}` } : {};
  const JSON_HEADERS = { "content-type": "application/json", ...AUTH };

  const serverTarget = targetOf(server);
  const bareTarget = targetOf(bare);

  // ---- setup: the read set ----
  await timed("setup", async () => {
    for (const alg of READ_SET_ALGS) await server.call("seed", { set: READ_SET, alg, count: 1, kidPrefix: `read-${alg}-` });
  });

  // ---- read: gateway vs bare route, same bytes ----
  const readSpecs0: Record<BareRoute, (origin: string) => Omit<LoadSpec, "duration" | "warmup">> = {
    graphql: (origin) => ({
      url: `${origin}/graphql`,
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: READ_QUERY, variables: { set: READ_SET } }),
      connections: settings.readConnections,
    }),
    rest: (origin) => ({ url: `${origin}/keys/${encodeURIComponent(READ_SET)}`, headers: AUTH, connections: settings.readConnections }),
    restPublic: (origin) => ({
      url: `${origin}${origin === server.origin ? "" : "/public"}/keys/${encodeURIComponent(READ_SET)}`,
      headers: READ_AUTH,
      connections: settings.readConnections,
    }),
    jwks: (origin) => ({ url: `${origin}/.well-known/jwks.json`, connections: settings.readConnections }),
  };
  const readSpecs = Object.fromEntries(
    Object.entries(readSpecs0).map(([route, make]) => [route, (origin: string) => ({ ...make(origin), target: origin === server.origin ? serverTarget : bareTarget })]),
  ) as typeof readSpecs0;
  if (!settings.only || settings.only.has("read")) await timed("read", async () => {
    for (const route of READ_ROUTES) {
      const spec = readSpecs[route](server.origin);
      if (route === "restPublic" && !auth.readToken) continue;
      const captured = await capture(spec, route);
      if (typeof captured === "string") {
        result.skipped.push(`${route} read: ${captured}`);
        log(`${kind}: skipping ${route} read: ${captured}`);
        continue;
      }
      result.readBytes[route] = Buffer.byteLength(captured.body);
      await bare.call("set", { route, response: captured });
      const check = await capture(readSpecs[route](bare.origin), route);
      if (typeof check === "string" || check.body !== captured.body) throw new Error(`the bare ${route} route does not answer the gateway's bytes`);
      if (route === "rest" || route === "restPublic") {
        // Audit records written per read (private members are recorded before they are handed out).
        const before = await server.call<number | null>("auditCount");
        for (let i = 0; i < AUDIT_PROBE_REQUESTS; i++) await capture(spec, route);
        const after = await server.call<number | null>("auditCount");
        if (before !== null && after !== null) result.auditPerRead[route] = (after - before) / AUDIT_PROBE_REQUESTS;
      }
      const statsBefore = await server.call<ServerStats>("stats");
      const [gateway, limit] = await runPair(full(spec), full(readSpecs[route](bare.origin)));
      const statsAfter = await server.call<ServerStats>("stats");
      result.read[route] = { gateway, limit, ratio: gateway.rps / limit.rps };
      if (statsBefore.cache && statsAfter.cache) {
        result.cache[route] = { hits: statsAfter.cache.hits - statsBefore.cache.hits, misses: statsAfter.cache.misses - statsBefore.cache.misses };
      }
      if (route === "graphql") {
        const apolloOrigin = await bare.call<string>("apolloOrigin");
        const alone = await capture({ ...spec, url: `${apolloOrigin}/graphql`, headers: { "content-type": "application/json" } }, route);
        if (typeof alone === "string" || JSON.stringify(JSON.parse(alone.body)) !== JSON.stringify(JSON.parse(captured.body))) {
          throw new Error("Apollo alone does not answer what the gateway answers");
        }
        const [apollo, bareAgain] = await runPair(
          full({ ...spec, url: `${apolloOrigin}/graphql`, headers: { "content-type": "application/json" }, target: bareTarget }),
          full(readSpecs[route](bare.origin)),
        );
        result.apolloAlone = { gateway: apollo, limit: bareAgain, ratio: apollo.rps / bareAgain.rps };
      }
    }
  });

  // ---- create: ES256 and EdDSA per second, unique kid each ----
  let counter = 0;
  const createSpec = (alg: string, set: string): Omit<LoadSpec, "duration" | "warmup"> => ({
    url: `${server.origin}/graphql`,
    method: "POST",
    headers: JSON_HEADERS,
    connections: settings.createConnections,
    target: serverTarget,
    bodyPerRequest: () => JSON.stringify({ query: CREATE_MUTATION, variables: { set, input: { alg, kid: `${alg}-${runId}-${counter++}` } } }),
    failedBody: graphqlFailed,
  });
  if (!settings.only || settings.only.has("create")) await timed("create", async () => {
    result.creates.ES256 = await load(createSpec("ES256", "bench.create.es256"));
    result.creates.EdDSA = await load(createSpec("EdDSA", "bench.create.eddsa"));
  });

  // ---- RSA-4096: sequential creates vs jose alone, interleaved ----
  const createRsa = async (set: string): Promise<number> => {
    const started = performance.now();
    const response = await fetch(`${server.origin}/graphql`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: CREATE_MUTATION, variables: { set, input: { alg: "RS256", kid: `RS256-${runId}-${counter++}` } } }),
    });
    const body = await response.text();
    if (!response.ok || graphqlFailed(body)) throw new Error(`RSA create failed: ${response.status} ${body.slice(0, 300)}`);
    return performance.now() - started;
  };
  if (!settings.only || settings.only.has("rsa")) await timed("rsa", async () => {
    const createMs: number[] = [];
    const rawMs: number[] = [];
    const poolBefore = (await server.call<ServerStats>("stats")).pooledRs256;
    for (let i = 0; i < settings.rsaSamples; i++) {
      rawMs.push(...(await server.call<number[]>("rawRsa", { count: 1, bits: 4096 })));
      try {
        createMs.push(await createRsa("bench.create.rs256"));
      } catch (error) {
        result.problems.push(`sequential RSA-4096 create: ${(error as Error).message}`);
      }
    }
    if (createMs.length === 0) throw new Error(`every RSA-4096 create failed: ${result.problems.at(-1)}`);
    result.pool = { before: poolBefore, after: (await server.call<ServerStats>("stats")).pooledRs256, size: settings.poolSize };
    result.rsa = { createMs, rawMs, createP50: median(createMs), rawP50: median(rawMs) };
  });

  // ---- validate: the slowest RSA validations, in this process (pure CPU, no database) ----
  if (!settings.only || settings.only.has("validate")) await timed("validate", async () => {
    const crafted = await validationCases(settings.root);
    // The limit, measured alongside: one RS256 signature with the same RSA-8192 key (OpenSSL).
    const signingKey = createPrivateKey({ key: crafted[0].key, format: "jwk" });
    const signMs = median(
      Array.from({ length: VALIDATION_REPEATS }, () => {
        const started = performance.now();
        sign("sha256", Buffer.from("bench"), signingKey);
        return performance.now() - started;
      }),
    );
    const cases = crafted.map(({ name, key }) => {
      let worst = 0;
      let refused = false;
      for (let i = 0; i < VALIDATION_REPEATS; i++) {
        const started = performance.now();
        try {
          validateJwk(key);
        } catch {
          refused = true;
        }
        worst = Math.max(worst, performance.now() - started);
      }
      return { name, ms: worst, refused };
    });
    const slowest = cases.reduce((a, b) => (b.ms > a.ms ? b : a));
    result.validation = { cases, slowest: { name: slowest.name, ms: slowest.ms }, signMs, ratio: slowest.ms / signMs };
    log(`${kind}: slowest RSA validation: ${slowest.name}, ${slowest.ms.toFixed(1)} ms (one RSA-8192 signature: ${signMs.toFixed(1)} ms)`);
  });

  // ---- isolation: reads while RSA-4096 creates are in flight, vs idle ----
  const graphqlRead = () => readSpecs.graphql(server.origin);
  const measureWithEld = async (underRsa: boolean): Promise<{ load: LoadResult; eld: EldReading }> => {
    // Under RSA load the server never goes idle, so it is not waited for between runs.
    const spec = underRsa ? { ...graphqlRead(), target: undefined } : graphqlRead();
    // Warm up, then reset the histogram so it covers the measured window only.
    await runLoad({ ...spec, duration: settings.warmup, warmup: 0 });
    await server.call("eld.reset");
    const measured = await runLoad({ ...spec, duration: settings.duration, warmup: 0 });
    return { load: measured, eld: await server.call<EldReading>("eld.read") };
  };
  const withRsaInFlight = async <T>(work: () => Promise<T>, whileDraining?: () => void): Promise<{ value: T; completed: number; failed: number }> => {
    let running = true;
    let completed = 0;
    let failed = 0;
    const lanes = Array.from({ length: settings.rsaInFlight }, async () => {
      while (running) {
        try {
          await createRsa("bench.isolation");
          completed++;
        } catch (error) {
          failed++;
          const message = `RSA-4096 create with ${settings.rsaInFlight} in flight: ${(error as Error).message}`;
          if (!result.problems.includes(message)) result.problems.push(message);
          log(`${kind}: ${message}`);
        }
      }
    });
    await sleep(300); // all of them have reached the server and are generating
    try {
      const value = await work();
      return { value, completed, failed };
    } finally {
      running = false;
      whileDraining?.();
      await Promise.all(lanes);
    }
  };
  // The growth keys are generated while the last RSA creates drain (neither is measured); they are
  // written afterwards, because sealing thousands of keys in one go holds the event loop for
  // seconds, long enough for a concurrent create's transaction to hit Prisma's timeout (P2028).
  const seedArgs = { setPrefix: GROWTH_SET_PREFIX, sizes: settings.growthSizes, alg: "ES256", keys: settings.growthKeys };
  let preparing: Promise<SeedReport> | undefined;
  const startSeeding = () => {
    preparing ??= server.call<SeedReport>("seedGrowth", { ...seedArgs, keysOnly: true });
    preparing.catch(() => {}); // awaited (and reported) by the growth scenario
  };
  if (!settings.only || settings.only.has("isolation")) await timed("isolation", async () => {
    const idle = await measureWithEld(false);
    const loaded = await withRsaInFlight(async () => {
      const reads = await measureWithEld(true);
      // The same RSA pressure with no reads: what the generation alone does to the event loop.
      await server.call("eld.reset");
      await sleep(Math.min(settings.duration, 2) * 1000);
      return { ...reads, rsaOnlyEld: await server.call<EldReading>("eld.read") };
    }, startSeeding);
    result.isolation = {
      idle: idle.load,
      idleEld: idle.eld,
      loaded: loaded.value.load,
      loadedEld: loaded.value.eld,
      rsaOnlyEld: loaded.value.rsaOnlyEld,
      ratio: loaded.value.load.rps / idle.load.rps,
      rsaCompleted: loaded.completed,
      rsaFailed: loaded.failed,
    };
  });

  // ---- growth: getJsonWebKeySet at 1 … 10,000 keys in a set ----
  const growthBase = (size: number) => ({
    ...readSpecs.graphql(server.origin),
    body: JSON.stringify({ query: READ_QUERY, variables: { set: `${GROWTH_SET_PREFIX}${size}` } }),
    connections: settings.growthConnections,
  });
  let largestGrowth: LoadSpec | undefined;
  if (!settings.only || settings.only.has("growth")) await timed("growth", async () => {
    startSeeding();
    await preparing;
    const seeded = await server.call<SeedReport>("seedGrowth", seedArgs);
    result.seed = { ...seeded, keys: settings.growthSizes.reduce((a, b) => a + b, 0) };
    log(`${kind}: growth sets seeded in ${(seeded.ms / 1000).toFixed(1)} s (${seeded.method})`);
    for (const size of settings.growthSizes) {
      // Checks the set, and times one request to size the load.
      const t0 = performance.now();
      const captured = await capture(growthBase(size), "graphql");
      const estimate = performance.now() - t0;
      if (typeof captured === "string") throw new Error(`growth read at ${size} keys failed: ${captured}`);
      const count = (JSON.parse(captured.body) as { data: { getJsonWebKeySet: { keys: unknown[] } } }).data.getJsonWebKeySet.keys.length;
      if (count !== size) throw new Error(`growth set has ${count} keys, expected ${size}`);
      // Light requests run for the duration; heavy ones (under 50 expected in the window) run a
      // fixed count sized to about the same time, so none is left running into the next load.
      const c = settings.growthConnections;
      const expected = (settings.duration * 1000) / estimate;
      const spec: LoadSpec =
        expected >= 50
          ? full(growthBase(size))
          : {
              ...full(growthBase(size)),
              amount: {
                measured: Math.max(3 * c, Math.ceil(expected / c) * c),
                warmup: Math.max(c, Math.ceil((settings.warmup * 1000) / estimate / c) * c),
              },
            };
      largestGrowth = spec;
      const measured = await runLoad(spec);
      const previous = result.growth.at(-1);
      const slope = previous ? Math.log(measured.latency.mean / previous.load.latency.mean) / Math.log(size / previous.keys) : undefined;
      const cpuSlope =
        previous?.load.cpuMsPerRequest && measured.cpuMsPerRequest
          ? Math.log(measured.cpuMsPerRequest / previous.load.cpuMsPerRequest) / Math.log(size / previous.keys)
          : undefined;
      result.growth.push({ keys: size, bytes: Buffer.byteLength(captured.body), load: measured, slope, cpuSlope });
      log(`${kind}: growth ${size} keys: ${measured.rps.toFixed(1)} req/s, mean ${measured.latency.mean.toFixed(1)} ms, server CPU ${measured.cpuMsPerRequest?.toFixed(2)} ms/request (${measured.requests} requests)`);
    }
  });

  // ---- rotation: rotate vs create of the same alg; JWKS reads while 10 broadcast sets rotate every second ----
  if (!settings.only || settings.only.has("rotation")) await timed("rotation", async () => {
    const rotateOnce = async (set: string, alg: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${server.origin}/graphql`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ query: ROTATE_MUTATION, variables: { set, input: { alg } } }),
      });
      const body = await response.text();
      if (!response.ok || graphqlFailed(body)) throw new Error(`rotation failed: ${response.status} ${body.slice(0, 300)}`);
      return performance.now() - started;
    };
    // ES256 under the create load's concurrency; rotations of one set queue, so each connection has its sets.
    const esSets = Array.from({ length: 64 }, (_, i) => `bench.rotate.es256.${runId}.${i}`);
    for (const set of esSets) await server.call("seed", { set, alg: "ES256", count: 1, kidPrefix: `${set}-` });
    let next = 0;
    // One request at a time: the time one rotation takes against one create (concurrent creates share
    // group commits on SQLite; rotations of different sets are separate transactions).
    const createEs256 = await load({ ...createSpec("ES256", "bench.rotation.create.es256"), connections: 1 });
    const rotateEs256 = await load({
      ...createSpec("ES256", "unused"),
      connections: 1,
      bodyPerRequest: () => JSON.stringify({ query: ROTATE_MUTATION, variables: { set: esSets[next++ % esSets.length], input: { alg: "ES256" } } }),
    });
    // RS256-4096, sequential and interleaved, both served by the key pool when it has keys.
    const rsaSet = `bench.rotate.rs256.${runId}`;
    await createRsa(rsaSet);
    const rsaCreateMs: number[] = [];
    const rsaRotateMs: number[] = [];
    // Each measured call finds a pooled key, as a create does when the pool keeps up.
    const poolReady = async () => {
      for (let waited = 0; waited < 30_000; waited += 200) {
        const pooled = (await server.call<ServerStats>("stats")).pooledRs256;
        if (pooled === null || pooled > 0) return;
        await sleep(200);
      }
    };
    for (let i = 0; i < settings.rsaSamples; i++) {
      await poolReady();
      rsaCreateMs.push(await createRsa("bench.rotation.create.rs256"));
      await poolReady();
      rsaRotateMs.push(await rotateOnce(rsaSet, "RS256"));
    }
    // JWKS: idle, then while every broadcast rotating set rotates once a second.
    for (const set of ROTATING_SETS) await server.call("seed", { set, alg: "ES256", count: 1, kidPrefix: `${set}-${runId}-` });
    const jwksSpec = () => readSpecs.jwks(server.origin);
    const jwksIdle = await load(jwksSpec());
    let rotating = true;
    let rotations = 0;
    let rotationFailures = 0;
    const rotator = (async () => {
      while (rotating) {
        const tick = sleep(1000);
        const done = await Promise.allSettled(ROTATING_SETS.map((set) => rotateOnce(set, "ES256")));
        rotations += done.filter((outcome) => outcome.status === "fulfilled").length;
        rotationFailures += done.filter((outcome) => outcome.status === "rejected").length;
        await tick;
      }
    })();
    let jwksRotating: LoadResult;
    try {
      // The rotations keep the server busy: it is not waited for between runs.
      jwksRotating = await load({ ...jwksSpec(), target: undefined });
    } finally {
      rotating = false;
      await rotator;
    }
    result.rotation = {
      createEs256,
      rotateEs256,
      es256Ratio: rotateEs256.latency.mean / createEs256.latency.mean,
      rsaCreateMs,
      rsaRotateMs,
      rsaRatio: median(rsaRotateMs) / median(rsaCreateMs),
      jwksIdle,
      jwksRotating,
      jwksRatio: jwksRotating.rps / jwksIdle.rps,
      rotations,
      rotationFailures,
    };
    log(`${kind}: rotation ES256 ${rotateEs256.latency.mean.toFixed(1)} ms vs create ${createEs256.latency.mean.toFixed(1)} ms; RS256 p50 ${median(rsaRotateMs).toFixed(0)} vs ${median(rsaCreateMs).toFixed(0)} ms; JWKS ${jwksRotating.rps.toFixed(0)} vs ${jwksIdle.rps.toFixed(0)} req/s (${rotations} rotations)`);
  });

  // ---- lists: one page of sets at 100 vs 100,000 sets; one page of keys of a 100- vs a 10,000-key set ----
  if (!settings.only || settings.only.has("lists")) await timed("lists", async () => {
    const listSpec = (body: string): LoadSpec => full({ ...readSpecs.graphql(server.origin), body, connections: settings.growthConnections, failedBody: graphqlFailed });
    const ratioOf = (small: LoadResult, large: LoadResult) =>
      small.cpuMsPerRequest && large.cpuMsPerRequest ? large.cpuMsPerRequest / small.cpuMsPerRequest : large.latency.mean / small.latency.mean;
    const setsBody = JSON.stringify({ query: LISTS_SETS_QUERY });
    // Names sort before the sets of the other scenarios ("bench."), so the first page is of seeded sets either way.
    await server.call("seedSets", { prefix: "a.list.", from: 0, count: LISTS_SMALL_SETS });
    const smallSets = await runLoad(listSpec(setsBody));
    const seeded = await server.call<{ ms: number }>("seedSets", { prefix: "a.list.", from: LISTS_SMALL_SETS, count: LISTS_LARGE_SETS - LISTS_SMALL_SETS });
    log(`${kind}: lists: ${LISTS_LARGE_SETS} sets seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
    const largeSets = await runLoad(listSpec(setsBody));
    const sets = { small: smallSets, large: largeSets, smallSize: LISTS_SMALL_SETS, largeSize: LISTS_LARGE_SETS, ratio: ratioOf(smallSets, largeSets) };
    log(`${kind}: lists: jsonWebKeySets(first: 50) at ${LISTS_SMALL_SETS} sets ${describeLoad(smallSets)}, at ${LISTS_LARGE_SETS} ${describeLoad(largeSets)}: ${sets.ratio.toFixed(2)}×`);

    await server.call<SeedReport>("seedGrowth", { setPrefix: "bench.page.", sizes: [...LISTS_KEY_SIZES], alg: "ES256", keys: settings.growthKeys });
    const keysBody = (size: number) => JSON.stringify({ query: LISTS_KEYS_QUERY, variables: { set: `bench.page.${size}` } });
    const smallKeys = await runLoad(listSpec(keysBody(LISTS_KEY_SIZES[0])));
    const largeKeys = await runLoad(listSpec(keysBody(LISTS_KEY_SIZES[1])));
    const keys = { small: smallKeys, large: largeKeys, smallSize: LISTS_KEY_SIZES[0], largeSize: LISTS_KEY_SIZES[1], ratio: ratioOf(smallKeys, largeKeys) };
    log(`${kind}: lists: keysConnection(first: 50) on ${LISTS_KEY_SIZES[0]} keys ${describeLoad(smallKeys)}, on ${LISTS_KEY_SIZES[1]} ${describeLoad(largeKeys)}: ${keys.ratio.toFixed(2)}×`);
    result.lists = { sets, keys };
  });

  result.checks = checksOf(result);

  // ---- profiles: one extra, separately measured pass per missed target (and the largest growth size) ----
  if (settings.profile) {
    await timed("profile", async () => {
      await mkdir(settings.profileDir, { recursive: true });
      const seconds = Math.min(settings.duration, PROFILE_SECONDS);
      const profiled = async (name: string, work: () => Promise<unknown>) => {
        const file = path.join(settings.profileDir, `${kind}-${name}.cpuprofile`);
        await server.call("profile.start");
        try {
          await work();
        } finally {
          await server.call("profile.stop", { file });
        }
        const summary = summarise(JSON.parse(await readFile(file, "utf8")), path.relative(settings.root, file), settings.root);
        result.profiles[name] = summary;
        log(`${kind}: profiled ${name} → ${summary.file}`);
      };
      const missed = new Set(result.checks.filter((check) => check.verdict === "MISS").map((check) => check.id));
      for (const route of READ_ROUTES) {
        if (missed.has(`read.${route}`)) await profiled(`read-${route}`, () => runLoad({ ...readSpecs[route](server.origin), duration: seconds, warmup: 0 }));
      }
      if (missed.has("create.ES256")) await profiled("create-ES256", () => runLoad({ ...createSpec("ES256", "bench.create.es256"), duration: seconds, warmup: 0 }));
      if (missed.has("rsa.p50")) {
        await profiled("rsa-create", async () => {
          for (let i = 0; i < 2; i++) await createRsa("bench.create.rs256");
        });
      }
      if (missed.has("isolation.eld") || missed.has("isolation.reads")) {
        await withRsaInFlight(() => profiled("isolation", () => runLoad({ ...graphqlRead(), target: undefined, duration: seconds, warmup: 0 })));
      }
      if (largestGrowth) {
        const spec = largestGrowth;
        await profiled(`growth-${result.growth.at(-1)!.keys}`, () => runLoad({ ...spec, warmup: 0, amount: spec.amount && { ...spec.amount, warmup: 0 } }));
      }
    });
  }
  result.loadAverage.after = os.loadavg();
  return result;
}

/** The targets of the issue, judged on this database's figures. */
function checksOf(result: DbResult): Check[] {
  const checks: Check[] = [];
  const add = (check: Omit<Check, "verdict">, ...loads: (LoadResult | undefined)[]) => {
    const pass = check.kind === "min" ? check.value >= check.target : check.inclusive ? check.value <= check.target : check.value < check.target;
    const failed = loads.filter((load): load is LoadResult => load !== undefined && load.errors > 0.01 * load.requests);
    const invalid = failed.length > 0 ? failed.map((load) => `${load.errors} of ${load.requests} requests failed`).join("; ") : undefined;
    checks.push({ ...check, verdict: invalid ? "INVALID" : pass ? "PASS" : "MISS", ...(invalid ? { invalid } : {}) });
  };
  const readTargets: Record<BareRoute, [string, number]> = {
    graphql: ["GraphQL getJsonWebKeySet / bare route", 0.35],
    rest: ["REST GET /keys/{set} / bare route", 0.8],
    restPublic: ["REST GET /keys/{set} with a keys:read token / bare route", 0.8],
    jwks: ["GET /.well-known/jwks.json / bare route", 0.9],
  };
  for (const route of READ_ROUTES) {
    const pair = result.read[route];
    if (pair) add({ id: `read.${route}`, label: readTargets[route][0], value: pair.ratio, target: readTargets[route][1], kind: "min", unit: "×" }, pair.gateway, pair.limit);
  }
  if (result.kind === "sqlite" && result.creates.ES256) {
    add({ id: "create.ES256", label: "ES256 creates per second (SQLite)", value: result.creates.ES256.okRps, target: 1000, kind: "min", unit: "/s" }, result.creates.ES256);
  }
  if (result.isolation) {
    const rsaFailures = { requests: result.isolation.rsaCompleted + result.isolation.rsaFailed, errors: result.isolation.rsaFailed } as LoadResult;
    add({ id: "isolation.eld", label: `event-loop delay p99 with RSA-4096 creates in flight`, value: result.isolation.loadedEld.p99, target: 20, kind: "max", unit: " ms" }, rsaFailures);
    add({ id: "isolation.reads", label: "reads with RSA-4096 creates in flight / idle reads", value: result.isolation.ratio, target: 0.7, kind: "min", unit: "×" }, result.isolation.idle, result.isolation.loaded, rsaFailures);
  }
  if (result.validation) {
    add({ id: "validate.rsa", label: "slowest RSA key validation (RSA-8192, crafted keys) / one RSA-8192 signature", value: result.validation.ratio, target: VALIDATION_LIMIT_SIGNATURES, kind: "max", inclusive: true, unit: "×" });
  }
  for (const [name, label] of [
    ["sets", "jsonWebKeySets(first: 50) at 100,000 sets / at 100 sets (server CPU per request)"],
    ["keys", "keysConnection(first: 50) on a 10,000-key set / on a 100-key set (server CPU per request)"],
  ] as const) {
    const pair = result.lists?.[name];
    if (pair) add({ id: `lists.${name}`, label, value: pair.ratio, target: LISTS_RATIO_LIMIT, kind: "max", inclusive: true, unit: "×" }, pair.small, pair.large);
  }
  if (result.rsa) add({ id: "rsa.p50", label: "RSA-4096 create p50", value: result.rsa.createP50, target: 50, kind: "max", inclusive: true, unit: " ms" });
  if (result.rotation) {
    const r = result.rotation;
    const rotationFailures = { requests: r.rotations + r.rotationFailures, errors: r.rotationFailures } as LoadResult;
    add({ id: "rotation.es256", label: "ES256 rotation latency / ES256 create latency", value: r.es256Ratio, target: 2, kind: "max", inclusive: true, unit: "×" }, r.createEs256, r.rotateEs256);
    add({ id: "rotation.rs256", label: "RS256-4096 rotation p50 / create p50 (key pool)", value: r.rsaRatio, target: 2, kind: "max", inclusive: true, unit: "×" });
    add({ id: "rotation.jwks", label: "JWKS reads while 10 sets rotate every second / idle", value: r.jwksRatio, target: 0.8, kind: "min", unit: "×" }, r.jwksIdle, r.jwksRotating, rotationFailures);
  }
  if (result.growth.length > 1) {
    const worst = Math.max(...result.growth.map((point) => point.slope ?? 0));
    add({ id: "growth.linear", label: "read latency growth with keys in the set (worst log-log slope)", value: worst, target: GROWTH_SLOPE_LIMIT, kind: "max", inclusive: true, unit: "" }, ...result.growth.map((point) => point.load));
  }
  return checks;
}

/** Runs of each validation case; the worst counts. */
export const VALIDATION_REPEATS = 3;
/**
 * Bound on one key's validation, in RSA-8192 signatures made with the same key in the same run (so
 * that load on the machine cancels out): the work one PUT can cost the event loop stays within a
 * few uses of the key itself. Miller–Rabin on two 4096-bit primes, 3 rounds each, is about 3
 * signatures; on an 8192-bit n about 4; the crafted slowest path about twice that.
 */
export const VALIDATION_LIMIT_SIGNATURES = 10;

/**
 * The nastiest RSA inputs for the validator, from test/fixtures/weak-keys.json: an 8192-bit private
 * key (every check, Miller–Rabin on both 4096-bit primes), the same with primes p = k·2^4000 + 1
 * (Miller–Rabin's slowest path), its public half (Miller–Rabin on n), and one with a composite p.
 */
async function validationCases(root: string): Promise<{ name: string; key: Record<string, string> }[]> {
  const corpus = JSON.parse(await readFile(path.join(root, "test", "fixtures", "weak-keys.json"), "utf8")) as Record<string, Record<string, string>>;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicHalf } = corpus.valid8192;
  return [
    { name: "private key", key: corpus.valid8192 },
    { name: "private key, p − 1 = k·2^4000", key: corpus.proth8192 },
    { name: "public key", key: publicHalf },
    { name: "private key, composite p", key: corpus.compositeP8192 },
  ];
}

/** Seconds of load per profiled pass. */
const PROFILE_SECONDS = 2;

/** "No faster than linear": slope 1 on log-log axes, with 10% allowance for noise. */
export const GROWTH_SLOPE_LIMIT = 1.1;

interface Captured {
  body: string;
  headers: Record<string, string>;
}

/** One request as the load will send it; the body and the headers worth replaying, or why it failed. */
async function capture(spec: Omit<LoadSpec, "duration" | "warmup">, route: BareRoute): Promise<Captured | string> {
  const response = await fetch(spec.url, { method: spec.method ?? "GET", headers: spec.headers, body: spec.body });
  const body = await response.text();
  if (response.status !== 200) return `${spec.method ?? "GET"} ${new URL(spec.url).pathname} answered ${response.status}: ${body.slice(0, 200)}`;
  if (route === "graphql" && graphqlFailed(body)) return `GraphQL answered errors: ${body.slice(0, 300)}`;
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (!["date", "connection", "keep-alive", "content-length", "transfer-encoding"].includes(name)) headers[name] = value;
  }
  return { body, headers };
}

/** CPU readings and settling for one child process. */
function targetOf(child: Child): NonNullable<LoadSpec["target"]> {
  const cpu = () => child.call<number>("cpu");
  return {
    cpu,
    /** Waits (up to 10 s) until the process uses under 15% of a core over 100 ms. */
    async settle() {
      for (let i = 0; i < 100; i++) {
        const before = await cpu();
        await sleep(100);
        if ((await cpu()) - before < 15_000) return;
      }
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeLoad(load: LoadResult): string {
  return `${load.rps.toFixed(0)} req/s, mean ${load.latency.mean.toFixed(1)} ms, server CPU ${load.cpuMsPerRequest?.toFixed(2) ?? "?"} ms/request`;
}
