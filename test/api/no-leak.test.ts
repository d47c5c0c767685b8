/**
 * No private member in logs or error bodies (README, "Private members"): at debug log level, no
 * private member appears in logs or error responses; the test captures output and searches for the
 * known secrets.
 *
 * The real gateway runs at LOG_LEVEL=debug with a pino destination that keeps every line in memory.
 * Every operation goes through both transports, with the error paths (conflict, invalid keys with
 * real private material, kid mismatch, bad base64url, unsupported alg, not found, oversized and
 * malformed bodies). Every request and response goes through a recording fetch, so every private
 * member value (d p q dp dq qi k) sent or returned is collected. None of them, as base64url text
 * (any 8-character piece of it, since a parser message may quote a short excerpt), as standard
 * base64 or as hex, may appear in the log or in any error response body.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATABLE_ALGORITHMS } from "../../src/domain/algorithms.js";
import { REDACT_PATHS } from "../../src/logging.js";
import { es256, newSet, refusedKeys } from "../behaviour/fixtures.js";
import { transport, TRANSPORTS, type Outcome, type Transport, type TransportName } from "../behaviour/transports.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";

const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "k"];
/** Shortest piece of a secret searched for: V8's JSON.parse messages quote up to 10 characters. */
const WINDOW = 8;

// ------------------------------------------------------------------------------------------------
// What the gateway said, and what went through it

/** Every log line, as written by pino. */
const logLines: string[] = [];
/** Every error response body (status >= 400, or a GraphQL body with `errors`), as text. */
const errorBodies: { url: string; status: number; body: string }[] = [];
/** Every private member value sent or received. */
const secrets = new Set<string>();

function collectSecrets(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(collectSecrets);
  } else if (value !== null && typeof value === "object") {
    for (const [name, member] of Object.entries(value)) {
      if (PRIVATE.includes(name) && typeof member === "string" && member.length >= 16) secrets.add(member);
      else collectSecrets(member);
    }
  }
}

function collectFromText(text: string): void {
  try {
    collectSecrets(JSON.parse(text));
  } catch {
    // not JSON (a malformed body): its secrets are registered by the test that sends it
  }
}

const realFetch = globalThis.fetch;

async function recordingFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  if (typeof init?.body === "string") collectFromText(init.body);
  const response = await realFetch(input, init);
  const text = await response.clone().text();
  collectFromText(text);
  let graphqlErrors = false;
  try {
    graphqlErrors = Array.isArray(JSON.parse(text)?.errors);
  } catch {
    // not JSON
  }
  if (response.status >= 400 || graphqlErrors)
    errorBodies.push({ url: String(input), status: response.status, body: text });
  return response;
}

const logStream = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(
      ...String(chunk)
        .split("\n")
        .filter((line) => line.length > 0),
    );
    done();
  },
});

// ------------------------------------------------------------------------------------------------
// Helpers

function ok<T>(outcome: Outcome<T>): T {
  if ("error" in outcome) throw new Error(`expected success, got ${outcome.error}: ${outcome.message}`);
  return outcome.ok;
}

function failed<T>(outcome: Outcome<T>, code?: string): void {
  expect("error" in outcome, `expected an error, got ${JSON.stringify(outcome).slice(0, 200)}`).toBe(true);
  if (code !== undefined) expect(outcome).toMatchObject({ error: code });
}

async function rsaPrivate(kid: string, alg = "RS256"): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  return { ...(await exportJWK(privateKey)), kid, alg, use: alg.startsWith("RSA-") ? "enc" : "sig" };
}

const oct = (kid: string, bytes = 32, alg = "HS256") => ({
  kty: "oct",
  kid,
  alg,
  use: "sig",
  k: randomBytes(bytes).toString("base64url"),
});

/** Sends a raw body, recorded like every other request. */
async function raw(
  gateway: RunningGateway,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.origin}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: response.status, text: await response.text() };
}

// ------------------------------------------------------------------------------------------------
// The scenario: every operation and its error paths, through one transport

async function exercise(api: Transport, name: TransportName): Promise<void> {
  const set = newSet();

  // createJsonWebKeySet: every generatable algorithm, then a conflict and unsupported algorithms.
  for (const alg of GENERATABLE_ALGORITHMS) {
    ok(await api.createJsonWebKeySet(set, { alg, kid: `gen-${alg}` }));
  }
  failed(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "gen-ES256" }), "CONFLICT");
  for (const alg of ["none", "RSA1_5", "HS1", "rs256", ""])
    failed(await api.createJsonWebKeySet(set, { alg }), "BAD_USER_INPUT");

  // Reads, and reads of what is not there.
  expect(ok(await api.getJsonWebKeySet(set)).keys.length).toBe(GENERATABLE_ALGORITHMS.length);
  ok(await api.getJsonWebKey(set, "gen-RS256"));
  failed(await api.getJsonWebKeySet(newSet()), "NOT_FOUND");
  failed(await api.getJsonWebKey(set, "missing"), "NOT_FOUND");

  // updateJsonWebKey: valid imports of every kty, then every way to get it wrong with real material.
  ok(await api.updateJsonWebKey(set, "imp-ec", await es256("imp-ec")));
  ok(await api.updateJsonWebKey(set, "imp-rsa", await rsaPrivate("imp-rsa")));
  ok(await api.updateJsonWebKey(set, "imp-oct", oct("imp-oct", 64, "HS512")));
  const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  ok(await api.updateJsonWebKey(set, "imp-ed", { ...ed, kid: "imp-ed", alg: "EdDSA", use: "sig" }));

  failed(await api.updateJsonWebKey(set, "path-kid", await es256("body-kid")), "BAD_USER_INPUT"); // kid mismatch
  failed(await api.updateJsonWebKey(set, "path-kid", { ...(await rsaPrivate("body-kid")) }), "BAD_USER_INPUT");
  const refused = await refusedKeys();
  for (const [rule, key] of Object.entries(refused.byRule)) {
    const kid = (key.kid as string | undefined) ?? `refused-${rule.replaceAll(" ", "-")}`;
    failed(await api.updateJsonWebKey(set, kid, { ...key, kid }), "BAD_USER_INPUT");
  }
  const good = await es256("b64");
  failed(await api.updateJsonWebKey(set, "b64", { ...good, d: `${good.d as string}=` }), "BAD_USER_INPUT"); // bad base64url in d
  failed(
    await api.updateJsonWebKey(set, "b64", {
      ...good,
      d: Buffer.from(good.d as string, "base64url").toString("base64"),
    }),
    "BAD_USER_INPUT",
  ); // standard base64, padded
  const rsa = await rsaPrivate("rsa-bad");
  failed(await api.updateJsonWebKey(set, "rsa-bad", { ...rsa, dp: rsa.dq }), "BAD_USER_INPUT"); // CRT mismatch
  failed(await api.updateJsonWebKey(set, "rsa-bad", { ...rsa, alg: "RSA1_5", use: "enc" }), "BAD_USER_INPUT"); // refused alg
  failed(
    await api.updateJsonWebKey(set, "rsa-bad", { ...rsa, oth: [{ r: rsa.p, d: rsa.d, t: rsa.q }] }),
    "BAD_USER_INPUT",
  );
  failed(await api.updateJsonWebKey(set, "oct-short", oct("oct-short", 31)), "BAD_USER_INPUT");
  failed(await api.updateJsonWebKey(set, "oct-rsa", { ...oct("oct-rsa", 32), d: rsa.d }), "BAD_USER_INPUT"); // member of another kty
  // A member the schema or Hydra does not know, next to real private material.
  // GraphQL refuses these while coercing variables, REST in the validator.
  // (REST drops a member it does not know, as Hydra does; GraphQL's input type refuses it.)
  const withKeyOps = await api.updateJsonWebKey(set, "unknown", { ...(await es256("unknown")), key_ops: ["sign"] });
  if (name === "graphql") failed(withKeyOps, "BAD_USER_INPUT");
  else ok(withKeyOps);
  const { kty: _kty, ...withoutKty } = await es256("no-kty");
  failed(await api.updateJsonWebKey(set, "no-kty", withoutKty), "BAD_USER_INPUT");
  failed(await api.updateJsonWebKey(set, "typed", { ...(await es256("typed")), x: 12345 }), "BAD_USER_INPUT");
  const nested = await es256("nested");
  failed(await api.updateJsonWebKey(set, "nested", { ...nested, x: { d: nested.d } }), "BAD_USER_INPUT");
  failed(
    await api.updateJsonWebKeySet(set, { keys: [await es256("fine-2"), { ...(await es256("extra")), oth: [] }] }),
    "BAD_USER_INPUT",
  );

  // updateJsonWebKeySet: a valid set, then a duplicate kid (conflict) and one bad key among good ones.
  const replacement = { keys: [await es256("set-a"), await rsaPrivate("set-b", "PS256"), oct("set-c", 48, "HS384")] };
  ok(await api.updateJsonWebKeySet(set, replacement));
  failed(await api.updateJsonWebKeySet(set, { keys: [await es256("dup"), await es256("dup")] }), "CONFLICT");
  failed(
    await api.updateJsonWebKeySet(set, {
      keys: [await es256("fine"), { ...(await es256("bad")), d: (await es256()).d }],
    }),
    "BAD_USER_INPUT",
  );
  failed(
    await api.updateJsonWebKeySet(newSet(), {
      keys: [await es256("x"), refused.byRule["HMAC key shorter than its hash"]],
    }),
    "BAD_USER_INPUT",
  );
  ok(await api.getJsonWebKeySet(set));

  // Deletes, and reads of what they removed.
  ok(await api.deleteJsonWebKey(set, "set-a"));
  failed(await api.getJsonWebKey(set, "set-a"), "NOT_FOUND");
  ok(await api.deleteJsonWebKeySet(set));
  failed(await api.getJsonWebKeySet(set), "NOT_FOUND");
  const afterDelete = await api.deleteJsonWebKey(set, "set-b");
  if (name === "graphql") expect(afterDelete).toMatchObject({ ok: null });
}

/** Bodies the transports cannot send: oversized and malformed, each carrying real private material. */
/** A private JWK as PKCS#8 PEM text (its secrets registered), as an operator would import it. */
function pemOf(jwk: Record<string, unknown>): string {
  collectSecrets([jwk]);
  return createPrivateKey({ key: jwk as never, format: "jwk" })
    .export({ type: "pkcs8", format: "pem" })
    .toString();
}

/** PEM imports through both transports: successes, and refusals whose PEM holds private material. */
async function exercisePem(gateway: RunningGateway): Promise<void> {
  const set = newSet();
  const ec = pemOf(await es256());
  const rsa = pemOf(await rsaPrivate("pem"));
  const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
  const weakPem = pemOf(weak.export({ format: "jwk" }));
  const damaged = ec.replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!");
  const graphql = (kid: string, pem: string, alg: string) =>
    fetch(`${gateway.origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($set: String!, $kid: String, $input: ImportJsonWebKeyInput!) { importJsonWebKey(set: $set, kid: $kid, input: $input) { kid d } }`,
        variables: { set, kid, input: { pem, alg } },
      }),
    }).then(async (response) => (await response.json()) as { errors?: unknown[] });
  const rest = (kid: string, pem: string, alg: string) =>
    fetch(`${gateway.origin}/keys/${set}/${kid}?alg=${alg}`, {
      method: "PUT",
      headers: { "content-type": "application/x-pem-file" },
      body: pem,
    }).then((response) => response.status);

  expect((await graphql("ok-ec", ec, "ES256")).errors).toBeUndefined();
  expect(await rest("ok-rsa", rsa, "PS256")).toBe(200);
  for (const [pem, alg] of [
    [weakPem, "RS256"],
    [ec, "RS256"],
    [rsa, "ES256"],
    [damaged, "ES256"],
    [ec + rsa, "ES256"],
    [ec.replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"), "ES256"],
    [ec, ""],
  ]) {
    expect((await graphql("refused", pem, alg)).errors).toHaveLength(1);
    expect(await rest("refused", pem, alg)).toBe(400);
  }
}

async function exerciseRawBodies(gateway: RunningGateway): Promise<void> {
  const set = newSet();
  const key = await rsaPrivate("raw");
  const hmac = oct("raw-oct", 64, "HS512");
  collectSecrets([key, hmac]);

  // Oversized: more than the 256 KiB body limit, valid JSON otherwise.
  const many = { keys: Array.from({ length: 200 }, (_, index) => ({ ...key, kid: `raw-${index}` })) };
  expect(Buffer.byteLength(JSON.stringify(many))).toBeGreaterThan(256 * 1024);
  expect((await raw(gateway, "PUT", `/keys/${set}`, JSON.stringify(many))).status).toBe(413);
  expect(
    (await raw(gateway, "PUT", `/keys/${set}/raw`, JSON.stringify({ ...key, padding: "A".repeat(300 * 1024) }))).status,
  ).toBe(413);
  const mutation =
    "mutation($set: String!, $input: JsonWebKeySetInput!) { updateJsonWebKeySet(set: $set, input: $input) { keys { kid } } }";
  expect(
    (await raw(gateway, "POST", "/graphql", JSON.stringify({ query: mutation, variables: { set, input: many } })))
      .status,
  ).toBe(413);

  // Malformed JSON: cut short, junk before (V8 quotes the start of the text), junk after, junk inside.
  const keyBody = JSON.stringify(hmac);
  const setBody = JSON.stringify({ keys: [hmac, key] });
  const graphqlBody = JSON.stringify({ query: mutation, variables: { set, input: { keys: [hmac] } } });
  const malformed = (body: string) => [
    body.slice(0, -2),
    `x${body}`,
    `${body}}`,
    body.replace(hmac.k, `${hmac.k}" x "`),
    `x"${hmac.k}"`,
    `"${hmac.k}`,
    `{"k": "${hmac.k}", }`,
  ];
  for (const body of malformed(keyBody))
    expect((await raw(gateway, "PUT", `/keys/${set}/raw-oct`, body)).status).toBe(400);
  for (const body of malformed(setBody)) expect((await raw(gateway, "PUT", `/keys/${set}`, body)).status).toBe(400);
  for (const body of malformed(graphqlBody)) expect((await raw(gateway, "POST", "/graphql", body)).status).toBe(400);
}

// ------------------------------------------------------------------------------------------------

/** Every way a secret could be written out: its base64url text, standard base64 and hex. */
function findLeaks(haystack: string): string[] {
  const windows = new Set<string>();
  for (let at = 0; at + WINDOW <= haystack.length; at++) windows.add(haystack.slice(at, at + WINDOW));
  const leaks: string[] = [];
  for (const secret of secrets) {
    const bytes = Buffer.from(secret, "base64url");
    const pieces = Array.from({ length: secret.length - WINDOW + 1 }, (_, at) => secret.slice(at, at + WINDOW));
    const hit = pieces.find((piece) => windows.has(piece));
    if (hit !== undefined) leaks.push(`${secret.slice(0, 6)}…: base64url piece ${JSON.stringify(hit)}`);
    if (haystack.includes(bytes.toString("base64"))) leaks.push(`${secret.slice(0, 6)}…: as standard base64`);
    if (haystack.toLowerCase().includes(bytes.toString("hex").slice(0, 32)))
      leaks.push(`${secret.slice(0, 6)}…: as hex`);
  }
  return leaks;
}

describe.each(await providers())("on %s: no private member in debug logs or error bodies", (provider) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    logLines.length = 0;
    errorBodies.length = 0;
    secrets.clear();
    globalThis.fetch = recordingFetch;
    database = await freshDatabase(provider);
    // The production logger configuration (redaction included), at debug, into memory.
    const logger = { level: "debug", stream: logStream, redact: REDACT_PATHS };
    gateway = await startGateway({ databaseUrl: database.url, env: { LOG_LEVEL: "debug" }, logger });
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await gateway?.close();
    await database?.cleanup();
  });

  it.each(TRANSPORTS)("every operation and error path through %s", async (name) => {
    await exercise(transport(name, gateway), name);
  });

  it("oversized and malformed bodies through both transports", async () => {
    await exerciseRawBodies(gateway);
  });

  it("PEM imports and their refusals through both transports", async () => {
    await exercisePem(gateway);
  });

  it("no secret appears in the captured log or in any error body", async () => {
    // Not vacuous: secrets were collected, the log holds lines at debug level, errors were answered.
    expect(secrets.size).toBeGreaterThan(50);
    expect(gateway.app.server.log.level).toBe("debug");
    expect(logLines.length).toBeGreaterThan(50);
    const levels = logLines.map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.filter((level) => level === 30).length, "request lines in the log").toBeGreaterThan(0);
    // The gateway itself writes nothing at debug today; a line through its own logger proves that
    // the capture keeps debug lines, so the search below covers whatever it will log at debug.
    gateway.app.server.log.debug({ probe: true }, "no-leak probe");
    expect(
      logLines.some(
        (line) =>
          (JSON.parse(line) as { level: number; probe?: boolean }).level === 20 && line.includes('"probe":true'),
      ),
    ).toBe(true);
    expect(errorBodies.length).toBeGreaterThan(40);
    expect(errorBodies.some(({ status }) => status === 413)).toBe(true);

    const logLeaks = findLeaks(logLines.join("\n"));
    expect(logLeaks, "private material in the log").toEqual([]);
    const bodyLeaks = errorBodies.flatMap(({ url, status, body }) =>
      findLeaks(body).map((leak) => `${status} ${url}: ${leak} in ${body.slice(0, 300)}`),
    );
    expect(bodyLeaks, "private material in an error body").toEqual([]);
  });
});
