/**
 * What only the REST transport has, over real HTTP on every store: Hydra's status codes, headers,
 * envelopes and error strings (README, "REST API (Hydra-compatible)"), the `/admin` aliases, and the
 * refusal of bodies that are not JSON or not the JSON a route expects, before the service runs.
 * The behaviour of the operations themselves is in test/behaviour, shared with GraphQL.
 */
import { describe, expect, it } from "vitest";
import { es256, newSet } from "../behaviour/fixtures.js";
import { providers } from "../support/databases.js";
import { useGateway } from "../support/gateway.js";

const JSON_UTF8 = "application/json; charset=utf-8";
const NO_CACHE = "private, no-cache, no-store, must-revalidate";
const DECODE_ERROR = "The request was malformed or contained invalid parameters";

const path = (...segments: string[]) => `/${["keys", ...segments.map(encodeURIComponent)].join("/")}`;

describe.each(await providers())("REST routes on %s", (provider) => {
  const gateway = useGateway(provider);

  /** A body that is not a string is sent as JSON; a string is sent as it is (to send broken JSON). */
  async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const send = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const response = await fetch(`${gateway.origin}${url}`, {
      method,
      headers: send === undefined ? headers : { "content-type": "application/json", ...headers },
      body: send,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
  }
  const create = (set: string, body: unknown = { alg: "ES256" }) => call("POST", path(set), body);
  const stored = async (set: string) => (await call("GET", path(set))).status;

  describe("success responses", () => {
    it("POST /keys/{set} answers 201, a Location ending in /keys/<escaped set>, and {keys: [the new key]}", async () => {
      const set = `${newSet()} with/slash & ü`;
      const response = await create(set, { alg: "ES256", kid: "k1" });
      expect(response.status).toBe(201);
      expect(response.headers.get("location")!.endsWith(`/keys/${encodeURIComponent(set)}`)).toBe(true);
      expect(response.headers.get("content-type")).toBe(JSON_UTF8);
      expect(response.json).toEqual({
        keys: [expect.objectContaining({ kid: "k1", kty: "EC", d: expect.any(String) })],
      });
      expect((await call("GET", response.headers.get("location")!)).json).toEqual(response.json);
    });

    it("GET of a set or a key answers 200 {keys: [...]} with Cache-Control: private, no-cache, no-store, must-revalidate", async () => {
      const set = newSet();
      const created = (await create(set, { alg: "ES256", kid: "k" })).json;
      for (const url of [path(set), path(set, "k")]) {
        const response = await call("GET", url);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe(JSON_UTF8);
        expect(response.headers.get("cache-control")).toBe(NO_CACHE);
        expect(response.json).toEqual(created);
      }
      expect((await call("GET", path(newSet()))).headers.get("cache-control")).toBe(NO_CACHE);
    });

    it("PUT /keys/{set}/{kid} answers 200 with the bare stored JWK", async () => {
      const key = await es256();
      const response = await call("PUT", path(newSet(), "mine"), key);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(JSON_UTF8);
      expect(response.json).toEqual({ ...key, kid: "mine" });
    });

    it("PUT /keys/{set} answers 200 with {keys: [...]} in request order", async () => {
      const keys = [await es256("b"), await es256("a")];
      const response = await call("PUT", path(newSet()), { keys });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ keys });
    });

    it("keys are serialised in go-jose's member order, with no absent or unknown members", async () => {
      const set = newSet();
      await create(set, { alg: "RS256", kid: "r" });
      const [key] = (await call("GET", path(set))).json.keys;
      expect(Object.keys(key)).toEqual(["use", "kty", "kid", "alg", "n", "e", "d", "p", "q", "dp", "dq", "qi"]);
      const put = await call("PUT", path(set, "o"), { ...(await es256()), key_ops: ["sign"], ext: true });
      expect(Object.keys(put.json)).toEqual(["use", "kty", "kid", "crv", "alg", "x", "y", "d"]);
    });

    it("DELETE answers 204 with no body, whether or not something matched", async () => {
      const set = newSet();
      await create(set, { alg: "ES256", kid: "k" });
      for (const url of [path(set, "k"), path(set, "k"), path(set), path(set), path(newSet(), "k")]) {
        const response = await call("DELETE", url);
        expect(response.status).toBe(204);
        expect(response.text).toBe("");
        expect(response.headers.get("content-type")).toBeNull();
      }
    });

    it("DELETE with Content-Type: application/json and an empty body, as Hydra's SDKs send it, is accepted", async () => {
      const response = await call("DELETE", path(newSet()), undefined, { "content-type": "application/json" });
      expect(response.status).toBe(204);
    });
  });

  describe("paths", () => {
    it("every route is also served under /admin/keys, as current Hydra does", async () => {
      const set = newSet();
      const created = await call("POST", `/admin${path(set)}`, { alg: "ES256", kid: "k" });
      expect(created.status).toBe(201);
      expect(created.headers.get("location")).toBe(`/admin${path(set)}`);
      expect((await call("GET", `/admin${path(set)}`)).json).toEqual(created.json);
      expect((await call("GET", `/admin${path(set, "k")}`)).json).toEqual(created.json);
      expect((await call("GET", path(set))).json).toEqual(created.json);
      const key = await es256("k");
      expect((await call("PUT", `/admin${path(set, "k")}`, key)).json).toEqual(key);
      expect((await call("PUT", `/admin${path(set)}`, { keys: [key] })).json).toEqual({ keys: [key] });
      expect((await call("DELETE", `/admin${path(set, "k")}`)).status).toBe(204);
      expect((await call("DELETE", `/admin${path(set)}`)).status).toBe(204);
      expect(await stored(set)).toBe(404);
    });

    it("a trailing slash is tolerated", async () => {
      const set = newSet();
      expect((await call("POST", `${path(set)}/`, { alg: "ES256", kid: "k" })).status).toBe(201);
      expect((await call("GET", `${path(set)}/`)).status).toBe(200);
      expect((await call("GET", `/admin${path(set, "k")}/`)).status).toBe(200);
      expect((await call("DELETE", `${path(set, "k")}/`)).status).toBe(204);
    });

    it("a percent-encoded slash belongs to the name: /keys/a%2Fb is the set a/b", async () => {
      const set = `${newSet()}/b`;
      await create(set, { alg: "ES256", kid: "x/y" });
      expect((await call("GET", path(set, "x/y"))).json.keys[0].kid).toBe("x/y");
    });
  });

  describe("errors", () => {
    it("a missing set or key is 404 with Hydra's body", async () => {
      const set = newSet();
      await create(set, { alg: "ES256", kid: "k" });
      for (const url of [path(newSet()), path(set, "nope"), path(newSet(), "k")]) {
        const response = await call("GET", url);
        expect(response.status).toBe(404);
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        expect(response.json).toEqual({
          error: "Not Found",
          error_description: "Unable to locate the requested resource",
        });
      }
    });

    it('an unsupported algorithm is 400 {"error": "Bad Request", "error_description": "Unsupported key algorithm"}', async () => {
      const response = await create(newSet(), { alg: "HS1" });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: "Bad Request", error_description: "Unsupported key algorithm" });
    });

    it("a kid already in the set is 409 with Hydra's body", async () => {
      const set = newSet();
      await create(set, { alg: "ES256", kid: "dup" });
      const response = await create(set, { alg: "ES256", kid: "dup" });
      expect(response.status).toBe(409);
      expect(response.json).toEqual({
        error: "Unable to insert or update resource because a resource with that value exists already",
        error_description: "",
      });
    });

    it("other refusals are 400 with the domain's message as error_description", async () => {
      const response = await call("PUT", path(newSet(), "kidA"), await es256("kidB"));
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: DECODE_ERROR, error_description: expect.stringContaining('"kidA"') });
    });

    it('a body that is not JSON is 400 "Unable to decode the request body: …", quoting nothing, and nothing is stored', async () => {
      const set = newSet();
      for (const [method, url, body] of [
        ["POST", path(set), '{"alg":'],
        ["POST", path(set), "alg=ES256"],
        ["PUT", path(set), '{"keys":[{"kty":"EC","d":"secret-material"'],
        ["PUT", path(set, "k"), "{'kty': 'oct'}"],
        ["POST", path(set), '{"alg":"ES256","__proto__":{"x":1}}'],
      ]) {
        const response = await call(method, url, body);
        expect(response.status, body).toBe(400);
        expect(response.json.error, body).toBe(DECODE_ERROR);
        expect(response.json.error_description, body).toMatch(/^Unable to decode the request body: /);
        expect(response.text).not.toContain("secret-material");
      }
      expect(await stored(set)).toBe(404);
    });

    it('a body with a duplicate member name (duplicate kty) is 400 "duplicate member", quoting no value, and nothing is stored', async () => {
      const set = newSet();
      const key = await es256("k");
      const json = JSON.stringify(key);
      const duplicated = `{"kty":"oct",${json.slice(1)}`; // JSON.parse would keep the later "EC"
      expect(JSON.parse(duplicated)).toEqual(key);
      const nested = JSON.stringify({ keys: [key] }).replace('"kid":"k"', '"kid":"k","kid":"k2"');
      for (const [method, url, body, name] of [
        ["PUT", path(set, "k"), duplicated, "kty"],
        ["PUT", path(set), nested, "kid"],
        ["POST", path(set), '{"alg":"ES256","alg":"HS256"}', "alg"],
      ]) {
        const response = await call(method, url, body);
        expect(response.status, body).toBe(400);
        expect(response.json, body).toEqual({
          error: DECODE_ERROR,
          error_description: `Unable to decode the request body: duplicate member "${name}"`,
        });
        expect(response.text).not.toContain(key.d as string);
        expect(response.text).not.toContain(key.x as string);
      }
      expect(await stored(set)).toBe(404);
    });

    it("a body of the wrong shape is refused by the route's schema before the service runs, and nothing is stored", async () => {
      const set = newSet();
      const cases: [string, string, unknown][] = [
        ["POST", path(set), []],
        ["POST", path(set), '"ES256"'],
        ["POST", path(set), {}],
        ["POST", path(set), { alg: 256 }],
        // No type coercion: GraphQL refuses a number for a String, so REST does too.
        ["POST", path(set), { alg: "ES256", kid: 5 }],
        ["POST", path(set), { alg: "ES256", use: true }],
        ["PUT", path(set), {}],
        ["PUT", path(set), { keys: {} }],
        ["PUT", path(set), { keys: ["not a key"] }],
        ["PUT", path(set, "k"), []],
        ["PUT", path(set, "k"), { kty: "EC", crv: "P-256", x: 5 }],
        ["PUT", path(set, "k"), { kty: "RSA", x5c: "not a list" }],
        ["POST", path(set), undefined],
      ];
      for (const [method, url, body] of cases) {
        const response = await call(method, url, body, { "content-type": "application/json" });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.json, JSON.stringify(body)).toEqual({
          error: DECODE_ERROR,
          error_description: expect.stringMatching(/^Unable to decode the request body: body/),
        });
      }
      expect(await stored(set)).toBe(404);
    });

    it("a body that is not sent as JSON is 415 in Hydra's envelope, and nothing is stored", async () => {
      const set = newSet();
      const response = await call("POST", path(set), undefined, { "content-type": "text/plain" });
      const form = await fetch(`${gateway.origin}${path(set)}`, {
        method: "POST",
        body: new URLSearchParams({ alg: "ES256" }),
      });
      for (const { status, json } of [response, { status: form.status, json: await form.json() }]) {
        expect(status).toBe(415);
        expect(json).toEqual({
          error: DECODE_ERROR,
          error_description: "The request body must be JSON, sent with Content-Type: application/json",
        });
      }
      expect(await stored(set)).toBe(404);
    });

    it("an oversized body is refused before parsing with 413 in Hydra's envelope", async () => {
      const set = newSet();
      const response = await call("PUT", path(set), { keys: [{ kty: "oct", k: "A".repeat(300 * 1024) }] });
      expect(response.status).toBe(413);
      expect(response.json).toEqual({ error: "Payload Too Large", error_description: expect.any(String) });
      expect(await stored(set)).toBe(404);
    });
  });
});
