/**
 * Fresh, empty databases for suites that run against every provider: a temporary SQLite file, and
 * a new Postgres database when Postgres is reachable (mandatory under CI=true).
 */
import { createTestDatabase, postgresAvailable } from "./postgres.js";
import { tempSqlite } from "./sqlite.js";

export type Provider = "sqlite" | "postgres";

export interface FreshDatabase {
  provider: Provider;
  url: string;
  cleanup(): Promise<void>;
}

/** The providers to test here: SQLite always, Postgres when reachable. */
export async function providers(): Promise<Provider[]> {
  return (await postgresAvailable()) ? ["sqlite", "postgres"] : ["sqlite"];
}

export async function freshDatabase(provider: Provider): Promise<FreshDatabase> {
  if (provider === "postgres") {
    const database = await createTestDatabase();
    return { provider, url: database.url, cleanup: database.drop };
  }
  const sqlite = await tempSqlite();
  return { provider, url: sqlite.url, cleanup: sqlite.cleanup };
}
