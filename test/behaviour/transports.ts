/**
 * The seven seed operations behind one small interface, so that one behaviour suite runs through
 * both transports: GraphQL (through the typed client generated into client/gql, as a frontend
 * would call it) and REST (Hydra's routes, with plain fetch).
 *
 * Outcomes are normalised: `{ ok: value }` with sets as `{ keys }` and keys without absent members,
 * or `{ error, message }` where `error` is the error code of README, "Errors" (GraphQL's
 * `extensions.code`, or the REST status mapped back through that table) and `message` is the GraphQL
 * message or the REST `error_description`.
 */
import {
  CreateJsonWebKeySetDocument,
  DeleteJsonWebKeyDocument,
  DeleteJsonWebKeySetDocument,
  GetJsonWebKeyDocument,
  GetJsonWebKeySetDocument,
  UpdateJsonWebKeyDocument,
  UpdateJsonWebKeySetDocument,
  type JsonWebKeyInput,
} from "../../client/gql/graphql.js";
import { createClient, type GraphQLResponse } from "../../client/client.js";
import type { RunningGateway } from "../support/gateway.js";

export type TransportName = "graphql" | "rest";
export const TRANSPORTS: readonly TransportName[] = ["graphql", "rest"];

/** A key as returned: members that are absent are left out. */
export type Key = Record<string, unknown> & { kid: string; kty: string };
export interface KeySet {
  keys: Key[];
}
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "PAYLOAD_TOO_LARGE"
  | "INTERNAL_SERVER_ERROR";
export type Outcome<T> = { ok: T } | { error: ErrorCode; message: string };

export interface GenerateInput {
  alg: string;
  kid?: string;
  use?: string;
  crv?: string;
}

export interface Transport {
  name: TransportName;
  createJsonWebKeySet(set: string, input: GenerateInput): Promise<Outcome<KeySet>>;
  getJsonWebKeySet(set: string): Promise<Outcome<KeySet>>;
  getJsonWebKey(set: string, kid: string): Promise<Outcome<KeySet>>;
  updateJsonWebKey(set: string, kid: string, key: Record<string, unknown>): Promise<Outcome<Key>>;
  updateJsonWebKeySet(set: string, input: { keys: Record<string, unknown>[] }): Promise<Outcome<KeySet>>;
  /** Deletes succeed whether or not something matched; whether it did is GraphQL-only. */
  deleteJsonWebKey(set: string, kid: string): Promise<Outcome<null>>;
  deleteJsonWebKeySet(set: string): Promise<Outcome<null>>;
}

/** The error table of README, "Errors", read backwards: REST status → code. */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "BAD_USER_INPUT",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  500: "INTERNAL_SERVER_ERROR",
};

/** The operations through `name`, sending `token` as `Authorization: Bearer <token>` when given. */
export function transport(name: TransportName, gateway: RunningGateway, token?: string): Transport {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return name === "graphql"
    ? graphqlTransport(token === undefined ? gateway.client : createClient(`${gateway.origin}/graphql`, headers))
    : restTransport(gateway.origin, headers);
}

function withoutAbsentMembers(key: object): Key {
  return Object.fromEntries(Object.entries(key).filter(([, value]) => value !== null && value !== undefined)) as Key;
}
const keySet = (set: { keys: readonly object[] }): KeySet => ({ keys: set.keys.map(withoutAbsentMembers) });

function graphqlTransport(client: RunningGateway["client"]): Transport {
  async function call<TResult, T>(
    response: Promise<GraphQLResponse<TResult>>,
    project: (data: TResult) => T,
  ): Promise<Outcome<T>> {
    const { data, errors } = await response;
    if (!errors) return { ok: project(data!) };
    if (errors.length !== 1) throw new Error(`expected one GraphQL error, got ${JSON.stringify(errors)}`);
    return { error: errors[0].extensions?.code as ErrorCode, message: errors[0].message };
  }
  return {
    name: "graphql",
    createJsonWebKeySet: (set, input) =>
      call(client.request(CreateJsonWebKeySetDocument, { set, input }), (d) => keySet(d.createJsonWebKeySet)),
    getJsonWebKeySet: (set) =>
      call(client.request(GetJsonWebKeySetDocument, { set }), (d) => keySet(d.getJsonWebKeySet)),
    getJsonWebKey: (set, kid) =>
      call(client.request(GetJsonWebKeyDocument, { set, kid }), (d) => keySet(d.getJsonWebKey)),
    updateJsonWebKey: (set, kid, key) =>
      call(client.request(UpdateJsonWebKeyDocument, { set, kid, input: key as JsonWebKeyInput }), (d) =>
        withoutAbsentMembers(d.updateJsonWebKey),
      ),
    updateJsonWebKeySet: (set, input) =>
      call(client.request(UpdateJsonWebKeySetDocument, { set, input: input as { keys: JsonWebKeyInput[] } }), (d) =>
        keySet(d.updateJsonWebKeySet),
      ),
    deleteJsonWebKey: (set, kid) => call(client.request(DeleteJsonWebKeyDocument, { set, kid }), () => null),
    deleteJsonWebKeySet: (set) => call(client.request(DeleteJsonWebKeySetDocument, { set }), () => null),
  };
}

/** A REST error as an outcome; anything but a contract status with Hydra's envelope fails the test. */
export function restFailure(status: number, body: unknown): { error: ErrorCode; message: string } {
  const code = CODE_OF_STATUS[status];
  const envelope = body as { error?: unknown; error_description?: unknown } | null;
  if (!code || typeof envelope?.error !== "string" || typeof envelope.error_description !== "string") {
    throw new Error(`REST answered ${status} without a contract code or Hydra's envelope: ${JSON.stringify(body)}`);
  }
  return { error: code, message: envelope.error_description };
}

function restTransport(origin: string, headers: Record<string, string>): Transport {
  async function call<T>(method: string, path: string, body?: unknown): Promise<Outcome<T>> {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return { ok: null as T };
    const json = await response.json();
    return response.ok ? { ok: json as T } : restFailure(response.status, json);
  }
  const setPath = (set: string) => `/keys/${encodeURIComponent(set)}`;
  const keyPath = (set: string, kid: string) => `${setPath(set)}/${encodeURIComponent(kid)}`;
  return {
    name: "rest",
    createJsonWebKeySet: (set, input) => call("POST", setPath(set), input),
    getJsonWebKeySet: (set) => call("GET", setPath(set)),
    getJsonWebKey: (set, kid) => call("GET", keyPath(set, kid)),
    updateJsonWebKey: (set, kid, key) => call("PUT", keyPath(set, kid), key),
    updateJsonWebKeySet: (set, input) => call("PUT", setPath(set), input),
    deleteJsonWebKey: (set, kid) => call("DELETE", keyPath(set, kid)),
    deleteJsonWebKeySet: (set) => call("DELETE", setPath(set)),
  };
}
