/**
 * Starts the real gateway (createApp + listen on an ephemeral loopback port) on a given database.
 */
import "reflect-metadata";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createClient, type Client } from "../../client/client.js";
import { TEST_SECRET } from "./keyring.js";

export interface RunningGateway {
  app: App;
  /** http://127.0.0.1:<port> */
  origin: string;
  client: Client;
  /** POSTs a raw GraphQL document, with extra headers (e.g. `authorization`). */
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  /** Extra environment; SECRETS_SYSTEM defaults to TEST_SECRET (pass "" for the development secret file). */
  env?: Record<string, string>;
  /**
   * The database is migrated already and may be open elsewhere (a test's store): only check the
   * migrations. On SQLite, deploying takes a lock that another open connection makes it wait for.
   */
  migrated?: boolean;
  /** RSA modulus for generated keys; tests default to 2048 to stay fast. */
  rsaModulusLength?: number;
  logger?: false | { level: string; stream?: NodeJS.WritableStream };
  /** How often open mode asks whether a token exists (default: the app's). */
  openModeRecheckMs?: number;
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const config = loadConfig({ DATABASE_URL: options.databaseUrl, MIGRATE_ON_START: options.migrated ? "false" : "true", SECRETS_SYSTEM: TEST_SECRET, ...options.env });
  const app = await createApp(config, {
    generate: { rsaModulusLength: options.rsaModulusLength ?? 2048 },
    logger: (options.logger ?? false) as never,
    openModeRecheckMs: options.openModeRecheckMs,
  });
  const origin = await app.server.listen({ port: 0, host: "127.0.0.1" });
  return {
    app,
    origin,
    client: createClient(`${origin}/graphql`),
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    close: () => app.close(),
  };
}
