import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("defaults: 127.0.0.1:4000, SQLite under ./data, info logs, migrations at start", () => {
    expect(loadConfig({})).toEqual({
      production: false,
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: DEFAULT_DATABASE_URL,
      logLevel: "info",
      migrateOnStart: true,
    });
    expect(DEFAULT_DATABASE_URL).toBe("file:./data/jwk-gateway.db");
  });

  it("Postgres does not migrate at start unless MIGRATE_ON_START asks for it", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://u@h/db" }).migrateOnStart).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgresql://u@h/db", MIGRATE_ON_START: "true" }).migrateOnStart).toBe(true);
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
  ])("a bad %s stops start with a message naming the variable", (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });
});
