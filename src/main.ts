/**
 * Entry point: reads the environment, starts the gateway, and shuts it down cleanly on SIGINT/SIGTERM.
 */
import "reflect-metadata";
import { createApp, StartupError } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  const log = app.server.log;

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));

  const origin = await app.server.listen({ port: config.port, host: config.host });
  log.info(
    { graphql: `${origin}/graphql`, database: app.database.provider, production: config.production },
    `jwk-gateway serving GraphQL at ${origin}/graphql`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`jwk-gateway: configuration error: ${error.message}`);
  } else if (error instanceof StartupError) {
    console.error(`jwk-gateway: cannot start: ${error.message}`);
  } else {
    console.error("jwk-gateway: failed to start:", error);
  }
  process.exit(1);
});
