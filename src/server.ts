/**
 * The HTTP server: Apollo Server on Fastify, plus health routes. `buildServer` returns an app that
 * is not listening yet, so tests can drive it in-process or listen on an ephemeral port.
 */
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { GraphQLSchema } from "graphql";
import { httpStatusOf } from "./errors.js";
import { MAX_NAME_LENGTH, type JsonWebKeyService, type KeySetLoader } from "./domain/service.js";
import type { GraphQLContext } from "./graphql/auth.js";
import { createFormatError } from "./graphql/errors.js";
import { documentLimits } from "./graphql/hardening.js";
import { metricsPlugin } from "./graphql/metrics-plugin.js";
import { registerSubscriptions } from "./graphql/websocket.js";
import type { SubscriptionSettings } from "./config.js";
import type { KeySetChanges } from "./domain/changes.js";
import { restApi } from "./rest/api.js";
import { authenticateRequest, type Authenticate } from "./http/auth.js";
import { registerCors } from "./http/cors.js";
import { registerExplorer } from "./http/explorer.js";
import { registerJsonBodyParser } from "./http/json-body.js";
import { registerSchemaRoute } from "./http/schema-route.js";
import { registerJwksRoute, type PublicJwks } from "./http/jwks.js";
import { registerMetrics, type GatewayMetrics } from "./http/metrics.js";

/** Largest request body accepted, checked from Content-Length and while reading, before any parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Longest a client may take to send one request, headers and body (slow-client protection), checked
 * every second. It does not bound the time to answer, so a queued RSA-4096 generation is not cut off.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface ServerOptions {
  schema: GraphQLSchema;
  /** Serves the REST routes; GraphQL reaches the same service through `schema`. */
  service: JsonWebKeyService;
  /** Resolves when the store answers; rejects otherwise. */
  ready: () => Promise<void>;
  production: boolean;
  logger: FastifyServerOptions["logger"];
  /** Serves GET /.well-known/jwks.json from this cache. */
  jwks?: PublicJwks;
  /** Serves GET /metrics and counts both transports' operations. */
  metrics?: GatewayMetrics;
  /** Who is calling, from the Authorization header; both transports use it (README, "Access control"). */
  authenticate: Authenticate;
  /** GraphQL introspection and the GraphiQL explorer (GRAPHQL_INTROSPECTION, GRAPHQL_EXPLORER). */
  introspection: boolean;
  explorer: boolean;
  /** Browser origins allowed to call cross-origin (CORS_ORIGINS; README, "GraphQL hardening"). */
  corsOrigins: readonly string[];
  /** GraphQL subscriptions over WebSocket at /graphql (README, "Subscriptions"); none without it. */
  subscriptions?: {
    changes: KeySetChanges;
    settings: SubscriptionSettings;
    /** Calls its listener whenever API tokens may have changed, in any process. */
    onTokensChanged: (listener: () => void) => () => void;
  };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    // REST: Hydra trims a trailing slash; a set or kid of MAX_NAME_LENGTH characters must reach
    // the service (the router's default cap is 100) even when percent-encoded.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 3 * MAX_NAME_LENGTH },
  });
  // First, so its onResponse hook reaches the routes of every plugin registered below.
  if (options.metrics) registerMetrics(app, options.metrics);
  await registerCors(app, options.corsOrigins);
  // JSON bodies: no repeated member, no deep nesting (README, "Limits"); REST has its own, with Hydra's envelope.
  registerJsonBodyParser(app);

  const limits = documentLimits({ production: options.production, introspection: options.introspection });
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    formatError: createFormatError(app.log),
    // Every security flag explicit, whatever NODE_ENV says (README, "GraphQL hardening").
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM (drain, close the feed, the pool and the database, exit 0); Apollo's
    // own handler would re-raise the signal once it has stopped and kill the process mid-close.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    plugins: [
      fastifyApolloDrainPlugin(app),
      // No @cacheControl hints here (key reads must never sit in a shared cache), and the default
      // cache-control plugin wraps every field resolver to compute them (~6% of a read's CPU).
      ApolloServerPluginCacheControlDisabled(),
      // The explorer, when enabled, is answered before Apollo (src/http/explorer.ts).
      ApolloServerPluginLandingPageDisabled(),
      ...limits.plugins,
      ...(options.metrics ? [metricsPlugin(options.metrics)] : []),
    ],
  });
  await apollo.start();

  // Errors Fastify raises before Apollo runs (body too large, malformed JSON) still answer in
  // GraphQL's shape on /graphql, with the same codes as everywhere else.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string; reason?: unknown }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: { type: error.name, code: error.code } }, "request failed");
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
    const message = status < 500 ? error.message : "Internal server error";
    const reason = status < 500 && typeof error.reason === "string" ? { reason: error.reason } : {};
    return reply.status(status).send({ errors: [{ message, extensions: { code, ...reason } }] });
  });

  if (options.explorer) registerExplorer(app);
  await app.register(fastifyApollo(apollo), {
    context: async (request) => {
      const caller = await authenticateRequest(options.authenticate, request, "graphql");
      return { caller, keySets: lazyKeySetLoader(options.service, caller.session) };
    },
  });
  if (options.subscriptions && options.subscriptions.settings.maxConnections > 0) {
    registerSubscriptions(app, {
      schema: options.schema,
      authenticate: options.authenticate,
      changes: options.subscriptions.changes,
      onTokensChanged: options.subscriptions.onTokensChanged,
      settings: options.subscriptions.settings,
      production: options.production,
      introspection: options.introspection,
      corsOrigins: options.corsOrigins,
      metrics: options.metrics,
    });
  }
  // Its own encapsulated plugin, so its Hydra error envelope replaces the handler above.
  await app.register(restApi, { service: options.service, authenticate: options.authenticate });

  // The printed schema, for tools that take SDL rather than introspecting; under the same switch.
  if (options.introspection) registerSchemaRoute(app, options.schema);
  if (options.jwks) registerJwksRoute(app, options.jwks);
  app.get("/health/alive", async () => ({ status: "ok" }));
  app.get("/health/ready", async (_request, reply) => {
    try {
      await options.ready();
      return { status: "ok" };
    } catch {
      return reply
        .status(httpStatusOf("SERVICE_UNAVAILABLE"))
        .send({ status: "unavailable", error: "the database does not answer" });
    }
  });

  return app;
}

/** The request's set loader, made on its first use: a request refused before its resolvers run never touches the service. */
function lazyKeySetLoader(service: JsonWebKeyService, session: object | undefined): KeySetLoader {
  let loader: KeySetLoader | undefined;
  return { load: (set) => (loader ??= service.keySetLoader(session)).load(set) };
}
