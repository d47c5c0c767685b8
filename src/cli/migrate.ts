/**
 * `npm run db:migrate*`: database migrations through the wasm schema engine, because the Prisma CLI's
 * `migrate` commands need a native engine binary that is not installed with the packages
 * (src/persistence/db/migrate.ts). This is `jwk-gateway migrate` (src/cli/main.ts); the npm scripts
 * are its aliases.
 *
 *   npm run db:migrate                      apply pending migrations (like `prisma migrate deploy`)
 *   npm run db:migrate:create -- <name>     write prisma/<provider>/migrations/<UTC timestamp>_<name>/
 *                                           from the difference between the migrations and prisma/models
 *   npm run db:migrate:status               list pending / edited / failed migrations (exit 1 unless up to date)
 *
 * DATABASE_URL picks the provider and the database (default file:./data/jwk-gateway.db, relative to
 * the current folder). `create` writes the migration for that provider only. A model change needs a
 * migration for BOTH providers, so run it twice:
 *
 *   npm run db:migrate:create -- add_status
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<scratch db> npm run db:migrate:create -- add_status
 *
 * `create` on Postgres needs the CREATEDB privilege (it replays the migrations on a temporary shadow
 * database). In production, where tsx is not installed, the compiled app applies migrations itself
 * with MIGRATE_ON_START=true.
 */
import { readDatabaseUrl } from "../config.js";
import { describeMigrationError, migrate } from "../persistence/db/migrate.js";
import { providerOf, type Provider } from "../persistence/db/url.js";

export interface MigrateIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE =
  "usage: jwk-gateway migrate deploy | create <name> | status (npm run db:migrate, db:migrate:create, db:migrate:status)";

/** Exit status: 0 on success (status: up to date), 1 on failure or a database that is not up to date, 2 on bad usage. */
export async function runMigrate(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: MigrateIo,
): Promise<number> {
  const url = readDatabaseUrl(env);
  try {
    return await run(argv, url, io);
  } catch (error) {
    let provider: Provider | undefined;
    try {
      provider = providerOf(url);
    } catch {
      provider = undefined;
    }
    io.err(
      `migrate failed: ${provider ? describeMigrationError(error, provider) : error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

async function run(argv: readonly string[], url: string, io: MigrateIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "deploy" && command !== "create" && command !== "status") {
    io.err(USAGE);
    return 2;
  }
  if ((command === "create" && rest.length !== 1) || (command !== "create" && rest.length > 0)) {
    io.err(USAGE);
    return 2;
  }
  const provider = providerOf(url);
  const where = `${provider} ${provider === "postgres" ? redact(url) : url}`;
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)} ms`;

  switch (command) {
    case "deploy": {
      const { applied } = await migrate("deploy", { provider, url });
      if (applied.length === 0) io.out(`${where}: no pending migrations, the database is up to date (${took()})`);
      else
        io.out(
          `${where}: applied ${applied.length} migration(s) (${took()}):\n${applied.map((name) => `  ${name}`).join("\n")}`,
        );
      return 0;
    }
    case "create": {
      const created = await migrate("create", { provider, url, name: rest[0] });
      if (created === null)
        io.out(
          `${provider}: no changes, prisma/models matches the ${provider} migrations; nothing written (${took()})`,
        );
      else
        io.out(`${provider}: created ${created.path} (${took()})\nReview it, then apply it with npm run db:migrate.`);
      return 0;
    }
    case "status": {
      const status = await migrate("status", { provider, url });
      if (status.upToDate) {
        io.out(`${where}: up to date (${took()})`);
        return 0;
      }
      const lines = [`${where}: NOT up to date (${took()})`];
      const list = (label: string, names: string[]) => {
        if (names.length > 0) lines.push(`${label}:`, ...names.map((name) => `  ${name}`));
      };
      list("pending (run npm run db:migrate)", status.pending);
      list("edited after they were applied", status.edited);
      list("failed", status.failed);
      list("applied to the database but missing from prisma/" + provider + "/migrations", status.unknown);
      io.out(lines.join("\n"));
      return 1;
    }
  }
}

/** The URL without its password. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
