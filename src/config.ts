/**
 * Configuration, read from the environment in one place. `loadConfig` validates every variable
 * and returns a frozen object, or throws a ConfigError naming the variable at fault.
 */

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly logLevel: LogLevel;
  /** Apply pending migrations at start. Default: on for SQLite, off for Postgres. */
  readonly migrateOnStart: boolean;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = "file:./data/jwk-gateway.db";

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

export function loadConfig(env: Env): Config {
  const production = env.NODE_ENV === "production";
  const databaseUrl = nonEmpty(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL;
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
  });
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
