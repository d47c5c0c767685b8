/**
 * Configuration, read from the environment in one place. `loadConfig` validates every variable
 * and returns a frozen object, or throws a ConfigError naming the variable at fault.
 *
 * Every default and bound of a variable is written here, and the code that applies it imports it
 * from here (never the other way round): config.ts sits below persistence and the transports, and
 * imports only pure domain rules (algorithm and name predicates).
 */
import { availableParallelism } from "node:os";
import { isRsaAlgorithm } from "./domain/algorithms.js";
import { nameProblem } from "./domain/names.js";

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly logLevel: LogLevel;
  /** Apply pending migrations at start. Default: on for SQLite, off for Postgres. */
  readonly migrateOnStart: boolean;
  /** Sets whose public keys `/.well-known/jwks.json` publishes, in this order, without repeats. */
  readonly jwksBroadcastSets: readonly string[];
  /**
   * SECRETS_SYSTEM: the secrets that seal stored keys, as in Hydra the first seals and all open
   * (README, "Encryption at rest"). Undefined only on SQLite outside production, where a generated secret
   * file next to the database stands in (src/persistence/sealing/dev-secret.ts).
   */
  readonly secretsSystem: readonly string[] | undefined;
  /**
   * ALLOW_OPEN_ACCESS: serve without tokens (open mode) even when HOST is not a loopback address.
   * Default false: without an active API token the gateway then refuses to start (README, "Access control").
   */
  readonly allowOpenAccess: boolean;
  /** GRAPHQL_INTROSPECTION: answer `__schema`/`__type` queries. Default: on outside production, off in it. */
  readonly graphqlIntrospection: boolean;
  /** GRAPHQL_EXPLORER: show GraphiQL at GET /graphql in a browser. Default: on outside production, off in it. */
  readonly graphqlExplorer: boolean;
  /**
   * CORS_ORIGINS: the browser origins (`scheme://host[:port]`, matched exactly) allowed to call the
   * API cross-origin, e.g. `https://studio.apollographql.com`. Default: none (README, "GraphQL hardening").
   */
  readonly corsOrigins: readonly string[];
  /**
   * KEY_CACHE_MAX_KEYS: how many keys the in-memory key-set cache may hold over all sets; 0 turns it
   * off (README, "Caches and the change feed"). Default 50,000.
   */
  readonly keyCacheMaxKeys: number;
  /**
   * RSA key pool and generation limits (README, "RSA key pool and generation limits").
   * KEY_GENERATION_CONCURRENCY: RSA keys generated at once; default half the CPUs, at least 1.
   * KEY_GENERATION_QUEUE: RSA creates that may wait for a slot before KEY_GENERATION_BUSY; default 16.
   * KEY_POOL_SIZE: RSA keys kept ready per algorithm of KEY_POOL_ALGS; 0 turns the pool off. Default 4.
   * KEY_POOL_ALGS: RSA algorithms to keep keys for (RS256…PS512). Default RS256.
   */
  readonly keyGenerationConcurrency: number;
  readonly keyGenerationQueue: number;
  readonly keyPoolSize: number;
  readonly keyPoolAlgs: readonly string[];
  /**
   * DATABASE_TIMEOUT_MS: the longest a request waits for the database before it is answered 503
   * SERVICE_UNAVAILABLE (README, "Timeouts and outages"; split up in src/persistence/db/database.ts).
   * Default 5000.
   */
  readonly databaseTimeoutMs: number;
  /**
   * ROTATION_CHECK_INTERVAL_MS: how often the gateway looks for scheduled rotation steps that are due
   * (README, "Key rotation"); 0 turns the scheduler off in this process (another gateway on the
   * same database may run it). Default 10,000.
   */
  readonly rotationCheckIntervalMs: number;
  /** GraphQL subscriptions over WebSocket (README, "Subscriptions"). */
  readonly subscriptions: SubscriptionSettings;
}

/** ROTATION_CHECK_INTERVAL_MS's default: a step happens at most this late. */
export const DEFAULT_ROTATION_CHECK_INTERVAL_MS = 10_000;

/**
 * SUBSCRIPTIONS_*: the limits of the WebSocket transport (graphql/websocket.ts; README, "Subscriptions").
 */
export interface SubscriptionSettings {
  /** SUBSCRIPTIONS_MAX_CONNECTIONS: open WebSocket connections at once; more are refused (HTTP 503). 0 turns subscriptions off. */
  readonly maxConnections: number;
  /** SUBSCRIPTIONS_PER_CONNECTION: subscriptions open at once on one connection; more are refused. */
  readonly perConnection: number;
  /** SUBSCRIPTIONS_MAX_MESSAGE_BYTES: largest message a client may send; a larger one closes the connection (1009). */
  readonly maxMessageBytes: number;
  /** SUBSCRIPTIONS_KEEPALIVE_MS: a ping this often; a connection that has not answered the previous one is dropped. */
  readonly keepAliveMs: number;
  /** SUBSCRIPTIONS_IDLE_TIMEOUT_MS: a connection without a subscription for this long is closed; 0: never. */
  readonly idleTimeoutMs: number;
  /** SUBSCRIPTIONS_POLL_MS: on SQLite, how often the change feed looks for other processes' writes while anyone subscribes. */
  readonly pollMs: number;
}

export const DEFAULT_SUBSCRIPTIONS: SubscriptionSettings = Object.freeze({
  maxConnections: 10_000,
  perConnection: 20,
  maxMessageBytes: 64 * 1024,
  keepAliveMs: 12_000,
  idleTimeoutMs: 300_000,
  pollMs: 50,
});

/** KEY_CACHE_MAX_KEYS's default, in keys (a few hundred MiB at most for RSA-4096 private keys). */
export const DEFAULT_KEY_CACHE_MAX_KEYS = 50_000;

/**
 * Shortest SECRETS_SYSTEM secret accepted, in characters (Hydra refuses fewer than 16; README,
 * "Configuring `SECRETS_SYSTEM`"). The keyring and the development secret file apply it too.
 */
export const MIN_SECRET_LENGTH = 32;

/** DATABASE_TIMEOUT_MS's default (README, "Timeouts and outages"). */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;
/** DATABASE_TIMEOUT_MS's range: below 500 ms a loaded but healthy database would be refused. */
export const MIN_DATABASE_TIMEOUT_MS = 500;
export const MAX_DATABASE_TIMEOUT_MS = 60_000;

export const DEFAULT_KEY_GENERATION_QUEUE = 16;
export const DEFAULT_KEY_POOL_SIZE = 4;
export const DEFAULT_KEY_POOL_ALGS = ["RS256"] as const;

/** Half the CPUs (RSA generation is CPU-bound; the rest serve requests), at least 1. */
export function defaultKeyGenerationConcurrency(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = "file:./data/jwk-gateway.db";

/** Hydra's default broadcast order: `webfinger.jwks.broadcast_keys` then the access-token set. */
export const DEFAULT_JWKS_BROADCAST_SETS = ["hydra.openid.id-token", "hydra.jwt.access-token"] as const;

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * DATABASE_URL as the gateway reads it (trimmed; DEFAULT_DATABASE_URL when unset or blank), not yet
 * checked: for the migration tool, which needs no other variable and names a bad URL itself.
 */
export function readDatabaseUrl(env: Env): string {
  return nonEmpty(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL;
}

export function loadConfig(env: Env): Config {
  const production = env.NODE_ENV === "production";
  const databaseUrl = readDatabaseUrl(env);
  const sqlite = databaseUrl.startsWith("file:");
  if (!sqlite && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL", "must start with file: (SQLite) or postgresql:// (Postgres)");
  }
  return Object.freeze({
    production,
    port: integer(env, "PORT", 4000, 0, 65535),
    host: nonEmpty(env.HOST) ?? "127.0.0.1",
    databaseUrl,
    logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    migrateOnStart: boolean(env, "MIGRATE_ON_START", sqlite),
    jwksBroadcastSets: setList(env, "JWKS_BROADCAST_SETS", DEFAULT_JWKS_BROADCAST_SETS),
    secretsSystem: secretList(
      env,
      "SECRETS_SYSTEM",
      production ? "NODE_ENV=production" : sqlite ? undefined : "DATABASE_URL is PostgreSQL",
    ),
    allowOpenAccess: boolean(env, "ALLOW_OPEN_ACCESS", false),
    graphqlIntrospection: boolean(env, "GRAPHQL_INTROSPECTION", !production),
    graphqlExplorer: boolean(env, "GRAPHQL_EXPLORER", !production),
    corsOrigins: originList(env, "CORS_ORIGINS"),
    keyCacheMaxKeys: integer(env, "KEY_CACHE_MAX_KEYS", DEFAULT_KEY_CACHE_MAX_KEYS, 0, 10_000_000),
    keyGenerationConcurrency: integer(env, "KEY_GENERATION_CONCURRENCY", defaultKeyGenerationConcurrency(), 1, 1024),
    keyGenerationQueue: integer(env, "KEY_GENERATION_QUEUE", DEFAULT_KEY_GENERATION_QUEUE, 0, 100_000),
    keyPoolSize: integer(env, "KEY_POOL_SIZE", DEFAULT_KEY_POOL_SIZE, 0, 1000),
    keyPoolAlgs: rsaAlgorithmList(env, "KEY_POOL_ALGS", DEFAULT_KEY_POOL_ALGS),
    databaseTimeoutMs: integer(
      env,
      "DATABASE_TIMEOUT_MS",
      DEFAULT_DATABASE_TIMEOUT_MS,
      MIN_DATABASE_TIMEOUT_MS,
      MAX_DATABASE_TIMEOUT_MS,
    ),
    rotationCheckIntervalMs: integer(
      env,
      "ROTATION_CHECK_INTERVAL_MS",
      DEFAULT_ROTATION_CHECK_INTERVAL_MS,
      0,
      86_400_000,
    ),
    subscriptions: Object.freeze({
      maxConnections: integer(env, "SUBSCRIPTIONS_MAX_CONNECTIONS", DEFAULT_SUBSCRIPTIONS.maxConnections, 0, 1_000_000),
      perConnection: integer(env, "SUBSCRIPTIONS_PER_CONNECTION", DEFAULT_SUBSCRIPTIONS.perConnection, 1, 1000),
      maxMessageBytes: integer(
        env,
        "SUBSCRIPTIONS_MAX_MESSAGE_BYTES",
        DEFAULT_SUBSCRIPTIONS.maxMessageBytes,
        1024,
        1024 * 1024,
      ),
      keepAliveMs: integer(env, "SUBSCRIPTIONS_KEEPALIVE_MS", DEFAULT_SUBSCRIPTIONS.keepAliveMs, 1000, 600_000),
      idleTimeoutMs: integer(env, "SUBSCRIPTIONS_IDLE_TIMEOUT_MS", DEFAULT_SUBSCRIPTIONS.idleTimeoutMs, 0, 86_400_000),
      pollMs: integer(env, "SUBSCRIPTIONS_POLL_MS", DEFAULT_SUBSCRIPTIONS.pollMs, 10, 10_000),
    }),
  });
}

/** The entries of a comma-separated value, each trimmed, empty ones and repeats dropped (the first wins). */
function commaList(raw: string | undefined): string[] {
  return [
    ...new Set(
      (raw ?? "")
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    ),
  ];
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(env[name])}`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** A comma-separated list of set names, trimmed, empty entries dropped, repeats dropped (first wins). */
function setList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return Object.freeze([...fallback]);
  const sets = commaList(raw);
  if (sets.length === 0) throw new ConfigError(name, `must list at least one set name, got ${JSON.stringify(raw)}`);
  const bad = sets.find((set) => nameProblem(set) !== undefined);
  if (bad !== undefined)
    throw new ConfigError(name, `a set name ${nameProblem(bad)}, got ${JSON.stringify(bad.slice(0, 64))}`);
  return Object.freeze(sets);
}

/** A comma-separated list of RSA algorithms (the only ones worth pooling), trimmed, repeats dropped. */
function rsaAlgorithmList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return Object.freeze([...fallback]);
  const algs = commaList(raw);
  if (algs.length === 0) throw new ConfigError(name, `must list at least one algorithm, got ${JSON.stringify(raw)}`);
  const bad = algs.find((alg) => !isRsaAlgorithm(alg));
  if (bad !== undefined) {
    throw new ConfigError(
      name,
      `lists ${JSON.stringify(bad.slice(0, 32))}; only RSA algorithms are pooled (RS256, RS384, RS512, PS256, PS384, PS512, RSA-OAEP, RSA-OAEP-256): other keys generate in under a millisecond`,
    );
  }
  return Object.freeze(algs);
}

/**
 * Comma-separated secrets, each trimmed, empty entries and repeats dropped (first wins). Required
 * when `requiredBecause` says why. Messages count and measure secrets, never quote them.
 */
function secretList(env: Env, name: string, requiredBecause: string | undefined): readonly string[] | undefined {
  const raw = nonEmpty(env[name]);
  const secrets = commaList(raw);
  if (raw !== undefined && secrets.length === 0) throw new ConfigError(name, "lists no secret, only commas");
  if (secrets.length === 0) {
    if (requiredBecause === undefined) return undefined;
    throw new ConfigError(
      name,
      `must be set when ${requiredBecause}: one or more secrets of at least ${MIN_SECRET_LENGTH} characters, comma-separated, the first one seals (e.g. the output of \`openssl rand -base64 32\`)`,
    );
  }
  secrets.forEach((secret, index) => {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        name,
        `secret #${index + 1} is ${secret.length} characters long; each secret needs at least ${MIN_SECRET_LENGTH}`,
      );
    }
  });
  return Object.freeze(secrets);
}

/**
 * Comma-separated browser origins, each exactly as a browser sends it in `Origin` (scheme, host,
 * port if not the default; no path, no trailing slash, no wildcard), repeats dropped. Default none.
 */
function originList(env: Env, name: string): readonly string[] {
  const raw = nonEmpty(env[name]);
  const origins = commaList(raw);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        name,
        `each entry must be an origin such as https://admin.example.com (no path, wildcard or trailing slash), got ${JSON.stringify(origin.slice(0, 100))}`,
      );
    }
  }
  return Object.freeze(origins);
}
