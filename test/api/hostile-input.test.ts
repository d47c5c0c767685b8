/**
 * Hostile names and bodies through both transports, on every store: each is refused with its code and
 * a reason naming the rule, nothing is stored, the server keeps answering, and no private member sent
 * with it appears in the answer or in the log (captured at debug level with the production logger
 * configuration).
 *
 * - set and kid that are not well-formed Unicode (a lone UTF-16 surrogate) or hold C1 controls;
 * - JSON nested deeper than the limit (5,000 levels inside an unknown member: once a 500);
 * - a GraphQL literal of the wrong type holding a private member (once echoed in the message);
 * - a member repeated in GraphQL variables (once accepted, the last one winning).
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../src/domain/json-depth.js";
import { REDACT_PATHS } from "../../src/logging.js";
import { es256, newSet } from "../behaviour/fixtures.js";
import { transport, TRANSPORTS, type Outcome, type Transport } from "../behaviour/transports.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { keyRows } from "../support/rows.js";

class LogLines extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

const UPDATE_KEY =
  "mutation($set: String!, $kid: String!, $input: JsonWebKeyInput!) { updateJsonWebKey(set: $set, kid: $kid, input: $input) { kid } }";
const UPDATE_SET =
  "mutation($set: String!, $input: JsonWebKeySetInput!) { updateJsonWebKeySet(set: $set, input: $input) { keys { kid } } }";

/** `[[[…]]]`, `levels` deep. */
const nestedArrays = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

function refused<T>(outcome: Outcome<T>, code: string, rule: RegExp): void {
  expect(outcome, JSON.stringify(outcome).slice(0, 300)).toMatchObject({ error: code });
  expect((outcome as { message: string }).message).toMatch(rule);
}

describe.each(await providers())("hostile input on %s", (provider) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  const log = new LogLines();
  /** Private members sent in this suite: none may come back in an error or appear in the log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase(provider);
    gateway = await startGateway({
      databaseUrl: database.url,
      env: { LOG_LEVEL: "debug" },
      logger: { level: "debug", stream: log, redact: REDACT_PATHS } as never,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  async function secretKey(kid?: string): Promise<Record<string, unknown>> {
    const key = await es256(kid);
    secrets.push(key.d as string);
    return key;
  }

  /** Sends `body` as it is, and returns the status and the text answered. */
  async function send(
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; text: string; json: any }> {
    const response = await fetch(`${gateway.origin}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  function expectNoSecretIn(text: string): void {
    for (const secret of secrets) expect(text.includes(secret), "a private member in an answer").toBe(false);
  }

  async function expectUp(): Promise<void> {
    expect((await send("GET", "/health/ready")).status).toBe(200);
    expect(await gateway.graphql("{ __typename }")).toEqual({ status: 200, body: { data: { __typename: "Query" } } });
  }

  describe.each(TRANSPORTS)("names through %s", (name) => {
    let api: Transport;
    beforeAll(() => {
      api = transport(name, gateway);
    });

    it.each([
      ["a lone high surrogate", "bad\ud800", /well-formed Unicode/],
      ["a lone low surrogate", "\udc00x", /well-formed Unicode/],
      ["a high surrogate at the end, after a pair", "😀\ud83d", /well-formed Unicode/],
      ["a C1 control (NEL, U+0085)", "a\u0085b", /control characters/],
      ["a C1 control (U+009F)", "a\u009f", /control characters/],
      ["a C0 control", "a\u0001", /control characters/],
    ])("a kid or set with %s is BAD_USER_INPUT naming the rule; nothing is stored", async (_, bad, rule) => {
      const before = await keyRows(database.url);
      const set = newSet();
      // In bodies (JSON's "\ud800" escape), through both transports.
      refused(await api.createJsonWebKeySet(set, { alg: "ES256", kid: bad }), "BAD_USER_INPUT", /^kid /);
      refused(await api.createJsonWebKeySet(set, { alg: "ES256", kid: bad }), "BAD_USER_INPUT", rule);
      refused(
        await api.updateJsonWebKeySet(set, { keys: [await secretKey("fine"), await secretKey(bad)] }),
        "BAD_USER_INPUT",
        rule,
      );
      // In paths: a lone surrogate has no UTF-8 form, so no URL can carry it (the REST path test
      // below sends the bytes that come closest); everything else, through both transports.
      if (name === "graphql" || !/\p{Cs}/u.test(bad)) {
        refused(await api.createJsonWebKeySet(`a${bad}`, { alg: "ES256", kid: "k" }), "BAD_USER_INPUT", /^set /);
        refused(await api.createJsonWebKeySet(`a${bad}`, { alg: "ES256", kid: "k" }), "BAD_USER_INPUT", rule);
        refused(await api.updateJsonWebKey(set, bad, await secretKey()), "BAD_USER_INPUT", rule);
        refused(await api.updateJsonWebKey(bad, "k", await secretKey("k")), "BAD_USER_INPUT", rule);
        refused(await api.updateJsonWebKeySet(bad, { keys: [await secretKey("fine")] }), "BAD_USER_INPUT", rule);
        refused(await api.getJsonWebKeySet(bad), "BAD_USER_INPUT", rule);
        refused(await api.deleteJsonWebKey(set, bad), "BAD_USER_INPUT", rule);
      }
      expect(await keyRows(database.url)).toEqual(before);
      await expectUp();
    });

    it("names that are well-formed Unicode, astral characters included, are accepted and read back unchanged", async () => {
      const set = `${newSet()}-é😀\u00a0`;
      const kid = "kid-\u{1F511}-\u00a0-\uFFFD-\u4e2d";
      expect(
        ((await api.createJsonWebKeySet(set, { alg: "ES256", kid })) as { ok: { keys: { kid: string }[] } }).ok.keys[0]
          .kid,
      ).toBe(kid);
      expect(await api.getJsonWebKey(set, kid)).toMatchObject({ ok: { keys: [{ kid }] } });
    });
  });

  it("REST: a path whose percent-encoding is not UTF-8 (CESU-8 bytes of a lone surrogate) is a 400 and reaches nothing", async () => {
    const before = await keyRows(database.url);
    for (const [method, path, body] of [
      ["POST", "/keys/a%ED%A0%80b", '{"alg":"ES256"}'],
      ["PUT", `/keys/${newSet()}/k%ED%B0%80`, JSON.stringify(await secretKey())],
      ["GET", "/keys/%ED%A0%80", undefined],
    ] as const) {
      const response = await send(method, path, body);
      expect(response.status, path).toBe(400);
      expectNoSecretIn(response.text);
    }
    // Percent-encoded C1 control: decoded, then refused by the name rule with Hydra's envelope.
    const c1 = await send("POST", "/keys/a%C2%85b", '{"alg":"ES256"}');
    expect(c1.status).toBe(400);
    expect(c1.json.error_description).toMatch(/^set must not contain control characters/);
    expect(await keyRows(database.url)).toEqual(before);
    await expectUp();
  });

  describe("JSON nested deeper than the limit", () => {
    it(`REST: 5,000 levels inside an unknown member (PUT key, PUT set, POST) is a 400 naming the ${MAX_JSON_DEPTH}-level limit; nothing is stored`, async () => {
      const before = await keyRows(database.url);
      const set = newSet();
      const key = await secretKey("deep");
      const deepKey = `{${JSON.stringify(key).slice(1, -1)},"unknown":${nestedArrays(5000)}}`;
      expect(deepKey.length).toBeLessThan(12 * 1024);
      for (const [method, path, body] of [
        ["PUT", `/keys/${set}/deep`, deepKey],
        ["PUT", `/keys/${set}`, `{"keys":[${deepKey}]}`],
        ["POST", `/keys/${set}`, `{"alg":"ES256","x":${nestedArrays(5000)}}`],
        ["PUT", `/keys/${set}/deep`, `{"kty":"EC","o":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`],
      ] as const) {
        const response = await send(method, path, body);
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(response.json).toEqual({
          error: "The request was malformed or contained invalid parameters",
          error_description: `Unable to decode the request body: the body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
        });
        expectNoSecretIn(response.text);
      }
      expect(await keyRows(database.url)).toEqual(before);
      await expectUp();
    });

    it(`REST: exactly ${MAX_JSON_DEPTH} levels pass the limit (the unknown member is dropped, as Hydra does)`, async () => {
      const set = newSet();
      const key = await es256("at-limit");
      // The key object is level 1, so the member adds MAX_JSON_DEPTH - 1 levels.
      const body = `{${JSON.stringify(key).slice(1, -1)},"unknown":${nestedArrays(MAX_JSON_DEPTH - 1)}}`;
      expect((await send("PUT", `/keys/${set}/at-limit`, body)).status).toBe(200);
      const over = `{${JSON.stringify(key).slice(1, -1)},"unknown":${nestedArrays(MAX_JSON_DEPTH)}}`;
      expect((await send("PUT", `/keys/${set}/at-limit`, over)).status).toBe(400);
    });

    it("GraphQL: variables nested 5,000 levels deep are a 400 BAD_REQUEST with reason JSON_TOO_DEEP; nothing is stored", async () => {
      const before = await keyRows(database.url);
      const key = await secretKey("deep");
      const bodies = [
        `{"query":${JSON.stringify(UPDATE_KEY)},"variables":{"set":"s","kid":"deep","input":{${JSON.stringify(key).slice(1, -1)},"x5c":${nestedArrays(5000)}}}}`,
        `{"query":${JSON.stringify(UPDATE_SET)},"variables":{"set":"s","input":{"keys":[${JSON.stringify(key)}],"more":${nestedArrays(MAX_JSON_DEPTH)}}}}`,
      ];
      for (const body of bodies) {
        const response = await send("POST", "/graphql", body);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({
          errors: [
            {
              message: `Unusable JSON body: the body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
              extensions: { code: "BAD_REQUEST", reason: "JSON_TOO_DEEP" },
            },
          ],
        });
        expectNoSecretIn(response.text);
      }
      expect(await keyRows(database.url)).toEqual(before);
      await expectUp();
    });
  });

  describe("a member of the wrong type holding a private member", () => {
    it("GraphQL literal: BAD input named by argument, path and type, without the value", async () => {
      const before = await keyRows(database.url);
      const key = await secretKey("lit");
      const d = key.d as string;
      const literal = (value: string) =>
        `mutation { updateJsonWebKey(set: "s", kid: "lit", input: {kty: "EC", crv: "P-256", x: "${key.x}", y: "${key.y}", d: ${value}}) { kid } }`;
      for (const [value, expected] of [
        [`["${d}"]`, 'Argument "input" got an invalid value at "input.d": String cannot represent a non string value.'],
        [
          `{v: "${d}"}`,
          'Argument "input" got an invalid value at "input.d": String cannot represent a non string value.',
        ],
        [
          d.replaceAll("-", "_").replace(/^[0-9]/, "A"),
          'Argument "input" got an invalid value at "input.d": String cannot represent a non string value.',
        ],
      ]) {
        const response = await gateway.graphql(literal(value));
        expect(response.status).toBe(400);
        expect(response.body.errors).toHaveLength(1);
        expect(response.body.errors[0]).toMatchObject({
          message: expected,
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        });
        expectNoSecretIn(JSON.stringify(response.body));
      }
      const list = await gateway.graphql(
        `mutation { updateJsonWebKeySet(set: "s", input: {keys: [{kty: "EC"}, {kty: "EC", d: ["${d}"]}]}) { set } }`,
      );
      expect(list.body.errors[0].message).toBe(
        'Argument "input" got an invalid value at "input.keys[1].d": String cannot represent a non string value.',
      );
      // The token a parse error stops at is named by its kind only.
      const parse = await gateway.graphql(
        `mutation { updateJsonWebKey(set: "s", kid: "lit", input: {kty: "EC" "${d}"}) { kid } }`,
      );
      expect(parse.body.errors[0]).toMatchObject({
        message: "Syntax Error: Expected Name, found String.",
        extensions: { code: "GRAPHQL_PARSE_FAILED" },
      });
      expectNoSecretIn(JSON.stringify([list.body, parse.body]));
      expect(await keyRows(database.url)).toEqual(before);
    });

    it.each(TRANSPORTS)("%s: d as an array (variables or body) is BAD_USER_INPUT without the value", async (name) => {
      const key = await secretKey("typed");
      const outcome = await transport(name, gateway).updateJsonWebKey(newSet(), "typed", { ...key, d: [key.d] });
      expect(outcome).toMatchObject({ error: "BAD_USER_INPUT" });
      expect((outcome as { message: string }).message).toMatch(/d\b.*string|String cannot represent/);
      expectNoSecretIn(JSON.stringify(outcome));
    });
  });

  describe("a member repeated within one object", () => {
    it('GraphQL variables with "d" twice: 400 BAD_REQUEST naming the member (reason DUPLICATE_MEMBER), neither value; nothing is stored', async () => {
      const before = await keyRows(database.url);
      const key = await secretKey("dup");
      const other = await secretKey();
      const input = `{${JSON.stringify(key).slice(1, -1)},"d":${JSON.stringify(other.d)}}`;
      const bodies = [
        `{"query":${JSON.stringify(UPDATE_KEY)},"variables":{"set":"s","kid":"dup","input":${input}}}`,
        `{"query":${JSON.stringify(UPDATE_SET)},"variables":{"set":"s","input":{"keys":[${input}]}}}`,
      ];
      for (const body of bodies) {
        expect(() => JSON.parse(body)).not.toThrow();
        const response = await send("POST", "/graphql", body);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({
          errors: [
            {
              message: 'Unusable JSON body: duplicate member "d"',
              extensions: { code: "BAD_REQUEST", reason: "DUPLICATE_MEMBER" },
            },
          ],
        });
        expectNoSecretIn(response.text);
      }
      // The same key through REST, for comparison: refused as well (RFC 7517 §4).
      const rest = await send("PUT", "/keys/s/dup", input);
      expect(rest.status).toBe(400);
      expect(rest.json.error_description).toBe('Unable to decode the request body: duplicate member "d"');
      expect(await keyRows(database.url)).toEqual(before);
      await expectUp();
    });
  });

  it("no private member sent in this suite appears in the log", () => {
    expect(secrets.length).toBeGreaterThan(10);
    expect(log.text.length).toBeGreaterThan(0);
    expectNoSecretIn(log.text);
    // Every refusal left its audit record, names with lone surrogates or controls included (Postgres text holds neither).
    expect(log.text).not.toContain("could not be written");
  });
});

describe("in production, a GraphQL literal of the wrong type is not echoed either", () => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url, env: { NODE_ENV: "production" } });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  it("the message names the argument, path and type", async () => {
    const key = await es256("prod");
    const response = await gateway.graphql(
      `mutation { updateJsonWebKey(set: "s", kid: "prod", input: {kty: "EC", d: ["${key.d}"]}) { kid } }`,
    );
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toBe(
      'Argument "input" got an invalid value at "input.d": String cannot represent a non string value.',
    );
    expect(JSON.stringify(response.body)).not.toContain(key.d as string);
  });
});
