/**
 * CORS for browser frontends (README, "GraphQL hardening"): only the origins in CORS_ORIGINS, compared
 * exactly, are answered with `Access-Control-Allow-Origin`; any other origin gets no CORS header and
 * its preflight is refused with 403 and a message that names CORS_ORIGINS, so the browser blocks the
 * call and the person reading the network panel knows what to change. No cookies are involved
 * (callers send a bearer token), so credentials stay off. `/.well-known/jwks.json` sets `*` itself
 * (src/http/jwks.ts).
 */
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

/**
 * What a cross-origin caller may send: the bearer token, JSON, Apollo's CSRF preflight headers, and
 * the client-awareness headers Apollo Client and Sandbox send once a client name is configured.
 */
export const CORS_ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "apollographql-client-name",
  "apollographql-client-version",
] as const;
/** GraphQL uses GET and POST; the REST routes also PUT and DELETE. */
export const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"] as const;
/** How long a browser may reuse a preflight answer, in seconds. */
export const CORS_MAX_AGE = 600;

export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const allowed = new Set(origins);
  // A preflight from any other origin is answered here, before a route (Apollo's would answer with
  // its CSRF message, which sends whoever debugs CORS the wrong way).
  app.addHook("onRequest", async (request, reply) => {
    if (request.method !== "OPTIONS") return;
    const origin = request.headers.origin;
    if (origin === undefined || request.headers["access-control-request-method"] === undefined || allowed.has(origin))
      return;
    return reply.status(403).send({
      error: "CORS_ORIGIN_NOT_ALLOWED",
      message:
        `The origin ${JSON.stringify(origin.slice(0, 200))} may not call this gateway from a browser: it is not in CORS_ORIGINS. ` +
        "Add it (exactly scheme://host[:port], comma-separated) and restart the gateway.",
    });
  });
  // No origin allowed (the default): nothing more to answer. Browsers see no Access-Control-Allow-Origin.
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: false,
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    maxAge: CORS_MAX_AGE,
    strictPreflight: true,
  });
}
