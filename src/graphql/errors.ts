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
    if (typeof code === "string" && REQUEST_ERROR_CODES.has(code) && original === error) return { ...formatted, message: withoutVariableValue(formatted.message) };

    logger.error({ err: describeError(original), path: formatted.path }, "unexpected error in a GraphQL operation");
    return {
      message: INTERNAL_ERROR_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}

const INVALID_VARIABLE = /^Variable "\$(\w+)" got invalid value /;
const INVALID_VARIABLE_PATH = / at "([\w$]+(?:\.\w+|\[\d+\])*)"; /;
/** graphql-js's own explanations, which name fields and types but not values. */
const INVALID_VARIABLE_REASON =
  /(Field "[^"]*" is not defined by type "[^"]*"\.|Field "[^"]*" of required type "[^"]*" was not provided\.|Expected non-nullable type "[^"]*" not to be null\.|Expected type "[^"]*" to be an object\.|\w+ cannot represent [^:;"]*?(?=:|$))/;

/**
 * graphql-js prints the whole rejected variable value into the message ("Variable "$input" got
 * invalid value { kty: "EC", d: "…" }; Field "oth" is not defined…"), so a key sent with an
 * unknown or mistyped member would come back with its private members (NL-3). Keep the variable,
 * the path and the reason; drop the value.
 */
export function withoutVariableValue(message: string): string {
  const variable = INVALID_VARIABLE.exec(message);
  if (!variable) return message;
  const path = INVALID_VARIABLE_PATH.exec(message)?.[1];
  const reason = INVALID_VARIABLE_REASON.exec(message.slice(variable[0].length))?.[1] ?? "it does not match its input type.";
  return `Variable "$${variable[1]}" got an invalid value${path ? ` at "${path}"` : ""}: ${reason.endsWith(".") ? reason : `${reason}.`}`;
}
