/**
 * GET /metrics: Prometheus counters per transport, seed operation and outcome, errors by code, and
 * key generations by algorithm, from a per-app registry. Driven through real HTTP on the real app.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVATE_MEMBERS } from "../../src/domain/jwk.js";
import { outcomeOfStatus } from "../../src/http/metrics.js";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus' text exposition format (enough of it for these tests). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and exactly these labels (0 when absent). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.keys(sample.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  expect(found.length, `${name}${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

describe("GET /metrics", () => {
  let database: FreshDatabase;
  let other: FreshDatabase;
  let gateway: RunningGateway;
  let second: RunningGateway;
  const secrets: string[] = [];

  const scrape = async (target = gateway) => {
    const response = await fetch(`${target.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    return { text, samples: parseMetrics(text) };
  };
  const rest = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.origin}${path}`, { ...init, headers: { "content-type": "application/json", ...init.headers } });

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    other = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url });
    second = await startGateway({ databaseUrl: other.url });

    // GraphQL: three generations, two reads (one failing), a bad algorithm, two root fields in one
    // request (one failing), a parse error, an introspection query, and the public JWKS.
    for (const alg of ["ES256", "EdDSA", "HS256"]) {
      const { body } = await gateway.graphql(
        'mutation($alg: String!) { createJsonWebKeySet(set: "m", input: { alg: $alg }) { keys { d k } } }',
        { alg },
      );
      expect(body.errors).toBeUndefined();
      for (const key of body.data.createJsonWebKeySet.keys) secrets.push(...[key.d, key.k].filter(Boolean));
    }
    expect((await gateway.graphql('{ getJsonWebKeySet(set: "m") { set } }')).body.errors).toBeUndefined();
    expect((await gateway.graphql('{ getJsonWebKeySet(set: "missing") { set } }')).body.errors[0].extensions.code).toBe(
      "NOT_FOUND",
    );
    expect(
      (await gateway.graphql('mutation { createJsonWebKeySet(set: "m", input: { alg: "none" }) { set } }')).body
        .errors[0].extensions.code,
    ).toBe("BAD_USER_INPUT");
    const two = await gateway.graphql(
      '{ ok: getJsonWebKeySet(set: "m") { set } nope: getJsonWebKey(set: "m", kid: "absent") { set } }',
    );
    expect(two.body.data).toBeNull();
    expect((await gateway.graphql("{ getJsonWebKeySet(")).body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    expect((await gateway.graphql("{ __schema { queryType { name } } }")).body.errors).toBeUndefined();
    expect((await gateway.graphql("{ discoverJsonWebKeys { set } }")).body.errors).toBeUndefined();

    // REST: a generation, a read on each prefix, a missing set, a conflict, and the well-known JWKS.
    const created = await rest("/keys/r", { method: "POST", body: JSON.stringify({ alg: "ES384", kid: "one" }) });
    expect(created.status).toBe(201);
    secrets.push(...((await created.json()) as { keys: { d: string }[] }).keys.map((key) => key.d));
    expect((await rest("/keys/r")).status).toBe(200);
    expect((await rest("/admin/keys/r")).status).toBe(200);
    expect((await rest("/keys/nothing-here")).status).toBe(404);
    expect((await rest("/keys/r", { method: "POST", body: JSON.stringify({ alg: "ES384", kid: "one" }) })).status).toBe(
      409,
    );
    expect((await fetch(`${gateway.origin}/.well-known/jwks.json`)).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.close();
    await second?.close();
    await database?.cleanup();
    await other?.cleanup();
  });

  it("counts GraphQL operations per root field with transport, operation and outcome labels", async () => {
    const { samples } = await scrape();
    const requests = (operation: string, outcome: string) =>
      valueOf(samples, "jwkgw_requests_total", { transport: "graphql", operation, outcome });
    expect(requests("createJsonWebKeySet", "ok")).toBe(3);
    expect(requests("createJsonWebKeySet", "BAD_USER_INPUT")).toBe(1);
    expect(requests("getJsonWebKeySet", "ok")).toBe(2); // alone, and as `ok:` beside a failing field
    expect(requests("getJsonWebKeySet", "NOT_FOUND")).toBe(1);
    expect(requests("getJsonWebKey", "NOT_FOUND")).toBe(1);
    expect(requests("discoverJsonWebKeys", "ok")).toBe(1);
    expect(requests("unknown", "GRAPHQL_PARSE_FAILED")).toBe(1);
    // Introspection is not an operation of this API.
    expect(samples.some((sample) => sample.labels.operation?.startsWith("__"))).toBe(false);
  });

  it("counts REST operations by the route's operation id, the same for /keys and /admin/keys", async () => {
    const { samples } = await scrape();
    const requests = (operation: string, outcome: string) =>
      valueOf(samples, "jwkgw_requests_total", { transport: "rest", operation, outcome });
    expect(requests("createJsonWebKeySet", "ok")).toBe(1);
    expect(requests("createJsonWebKeySet", "CONFLICT")).toBe(1);
    expect(requests("getJsonWebKeySet", "ok")).toBe(2);
    expect(requests("getJsonWebKeySet", "NOT_FOUND")).toBe(1);
    expect(requests("discoverJsonWebKeys", "ok")).toBe(1);
    // /metrics itself and /graphql are not REST operations.
    expect(samples.filter((s) => s.labels.transport === "rest" && !s.labels.operation)).toEqual([]);
  });

  it("counts errors by code, and times every operation", async () => {
    const { samples } = await scrape();
    expect(
      valueOf(samples, "jwkgw_errors_total", {
        transport: "graphql",
        operation: "getJsonWebKeySet",
        code: "NOT_FOUND",
      }),
    ).toBe(1);
    expect(
      valueOf(samples, "jwkgw_errors_total", {
        transport: "graphql",
        operation: "createJsonWebKeySet",
        code: "BAD_USER_INPUT",
      }),
    ).toBe(1);
    expect(
      valueOf(samples, "jwkgw_errors_total", { transport: "rest", operation: "createJsonWebKeySet", code: "CONFLICT" }),
    ).toBe(1);
    expect(samples.filter((s) => s.name === "jwkgw_errors_total").every((s) => s.labels.code !== "ok")).toBe(true);
    const count = valueOf(samples, "jwkgw_request_duration_seconds_count", {
      transport: "graphql",
      operation: "createJsonWebKeySet",
      outcome: "ok",
    });
    expect(count).toBe(3);
    const sum = valueOf(samples, "jwkgw_request_duration_seconds_sum", {
      transport: "graphql",
      operation: "createJsonWebKeySet",
      outcome: "ok",
    });
    expect(sum).toBeGreaterThan(0);
  });

  it("counts and times key generations by algorithm, through either transport", async () => {
    const { samples } = await scrape();
    for (const alg of ["ES256", "EdDSA", "HS256", "ES384"]) {
      expect(valueOf(samples, "jwkgw_key_generations_total", { alg }), alg).toBe(alg === "ES384" ? 2 : 1); // ES384: the conflict was generated too
      expect(valueOf(samples, "jwkgw_key_generation_duration_seconds_count", { alg }), alg).toBe(
        alg === "ES384" ? 2 : 1,
      );
    }
    // An unsupported algorithm generates nothing.
    expect(valueOf(samples, "jwkgw_key_generations_total", { alg: "none" })).toBe(0);
  });

  it("holds no key material", async () => {
    const { text, samples } = await scrape();
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
    expect(PRIVATE_MEMBERS.filter((member) => labelNames.has(member))).toEqual([]);
    // Caller-chosen names (sets, kids) never become labels.
    for (const name of ['"m"', '"r"', '"missing"', '"nothing-here"', '"one"']) expect(text).not.toContain(name);
  });

  it("each app has its own registry: another app in the same process counts nothing of this one's", async () => {
    const { samples } = await scrape(second);
    expect(
      samples
        .filter((sample) => sample.name.startsWith("jwkgw_") && !sample.name.endsWith("_bucket"))
        .every((s) => s.value === 0),
    ).toBe(true);
    expect(samples.some((sample) => sample.name === "process_cpu_user_seconds_total")).toBe(true);
  });

  it("a REST status maps to the error code of the one catalogue", () => {
    expect([200, 201, 204, 304, 400, 404, 409, 413, 415, 500, 503].map(outcomeOfStatus)).toEqual([
      "ok",
      "ok",
      "ok",
      "ok",
      "BAD_USER_INPUT",
      "NOT_FOUND",
      "CONFLICT",
      "PAYLOAD_TOO_LARGE",
      "HTTP_415",
      "INTERNAL_SERVER_ERROR",
      "SERVICE_UNAVAILABLE",
    ]);
  });
});
