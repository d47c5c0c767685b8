/**
 * CORS for browser frontends (security.md R4.6): only the origins in CORS_ORIGINS, compared
 * exactly, are answered with `Access-Control-Allow-Origin`; any other origin gets no CORS header and
 * its preflight is refused, so the browser blocks the call. No cookies are involved (callers send a
 * bearer token), so credentials stay off. `/.well-known/jwks.json` sets `*` itself (src/http/jwks.ts).
 */
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

/** What a cross-origin caller may send: the bearer token, JSON, and Apollo's CSRF preflight header. */
export const CORS_ALLOWED_HEADERS = ["authorization", "content-type", "apollo-require-preflight", "x-apollo-operation-name"] as const;
/** GraphQL uses GET and POST; the REST routes also PUT and DELETE. */
export const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"] as const;
/** How long a browser may reuse a preflight answer, in seconds. */
export const CORS_MAX_AGE = 600;

export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  // No origin allowed (the default): nothing to answer, so no hook on every request. Browsers then
  // see no Access-Control-Allow-Origin, and a preflight finds no OPTIONS route (404): refused either way.
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: false,
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    maxAge: CORS_MAX_AGE,
    strictPreflight: true,
  });
}
