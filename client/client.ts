/**
 * A minimal typed GraphQL client for jwk-gateway: the documents generated into client/gql/ carry
 * their result and variable types, so `request(GetJsonWebKeySetDocument, { set })` is checked at
 * compile time. Frontends would use Apollo Client or urql with the same documents.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type GraphQLFormattedError } from "graphql";

export interface GraphQLResponse<TResult> {
  data?: TResult | null;
  errors?: GraphQLFormattedError[];
}

export interface Client {
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<GraphQLResponse<TResult>>;
}

export function createClient(endpoint: string, headers: Record<string, string> = {}): Client {
  return {
    async request(document, variables) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
  };
}
