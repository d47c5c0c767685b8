/**
 * The composition root: the one place that wires storage, domain, GraphQL and HTTP together.
 * It takes a validated Config (only main.ts reads the environment) and returns an app that is
 * ready to listen.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { Config } from "./config.js";
import type { GenerateOptions } from "./domain/generate.js";
import { JsonWebKeyService } from "./domain/service.js";
import { createSchema } from "./graphql/schema.js";
import { buildServer } from "./http/server.js";
import { REDACT_PATHS } from "./logging.js";
import { openDatabase, type Database } from "./persistence/database.js";
import { migrate, providerOf } from "./persistence/migrate.js";
import { PrismaJsonWebKeyRepository } from "./persistence/prisma-repository.js";

export interface App {
  server: FastifyInstance;
  service: JsonWebKeyService;
  database: Database;
  /** Stops accepting requests, drains in-flight ones, then closes the database. */
  close(): Promise<void>;
}

export interface AppOverrides {
  /** Key generation settings; tests use smaller RSA keys to stay fast. */
  generate?: GenerateOptions;
  /** A pino logger configuration, or `false`; defaults to the configured level. */
  logger?: FastifyServerOptions["logger"];
}

/** Schemas and migrations, found next to the code (src/ or dist/) rather than from the working directory. */
const PRISMA_DIR = fileURLToPath(new URL("../prisma", import.meta.url));

/** Refusal to start, with a message that tells the operator what to do. */
export class StartupError extends Error {
  override name = "StartupError";
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  await prepareSchema(config);
  const database = await openDatabase(config.databaseUrl);
  try {
    const repository = new PrismaJsonWebKeyRepository(database);
    const service = new JsonWebKeyService({ repository, generate: overrides.generate });
    const server = await buildServer({
      schema: await createSchema(service),
      ready: () => repository.ping(),
      production: config.production,
      logger: overrides.logger ?? { level: config.logLevel, redact: REDACT_PATHS },
    });
    return {
      server,
      service,
      database,
      close: async () => {
        await server.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Applies migrations when configured to, and otherwise refuses to serve a database that is behind. */
async function prepareSchema(config: Config): Promise<void> {
  const provider = providerOf(config.databaseUrl);
  if (config.migrateOnStart) {
    await migrate("deploy", { provider, url: config.databaseUrl, prismaDir: PRISMA_DIR });
    return;
  }
  const status = await migrate("status", { provider, url: config.databaseUrl, prismaDir: PRISMA_DIR });
  if (status.pending.length > 0) {
    throw new StartupError(
      `The database is missing ${status.pending.length} migration(s) (${status.pending.join(", ")}). ` +
        "Run `npm run db:migrate` with the same DATABASE_URL, or set MIGRATE_ON_START=true.",
    );
  }
}
