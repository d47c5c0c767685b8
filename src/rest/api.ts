/**
 * Hydra's JSON Web Key REST API on the gateway's Fastify server: the seed's `/keys/...` routes, the
 * same routes under current Hydra's `/admin/keys/...`, and their OpenAPI document at /openapi.json.
 *
 * Everything REST-specific lives in this encapsulated plugin, so it does not leak into /graphql:
 * Hydra's error envelope (instead of the server's GraphQL-shaped one), strict body validation,
 * `Cache-Control` on reads, and @fastify/swagger, which therefore only documents these routes.
 * Requests go through the same JsonWebKeyService as GraphQL, and so through the same rules.
 *
 * Access control (README, "Access control"): the onRequest hook below is the one place REST asks
 * the policy (auth/policy.ts, through the service, which records refusals). It authenticates every
 * key route and checks its operation before the body is even read, so a refused caller learns
 * nothing from validation and never reaches a handler: 401 (with `WWW-Authenticate: Bearer`) or 403
 * in Hydra's envelope. The handlers (routes.ts) decide nothing. /openapi.json stays anonymous.
 */
import swagger from "@fastify/swagger";
import { Ajv } from "ajv";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { isOperation, type Operation } from "../auth/policy.js";
import type { JsonWebKeyService } from "../domain/service.js";
import { authenticateRequest, type Authenticate } from "../http/auth.js";
import { ForbiddenError, KeyGenerationBusyError } from "../errors.js";
import { describeError } from "../logging.js";
import { internalError, MalformedBodyError, toRestError } from "./errors.js";
import { checkedJsonParser } from "../http/json-body.js";
import { describeJsonTextProblem } from "../http/json-text.js";
import { keyRoutes } from "./routes.js";
import { PEM_MEDIA_TYPE, SHARED_SCHEMAS } from "./schemas.js";

export interface RestApiOptions {
  service: JsonWebKeyService;
  /** Who is calling (auth/authenticator.ts); the same function GraphQL uses. */
  authenticate: Authenticate;
}

export const OPENAPI_PATH = "/openapi.json";

/** Hydra (v2+) sends this on every GET: key material must not sit in shared or browser caches. */
export const NO_CACHE = "private, no-cache, no-store, must-revalidate";

export const restApi: FastifyPluginAsync<RestApiOptions> = async (app, { service, authenticate }) => {
  // Fastify's default Ajv coerces types (`"kid": 5` would become "5", `null` would become "");
  // GraphQL refuses such values, so REST validates without coercion to refuse them too.
  const ajv = new Ajv({
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    allowUnionTypes: true,
    schemas: [...SHARED_SCHEMAS],
  });
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  // Bodies are JSON and nothing else (Fastify would also take text/plain, a type browsers send
  // cross-site without a CORS preflight). Hydra's SDKs send `Content-Type: application/json` on
  // DELETE with no body, which Fastify's parser refuses: here an empty body is no body. A member
  // name repeated within one object (RFC 7517 §4) and nesting past MAX_JSON_DEPTH are refused;
  // values are never quoted.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string" },
    checkedJsonParser(
      app,
      (refusal) =>
        new MalformedBodyError(
          refusal.problem ? describeJsonTextProblem(refusal.problem) : describeJsonError(refusal.error),
        ),
      { emptyIsNoBody: true },
    ),
  );

  // PEM text for PUT /keys/{set}/{kid} (README, "Bring your own keys"): kept as text, read by the
  // service (domain/pem.ts). Any other route's schema wants a JSON object and refuses it.
  app.addContentTypeParser(PEM_MEDIA_TYPE, { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.addHook("onRequest", async (request, reply) => {
    if (request.method === "GET" || request.method === "HEAD") reply.header("cache-control", NO_CACHE);
  });

  app.addHook("onRequest", async (request) => {
    const operation = operationOf(request);
    if (operation === undefined) return;
    request.caller = await authenticateRequest(authenticate, request, "rest");
    const { set, kid } = request.params as { set?: string; kid?: string };
    await service.authorize(request.caller, { operation, set, kid });
  });

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "jwk-gateway REST API",
        version: "1.0.0",
        description:
          "Ory Hydra's JSON Web Key admin API. Every route is also served under /admin (e.g. /admin/keys/{set}), " +
          'as current Hydra does. Errors are {"error", "error_description"}.',
      },
      tags: [{ name: "keys", description: "JSON Web Keys and Sets" }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description:
              "An API token, `jwkgw_<id>_<secret>` (npm run token -- create). Reads need keys:read, writes keys:write; " +
              "private members are returned only to tokens holding keys:read-private (others get the public projection, oct keys left out).",
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Name components after the shared schemas' $id rather than def-0, def-1, …
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
  });

  await app.register(keyRoutes, { service });
  await app.register(keyRoutes, { service, prefix: "/admin", hidden: true });

  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
};

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const known = toRestError(error);
  if (!known) request.log.error({ err: describeError(error) }, "unexpected error in a REST operation");
  const { status, code, body } = known ?? internalError();
  // RFC 6750 §3: the challenge on 401, and the missing scope on 403.
  if (code === "UNAUTHENTICATED") reply.header("www-authenticate", 'Bearer realm="jwk-gateway"');
  if (code === "FORBIDDEN" && error instanceof ForbiddenError)
    reply.header("www-authenticate", `Bearer realm="jwk-gateway", error="insufficient_scope", scope="${error.scope}"`);
  // RFC 9110 §10.2.3: when to try again after KEY_GENERATION_BUSY.
  if (error instanceof KeyGenerationBusyError) reply.header("retry-after", String(error.retryAfterSeconds));
  return reply.status(status).send(body);
}

/** The seed operation a route serves (its schema's operationId), if it is one the policy knows. */
function operationOf(request: FastifyRequest): Operation | undefined {
  const operationId = (request.routeOptions.schema as { operationId?: unknown } | undefined)?.operationId;
  return typeof operationId === "string" && isOperation(operationId) ? operationId : undefined;
}

/** Says why a body is not JSON without quoting it: the body may hold key material. */
function describeJsonError(error: Error): string {
  if (error.message.startsWith("Object contains forbidden"))
    return "the body contains a forbidden __proto__ or constructor property";
  const position = /position (\d+)/.exec(error.message);
  return `the body is not valid JSON${position ? ` (at position ${position[1]})` : ""}`;
}
