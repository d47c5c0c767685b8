/**
 * REST errors in Hydra's envelope, `{"error": "...", "error_description": "..."}` (the v1.11+/HEAD
 * shape that Hydra's SDKs parse), derived from the domain's error catalogue: the HTTP status comes
 * from `httpStatusOf(code)`, so REST and GraphQL can never disagree about what an error is.
 *
 * The strings follow Hydra's (README, "REST API (Hydra-compatible)"; test/rest/routes.test.ts): a
 * missing set or key, an unsupported algorithm and a conflict answer with Hydra's exact bodies; other
 * refusals keep Hydra's `error` string for their status and carry the domain's message, which never
 * holds key material.
 */
import { httpStatusOf, JwkGatewayError, type ErrorCode } from "../errors.js";

export interface HydraErrorBody {
  error: string;
  error_description: string;
}

export interface RestError {
  status: number;
  code: ErrorCode;
  body: HydraErrorBody;
}

/** herodot's `ErrBadRequest` text: Hydra's `error` for requests it cannot use. */
export const MALFORMED_REQUEST = "The request was malformed or contained invalid parameters";
/** The prefix Hydra (v2.2+) gives every body that does not decode. */
export const DECODE_ERROR_PREFIX = "Unable to decode the request body: ";

const UNSUPPORTED_MEDIA_TYPE = "The request body must be JSON, sent with Content-Type: application/json";

/** Hydra's bodies, where a caller may match them byte for byte. */
const NOT_FOUND: HydraErrorBody = { error: "Not Found", error_description: "Unable to locate the requested resource" };
const UNSUPPORTED_ALGORITHM: HydraErrorBody = { error: "Bad Request", error_description: "Unsupported key algorithm" };
const CONFLICT: HydraErrorBody = {
  error: "Unable to insert or update resource because a resource with that value exists already",
  error_description: "",
};
/** Hydra's answer to anything it does not recognise; it says nothing about the cause, on purpose. */
const INTERNAL: HydraErrorBody = { error: "error", error_description: "The error is unrecognizable" };

/** The `error` string for the codes whose body carries the domain's own message. */
const ERROR_TEXT: Record<ErrorCode, string> = {
  BAD_USER_INPUT: MALFORMED_REQUEST,
  UNAUTHENTICATED: "Unauthorized",
  FORBIDDEN: "Forbidden",
  NOT_FOUND: NOT_FOUND.error,
  NOT_ACCEPTABLE: "Not Acceptable",
  CONFLICT: CONFLICT.error,
  // A 409 whose message says what to do first (e.g. rotate before revoking the signing key).
  FAILED_PRECONDITION: "Failed Precondition",
  PAYLOAD_TOO_LARGE: "Payload Too Large",
  INTERNAL_SERVER_ERROR: INTERNAL.error,
  // Hydra's 500 `error`, with the domain's message naming the row (never its material).
  KEY_INTEGRITY: INTERNAL.error,
  SERVICE_UNAVAILABLE: "Service Unavailable",
  // A 503 with the domain's message (retry later; the API also sends Retry-After).
  KEY_GENERATION_BUSY: "Service Unavailable",
};

/** What Fastify attaches to the errors it raises itself (bad JSON, schema failures, size limits). */
interface FastifyRequestError extends Error {
  statusCode?: number;
  code?: string;
  validation?: unknown[];
}

/** A request body that is not JSON, or not the JSON the route expects (Hydra's "decode error"). */
export class MalformedBodyError extends JwkGatewayError {
  override name = "MalformedBodyError";
  constructor(detail: string) {
    super("BAD_USER_INPUT", `${DECODE_ERROR_PREFIX}${detail}`, "MALFORMED_BODY");
  }
}

/** The envelope for a domain error. */
export function fromDomainError(error: JwkGatewayError): RestError {
  const status = httpStatusOf(error.code);
  if (error.code === "NOT_FOUND") return { status, code: error.code, body: NOT_FOUND };
  if (error.code === "CONFLICT") return { status, code: error.code, body: CONFLICT };
  if (error.reason === "UNSUPPORTED_ALGORITHM") return { status, code: error.code, body: UNSUPPORTED_ALGORITHM };
  if (error.code === "INTERNAL_SERVER_ERROR") return { status, code: error.code, body: INTERNAL };
  return { status, code: error.code, body: { error: ERROR_TEXT[error.code], error_description: error.message } };
}

/**
 * Any error a REST route raised, as the caller will see it; `undefined` means unexpected (a bug or
 * a store failure), which the caller must log and answer with `internalError()`.
 */
export function toRestError(error: unknown): RestError | undefined {
  if (error instanceof JwkGatewayError) return fromDomainError(error);
  const raised = error as FastifyRequestError;
  if (!(error instanceof Error) || typeof raised.statusCode !== "number") return undefined;
  // Fastify's own refusals, raised before a handler runs. Their messages state a rule about the
  // request (e.g. "body/keys must be array") and never echo the body, so they are safe to show.
  if (raised.statusCode === 413) {
    return {
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      body: { error: ERROR_TEXT.PAYLOAD_TOO_LARGE, error_description: raised.message },
    };
  }
  if (raised.validation) return fromDomainError(new MalformedBodyError(raised.message));
  if (raised.statusCode >= 400 && raised.statusCode < 500) {
    // Bad Content-Length, a body that is not JSON (Hydra decodes any body as JSON; we keep
    // Fastify's 415 so that a browser's form post cannot reach the API without a CORS preflight).
    const description = raised.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" ? UNSUPPORTED_MEDIA_TYPE : raised.message;
    return {
      status: raised.statusCode,
      code: "BAD_USER_INPUT",
      body: { error: MALFORMED_REQUEST, error_description: description },
    };
  }
  return undefined;
}

export function internalError(): RestError {
  return { status: 500, code: "INTERNAL_SERVER_ERROR", body: INTERNAL };
}
