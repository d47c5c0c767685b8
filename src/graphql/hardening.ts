/**
 * Document limits for GraphQL (security.md R4.3), from graphql-armor. Every operation is measured
 * while Apollo parses and validates it, so one over a limit is refused with GRAPHQL_PARSE_FAILED or
 * GRAPHQL_VALIDATION_FAILED (HTTP 400) before any resolver, service or database call.
 *
 * The token limit is graphql-js's own (`parseOptions.maxTokens`), not armor's: armor's Apollo
 * plugin throws from a `parsingDidStart` hook, which Apollo answers as an unexpected error (500).
 *
 * The schema is shallow (a set, its keys, their members: depth 3), so the limits sit well above any
 * real operation (client/operations: depth ≤ 3, cost ≤ 54, ≤ 71 tokens) and far below what it takes
 * to make the server do much work. Introspection is measured like everything else
 * (`ignoreIntrospection: false`, GHSA-224p-v68g-5g8f), so a full introspection query (depth 15) is
 * refused over HTTP; the explorer gets its schema from the page instead (src/http/explorer.ts).
 */
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import type { ParseOptions, ValidationRule } from "graphql";

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
export function documentLimits(options: { production: boolean }): DocumentLimits {
  const exposeLimits = !options.production;
  // A new configuration object each time: ApolloArmor writes its rejection handlers into it.
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: false, exposeLimits },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, exposeLimits },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, exposeLimits },
    maxTokens: { enabled: false },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, flattenFragments: true, ignoreIntrospection: false, exposeLimits },
    blockFieldSuggestion: { enabled: options.production },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    plugins: [...(plugins as ApolloServerPlugin[]), ...(exposeLimits ? [] : [hideTokenLimit])],
    validationRules: validationRules as ValidationRule[],
  };
}

/** graphql-js states the token limit in its refusal ("Document contains more that 1000 tokens"). */
const hideTokenLimit: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          if (/^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(error.message)) error.message = HIDDEN_LIMIT_MESSAGE;
        }
      },
    };
  },
};
