/**
 * What a GraphQL caller sees of an error. Domain errors keep their code (CONTRACT.md's
 * `extensions.code`) and message; request errors found by Apollo/graphql-js before any resolver ran
 * keep theirs; anything else is masked as INTERNAL_SERVER_ERROR and logged here, never returned.
 */
import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { JwkGatewayError } from "../domain/errors.js";
import { describeError, type Logger } from "../logging.js";

/** Codes Apollo and graphql-js give to problems with the request itself: safe to show as they are. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

export const INTERNAL_ERROR_MESSAGE = "Internal server error";

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof JwkGatewayError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.reason) extensions.reason = original.reason;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && REQUEST_ERROR_CODES.has(code) && original === error) return formatted;

    logger.error({ err: describeError(original), path: formatted.path }, "unexpected error in a GraphQL operation");
    return {
      message: INTERNAL_ERROR_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
