/**
 * Authentication on HTTP: both transports turn the `Authorization` header into a Caller through the
 * same function (the Authenticator's `authenticate`), GraphQL for its context, REST for
 * `request.caller`. Anonymous routes (health, /metrics, /.well-known/jwks.json, /openapi.json) never
 * ask. The header itself is redacted from logs (logging.ts REDACT_PATHS).
 */
import type { FastifyRequest } from "fastify";
import { callerOf, type Caller, type Principal, type Transport } from "../auth/caller.js";

/** The principal for an `Authorization` header value; never throws (auth/authenticator.ts). `session`: the request's ReadSession. */
export type Authenticate = (authorization: string | undefined, session?: object) => Promise<Principal>;

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the REST plugin's onRequest hook on the key routes. */
    caller?: Caller;
  }
}

/** The request's caller, with a new ReadSession (domain/repository.ts) that its reads share, the token check included. */
export async function authenticateRequest(
  authenticate: Authenticate,
  request: FastifyRequest,
  transport: Transport,
): Promise<Caller> {
  const session = {};
  return callerOf(await authenticate(request.headers.authorization, session), transport, request.id, session);
}

/** The caller of a key route; a route that did not go through the hook is a programming error. */
export function requestCaller(request: FastifyRequest): Caller {
  if (!request.caller)
    throw new TypeError(`${request.method} ${request.routeOptions.url} was served without authentication`);
  return request.caller;
}
