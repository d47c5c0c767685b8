/**
 * The error catalogue. Every error a caller can see is one of these codes; anything else is a bug
 * and is masked as INTERNAL_SERVER_ERROR by the transports. The table below is the single place that
 * maps a code to its HTTP status (GraphQL uses the code itself as `extensions.code`).
 */
import { quote } from "./text.js";

export const ERROR_CODES = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** REST only: the key has no form the request's Accept header asks for (an oct key as PEM). */
  NOT_ACCEPTABLE: 406,
  /** The request is sound but the set's state forbids it now (e.g. revoking the only signing key): README, "Key rotation". */
  FAILED_PRECONDITION: 409,
  // After FAILED_PRECONDITION: a bare 409 (metrics' outcomeOfStatus) counts as CONFLICT.
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A stored key failed to open (tampered, swapped or sealed with an unknown secret): README, "Encryption at rest". */
  KEY_INTEGRITY: 500,
  // After KEY_INTEGRITY: a status seen without its error (metrics' outcomeOfStatus) maps to the last code listed.
  INTERNAL_SERVER_ERROR: 500,
  /** Every RSA generation slot and queue place is taken (domain/generation-limiter.ts); REST adds Retry-After. */
  KEY_GENERATION_BUSY: 503,
  // After KEY_GENERATION_BUSY, for the same reason: a bare 503 counts as SERVICE_UNAVAILABLE.
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** Base class of every error meant for callers. The message must be safe to show: no key material. */
export class JwkGatewayError extends Error {
  override name = "JwkGatewayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** A stable, machine-readable sub-code, e.g. `RSA_TOO_SMALL` (docs/validation-rules.md). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends JwkGatewayError {
  override name = "NotFoundError";
  constructor(message = "Unable to locate the requested resource") {
    super("NOT_FOUND", message);
  }
}

export class BadInputError extends JwkGatewayError {
  override name = "BadInputError";
  constructor(message: string, reason?: string) {
    super("BAD_USER_INPUT", message, reason);
  }
}

/** The key exists but has no representation of the kind asked for (a symmetric key has no public PEM). */
export class NotAcceptableError extends JwkGatewayError {
  override name = "NotAcceptableError";
  constructor(message: string) {
    super("NOT_ACCEPTABLE", message, "NO_SUCH_REPRESENTATION");
  }
}

export class ConflictError extends JwkGatewayError {
  override name = "ConflictError";
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

/** Refused because of the state the keys are in; `reason` says which rule, the message what to do instead. */
export class FailedPreconditionError extends JwkGatewayError {
  override name = "FailedPreconditionError";
  constructor(message: string, reason?: string) {
    super("FAILED_PRECONDITION", message, reason);
  }
}

/** A caller-supplied key was refused. `reason` names the rule, e.g. `EC_D_MISMATCH`. */
export class InvalidKeyError extends BadInputError {
  override name = "InvalidKeyError";
  constructor(reason: string, message: string) {
    super(message, reason);
  }
}

export class UnsupportedAlgorithmError extends BadInputError {
  override name = "UnsupportedAlgorithmError";
  constructor(alg: string) {
    super(`Unsupported key algorithm: ${JSON.stringify(alg.slice(0, 64))}`, "UNSUPPORTED_ALGORITHM");
  }
}

/**
 * No credentials, or credentials that do not verify. One message whatever the reason (missing,
 * malformed, unknown, expired, revoked), so the answer tells nothing about a token; the reason is logged.
 */
export class UnauthenticatedError extends JwkGatewayError {
  override name = "UnauthenticatedError";
  constructor() {
    super("UNAUTHENTICATED", "A valid API token is required: send it as `Authorization: Bearer <token>`");
  }
}

/** Valid credentials without the scope the operation or field needs. */
export class ForbiddenError extends JwkGatewayError {
  override name = "ForbiddenError";
  constructor(readonly scope: string) {
    super("FORBIDDEN", `This needs the scope ${scope}, which the token does not hold`, "INSUFFICIENT_SCOPE");
  }
}

/** The store cannot be reached; callers may retry. */
export class UnavailableError extends JwkGatewayError {
  override name = "UnavailableError";
  constructor(message = "The key store is unavailable, try again later") {
    super("SERVICE_UNAVAILABLE", message);
  }
}

/**
 * Too many RSA generations at once (src/domain/generation-limiter.ts): refused before anything is
 * written. `retryAfterSeconds` is what REST sends as `Retry-After`.
 */
export class KeyGenerationBusyError extends JwkGatewayError {
  override name = "KeyGenerationBusyError";
  constructor(
    readonly concurrency: number,
    readonly queue: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      "KEY_GENERATION_BUSY",
      `Too many RSA keys are being generated right now (${concurrency} at once, ${queue} waiting), so none was created. Try again in a few seconds. ` +
        "Operators: enable or grow the RSA key pool (KEY_POOL_SIZE, KEY_POOL_ALGS), or raise KEY_GENERATION_CONCURRENCY / KEY_GENERATION_QUEUE.",
    );
  }
}

/**
 * A stored key failed its integrity check: its ciphertext was altered, truncated, moved from another
 * row, or sealed with a secret this process does not hold. The message names the row asked for and
 * nothing else (never the material, never which row the ciphertext came from); `detail` says what
 * failed, for the log only.
 */
export class KeyIntegrityError extends JwkGatewayError {
  override name = "KeyIntegrityError";
  constructor(
    readonly set: string,
    readonly kid: string,
    readonly detail: string,
  ) {
    super("KEY_INTEGRITY", `The stored key ${quote(kid)} in set ${quote(set)} failed its integrity check`);
  }
}
