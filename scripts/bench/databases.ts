/**
 * A fresh database per benchmark run: a new SQLite file in a temporary folder, or a new Postgres
 * database (`jwkgw_bench_<random>`) on the admin server, dropped (WITH (FORCE)) afterwards.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  kind: "sqlite" | "postgres";
  url: string;
  /** Shown in the report: where the data lived. */
  description: string;
  /** The server version, when known. */
  version?: string;
  drop(): Promise<void>;
}

export async function freshSqlite(): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "jwkgw-bench-"));
  const file = path.join(dir, "bench.db");
  return {
    kind: "sqlite",
    url: `file:${file}`,
    description: `SQLite file in ${os.tmpdir()} (WAL, synchronous=FULL, as the app configures it)`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `undefined` when Postgres answers, else why not. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return `Postgres is not reachable at ${PG_ADMIN_URL}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function freshPostgres(): Promise<BenchDatabase> {
  const name = `jwkgw_bench_${randomBytes(6).toString("hex")}`;
  const version = await admin(`SHOW server_version`).then((rows) => String(rows[0]?.server_version ?? ""));
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    kind: "postgres",
    url: url.toString(),
    description: `Postgres ${version} at ${url.host}, fresh database ${name} (dropped afterwards)`,
    version,
    drop: () => (dropped ??= admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined)),
  };
}

async function admin(sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
