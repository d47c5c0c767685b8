/**
 * Document limits for GraphQL (README, "GraphQL hardening"), from graphql-armor. Every operation is
 * measured while Apollo parses and validates it, so one over a limit is refused with
 * GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED (HTTP 400) before any resolver, service or
 * database call.
 *
 * The token limit is graphql-js's own (`parseOptions.maxTokens`), not armor's: armor's Apollo
 * plugin throws from a `parsingDidStart` hook, which Apollo answers as an unexpected error (500).
 *
 * The schema is shallow (a set, its keys, their members: depth 3), so the limits sit well above any
 * real operation (client/operations: depth ≤ 3, cost ≤ 54, ≤ 71 tokens) and far below what it takes
 * to make the server do much work.
 *
 * Introspection documents are the exception. The query every tool sends (`getIntrospectionQuery()`:
 * codegen's URL loader, Apollo Sandbox, GraphiQL, Postman) is 15 levels deep and costs ~15,600, so
 * while introspection is enabled a document whose operations select nothing but `__schema`, `__type`
 * and `__typename` at their root is held to INTROSPECTION_LIMITS instead. The classification looks at
 * the fields each operation really selects (fragments expanded), never at operation or fragment names
 * (GHSA-224p-v68g-5g8f), and any other root field puts the whole document under the ordinary limits.
 * What an introspection document can fan out to is bounded by graphql-js's MaxIntrospectionDepthRule
 * (at most three nested `fields`/`interfaces`/`possibleTypes`/`inputFields` lists), and the alias,
 * directive and token limits hold for every document.
 */
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import {
  Kind,
  visitInParallel,
  type DocumentNode,
  type FragmentDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export const GRAPHQL_LIMITS = Object.freeze({
  /** Nested selections; fragments are expanded in place, so they add nothing of their own. */
  maxDepth: 6,
  /** Aliased fields per document (`__typename` excepted): caps e.g. ten key generations per request. */
  maxAliases: 10,
  /** Directives per document. */
  maxDirectives: 10,
  /** Lexical tokens per document, counted while parsing, so an oversized document is never built. */
  maxTokens: 1000,
  /** graphql-armor's cost: objects 2, scalars 1, ×1.5 per level; a full read of one set costs ~116. */
  maxCost: 1000,
});

/**
 * Depth and cost for documents that only introspect, while introspection is enabled. The standard
 * introspection query with every option of `getIntrospectionQuery` has depth 15 and cost ~15,600;
 * these leave room for tools that follow `ofType` a few levels further, and refuse two full
 * introspections in one document.
 */
export const INTROSPECTION_LIMITS = Object.freeze({ maxDepth: 20, maxCost: 30_000 });

export interface DocumentLimits {
  parseOptions: ParseOptions;
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
}

/** The message every refusal by a limit carries when the limits are not exposed (armor's wording). */
export const HIDDEN_LIMIT_MESSAGE = "Syntax Error: Query validation error.";

/**
 * The limits as Apollo plugins and validation rules. In production the refusals do not state the
 * limit (exposeLimits) and "Did you mean …" hints are removed from every error (blockFieldSuggestion),
 * so the schema cannot be mapped by trial and error when introspection is off.
 */
export function documentLimits(options: { production: boolean; introspection: boolean }): DocumentLimits {
  const exposeLimits = !options.production;
  // New configuration objects each time: ApolloArmor writes its rejection handlers into them.
  const shapeLimits = (limits: { maxDepth: number; maxCost: number }) =>
    new ApolloArmor({
      maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: false, exposeLimits },
      costLimit: { maxCost: limits.maxCost, flattenFragments: true, ignoreIntrospection: false, exposeLimits },
      maxAliases: { enabled: false },
      maxDirectives: { enabled: false },
      maxTokens: { enabled: false },
      blockFieldSuggestion: { enabled: false },
    }).protect().validationRules;
  const everyDocument = new ApolloArmor({
    maxDepth: { enabled: false },
    costLimit: { enabled: false },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, exposeLimits },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, exposeLimits },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  }).protect();
  const operations = shapeLimits(GRAPHQL_LIMITS);
  const introspection = options.introspection ? shapeLimits(INTROSPECTION_LIMITS) : operations;
  const depthAndCost: ValidationRule = (context: ValidationContext) =>
    visitInParallel(
      (isIntrospectionDocument(context.getDocument()) ? introspection : operations).map((rule) => rule(context)),
    );
  return {
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    plugins: [...(everyDocument.plugins as ApolloServerPlugin[]), ...(exposeLimits ? [] : [hideTokenLimit])],
    validationRules: [...everyDocument.validationRules, depthAndCost],
  };
}

const INTROSPECTION_ROOT_FIELDS = new Set(["__schema", "__type", "__typename"]);

/**
 * True when every operation of the document selects only `__schema`, `__type` and `__typename` at
 * its root, through fragments and inline fragments as well. Names of operations and fragments play
 * no part; a spread of a fragment that does not exist (refused by validation anyway) counts as a
 * real field, and so does a fragment cycle.
 */
export function isIntrospectionDocument(document: DocumentNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const onlyIntrospection = (selectionSet: SelectionSetNode, entered: ReadonlySet<string>): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return INTROSPECTION_ROOT_FIELDS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return onlyIntrospection(selection.selectionSet, entered);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || entered.has(fragment.name.value)) return false;
      return onlyIntrospection(fragment.selectionSet, new Set([...entered, fragment.name.value]));
    });
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return operations.length > 0 && operations.every((operation) => onlyIntrospection(operation.selectionSet, new Set()));
}

/** graphql-js states the token limit in its refusal ("Document contains more that 1000 tokens"). */
const hideTokenLimit: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          if (/^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(error.message))
            error.message = HIDDEN_LIMIT_MESSAGE;
        }
      },
    };
  },
};

/**
 * What Apollo's plugins above do to a request error's message, for the transport that does not go
 * through Apollo (subscriptions over WebSocket, graphql/websocket.ts): in production, no "Did you
 * mean …" hint and no stated token limit.
 */
export function protectMessage(message: string, options: { production: boolean }): string {
  if (!options.production) return message;
  if (/^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(message)) return HIDDEN_LIMIT_MESSAGE;
  return message.replace(/\s*Did you mean ".+"\?/g, "").trim();
}
