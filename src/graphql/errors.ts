/**
 * What a GraphQL caller sees of an error. Domain errors keep their code (`extensions.code`, the table
 * of README, "Errors") and message; request errors found by Apollo/graphql-js before any resolver ran
 * keep theirs; anything else is masked as INTERNAL_SERVER_ERROR and logged here, never returned.
 */
import { Kind, parse, type ASTNode, type GraphQLFormattedError, type ValueNode } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { JwkGatewayError } from "../errors.js";
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
    if (typeof code === "string" && REQUEST_ERROR_CODES.has(code) && original === error) {
      return {
        ...formatted,
        message: withoutLiteralValue(withoutTokenValue(withoutVariableValue(formatted.message)), error),
      };
    }

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
 * unknown or mistyped member would come back with its private members (test/api/no-leak.test.ts
 * sends such keys). Keep the variable, the path and the reason; drop the value.
 */
export function withoutVariableValue(message: string): string {
  const variable = INVALID_VARIABLE.exec(message);
  if (!variable) return message;
  const path = INVALID_VARIABLE_PATH.exec(message)?.[1];
  const reason =
    INVALID_VARIABLE_REASON.exec(message.slice(variable[0].length))?.[1] ?? "it does not match its input type.";
  return `Variable "$${variable[1]}" got an invalid value${path ? ` at "${path}"` : ""}: ${reason.endsWith(".") ? reason : `${reason}.`}`;
}

/**
 * graphql-js's parser names the token it did not expect with its value ("Syntax Error: Expected
 * Name, found String "…"."), which may be key material sent where the document breaks off. Keep the
 * token's kind; drop its value.
 */
export function withoutTokenValue(message: string): string {
  return message.replace(/^(Syntax Error: .*?\b(?:Name|Int|Float|String|BlockString)) ".*"\.$/s, "$1.");
}

/** Validation messages about a literal that print no value (kept whole). */
const LITERAL_MESSAGES_WITHOUT_VALUE = [
  /^Field "[^"]*" of required type "[^"]*" was not provided\.$/,
  /^OneOf Input Object "[^"]*" must specify exactly one key\.$/,
  /^Field "[^"]*" must be non-null\.$/,
];
/** What graphql-js says of a literal of the wrong type, before it prints the literal. */
const LITERAL_REASON =
  /^(\w+ cannot represent [^:]*?|Enum "[^"]*" cannot represent non-enum value|Expected value of type "[^"]*")(?::|, found |$)/s;

/**
 * A literal of the wrong type in the document (`input: {kty: "EC", d: ["…"]}`) is refused by
 * validation with a message that prints it ("String cannot represent a non string value: ["…"]"),
 * key material included, in production as in development. Keep the argument, the path within it
 * and the reason; drop the value.
 */
export function withoutLiteralValue(message: string, error: unknown): string {
  const node = (error as { nodes?: readonly ASTNode[] } | null)?.nodes?.[0];
  if (!node || !isValueNode(node) || LITERAL_MESSAGES_WITHOUT_VALUE.some((safe) => safe.test(message))) return message;
  const found = LITERAL_REASON.exec(message)?.[1];
  const reason =
    found === undefined
      ? "it does not match its input type."
      : found.startsWith("Expected value of type")
        ? `${found.replace("Expected value", "expected a value")}.`
        : `${found}.`;
  const where = literalPath(node);
  if (!where) return `A value in the document is invalid: ${reason}`;
  return `${where.argument} got an invalid value${where.path.includes(".") || where.path.includes("[") ? ` at "${where.path}"` : ""}: ${reason}`;
}

const VALUE_KINDS: ReadonlySet<string> = new Set([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
]);
function isValueNode(node: ASTNode): node is ValueNode {
  return VALUE_KINDS.has(node.kind);
}

/**
 * Where a literal sits: its argument (or variable default) and the path within it, found by
 * parsing the document again (it parsed already, within the token limit) and walking the values
 * of every argument and default without recursion.
 */
function literalPath(node: ValueNode): { argument: string; path: string } | undefined {
  const loc = node.loc;
  if (!loc) return undefined;
  let document;
  try {
    document = parse(loc.source);
  } catch {
    return undefined;
  }
  const roots: { argument: string; path: string; value: ValueNode }[] = [];
  const pending: unknown[] = [document];
  while (pending.length > 0) {
    const current = pending.pop();
    if (Array.isArray(current)) {
      pending.push(...current);
    } else if (current && typeof current === "object" && "kind" in current) {
      const ast = current as ASTNode;
      if (ast.kind === Kind.ARGUMENT)
        roots.push({ argument: `Argument "${ast.name.value}"`, path: ast.name.value, value: ast.value });
      else if (ast.kind === Kind.VARIABLE_DEFINITION && ast.defaultValue)
        roots.push({
          argument: `The default of "$${ast.variable.name.value}"`,
          path: ast.variable.name.value,
          value: ast.defaultValue,
        });
      else if (!isValueNode(ast))
        for (const [key, child] of Object.entries(ast)) if (key !== "loc") pending.push(child);
    }
  }
  for (const root of roots) {
    const values: { value: ValueNode; path: string }[] = [{ value: root.value, path: root.path }];
    while (values.length > 0) {
      const { value, path } = values.pop()!;
      if (value.loc?.start === loc.start && value.loc.end === loc.end && value.kind === node.kind)
        return { argument: root.argument, path };
      if (value.kind === Kind.LIST)
        value.values.forEach((item, index) => values.push({ value: item, path: `${path}[${index}]` }));
      else if (value.kind === Kind.OBJECT)
        for (const field of value.fields) values.push({ value: field.value, path: `${path}.${field.name.value}` });
    }
  }
  return undefined;
}
