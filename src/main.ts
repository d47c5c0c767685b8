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

  const origin = await app.server.listen({ port: config.port, host: config.host }).catch(async (error: unknown) => {
    await app.close().catch(() => {});
    throw listenError(error, config.port, config.host);
  });
  log.info(
    { graphql: `${origin}/graphql`, database: app.database.provider, production: config.production },
    `jwk-gateway serving GraphQL at ${origin}/graphql`,
  );
}

/** A listen failure in one line: the usual ones are a busy port and an address this host does not have. */
function listenError(error: unknown, port: number, host: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === "EADDRINUSE")
    return new StartupError(`PORT ${port} is in use on ${host}: stop what listens there, or set PORT to another port`);
  if (code === "EADDRNOTAVAIL")
    return new StartupError(
      `HOST ${host} is not an address of this machine: set HOST to one of its addresses (default 127.0.0.1)`,
    );
  if (code === "EACCES")
    return new StartupError(`PORT ${port} needs privileges this process does not have: use a port above 1023`);
  return error;
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
