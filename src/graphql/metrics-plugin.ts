/**
 * An Apollo Server plugin that counts GraphQL operations the way REST counts its routes: one sample
 * per root field (the seed's operation ids are the root fields), labelled with the field's name and
 * its outcome, `ok` or the `extensions.code` of its error as the caller saw it (after formatError, so
 * unexpected errors count as INTERNAL_SERVER_ERROR). The duration is the whole request's.
 *
 * A request that fails before it names its fields (parse or validation failure) counts once under
 * the operation `unknown`. Introspection and `__typename` are not counted.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLFormattedError, OperationDefinitionNode, SelectionSetNode } from "graphql";
import { OK, UNKNOWN_OPERATION, type GatewayMetrics } from "../http/metrics.js";

export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation, document }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const errors = response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
          const fields = operation && document ? rootFields(operation, document) : [];
          if (fields.length === 0) {
            if (operation && errors.length === 0) return; // only introspection or __typename
            metrics.observeRequest("graphql", UNKNOWN_OPERATION, outcomeOf(errors) ?? OK, seconds);
            return;
          }
          // Errors without a path (variables, a GET mutation) concern every field.
          const general = outcomeOf(errors.filter((error) => !error.path?.length));
          for (const { name, responseKey } of fields) {
            const own = outcomeOf(errors.filter((error) => error.path?.[0] === responseKey));
            metrics.observeRequest("graphql", name, own ?? general ?? OK, seconds);
          }
        },
      };
    },
  };
}

/** The code of the first error, or undefined when there is none. */
function outcomeOf(errors: readonly GraphQLFormattedError[]): string | undefined {
  if (errors.length === 0) return undefined;
  const code = errors[0].extensions?.code;
  return typeof code === "string" ? code : "INTERNAL_SERVER_ERROR";
}

interface RootField {
  name: string;
  responseKey: string;
}

/** The operation's root fields, through fragments, without introspection fields. */
function rootFields(operation: OperationDefinitionNode, document: DocumentNode): RootField[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === "FragmentDefinition" ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const found = new Map<string, RootField>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === "Field") {
        const name = selection.name.value;
        const responseKey = selection.alias?.value ?? name;
        if (!name.startsWith("__") && !found.has(responseKey)) found.set(responseKey, { name, responseKey });
      } else if (selection.kind === "InlineFragment") {
        walk(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          walk(fragment.selectionSet);
        }
      }
    }
  };
  walk(operation.selectionSet);
  return [...found.values()];
}
