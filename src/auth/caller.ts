/**
 * Who is calling, as every operation sees it: the principal the Authenticator found (a token, open
 * mode, or nobody) plus where the call came from. The service takes a Caller on every operation,
 * asks the policy (policy.ts) what it may do and see, and writes it into the audit trail.
 */
import { SCOPES, type Scope } from "./scopes.js";

/**
 * Where a call came from; recorded in the audit trail. `internal`: code in the same process (tests,
 * scripts); `scheduler`: the gateway's own scheduled rotations (domain/rotation-scheduler.ts).
 */
export type Transport = "graphql" | "rest" | "internal" | "scheduler";

/** The audit trail's actor for calls served in open mode. */
export const OPEN_MODE_ACTOR = "open-mode";
/** The actor of calls without credentials. */
export const ANONYMOUS_ACTOR = "anonymous";
/** The actor of calls whose credentials name no known token (malformed or unknown id). */
export const INVALID_TOKEN_ACTOR = "invalid-token";
/** The actor of in-process calls that come through no transport. */
export const INTERNAL_ACTOR = "internal";
/** The actor of scheduled rotation steps. */
export const SCHEDULER_ACTOR = "scheduler";

export interface Principal {
  /** For the audit trail and logs: a token id, or one of the *_ACTOR names above. Never a secret. */
  readonly actor: string;
  /** False when there were no credentials, or credentials that did not verify. */
  readonly authenticated: boolean;
  readonly scopes: ReadonlySet<Scope>;
  /** The token's name, for logs. */
  readonly name?: string;
  /** Set when authentication could not be decided (the token store failed): every check refuses with it. */
  readonly failure?: Error;
}

export interface Caller extends Principal {
  readonly transport: Transport;
  /** The HTTP request id, when there is one. */
  readonly requestId?: string;
  /** The request's ReadSession (domain/repository.ts): its reads share one sync of the caches. */
  readonly session?: object;
}

const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
const NO_SCOPES: ReadonlySet<Scope> = new Set();

/** Open mode: no token is configured, so every caller gets every scope (see authenticator.ts). */
export const OPEN_MODE: Principal = Object.freeze({ actor: OPEN_MODE_ACTOR, authenticated: true, scopes: ALL_SCOPES });
export const ANONYMOUS: Principal = Object.freeze({ actor: ANONYMOUS_ACTOR, authenticated: false, scopes: NO_SCOPES });

export function invalidCredentials(actor = INVALID_TOKEN_ACTOR): Principal {
  return Object.freeze({ actor, authenticated: false, scopes: NO_SCOPES });
}

export function tokenPrincipal(id: string, name: string, scopes: readonly Scope[]): Principal {
  return Object.freeze({ actor: id, name, authenticated: true, scopes: new Set(scopes) });
}

export function unverified(failure: Error): Principal {
  return Object.freeze({ actor: ANONYMOUS_ACTOR, authenticated: false, scopes: NO_SCOPES, failure });
}

/**
 * In-process code that holds the service object directly (tests, scripts, the benchmark): it has the
 * database anyway, so it gets every scope. Its calls are audited like any other. Adapters never use it.
 */
export const INTERNAL_CALLER: Caller = Object.freeze({
  actor: INTERNAL_ACTOR,
  authenticated: true,
  scopes: ALL_SCOPES,
  transport: "internal",
});

/** The rotation scheduler: the gateway acting on a set's rotation policy, audited as `scheduler`. */
export const SCHEDULER_CALLER: Caller = Object.freeze({
  actor: SCHEDULER_ACTOR,
  authenticated: true,
  scopes: ALL_SCOPES,
  transport: "scheduler",
});

export function callerOf(principal: Principal, transport: Transport, requestId?: string, session?: object): Caller {
  return Object.freeze({
    ...principal,
    transport,
    ...(requestId !== undefined ? { requestId } : {}),
    ...(session !== undefined ? { session } : {}),
  });
}
