/**
 * DATABASE_URL, parsed in one place for every user of the database (opening it, the migration tool,
 * the change feed, the development secret file):
 *
 * - `file:<path>`: SQLite; relative paths resolve from the process cwd, as better-sqlite3 opens them.
 * - `postgres(ql)://…`: PostgreSQL. The app hands the URL to pg as it is; the migration tool takes it
 *   apart into discrete settings (discretePgConfig says why).
 */

export type Provider = "sqlite" | "postgres";

/** Which provider a DATABASE_URL belongs to. */
export function providerOf(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return "postgres";
  throw new Error(
    "DATABASE_URL must be a SQLite URL (file:./data/jwk-gateway.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database)",
  );
}

/** The file path of a `file:` URL as better-sqlite3 opens it (relative paths resolve from the cwd). */
export function sqliteFilePath(url: string): string {
  if (!url.startsWith("file:")) throw new Error("DATABASE_URL is not a SQLite file: URL");
  const file = url.slice("file:".length);
  if (file.startsWith("//"))
    throw new Error("DATABASE_URL: write SQLite URLs as file:./relative.db or file:/absolute.db, not file://");
  if (file.includes("?")) throw new Error("DATABASE_URL: SQLite URLs take no query parameters here");
  if (file === "" || file === ":memory:") throw new Error("DATABASE_URL: a SQLite database needs a file path");
  return file;
}

export interface PgConfig {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  application_name?: string;
}

/**
 * A PostgreSQL URL as discrete pg settings, never a connectionString: pg lets a connectionString
 * override `database`, which would make the migration tool's temporary shadow database the real one
 * (src/persistence/db/schema-engine.ts, workaround 5).
 */
export function discretePgConfig(url: string): PgConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("DATABASE_URL is not a valid PostgreSQL URL");
  }
  const config: PgConfig = {
    host: decodeURIComponent(parsed.hostname) || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
  };
  if (parsed.username) config.user = decodeURIComponent(parsed.username);
  if (parsed.password) config.password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database) config.database = database;
  for (const [key, value] of parsed.searchParams) {
    switch (key) {
      case "host": // unix socket folder, e.g. ?host=/var/run/postgresql
        config.host = value;
        break;
      case "application_name":
        config.application_name = value;
        break;
      case "sslmode":
        if (value === "disable") config.ssl = false;
        else if (value === "no-verify") config.ssl = { rejectUnauthorized: false };
        else if (value === "require" || value === "verify-ca" || value === "verify-full") config.ssl = true;
        else if (value !== "prefer" && value !== "allow")
          throw new Error(`DATABASE_URL: sslmode=${value} is not supported by the migration tool`);
        break;
      default:
        throw new Error(`DATABASE_URL: the parameter "${key}" is not supported by the migration tool`);
    }
  }
  return config;
}
