/**
 * The HTTP server: Apollo Server on Fastify, plus health routes. `buildServer` returns an app that
 * is not listening yet, so tests can drive it in-process or listen on an ephemeral port.
 */
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { GraphQLSchema } from "graphql";
import { httpStatusOf } from "../domain/errors.js";
import { createFormatError } from "../graphql/errors.js";
import { explorerPage } from "./explorer.js";

/** Largest request body accepted, checked from Content-Length and while reading, before any parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ServerOptions {
  schema: GraphQLSchema;
  /** Resolves when the store answers; rejects otherwise. */
  ready: () => Promise<void>;
  production: boolean;
  logger: FastifyServerOptions["logger"];
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger, bodyLimit: MAX_BODY_BYTES, disableRequestLogging: false });

  const apollo = new ApolloServer({
    schema: options.schema,
    formatError: createFormatError(app.log),
    includeStacktraceInErrorResponses: false,
    plugins: [
      fastifyApolloDrainPlugin(app),
      options.production
        ? ApolloServerPluginLandingPageDisabled()
        : { serverWillStart: async () => ({ renderLandingPage: async () => ({ html: explorerPage() }) }) },
    ],
  });
  await apollo.start();

  // Errors Fastify raises before Apollo runs (body too large, malformed JSON) still answer in
  // GraphQL's shape on /graphql, with the same codes as everywhere else.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: { type: error.name, code: error.code } }, "request failed");
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
    const message = status < 500 ? error.message : "Internal server error";
    return reply.status(status).send({ errors: [{ message, extensions: { code } }] });
  });

  await app.register(fastifyApollo(apollo));

  app.get("/health/alive", async () => ({ status: "ok" }));
  app.get("/health/ready", async (_request, reply) => {
    try {
      await options.ready();
      return { status: "ok" };
    } catch {
      return reply.status(httpStatusOf("SERVICE_UNAVAILABLE")).send({ status: "unavailable", error: "the database does not answer" });
    }
  });

  return app;
}
