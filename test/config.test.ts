import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_DATABASE_URL,
  DEFAULT_JWKS_BROADCAST_SETS,
  defaultKeyGenerationConcurrency,
  loadConfig,
} from "../src/config.js";

const SECRET = "a-secret-of-exactly-32-character";
const OTHER = "another-secret-of-more-than-32-characters";

describe("loadConfig", () => {
  it("defaults: 127.0.0.1:4000, SQLite under ./data, info logs, migrations at start", () => {
    expect(loadConfig({})).toEqual({
      production: false,
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: DEFAULT_DATABASE_URL,
      logLevel: "info",
      migrateOnStart: true,
      jwksBroadcastSets: [...DEFAULT_JWKS_BROADCAST_SETS],
      allowOpenAccess: false,
      graphqlIntrospection: true,
      graphqlExplorer: true,
      corsOrigins: [],
      // RSA key pool and generation limits (test/persistence/pool/key-pool.test.ts checks them further).
      keyPoolSize: 4,
      keyPoolAlgs: ["RS256"],
      keyGenerationConcurrency: defaultKeyGenerationConcurrency(),
      keyGenerationQueue: 16,
      keyCacheMaxKeys: 50_000,
      // The bound on a request's wait for the database (README, "Timeouts and outages").
      databaseTimeoutMs: 5000,
      // How often scheduled rotation steps are looked for (README, "Key rotation").
      rotationCheckIntervalMs: 10_000,
      // The WebSocket transport's limits (README, "Subscriptions").
      subscriptions: {
        maxConnections: 10_000,
        perConnection: 20,
        maxMessageBytes: 65_536,
        keepAliveMs: 12_000,
        idleTimeoutMs: 300_000,
        pollMs: 50,
      },
    });
    expect(DEFAULT_DATABASE_URL).toBe("file:./data/jwk-gateway.db");
  });

  it("SUBSCRIPTIONS_*: whole numbers within their bounds; 0 connections turns subscriptions off", () => {
    const settings = loadConfig({
      SUBSCRIPTIONS_MAX_CONNECTIONS: "0",
      SUBSCRIPTIONS_PER_CONNECTION: "3",
      SUBSCRIPTIONS_MAX_MESSAGE_BYTES: "4096",
      SUBSCRIPTIONS_KEEPALIVE_MS: "2000",
      SUBSCRIPTIONS_IDLE_TIMEOUT_MS: "0",
      SUBSCRIPTIONS_POLL_MS: "20",
    }).subscriptions;
    expect(settings).toEqual({
      maxConnections: 0,
      perConnection: 3,
      maxMessageBytes: 4096,
      keepAliveMs: 2000,
      idleTimeoutMs: 0,
      pollMs: 20,
    });
    expect(() => loadConfig({ SUBSCRIPTIONS_PER_CONNECTION: "0" })).toThrow(/^SUBSCRIPTIONS_PER_CONNECTION: must be/);
    expect(() => loadConfig({ SUBSCRIPTIONS_MAX_MESSAGE_BYTES: "100" })).toThrow(
      /^SUBSCRIPTIONS_MAX_MESSAGE_BYTES: must be an integer from 1024/,
    );
    expect(() => loadConfig({ SUBSCRIPTIONS_POLL_MS: "5" })).toThrow(/^SUBSCRIPTIONS_POLL_MS: must be/);
  });

  it("DATABASE_TIMEOUT_MS: 500 to 60000 ms, whole numbers only", () => {
    expect(loadConfig({ DATABASE_TIMEOUT_MS: "1500" }).databaseTimeoutMs).toBe(1500);
    for (const bad of ["499", "60001", "2.5", "5s", "-1"]) {
      expect(() => loadConfig({ DATABASE_TIMEOUT_MS: bad })).toThrow(
        /^DATABASE_TIMEOUT_MS: must be an integer from 500 to 60000/,
      );
    }
  });

  it("Postgres does not migrate at start unless MIGRATE_ON_START asks for it", () => {
    const postgres = { DATABASE_URL: "postgresql://u@h/db", SECRETS_SYSTEM: SECRET };
    expect(loadConfig(postgres).migrateOnStart).toBe(false);
    expect(loadConfig({ ...postgres, MIGRATE_ON_START: "true" }).migrateOnStart).toBe(true);
  });

  it("SECRETS_SYSTEM is a comma-separated list, trimmed, repeats dropped, in order (the first seals)", () => {
    expect(loadConfig({ SECRETS_SYSTEM: ` ${SECRET} ,${OTHER},${SECRET},` }).secretsSystem).toEqual([SECRET, OTHER]);
    expect(Object.isFrozen(loadConfig({ SECRETS_SYSTEM: SECRET }).secretsSystem)).toBe(true);
    // Unset is allowed on SQLite outside production only (the development secret file stands in).
    expect(loadConfig({}).secretsSystem).toBeUndefined();
  });

  it.each([
    ["on PostgreSQL", { DATABASE_URL: "postgresql://u@h/db" }, "when DATABASE_URL is PostgreSQL"],
    ["with NODE_ENV=production", { NODE_ENV: "production" }, "when NODE_ENV=production"],
  ])("SECRETS_SYSTEM is required %s, and the refusal names it", (_, env, why) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^SECRETS_SYSTEM: must be set ${why}`));
  });

  it("a secret shorter than 32 characters is refused without being echoed", () => {
    const short = "tooShortButSecret-31-characters";
    expect(short).toHaveLength(31);
    let message = "";
    try {
      loadConfig({ SECRETS_SYSTEM: `${SECRET},${short}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("SECRETS_SYSTEM: secret #2 is 31 characters long; each secret needs at least 32");
    expect(message).not.toContain(short);
  });

  it("the JWKS publishes hydra.openid.id-token then hydra.jwt.access-token unless JWKS_BROADCAST_SETS says otherwise", () => {
    expect(loadConfig({}).jwksBroadcastSets).toEqual(["hydra.openid.id-token", "hydra.jwt.access-token"]);
    expect(loadConfig({ JWKS_BROADCAST_SETS: "  " }).jwksBroadcastSets).toEqual([
      "hydra.openid.id-token",
      "hydra.jwt.access-token",
    ]);
    // Comma-separated, trimmed, in the given order, repeats and empty entries dropped.
    expect(loadConfig({ JWKS_BROADCAST_SETS: " b , a,,b, c ," }).jwksBroadcastSets).toEqual(["b", "a", "c"]);
    expect(Object.isFrozen(loadConfig({ JWKS_BROADCAST_SETS: "a" }).jwksBroadcastSets)).toBe(true);
  });

  it("ALLOW_OPEN_ACCESS is off unless set to true (open mode off loopback must be asked for)", () => {
    expect(loadConfig({ HOST: "0.0.0.0" }).allowOpenAccess).toBe(false);
    expect(loadConfig({ ALLOW_OPEN_ACCESS: "true" }).allowOpenAccess).toBe(true);
    expect(loadConfig({ ALLOW_OPEN_ACCESS: "false" }).allowOpenAccess).toBe(false);
  });

  it.each([
    ["GRAPHQL_INTROSPECTION", "graphqlIntrospection"],
    ["GRAPHQL_EXPLORER", "graphqlExplorer"],
  ] as const)(
    "%s is on outside production (NODE_ENV unset or test), off in production, and either can be overridden",
    (variable, key) => {
      expect(loadConfig({})[key]).toBe(true);
      expect(loadConfig({ NODE_ENV: "test" })[key]).toBe(true);
      expect(loadConfig({ NODE_ENV: "production", SECRETS_SYSTEM: SECRET })[key]).toBe(false);
      expect(loadConfig({ NODE_ENV: "production", SECRETS_SYSTEM: SECRET, [variable]: "true" })[key]).toBe(true);
      expect(loadConfig({ [variable]: "false" })[key]).toBe(false);
    },
  );

  it("CORS_ORIGINS allows no origin by default; it lists exact origins, trimmed, repeats dropped", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: " " }).corsOrigins).toEqual([]);
    const origins = loadConfig({
      CORS_ORIGINS: " https://studio.apollographql.com ,http://localhost:5173,,https://studio.apollographql.com",
    }).corsOrigins;
    expect(origins).toEqual(["https://studio.apollographql.com", "http://localhost:5173"]);
    expect(Object.isFrozen(origins)).toBe(true);
  });

  it.each([
    "*",
    "https://admin.example.com/",
    "https://admin.example.com/app",
    "admin.example.com",
    "ftp://admin.example.com",
    "https://Admin.example.com",
    "https://admin.example.com:443",
    "null",
  ])("CORS_ORIGINS refuses %j: an entry must be an origin exactly as a browser sends it", (entry) => {
    expect(() => loadConfig({ CORS_ORIGINS: `https://ok.example.com,${entry}` })).toThrow(
      /^CORS_ORIGINS: each entry must be an origin/,
    );
  });

  it("the returned config is frozen", () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it.each([
    ["PORT", { PORT: "http" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/keys" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["MIGRATE_ON_START", { MIGRATE_ON_START: "maybe" }],
    ["ALLOW_OPEN_ACCESS", { ALLOW_OPEN_ACCESS: "sure" }],
    ["JWKS_BROADCAST_SETS", { JWKS_BROADCAST_SETS: " , ," }],
    ["JWKS_BROADCAST_SETS", { JWKS_BROADCAST_SETS: `ok,${"x".repeat(256)}` }],
    ["JWKS_BROADCAST_SETS", { JWKS_BROADCAST_SETS: "ok,a\ud800b" }],
    ["JWKS_BROADCAST_SETS", { JWKS_BROADCAST_SETS: "ok,a\u0085b" }],
    ["SECRETS_SYSTEM", { SECRETS_SYSTEM: " , ," }],
    ["SECRETS_SYSTEM", { SECRETS_SYSTEM: "x".repeat(31) }],
    ["GRAPHQL_INTROSPECTION", { GRAPHQL_INTROSPECTION: "sometimes" }],
    ["GRAPHQL_EXPLORER", { GRAPHQL_EXPLORER: "2" }],
    ["CORS_ORIGINS", { CORS_ORIGINS: "*" }],
  ])("a bad %s stops start with a message naming the variable", (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });
});
