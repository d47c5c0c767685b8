/**
 * The migration tool (src/persistence/db/migrate.ts, schema-engine.ts) on every provider: the committed migrations apply
 * to an empty database and match prisma/models (no drift), deploy is idempotent, status and
 * `_prisma_migrations` look like the Prisma CLI's. Model changes are tried on a copy of prisma/.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/persistence/db/database.js";
import { describeMigrationError, migrate, migrationChecksum } from "../../../src/persistence/db/migrate.js";
import { discretePgConfig, providerOf, type Provider } from "../../../src/persistence/db/url.js";
import { ADMIN_URL } from "../../support/postgres.js";
import { tempSqlite } from "../../support/sqlite.js";
import { freshDatabase } from "../../support/databases.js";
import { storeCases } from "../../support/stores.js";
import { execSql, queryRows } from "../../support/rows.js";
import { runCli } from "../../support/main.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const PRISMA_DIR = path.join(ROOT, "prisma");

/** Runs `jwk-gateway migrate …` (what `npm run db:migrate*` run) in its own process. */
function cli(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(["migrate", ...args], { DATABASE_URL: databaseUrl }, { cwd: ROOT });
}

async function committedMigrations(provider: Provider, prismaDir = PRISMA_DIR): Promise<string[]> {
  const entries = await readdir(path.join(prismaDir, provider, "migrations"), { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every file under a folder with its content, to prove that something wrote nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = await readFile(file, "utf8");
    }
  }
  return out;
}

/** Rows of `_prisma_migrations` and the user tables, read through the app's own client. */
async function inspect(provider: Provider, url: string) {
  const database = await openDatabase(url);
  try {
    const tablesSql =
      provider === "sqlite"
        ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
        : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
    const tables = (await database.client.$queryRawUnsafe<{ name: string }[]>(tablesSql)).map((row) => row.name);
    const migrations = tables.includes("_prisma_migrations")
      ? await database.client.$queryRawUnsafe<
          {
            migration_name: string;
            checksum: string;
            finished_at: unknown;
            applied_steps_count: unknown;
            rolled_back_at: unknown;
            logs: unknown;
          }[]
        >(
          `SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at, logs FROM _prisma_migrations ORDER BY migration_name`,
        )
      : [];
    return { tables, migrations };
  } finally {
    await database.close();
  }
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

async function shadowDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`,
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

describe("describeMigrationError: one line an operator can act on", () => {
  it("a SQLite database held by another process (the engine's unknown `SocketTimeout`) says so and what to do", () => {
    const engine = new Error(
      "Error in the underlying connector (WASM_ERROR): Error: unknown variant `SocketTimeout`, expected one of `GenericJs`, `UnsupportedNativeDataType`\n    at __wbg_Error (schema_engine_bg.js:430:17)\n   0: sql_schema_connector::sql_migration_persistence::initialize",
    );
    expect(describeMigrationError(engine, "sqlite")).toBe(
      "the SQLite database is locked by another process (a running gateway or migration): applying migrations needs it alone, so stop the other gateways first",
    );
  });

  it("anything else: its first line, without the connector's prefix or the wasm stack", () => {
    const engine = new Error(
      "Error in the underlying connector (WASM_ERROR): unable to open database file\n    at wasm://wasm/0149f536:wasm-function[7043]",
    );
    expect(describeMigrationError(engine, "sqlite")).toBe("unable to open database file");
    expect(describeMigrationError(new Error("x".repeat(1000)), "postgres")).toHaveLength(300);
  });
});

describe("providerOf", () => {
  it("maps DATABASE_URL schemes to providers", () => {
    expect(providerOf("file:./data/jwk-gateway.db")).toBe("sqlite");
    expect(providerOf("file:/var/lib/jwk-gateway/keys.db")).toBe("sqlite");
    expect(providerOf("postgres://u:p@db:5432/keys")).toBe("postgres");
    expect(providerOf("postgresql://u@db/keys")).toBe("postgres");
    for (const url of ["mysql://u@db/keys", "./keys.db", "", "sqlite:keys.db"]) {
      expect(() => providerOf(url)).toThrow(/DATABASE_URL/);
    }
  });

  it("gives the tool's PrismaPg discrete settings, never a connectionString (shadow-database safety)", () => {
    const config = discretePgConfig(
      "postgresql://jwk%40gw:p%3Ass%2Fw@db.internal:6543/keys?sslmode=require&application_name=gw",
    );
    expect(config).toEqual({
      host: "db.internal",
      port: 6543,
      user: "jwk@gw",
      password: "p:ss/w",
      database: "keys",
      ssl: true,
      application_name: "gw",
    });
    expect(config).not.toHaveProperty("connectionString");
    expect(() => discretePgConfig("postgresql://u@db/keys?options=-c%20search_path%3Dx")).toThrow(
      /"options" is not supported/,
    );
  });
});

describe.each(await storeCases())("migrate on $name", ({ name: provider }) => {
  let url: string;
  let remove: () => Promise<void>;
  let committed: string[];

  beforeAll(async () => {
    ({ url, cleanup: remove } = await freshDatabase(provider));
    committed = await committedMigrations(provider);
  });
  afterAll(async () => {
    await remove?.();
  });

  it("has committed migrations with a lockfile for this provider", async () => {
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.every((name) => /^\d{14}_[a-z0-9_]+$/.test(name))).toBe(true);
    const lock = await readFile(path.join(PRISMA_DIR, provider, "migrations", "migration_lock.toml"), "utf8");
    expect(lock).toBe(
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider === "postgres" ? "postgresql" : "sqlite"}"\n`,
    );
  });

  it("create with no model change returns null, writes nothing and leaves the database untouched (no drift)", async () => {
    const before = await snapshot(PRISMA_DIR);
    const shadowsBefore = provider === "postgres" ? await shadowDatabases() : [];
    expect(await migrate("create", { provider, url, name: "should_be_empty" })).toBeNull();
    expect(await snapshot(PRISMA_DIR)).toEqual(before);
    // The shadow database is a separate, dropped database; nothing reached the real one.
    expect((await inspect(provider, url)).tables).toEqual([]);
    if (provider === "postgres")
      expect((await shadowDatabases()).filter((name) => !shadowsBefore.includes(name))).toEqual([]);
  });

  it("status of an empty database lists every committed migration as pending", async () => {
    const status = await migrate("status", { provider, url });
    expect(status).toMatchObject({
      upToDate: false,
      pending: committed,
      edited: [],
      failed: [],
      unknown: [],
      hasMigrationsTable: false,
    });
  });

  it("deploy applies the committed migrations, then is idempotent", async () => {
    const started = performance.now();
    expect(await migrate("deploy", { provider, url })).toEqual({ applied: committed });
    const first = performance.now() - started;
    expect(await migrate("deploy", { provider, url })).toEqual({ applied: [] });
    console.info(
      `[timing] ${provider} migrate deploy: ${first.toFixed(0)} ms (empty database), ${(performance.now() - started - first).toFixed(0)} ms (up to date)`,
    );

    const { tables } = await inspect(provider, url);
    expect(tables).toEqual([
      "_prisma_migrations",
      "api_token",
      "audit_event",
      "change_counter",
      "json_web_key",
      "json_web_key_set_policy",
      "key_set_event",
      "keyring_canary",
      "pooled_key",
    ]);
  });

  it("status after deploy reports up to date", async () => {
    expect(await migrate("status", { provider, url })).toEqual({
      upToDate: true,
      pending: [],
      edited: [],
      failed: [],
      unknown: [],
      hasMigrationsTable: true,
    });
  });

  it("records _prisma_migrations like prisma migrate deploy: checksum = sha256(migration.sql)", async () => {
    const { migrations } = await inspect(provider, url);
    expect(migrations.map((row) => row.migration_name)).toEqual(committed);
    for (const row of migrations) {
      const sql = await readFile(
        path.join(PRISMA_DIR, provider, "migrations", row.migration_name, "migration.sql"),
        "utf8",
      );
      expect(row.checksum).toBe(migrationChecksum(sql));
      expect(row.finished_at).not.toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
    }
  });

  it("concurrent deploys on one empty database apply each migration exactly once", async () => {
    const { url: other, cleanup: removeOther } = await freshDatabase(provider);
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrate("deploy", { provider, url: other })));
      expect(results.flatMap((result) => result.applied).sort()).toEqual(committed);
      expect((await inspect(provider, other)).migrations.map((row) => row.migration_name)).toEqual(committed);
    } finally {
      await removeOther();
    }
  });

  it("concurrent CLI deploys from separate processes apply each migration exactly once", async () => {
    const { url: other, cleanup: removeOther } = await freshDatabase(provider);
    try {
      const runs = await Promise.all([1, 2].map(() => cli(["deploy"], other)));
      for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0, stderr: "" });
      expect(runs.filter((run) => new RegExp(`applied ${committed.length} migration`).test(run.stdout))).toHaveLength(
        1,
      );
      expect(runs.filter((run) => /no pending migrations/.test(run.stdout))).toHaveLength(1);
      expect((await inspect(provider, other)).migrations.map((row) => row.migration_name)).toEqual(committed);
      expect(await cli(["status"], other)).toMatchObject({ code: 0, stdout: expect.stringMatching(/up to date/) });
    } finally {
      await removeOther();
    }
  });

  it("on a copy of prisma/: a model change creates a migration that deploys; status notices pending and edited migrations", async () => {
    const copy = await mkdtemp(path.join(tmpdir(), "jwkgw-prisma-"));
    const { url: scratch, cleanup: removeScratch } = await freshDatabase(provider);
    try {
      await cp(PRISMA_DIR, copy, { recursive: true, verbatimSymlinks: true });
      const prismaDir = copy;
      await migrate("deploy", { provider, url: scratch, prismaDir });

      const models = path.join(copy, "models", "keys.prisma");
      await writeFile(
        models,
        (await readFile(models, "utf8")).replace(/(\n\s*data\s+String\n)/, "$1  note      String?\n"),
      );
      await expect(migrate("create", { provider, url: scratch, prismaDir })).rejects.toThrow(/needs a name/);
      const created = await migrate("create", { provider, url: scratch, name: "Add note!", prismaDir });
      expect(created).not.toBeNull();
      expect(created!.name).toMatch(/^\d{14}_add_note$/);
      expect(created!.path).toBe(path.join(copy, provider, "migrations", created!.name, "migration.sql"));
      expect(created!.sql).toMatch(/ALTER TABLE "json_web_key" ADD COLUMN\s+"note" TEXT;/);
      expect(await readFile(created!.path, "utf8")).toBe(created!.sql);
      // The real prisma/ folder did not get it.
      expect(await committedMigrations(provider)).toEqual(committed);

      expect(await migrate("status", { provider, url: scratch, prismaDir })).toMatchObject({
        upToDate: false,
        pending: [created!.name],
      });
      expect(await migrate("deploy", { provider, url: scratch, prismaDir })).toEqual({ applied: [created!.name] });
      expect(await migrate("create", { provider, url: scratch, name: "again", prismaDir })).toBeNull();

      await writeFile(created!.path, `${created!.sql}\n-- edited after it was applied\n`);
      expect(await migrate("status", { provider, url: scratch, prismaDir })).toMatchObject({
        upToDate: false,
        pending: [],
        edited: [created!.name],
      });

      // A database that is ahead of the folder (the migration was applied, then deleted from disk).
      await rm(path.dirname(created!.path), { recursive: true });
      expect(await migrate("status", { provider, url: scratch, prismaDir })).toMatchObject({
        upToDate: false,
        unknown: [created!.name],
      });
    } finally {
      await rm(copy, { recursive: true, force: true });
      await removeScratch();
    }
  });

  it("the lifecycle migration makes every key stored before it ACTIVE, active since it was stored, and keeps the change feed's triggers", async () => {
    const copy = await mkdtemp(path.join(tmpdir(), "jwkgw-prisma-"));
    const { url: scratch, cleanup: removeScratch } = await freshDatabase(provider);
    try {
      // The database as the previous release left it: every migration before the lifecycle one.
      await cp(PRISMA_DIR, copy, { recursive: true, verbatimSymlinks: true });
      const lifecycle = committed.find((name) => name.endsWith("_lifecycle"))!;
      await rm(path.join(copy, provider, "migrations", lifecycle), { recursive: true });
      await migrate("deploy", { provider, url: scratch, prismaDir: copy });
      const created = "2026-01-02 03:04:05.678";
      await execSql(
        scratch,
        `INSERT INTO json_web_key ("set", kid, format, data, "createdAt") VALUES ('old', 'k1', 'jwk+json/v1', '{}', '${created}'), ('old', 'k2', 'jwk+json/v1', '{}', '${created}')`,
      );
      await migrate("deploy", { provider, url: scratch, prismaDir: PRISMA_DIR });
      const rows = await queryRows(
        scratch,
        `SELECT kid, state, "activatedAt" = "createdAt" AS since, "retiredAt", "publishedUntil", "revokedAt" FROM json_web_key ORDER BY kid`,
      );
      expect(rows.map((row) => [row.kid, row.state, Boolean(row.since), row.retiredAt, row.publishedUntil])).toEqual([
        ["k1", "ACTIVE", true, null, null],
        ["k2", "ACTIVE", true, null, null],
      ]);
      if (provider === "sqlite") {
        const triggers = await queryRows(
          scratch,
          `SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`,
        );
        expect(triggers.map((row) => row.name)).toContain("json_web_key_changed_update");
      }
      expect((await migrate("status", { provider, url: scratch, prismaDir: PRISMA_DIR })).pending).toEqual([]);
    } finally {
      await removeScratch();
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("reports the driver's real error message, not an opaque external error id", async () => {
    if (provider === "sqlite") {
      const sqlite = await tempSqlite();
      try {
        // The database path is an existing folder.
        const error = await failure(migrate("deploy", { provider, url: `file:${sqlite.dir}` }));
        expect(error).toBeInstanceOf(Error);
        expect(error.message).not.toMatch(/External error id#/);
        expect(error.message).toMatch(/unable to open database file|directory/i);
      } finally {
        await sqlite.cleanup();
      }
    } else {
      const missing = new URL(url);
      missing.pathname = "/jwkgw_test_does_not_exist";
      const error = await failure(migrate("deploy", { provider, url: missing.toString() }));
      expect(error).toBeInstanceOf(Error);
      expect(error.message).not.toMatch(/External error id#/);
      expect(error.message).toMatch(/jwkgw_test_does_not_exist/);
    }
  });
});

describe("the CLI (jwk-gateway migrate, src/cli/migrate.ts)", () => {
  it("exits non-zero with a clear message on errors and bad usage", async () => {
    const [badUrl, badCommand, noName] = await Promise.all([
      cli(["deploy"], "mysql://u@db/keys"),
      cli(["frobnicate"], "file:./x.db"),
      cli(["create"], "file:./x.db"),
    ]);
    expect(badUrl).toMatchObject({ code: 1, stderr: expect.stringMatching(/^migrate failed: DATABASE_URL must be/) });
    expect(badCommand).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage/) });
    expect(noName).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage/) });
  });

  it("status exits 1 and lists pending migrations on a fresh database", async () => {
    const sqlite = await tempSqlite();
    try {
      const run = await cli(["status"], sqlite.url);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/NOT up to date/);
      for (const name of await committedMigrations("sqlite")) expect(run.stdout).toContain(name);
    } finally {
      await sqlite.cleanup();
    }
  });
});

describe("migrate on sqlite files", () => {
  it("creates the parent folders of a file: URL", async () => {
    const sqlite = await tempSqlite();
    try {
      const url = `file:${path.join(sqlite.dir, "a", "b", "keys.db")}`;
      expect((await migrate("deploy", { provider: "sqlite", url })).applied).toEqual(
        await committedMigrations("sqlite"),
      );
      expect(await migrate("status", { provider: "sqlite", url })).toMatchObject({ upToDate: true });
    } finally {
      await sqlite.cleanup();
    }
  });

  it("refuses a URL of the other provider", async () => {
    await expect(migrate("deploy", { provider: "postgres", url: "file:./x.db" })).rejects.toThrow(/not a postgres URL/);
  });
});
