/**
 * The `application/json` body parser of the server and of the REST plugin (which answers with
 * Hydra's error envelope, src/rest/api.ts): Fastify's secure parser, then
 * the text rules of json-text.ts, so that /graphql refuses what REST refuses: a member name
 * repeated within one object (RFC 7517 §4; JSON.parse would keep the last, so GraphQL variables
 * holding `"d"` twice would be read differently by another parser) and nesting past MAX_JSON_DEPTH.
 *
 * Refusals are HTTP 400 errors for the server's error handler (BAD_REQUEST on /graphql, like any
 * other body GraphQL cannot use); their messages name the rule and at most a member name, never a
 * value, and say nothing of V8's own parse messages, which quote the body.
 */
import type { FastifyBodyParser, FastifyInstance } from "fastify";
import { describeJsonTextProblem, jsonTextProblem, type JsonTextProblem } from "./json-text.js";

/** A request body refused before any handler runs; answered 400 by the server's error handler. */
export class JsonBodyError extends Error {
  override name = "JsonBodyError";
  readonly statusCode = 400;
  constructor(
    message: string,
    /** A stable sub-code: MALFORMED_BODY, DUPLICATE_MEMBER or JSON_TOO_DEEP. */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Why a body was refused: a parse failure (`error`, never to be quoted) or a text rule (`problem`). */
export type JsonBodyRefusal =
  | { reason: "MALFORMED_BODY"; error: Error & { code?: string }; problem?: undefined }
  | { reason: "DUPLICATE_MEMBER" | "JSON_TOO_DEEP"; problem: JsonTextProblem; error?: undefined };

/**
 * The checked `application/json` parser, for the server and for the REST plugin, which differ only
 * in the error they answer with (`refuse`) and in REST taking an empty body as no body (Hydra's SDKs
 * send `Content-Type: application/json` on DELETE).
 */
export function checkedJsonParser(
  app: FastifyInstance,
  refuse: (refusal: JsonBodyRefusal) => Error,
  options: { emptyIsNoBody?: boolean } = {},
): FastifyBodyParser<string> {
  const parse = app.getDefaultJsonParser("error", "error");
  return (request, body, done) => {
    const text = body;
    if (options.emptyIsNoBody && text === "") return done(null, undefined);
    void parse(request, text, (error, value) => {
      if (error) return done(refuse({ reason: "MALFORMED_BODY", error }), undefined);
      const problem = jsonTextProblem(text);
      if (problem !== undefined) {
        return done(
          refuse({ reason: problem.kind === "duplicate" ? "DUPLICATE_MEMBER" : "JSON_TOO_DEEP", problem }),
          undefined,
        );
      }
      done(null, value);
    });
  };
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string" },
    checkedJsonParser(app, (refusal) =>
      refusal.problem
        ? new JsonBodyError(`Unusable JSON body: ${describeJsonTextProblem(refusal.problem)}`, refusal.reason)
        : new JsonBodyError(describeParseError(refusal.error), refusal.reason),
    ),
  );
}

/** Fastify's messages for an empty body and forbidden keys are its own; V8's syntax errors quote the body. */
function describeParseError(error: Error & { code?: string }): string {
  if (error.code?.startsWith("FST_ERR_")) return error.message;
  if (error.message.startsWith("Object contains forbidden"))
    return "Unusable JSON body: it contains a forbidden __proto__ or constructor property";
  return "Body is not valid JSON but content-type is set to 'application/json'";
}
