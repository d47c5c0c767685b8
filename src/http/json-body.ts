/**
 * The server's `application/json` body parser (GraphQL's and every route's outside the REST plugin,
 * which keeps its own with Hydra's error envelope, src/rest/api.ts): Fastify's secure parser, then
 * the text rules of json-text.ts, so that /graphql refuses what REST refuses: a member name
 * repeated within one object (RFC 7517 §4; JSON.parse would keep the last, so GraphQL variables
 * holding `"d"` twice would be read differently by another parser) and nesting past MAX_JSON_DEPTH.
 *
 * Refusals are HTTP 400 errors for the server's error handler (BAD_REQUEST on /graphql, like any
 * other body GraphQL cannot use); their messages name the rule and at most a member name, never a
 * value, and say nothing of V8's own parse messages, which quote the body.
 */
import type { FastifyInstance } from "fastify";
import { describeJsonTextProblem, jsonTextProblem } from "./json-text.js";

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

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    void parse(request, body as string, (error, value) => {
      if (error) return done(new JsonBodyError(describeParseError(error), "MALFORMED_BODY"), undefined);
      const problem = jsonTextProblem(body as string);
      if (problem !== undefined) {
        return done(
          new JsonBodyError(
            `Unusable JSON body: ${describeJsonTextProblem(problem)}`,
            problem.kind === "duplicate" ? "DUPLICATE_MEMBER" : "JSON_TOO_DEEP",
          ),
          undefined,
        );
      }
      done(null, value);
    });
  });
}

/** Fastify's messages for an empty body and forbidden keys are its own; V8's syntax errors quote the body. */
function describeParseError(error: Error & { code?: string }): string {
  if (error.code?.startsWith("FST_ERR_")) return error.message;
  if (error.message.startsWith("Object contains forbidden"))
    return "Unusable JSON body: it contains a forbidden __proto__ or constructor property";
  return "Body is not valid JSON but content-type is set to 'application/json'";
}
