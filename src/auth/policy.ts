/**
 * The access policy, in one table: the scope each operation needs. The GraphQL schema's
 * `@Authorized(...)`, the REST routes and the service all read it, so the transports cannot disagree;
 * test/auth/matrix.test.ts walks the schema and the OpenAPI document and checks every operation
 * against its own copy of this table.
 *
 * Private members (`d p q dp dq qi k`) need PRIVATE_MEMBERS_SCOPE on top, per field in GraphQL
 * (a query that selects only public members needs only `keys:read`) and per response in REST (a
 * caller without it gets the public projection).
 */
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { Principal } from "./caller.js";
import { PRIVATE_MEMBERS_SCOPE, type Scope } from "./scopes.js";

export const OPERATION_SCOPES = {
  getJsonWebKeySet: "keys:read",
  getJsonWebKey: "keys:read",
  createJsonWebKeySet: "keys:write",
  updateJsonWebKey: "keys:write",
  updateJsonWebKeySet: "keys:write",
  deleteJsonWebKey: "keys:write",
  deleteJsonWebKeySet: "keys:write",
  auditEvents: "audit:read",
} as const satisfies Record<string, Scope>;

export type Operation = keyof typeof OPERATION_SCOPES;

/**
 * Operations anyone may call, with or without a token: the public JWKS, which
 * /.well-known/jwks.json serves anonymously too (public keys only, no oct key).
 */
export const ANONYMOUS_OPERATIONS = ["discoverJsonWebKeys"] as const;

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(OPERATION_SCOPES, name);
}

/** Throws UNAUTHENTICATED without valid credentials and FORBIDDEN without `scope`. */
export function authorize(principal: Principal, scope: Scope): void {
  if (principal.failure) throw principal.failure;
  if (!principal.authenticated) throw new UnauthenticatedError();
  if (!principal.scopes.has(scope)) throw new ForbiddenError(scope);
}

export function canReadPrivateMembers(principal: Principal): boolean {
  return principal.authenticated && !principal.failure && principal.scopes.has(PRIVATE_MEMBERS_SCOPE);
}
