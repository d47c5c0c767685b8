/**
 * A fresh Postgres database per suite, dropped afterwards.
 *
 * Postgres suites run whenever Postgres answers at TEST_PG_ADMIN_URL (default: the local cluster,
 * user postgres). With CI=true they are mandatory: an unreachable server fails the run instead of
 * skipping it. Elsewhere they are skipped with the reason printed once.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

let probe: Promise<string | undefined> | undefined;

/** `undefined` when Postgres is reachable, else why not. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query("select 1");
      return undefined;
    } catch (error) {
      return `Postgres is not reachable at ${ADMIN_URL}: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return probe;
}

/**
 * Resolves to true when Postgres suites should run. Throws under CI=true when Postgres is missing.
 * Use as: `const pgReady = await postgresAvailable(); describe.runIf(pgReady)(…)`.
 */
export async function postgresAvailable(): Promise<boolean> {
  const reason = await postgresUnavailableReason();
  if (reason === undefined) return true;
  if (process.env.CI === "true") throw new Error(`${reason} (Postgres tests are mandatory when CI=true)`);
  if (!warned) {
    warned = true;
    console.warn(`[skip] Postgres suites skipped: ${reason}`);
  }
  return false;
}
let warned = false;

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `jwkgw_test_<random>` and returns its URL; `drop()` removes it (WITH (FORCE)). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `jwkgw_test_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
