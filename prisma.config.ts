// Used only by `prisma generate`. Migrations run through `jwk-gateway migrate` (src/cli/migrate.ts, on
// Prisma's wasm schema engine), because the CLI's native engine cannot be downloaded here; the stub
// makes any CLI migrate/db command fail loudly instead of pretending to succeed.
import { defineConfig } from "prisma/config";

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= new URL("./scripts/no-schema-engine.sh", import.meta.url).pathname;

export default defineConfig({ schema: "prisma/sqlite" });
