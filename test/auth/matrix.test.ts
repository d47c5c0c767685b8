/**
 * The authorization matrix (README, "Access control"), generated from what the gateway serves, so
 * that a new operation is covered by construction (and fails here until this file says what it
 * should require).
 *
 * - GraphQL: every Query and Mutation field of the built schema × every credential kind
 *   (test/support/tokens.ts: none, five kinds of invalid, each single scope, every scope).
 * - Subscriptions (over WebSocket): every Subscription field × the same kinds; a connection that does
 *   not authenticate is refused at connect (close 4403), which counts as UNAUTHENTICATED.
 * - REST: every operation of /openapi.json, on the seed's paths and under /admin, × the same kinds.
 * - Private members: every private field of JsonWebKey, reached through a plain selection, named
 *   and inline fragments, aliases, and a fragment on the set, for each way of holding scopes.
 *
 * Only the cells this file's policy allows succeed; every other is UNAUTHENTICATED (401) or
 * FORBIDDEN (403), and a refused mutation leaves every stored key as it was.
 */
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLOutputType,
} from "graphql";
import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "../../src/auth/scopes.js";
import { createSchema } from "../../src/graphql/schema.js";
import { es256, newSet } from "../behaviour/fixtures.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { keyRows, policyRows } from "../support/rows.js";
import { subscribeTo } from "../support/subscriptions.js";
import { issue, issueTokenKinds, TOKEN_KINDS, type TokenKind } from "../support/tokens.js";

/** The policy, written down independently of src/auth/policy.ts. A new operation must be added here. */
const EXPECTED_SCOPE: Record<string, Scope | "anonymous"> = {
  getJsonWebKeySet: "keys:read",
  getJsonWebKey: "keys:read",
  jsonWebKeySets: "keys:read",
  discoverJsonWebKeys: "anonymous",
  auditEvents: "audit:read",
  createJsonWebKeySet: "keys:write",
  updateJsonWebKey: "keys:write",
  importJsonWebKey: "keys:write",
  updateJsonWebKeySet: "keys:write",
  deleteJsonWebKey: "keys:write",
  deleteJsonWebKeySet: "keys:write",
  rotateJsonWebKeySet: "keys:write",
  setJsonWebKeySetRotationPolicy: "keys:write",
  revokeJsonWebKey: "keys:write",
  jsonWebKeySetChanged: "keys:read",
};
const PUBLIC_MEMBERS = ["kid", "kty", "alg", "use", "crv", "e", "n", "x", "y", "x5c", "x5tS256"];
/** Derived from the public members (domain/key-forms.ts): public too. */
const DERIVED_FORMS = ["thumbprint", "thumbprintUri", "publicKeyPem"];
/** Lifecycle fields of JsonWebKey: public, readable wherever the key is (keys:read, or a mutation's answer). */
const LIFECYCLE_FIELDS = [
  "state",
  "createdAt",
  "activatedAt",
  "retiredAt",
  "publishedUntil",
  "revokedAt",
  "isSigningKey",
];
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

type Outcome = "ok" | "UNAUTHENTICATED" | "FORBIDDEN" | string;

function expectedOutcome(operation: string, kind: TokenKind): Outcome {
  const required = EXPECTED_SCOPE[operation];
  if (required === undefined)
    throw new Error(`the matrix does not know the operation ${operation}: add it to EXPECTED_SCOPE`);
  if (required === "anonymous") return "ok";
  if (!kind.scopes) return "UNAUTHENTICATED";
  return kind.scopes.includes(required) ? "ok" : "FORBIDDEN";
}

const schema = await createSchema();
const subscriptionFields = Object.values(schema.getSubscriptionType()!.getFields());
const rootFields = [
  ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: "query" as const, field })),
  ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: "mutation" as const, field })),
];

/** What one cell works on: a fresh set holding one key, and a replacement for that key. */
interface Target {
  set: string;
  kid: string;
  replacement: Record<string, unknown>;
  /** The replacement as PKCS#8 PEM. */
  replacementPem: string;
}

function argumentValue(argument: GraphQLArgument, target: Target): unknown {
  const type = getNamedType(argument.type).name;
  switch (`${argument.name}: ${type}`) {
    case "set: String":
      return target.set;
    case "kid: String":
      return target.kid;
    case "input: JsonWebKeySetGeneratorRequest":
      return { alg: "ES256", kid: "generated" };
    case "input: JsonWebKeyInput":
      return target.replacement;
    case "input: ImportJsonWebKeyInput":
      return { pem: target.replacementPem, alg: "ES256" };
    case "input: JsonWebKeySetInput":
      return { keys: [target.replacement] };
    case "input: RotateJsonWebKeySetInput":
      return { alg: "ES256" };
    case "policy: JsonWebKeyRotationPolicyInput":
      return { alg: "ES256", rotationPeriodSeconds: 0, publishAheadSeconds: 0 };
  }
  if (isNonNullType(argument.type))
    throw new Error(
      `no fixture for the required argument ${argument.name}: ${String(argument.type)}; add one to argumentValue`,
    );
  return undefined;
}

/** Every public leaf of the type, nested objects included; never a private member. */
function publicSelection(type: GraphQLOutputType, depth = 0): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  if (!isObjectType(named) || depth > 3) throw new Error(`cannot select ${named.name}`);
  const fields = Object.values(named.getFields()).filter(
    (field) => field.args.length === 0 && !(named.name === "JsonWebKey" && PRIVATE_MEMBERS.includes(field.name)),
  );
  return `{ ${fields.map((field) => `${field.name} ${publicSelection(field.type, depth + 1)}`.trim()).join(" ")} }`;
}

function operationDocument(kind: "query" | "mutation", field: GraphQLField<unknown, unknown>, target: Target) {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  for (const argument of field.args) {
    const value = argumentValue(argument, target);
    if (value === undefined) continue;
    variables[argument.name] = value;
    definitions.push(`$${argument.name}: ${String(argument.type)}`);
    args.push(`${argument.name}: $${argument.name}`);
  }
  const query = `${kind} Cell${definitions.length ? `(${definitions.join(", ")})` : ""} { ${field.name}${args.length ? `(${args.join(", ")})` : ""} ${publicSelection(field.type)} }`;
  return { query, variables };
}

interface OpenApiOperation {
  operationId?: string;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}

function restBody(operation: OpenApiOperation, target: Target): unknown {
  const ref = operation.requestBody?.content["application/json"]?.schema.$ref;
  if (ref === undefined) return undefined;
  switch (ref.split("/").pop()) {
    case "JsonWebKeySetGeneratorRequest":
      return { alg: "ES256", kid: "generated" };
    case "JsonWebKey":
      return target.replacement;
    case "JsonWebKeySet":
      return { keys: [target.replacement] };
    case "RotateJsonWebKeySetRequest":
      return { alg: "ES256" };
    default:
      break;
  }
  throw new Error(`no fixture for the request body ${ref} of ${operation.operationId}; add one to restBody`);
}

function restOutcome(status: number): Outcome {
  if (status >= 200 && status < 300) return "ok";
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  return `HTTP ${status}`;
}

describe.each(await providers())("authorization matrix on %s", (provider) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let headers: Map<string, string | undefined>;
  let restOperations: { method: string; path: string; operation: OpenApiOperation }[];

  beforeAll(async () => {
    database = await freshDatabase(provider);
    gateway = await startGateway({ databaseUrl: database.url, openModeRecheckMs: 0 });
    headers = await issueTokenKinds(gateway.app.database);
    const document = (await (await fetch(`${gateway.origin}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    restOperations = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        ["", "/admin"].map((prefix) => ({ method: method.toUpperCase(), path: prefix + path, operation })),
      ),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  const authorization = (kind: TokenKind): Record<string, string> => {
    const value = headers.get(kind.name);
    return value === undefined ? {} : { authorization: value };
  };

  async function newTarget(): Promise<Target> {
    const replacement = await es256("k1");
    const replacementPem = createPrivateKey({ key: replacement as never, format: "jwk" })
      .export({ type: "pkcs8", format: "pem" })
      .toString();
    const target = { set: newSet(), kid: "k1", replacement, replacementPem };
    await gateway.app.service.updateJsonWebKeySet(target.set, { keys: [await es256("k1")] });
    return target;
  }

  it("the matrix knows every root field of the schema, and the schema every operation of the matrix", () => {
    expect(
      [...rootFields.map(({ field }) => field.name), ...subscriptionFields.map((field) => field.name)].sort(),
    ).toEqual(Object.keys(EXPECTED_SCOPE).sort());
  });

  it.each(TOKEN_KINDS)("Subscription with $name: only the allowed subscriptions hear a change", async (kind) => {
    const actual: Record<string, Outcome> = {};
    const expected: Record<string, Outcome> = {};
    for (const field of subscriptionFields) {
      const set = newSet();
      const value = headers.get(kind.name);
      const subscription = subscribeTo(
        gateway.origin,
        `subscription($set: String) { ${field.name}(set: $set) ${publicSelection(field.type)} }`,
        { variables: { set }, connectionParams: value === undefined ? {} : { authorization: value } },
      );
      try {
        const first = await Promise.race([
          subscription.connected.then(async () => {
            await new Promise((resolve) => setTimeout(resolve, 200));
            await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "heard" });
            return subscription.waitFor(() => true, 5000);
          }),
          subscription.ended.then((ended) => (ended.how === "closed" ? ended : new Promise<never>(() => {}))),
        ]);
        const codes = "how" in first ? [first.code === 4403 ? "UNAUTHENTICATED" : `closed ${first.code}`] : [];
        if (!("how" in first)) for (const error of first.errors ?? []) codes.push(String(error.extensions?.code));
        actual[field.name] = codes.length === 0 ? "ok" : [...new Set(codes)].join(",");
      } finally {
        await subscription.dispose();
      }
      expected[field.name] = expectedOutcome(field.name, kind);
    }
    expect(actual).toEqual(expected);
  });

  it("JsonWebKey's fields are the public and private members, nothing unclassified", () => {
    const fields = Object.keys((schema.getType("JsonWebKey") as { getFields(): object }).getFields());
    expect(fields.sort()).toEqual(
      [...PUBLIC_MEMBERS, ...DERIVED_FORMS, ...LIFECYCLE_FIELDS, ...PRIVATE_MEMBERS].sort(),
    );
  });

  it.each(TOKEN_KINDS)(
    "GraphQL with $name: only the allowed operations succeed, refused mutations change nothing",
    async (kind) => {
      const actual: Record<string, Outcome> = {};
      const expected: Record<string, Outcome> = {};
      for (const { kind: operationKind, field } of rootFields) {
        const target = await newTarget();
        const before = await keyRows(database.url);
        const policiesBefore = await policyRows(database.url);
        const { query, variables } = operationDocument(operationKind, field, target);
        const { body } = await gateway.graphql(query, variables, authorization(kind));
        const codes = [
          ...new Set((body.errors ?? []).map((error: { extensions?: { code?: string } }) => error.extensions?.code)),
        ];
        actual[field.name] = codes.length === 0 ? "ok" : codes.join(",");
        expected[field.name] = expectedOutcome(field.name, kind);
        if (actual[field.name] !== "ok") {
          expect(body.data, `${field.name}: no data when refused`).toBeNull();
          if (operationKind === "mutation")
            expect(await keyRows(database.url), `${field.name} was refused but changed the keys`).toEqual(before);
          if (operationKind === "mutation")
            expect(await policyRows(database.url), `${field.name} was refused but set a policy`).toEqual(
              policiesBefore,
            );
        }
      }
      expect(actual).toEqual(expected);
    },
  );

  it.each(TOKEN_KINDS)(
    "REST with $name: only the allowed routes succeed (401/403 in Hydra's envelope), refused writes change nothing",
    async (kind) => {
      expect(restOperations.length).toBe(20);
      const actual: Record<string, Outcome> = {};
      const expected: Record<string, Outcome> = {};
      for (const { method, path, operation } of restOperations) {
        const target = await newTarget();
        const before = await keyRows(database.url);
        const body = restBody(operation, target);
        const url = path
          .replace("{set}", encodeURIComponent(target.set))
          .replace("{kid}", encodeURIComponent(target.kid));
        const response = await fetch(`${gateway.origin}${url}`, {
          method,
          headers: { ...authorization(kind), ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const cell = `${method} ${path}`;
        actual[cell] = restOutcome(response.status);
        expected[cell] = expectedOutcome(operation.operationId!, kind);
        if (response.status === 401 || response.status === 403) {
          expect(await response.json(), cell).toEqual({
            error: expect.any(String),
            error_description: expect.any(String),
          });
          expect(response.headers.get("www-authenticate"), cell).toMatch(/^Bearer realm="jwk-gateway"/);
          if (method !== "GET")
            expect(await keyRows(database.url), `${cell} was refused but changed the keys`).toEqual(before);
        } else {
          await response.arrayBuffer();
        }
      }
      expect(actual).toEqual(expected);
    },
  );

  it.each(TOKEN_KINDS)(
    "REST public PEM (GET /keys/{set}/{kid}, Accept: application/x-pem-file) with $name: getJsonWebKey's rule",
    async (kind) => {
      const target = await newTarget();
      for (const prefix of ["", "/admin"]) {
        const response = await fetch(`${gateway.origin}${prefix}/keys/${target.set}/${target.kid}`, {
          headers: { ...authorization(kind), accept: "application/x-pem-file" },
        });
        const body = await response.text();
        expect(restOutcome(response.status), prefix).toBe(expectedOutcome("getJsonWebKey", kind));
        if (response.ok) expect(body).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
        else expect(JSON.parse(body)).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      }
    },
  );

  it.each(TOKEN_KINDS)(
    "REST PEM import (PUT /keys/{set}/{kid}, Content-Type: application/x-pem-file) with $name: updateJsonWebKey's rule",
    async (kind) => {
      for (const prefix of ["", "/admin"]) {
        const target = await newTarget();
        const before = await keyRows(database.url);
        const response = await fetch(`${gateway.origin}${prefix}/keys/${target.set}/${target.kid}?alg=ES256`, {
          method: "PUT",
          headers: { ...authorization(kind), "content-type": "application/x-pem-file" },
          body: target.replacementPem,
        });
        const body = await response.json();
        expect(restOutcome(response.status), prefix).toBe(expectedOutcome("updateJsonWebKey", kind));
        if (!response.ok) {
          expect(body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
          expect(await keyRows(database.url), `${prefix} was refused but changed the keys`).toEqual(before);
        }
      }
    },
  );

  describe("private members, per field, through every way of selecting them", () => {
    const set = "private-matrix";
    /** Member → [kid of the key holding it, its value]. */
    const secrets = new Map<string, [string, string]>();
    const holders = new Map<string, string | undefined>();

    beforeAll(async () => {
      const rsa = (await gateway.app.service.createJsonWebKeySet(set, { alg: "RS256", kid: "rsa" })).keys[0];
      const oct = (await gateway.app.service.createJsonWebKeySet(set, { alg: "HS256", kid: "oct" })).keys[0];
      for (const member of PRIVATE_MEMBERS) {
        const key = member === "k" ? oct : rsa;
        secrets.set(member, [key.kid, key[member as keyof typeof key] as string]);
      }
      holders.set("keys:read", `Bearer ${await issue(gateway.app.database, ["keys:read"])}`);
      holders.set(
        "keys:read + keys:read-private",
        `Bearer ${await issue(gateway.app.database, ["keys:read", "keys:read-private"])}`,
      );
      holders.set("keys:read-private alone", `Bearer ${await issue(gateway.app.database, ["keys:read-private"])}`);
      holders.set("no token", undefined);
    });

    /** Shape → a document selecting `member` (whose response key is `responseKey`). */
    const SHAPES: Record<
      string,
      (member: string) => { query: string; responseKey: string; root: string; keys?: (data: any) => unknown[] }
    > = {
      "a plain selection": (m) => ({
        query: `query($set: String!) { getJsonWebKeySet(set: $set) { keys { kid ${m} } } }`,
        responseKey: m,
        root: "getJsonWebKeySet",
      }),
      "a named fragment": (m) => ({
        query: `query($set: String!) { getJsonWebKeySet(set: $set) { keys { ...Members } } } fragment Members on JsonWebKey { kid ${m} }`,
        responseKey: m,
        root: "getJsonWebKeySet",
      }),
      "an inline fragment": (m) => ({
        query: `query($set: String!) { getJsonWebKeySet(set: $set) { keys { kid ... on JsonWebKey { ${m} } } } }`,
        responseKey: m,
        root: "getJsonWebKeySet",
      }),
      "an alias": (m) => ({
        query: `query($set: String!) { getJsonWebKeySet(set: $set) { keys { kid innocent: ${m} } } }`,
        responseKey: "innocent",
        root: "getJsonWebKeySet",
      }),
      "a fragment on the set with a nested inline fragment": (m) => ({
        query: `query($set: String!) { getJsonWebKeySet(set: $set) { ...SetMembers } } fragment SetMembers on JsonWebKeySet { keys { kid ... on JsonWebKey { ${m} } } }`,
        responseKey: m,
        root: "getJsonWebKeySet",
      }),
      "an aliased getJsonWebKey with an aliased fragment field": (m) => ({
        query: `query($set: String!, $kid: String!) { one: getJsonWebKey(set: $set, kid: $kid) { keys { kid ...Aliased } } } fragment Aliased on JsonWebKey { public: kid hidden: ${m} }`,
        responseKey: "hidden",
        root: "one",
      }),
      "a set of jsonWebKeySets, its keys": (m) => ({
        query: `query($set: String!) { jsonWebKeySets(first: 1, filter: { nameStartsWith: $set }) { edges { node { keys { kid ${m} } } } } }`,
        responseKey: m,
        root: "jsonWebKeySets",
        keys: (data) => data.jsonWebKeySets.edges[0].node.keys,
      }),
      "keysConnection of a set": (m) => ({
        query: `query($set: String!) { getJsonWebKeySet(set: $set) { keysConnection { edges { node { kid ${m} } } } } }`,
        responseKey: m,
        root: "getJsonWebKeySet",
        keys: (data) => data.getJsonWebKeySet.keysConnection.edges.map((edge: any) => edge.node),
      }),
    };

    const cases = PRIVATE_MEMBERS.flatMap((member) => Object.keys(SHAPES).map((shape) => [member, shape] as const));

    it.each(cases)("%s through %s: FORBIDDEN without keys:read-private, the value with it", async (member, shape) => {
      const [kid, value] = secrets.get(member)!;
      const { query, responseKey, root, keys } = SHAPES[shape](member);
      const ask = (holder: string) =>
        gateway.graphql(query, { set, kid }, holders.get(holder) ? { authorization: holders.get(holder)! } : {});
      const keyOf = (data: any) =>
        ((keys ? keys(data) : data[root].keys) as Record<string, unknown>[]).find(
          (key) => (key.kid ?? key.public) === kid,
        )!;

      // keys:read alone: the public members resolve, the private one is refused per field, its value is nowhere.
      const publicOnly = await ask("keys:read");
      expect(publicOnly.body.errors.length).toBeGreaterThan(0);
      for (const error of publicOnly.body.errors) {
        expect(error.extensions.code).toBe("FORBIDDEN");
        expect(error.path.at(-1)).toBe(responseKey);
      }
      expect(keyOf(publicOnly.body.data)[responseKey]).toBeNull();
      expect(JSON.stringify(publicOnly.body)).not.toContain(value);

      // keys:read and keys:read-private: the value.
      const full = await ask("keys:read + keys:read-private");
      expect(full.body.errors).toBeUndefined();
      expect(keyOf(full.body.data)[responseKey]).toBe(value);

      // keys:read-private without keys:read: the operation itself is refused.
      const privateOnly = await ask("keys:read-private alone");
      expect(privateOnly.body.data).toBeNull();
      expect(privateOnly.body.errors.map((error: any) => error.extensions.code)).toEqual(["FORBIDDEN"]);

      // No token: UNAUTHENTICATED, nothing in data.
      const anonymous = await ask("no token");
      expect(anonymous.body.data).toBeNull();
      expect(anonymous.body.errors.map((error: any) => error.extensions.code)).toEqual(["UNAUTHENTICATED"]);
      expect(JSON.stringify(anonymous.body)).not.toContain(value);
    });

    it("publicKeys and discoverJsonWebKeys select private fields under the same rule", async () => {
      const query = `query($set: String!) { getJsonWebKeySet(set: $set) { publicKeys { kid d } } discoverJsonWebKeys { keys { kid d } } }`;
      const { body } = await gateway.graphql(query, { set }, { authorization: holders.get("keys:read")! });
      expect(body.errors.map((error: any) => error.extensions.code).every((code: string) => code === "FORBIDDEN")).toBe(
        true,
      );
      expect(body.data.getJsonWebKeySet.publicKeys.map((key: any) => key.kid)).toEqual(["rsa"]);
    });

    it("a query selecting only public members needs keys:read alone", async () => {
      const { body } = await gateway.graphql(
        `query($set: String!) { getJsonWebKeySet(set: $set) { keys { kid kty n e } } }`,
        { set },
        { authorization: holders.get("keys:read")! },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.getJsonWebKeySet.keys.map((key: any) => key.kid)).toEqual(["oct", "rsa"]);
    });

    it("create responses follow the same rule: the key is created, its selected private fields are FORBIDDEN without keys:read-private", async () => {
      const writer = `Bearer ${await issue(gateway.app.database, ["keys:write"])}`;
      const created = newSet();
      const { body } = await gateway.graphql(
        `mutation($set: String!) { createJsonWebKeySet(set: $set, input: { alg: "ES256", kid: "w" }) { set keys { kid kty x d } } }`,
        { set: created },
        { authorization: writer },
      );
      expect(body.errors.map((error: any) => [error.extensions.code, error.path.join(".")])).toEqual([
        ["FORBIDDEN", "createJsonWebKeySet.keys.0.d"],
      ]);
      expect(body.data.createJsonWebKeySet.keys).toEqual([{ kid: "w", kty: "EC", x: expect.any(String), d: null }]);
      expect((await gateway.app.service.getJsonWebKey(created, "w")).keys[0].d).toEqual(expect.any(String));
    });

    it("REST without keys:read-private answers the public projection: private members dropped, oct keys left out", async () => {
      const get = (holder: string, path: string) =>
        fetch(`${gateway.origin}${path}`, { headers: { authorization: holders.get(holder)! } }).then((r) => r.json());
      const projected = await get("keys:read", `/keys/${set}`);
      expect(projected.keys.map((key: any) => key.kid)).toEqual(["rsa"]);
      expect(Object.keys(projected.keys[0]).some((member) => PRIVATE_MEMBERS.includes(member))).toBe(false);
      for (const [, value] of secrets.values()) expect(JSON.stringify(projected)).not.toContain(value);
      expect(await get("keys:read", `/admin/keys/${set}/oct`)).toEqual({ keys: [] });

      const full = await get("keys:read + keys:read-private", `/keys/${set}`);
      expect(full.keys.map((key: any) => key.kid)).toEqual(["oct", "rsa"]);
      expect(full.keys[0].k).toBe(secrets.get("k")![1]);
      expect(full.keys[1].d).toBe(secrets.get("d")![1]);
    });

    it("REST creates and updates by keys:write alone answer without private members", async () => {
      const writer = `Bearer ${await issue(gateway.app.database, ["keys:write"])}`;
      const post = await fetch(`${gateway.origin}/keys/${newSet()}`, {
        method: "POST",
        headers: { authorization: writer, "content-type": "application/json" },
        body: JSON.stringify({ alg: "ES256", kid: "w" }),
      });
      expect(post.status).toBe(201);
      const created = await post.json();
      expect(created.keys).toHaveLength(1);
      expect(created.keys[0]).not.toHaveProperty("d");
      const hmac = { kty: "oct", alg: "HS256", k: Buffer.alloc(32, 9).toString("base64url") };
      const put = await fetch(`${gateway.origin}/keys/${newSet()}/h`, {
        method: "PUT",
        headers: { authorization: writer, "content-type": "application/json" },
        body: JSON.stringify(hmac),
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toEqual({ kty: "oct", kid: "h", alg: "HS256" });
    });
  });
});
