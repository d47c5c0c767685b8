/**
 * Applies, creates and lists database migrations (README, "Migrations"):
 *
 *   npm run db:migrate                      apply pending migrations
 *   npm run db:migrate:create -- <name>     write a new migration for DATABASE_URL's provider
 *   npm run db:migrate:status               list pending / edited / failed migrations
 *
 * Reads DATABASE_URL like the gateway. The work is src/cli/migrate.ts.
 */
import { runMigrate } from "../src/cli/migrate.js";

// Exit explicitly: the schema engine leaves its 10 s advisory-lock timer pending after a Postgres
// deploy, which would otherwise keep the process alive for that long (stdout/stderr are synchronous
// for files and pipes on Linux, so nothing printed is lost).
runMigrate(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`migrate failed: ${error instanceof Error ? error.message.split("\n", 1)[0] : String(error)}`);
    process.exit(1);
  },
);
