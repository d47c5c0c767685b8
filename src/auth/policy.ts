/**
 * The access policy: the one module that answers "may this caller do X / see Y". Every answer is a
 * function of the caller's scopes (auth/scopes.ts) and nothing else; no other module compares scopes.
 *
 * The questions:
 * - may it call an operation? `authorizeOperation` (OPERATION_SCOPES below; reading the audit trail
 *   is the operation `auditEvents`);
 * - may it see private members (`d p q dp dq qi k`)? `canReadPrivateMembers`, or as a check,
 *   `authorizePrivateMembers`. What a caller that may not sees instead is the public projection of
 *   the key (domain/jwk.ts, `toPublicJwk`).
 *
 * Who asks, once per request and question:
 * - REST: the onRequest hook of rest/api.ts, before the body is read;
 * - GraphQL: the auth checker (graphql/auth.ts), on each root field before its resolver runs and on
 *   each private member of JsonWebKey as it resolves;
 * - the service (domain/service.ts), on every operation whoever calls it: the line that cannot be
 *   bypassed. It also decides which members a read hands out. The transports ask first only so that
 *   a refused caller is refused before anything of its request is read.
 * test/auth/matrix.test.ts checks every operation of both transports against its own copy of the
 * table below, and each private member through every way of selecting it.
 */
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { Principal } from "./caller.js";
import { PRIVATE_MEMBERS_SCOPE, type Scope } from "./scopes.js";

/** The scope each operation needs; the GraphQL schema's `@Authorized(...)` names the same (graphql/auth.ts checks it does). */
export const OPERATION_SCOPES = {
  getJsonWebKeySet: "keys:read",
  getJsonWebKey: "keys:read",
  jsonWebKeySets: "keys:read",
  createJsonWebKeySet: "keys:write",
  updateJsonWebKey: "keys:write",
  importJsonWebKey: "keys:write",
  updateJsonWebKeySet: "keys:write",
  deleteJsonWebKey: "keys:write",
  deleteJsonWebKeySet: "keys:write",
  rotateJsonWebKeySet: "keys:write",
  setJsonWebKeySetRotationPolicy: "keys:write",
  revokeJsonWebKey: "keys:write",
  auditEvents: "audit:read",
  jsonWebKeySetChanged: "keys:read",
} as const satisfies Record<string, Scope>;

export type Operation = keyof typeof OPERATION_SCOPES;

/**
 * Operations anyone may call, with or without a token: the public JWKS, which
 * /.well-known/jwks.json serves anonymously too (the public projection, no oct key).
 */
export const ANONYMOUS_OPERATIONS = ["discoverJsonWebKeys"] as const;

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(OPERATION_SCOPES, name);
}

/** Throws unless the caller may call `operation`: UNAUTHENTICATED, FORBIDDEN (naming the scope), or why its credentials could not be checked. */
export function authorizeOperation(principal: Principal, operation: Operation): void {
  authorize(principal, OPERATION_SCOPES[operation]);
}

/** True when the caller may see private members, wherever a key is returned. */
export function canReadPrivateMembers(principal: Principal): boolean {
  return refusal(principal, PRIVATE_MEMBERS_SCOPE) === undefined;
}

/** canReadPrivateMembers as a check, for a field that holds a private member: throws what refuses it. */
export function authorizePrivateMembers(principal: Principal): void {
  authorize(principal, PRIVATE_MEMBERS_SCOPE);
}

/** The rule every question above reduces to: throws UNAUTHENTICATED without valid credentials and FORBIDDEN without `scope`. */
export function authorize(principal: Principal, scope: Scope): void {
  const refused = refusal(principal, scope);
  if (refused) throw refused;
}

/** Why `principal` may not act with `scope`, or undefined when it may. A failed credential check refuses everything. */
function refusal(principal: Principal, scope: Scope): Error | undefined {
  if (principal.failure) return principal.failure;
  if (!principal.authenticated) return new UnauthenticatedError();
  if (!principal.scopes.has(scope)) return new ForbiddenError(scope);
  return undefined;
}
