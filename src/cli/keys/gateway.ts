/**
 * The running gateway as the command line sees it: the typed GraphQL client (client/client.ts) on
 * `--endpoint`, with the token from `--token` or JWKGW_TOKEN, and every failure turned into a
 * CliFailure whose exit status says what went wrong (exit-codes.ts).
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "../../../client/client.js";
import { CliFailure, EXIT, exitCodeOf } from "./exit-codes.js";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:4000/graphql";

export interface GatewayOptions {
  endpoint: string;
  token?: string;
}

export interface Gateway {
  readonly endpoint: string;
  /** The operation's data, or a CliFailure (the first GraphQL error's code and message). */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult>;
}

export function connect(options: GatewayOptions): Gateway {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const client: Client = createClient(options.endpoint, headers);
  return {
    endpoint: options.endpoint,
    async request(document, variables) {
      let response;
      try {
        response = await client.request(document, variables);
      } catch (error) {
        throw new CliFailure(unreachable(options.endpoint, error), EXIT.UNAVAILABLE);
      }
      const [first] = response.errors ?? [];
      if (first) {
        const code = typeof first.extensions?.code === "string" ? first.extensions.code : undefined;
        throw new CliFailure(`${first.message}${hint(code, options.token)}`, exitCodeOf(code), code);
      }
      if (!response.data) throw new CliFailure(`${options.endpoint} answered without data`, EXIT.UNAVAILABLE);
      return response.data;
    },
  };
}

/** What to do about an authentication failure, which the gateway's message cannot know. */
function hint(code: string | undefined, token: string | undefined): string {
  if (code !== "UNAUTHENTICATED") return "";
  return token
    ? " (the token in JWKGW_TOKEN or --token was refused: unknown, expired or revoked?)"
    : " (set JWKGW_TOKEN to an API token: jwk-gateway token create --name <name> --scopes <scopes>)";
}

function unreachable(endpoint: string, error: unknown): string {
  if (error instanceof SyntaxError)
    return `${endpoint} did not answer GraphQL JSON: is --endpoint a gateway's /graphql?`;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return `cannot reach the gateway at ${endpoint}${code}: is it running? (--endpoint or JWKGW_ENDPOINT)`;
}
