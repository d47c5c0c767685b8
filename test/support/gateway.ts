/**
 * Starts the real gateway (createApp + listen on an ephemeral loopback port) on a given database.
 */
import "reflect-metadata";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createClient, type Client } from "../../client/client.js";

export interface RunningGateway {
  app: App;
  /** http://127.0.0.1:<port> */
  origin: string;
  client: Client;
  /** POSTs a raw GraphQL document. */
  graphql(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  /** RSA modulus for generated keys; tests default to 2048 to stay fast. */
  rsaModulusLength?: number;
  logger?: false | { level: string; stream?: NodeJS.WritableStream };
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const config = loadConfig({ DATABASE_URL: options.databaseUrl, MIGRATE_ON_START: "true", ...options.env });
  const app = await createApp(config, {
    generate: { rsaModulusLength: options.rsaModulusLength ?? 2048 },
    logger: (options.logger ?? false) as never,
  });
  const origin = await app.server.listen({ port: 0, host: "127.0.0.1" });
  return {
    app,
    origin,
    client: createClient(`${origin}/graphql`),
    async graphql(query, variables) {
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    close: () => app.close(),
  };
}
