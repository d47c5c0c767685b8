/**
 * Hydra's own published SDKs, unmodified, against the real gateway on every store: all seven
 * operations through `ory-hydra-sdk@1.0.0-beta.8` (JsonWebKeyApi, superagent callbacks, `/keys`),
 * `@ory/hydra-client` 1.11.8 (AdminApi, axios, `/keys`) and 2.2.0 (JwkApi, axios, `/admin/keys`).
 * Each SDK is wrapped in the behaviour suite's Transport shape, so one scenario serves all three.
 */
import { AdminApi, Configuration as ConfigurationV1, type JSONWebKey, type JSONWebKeySet } from "@ory/hydra-client-v1";
import { Configuration as ConfigurationV2, JwkApi, type JsonWebKey, type JsonWebKeySet } from "@ory/hydra-client-v2";
import { beforeAll, describe, expect, it } from "vitest";
import { es256 } from "../behaviour/fixtures.js";
import { restFailure, type Outcome, type Transport } from "../behaviour/transports.js";
import { providers } from "../support/databases.js";
import { useGateway } from "../support/gateway.js";
import { legacyJsonWebKeyApi } from "./legacy-sdk.js";

type Operations = Omit<Transport, "name">;

/** SDK models are class instances with undefined members; compare them as the JSON they came from. */
const plain = <T>(value: unknown): T =>
  (value === undefined || value === "" || value === null ? null : JSON.parse(JSON.stringify(value))) as T;

/** ory-hydra-sdk@1.0.0-beta.8: callbacks `(error, data, response)`; errors carry `status` and `response.body`. */
function betaSdk(origin: string): Operations {
  const api = legacyJsonWebKeyApi(origin);
  type Done<T> = (error: (Error & { status?: number; response?: { body: unknown } }) | null, data: T) => void;
  const call = <T>(invoke: (done: Done<unknown>) => void) =>
    new Promise<Outcome<T>>((resolve, reject) =>
      invoke((error, data) => {
        if (!error) return resolve({ ok: plain<T>(data) });
        if (error.status === undefined) return reject(error);
        resolve(restFailure(error.status, error.response?.body));
      }),
    );
  return {
    createJsonWebKeySet: (set, input) => call((done) => api.createJsonWebKeySet(set, { body: input }, done)),
    getJsonWebKeySet: (set) => call((done) => api.getJsonWebKeySet(set, done)),
    getJsonWebKey: (set, kid) => call((done) => api.getJsonWebKey(kid, set, done)),
    updateJsonWebKey: (set, kid, key) => call((done) => api.updateJsonWebKey(kid, set, { body: key }, done)),
    updateJsonWebKeySet: (set, input) => call((done) => api.updateJsonWebKeySet(set, { body: input }, done)),
    deleteJsonWebKey: (set, kid) => call((done) => api.deleteJsonWebKey(kid, set, done)),
    deleteJsonWebKeySet: (set) => call((done) => api.deleteJsonWebKeySet(set, done)),
  };
}

/** The axios-based clients reject with `error.response` on any non-2xx status. */
async function axiosCall<T>(request: Promise<{ data: unknown }>): Promise<Outcome<T>> {
  try {
    return { ok: plain<T>((await request).data) };
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (!response) throw error;
    return restFailure(response.status, response.data);
  }
}

/** @ory/hydra-client 1.11.8: AdminApi over the seed's `/keys/...` paths. */
function clientV1(origin: string): Operations {
  const api = new AdminApi(new ConfigurationV1({ basePath: origin }));
  return {
    createJsonWebKeySet: (set, input) =>
      axiosCall(api.createJsonWebKeySet(set, input as { alg: string; kid: string; use: string })),
    getJsonWebKeySet: (set) => axiosCall(api.getJsonWebKeySet(set)),
    getJsonWebKey: (set, kid) => axiosCall(api.getJsonWebKey(kid, set)),
    updateJsonWebKey: (set, kid, key) => axiosCall(api.updateJsonWebKey(kid, set, key as unknown as JSONWebKey)),
    updateJsonWebKeySet: (set, input) => axiosCall(api.updateJsonWebKeySet(set, input as unknown as JSONWebKeySet)),
    deleteJsonWebKey: (set, kid) => axiosCall(api.deleteJsonWebKey(kid, set)),
    deleteJsonWebKeySet: (set) => axiosCall(api.deleteJsonWebKeySet(set)),
  };
}

/** @ory/hydra-client 2.2.0: JwkApi over current Hydra's `/admin/keys/...` paths and operation ids. */
function clientV2(origin: string): Operations {
  const api = new JwkApi(new ConfigurationV2({ basePath: origin }));
  return {
    createJsonWebKeySet: (set, input) =>
      axiosCall(
        api.createJsonWebKeySet({ set, createJsonWebKeySet: input as { alg: string; kid: string; use: string } }),
      ),
    getJsonWebKeySet: (set) => axiosCall(api.getJsonWebKeySet({ set })),
    getJsonWebKey: (set, kid) => axiosCall(api.getJsonWebKey({ set, kid })),
    updateJsonWebKey: (set, kid, key) =>
      axiosCall(api.setJsonWebKey({ set, kid, jsonWebKey: key as unknown as JsonWebKey })),
    updateJsonWebKeySet: (set, input) =>
      axiosCall(api.setJsonWebKeySet({ set, jsonWebKeySet: input as unknown as JsonWebKeySet })),
    deleteJsonWebKey: (set, kid) => axiosCall(api.deleteJsonWebKey({ set, kid })),
    deleteJsonWebKeySet: (set) => axiosCall(api.deleteJsonWebKeySet({ set })),
  };
}

const SDKS = {
  "ory-hydra-sdk@1.0.0-beta.8 JsonWebKeyApi": betaSdk,
  "@ory/hydra-client@1.11.8 AdminApi": clientV1,
  "@ory/hydra-client@2.2.0 JwkApi": clientV2,
} as const;

const kids = (outcome: Outcome<{ keys: { kid: string }[] }>) =>
  "ok" in outcome ? outcome.ok.keys.map((key) => key.kid) : outcome;

const matrix = (await providers()).flatMap((provider) =>
  Object.keys(SDKS).map((sdk) => [provider, sdk as keyof typeof SDKS] as const),
);

describe.each(matrix)("on %s, %s", (provider, sdk) => {
  const gateway = useGateway(provider);
  let api: Operations;

  beforeAll(() => {
    api = SDKS[sdk](gateway.origin);
  });

  it("runs all seven operations, unmodified", async () => {
    const set = `sdk set/${provider}`;
    const created = await api.createJsonWebKeySet(set, { alg: "ES256", kid: "a", use: "sig" });
    expect(created).toMatchObject({
      ok: { keys: [{ kid: "a", kty: "EC", crv: "P-256", alg: "ES256", use: "sig", d: expect.any(String) }] },
    });
    await api.createJsonWebKeySet(set, { alg: "RS256", kid: "b", use: "sig" });

    expect(kids(await api.getJsonWebKeySet(set))).toEqual(["b", "a"]);
    expect(await api.getJsonWebKey(set, "a")).toEqual(created);

    const own = await es256("c");
    expect(await api.updateJsonWebKey(set, "c", own)).toEqual({ ok: own });
    expect(kids(await api.getJsonWebKeySet(set))).toEqual(["c", "b", "a"]);

    const replacement = [await es256("x"), await es256("y")];
    expect(await api.updateJsonWebKeySet(set, { keys: replacement })).toEqual({ ok: { keys: replacement } });
    expect(kids(await api.getJsonWebKeySet(set))).toEqual(["y", "x"]);

    expect(await api.deleteJsonWebKey(set, "x")).toEqual({ ok: null });
    expect(await api.getJsonWebKey(set, "x")).toMatchObject({ error: "NOT_FOUND" });
    expect(await api.deleteJsonWebKeySet(set)).toEqual({ ok: null });
    expect(await api.getJsonWebKeySet(set)).toMatchObject({ error: "NOT_FOUND" });
    expect(await api.deleteJsonWebKeySet(set)).toEqual({ ok: null });
  });

  it("gets Hydra's error envelope and status for a conflict, an unsupported algorithm and a kid mismatch", async () => {
    const set = `sdk-errors-${provider}`;
    await api.createJsonWebKeySet(set, { alg: "ES256", kid: "dup", use: "sig" });
    expect(await api.createJsonWebKeySet(set, { alg: "ES256", kid: "dup", use: "sig" })).toEqual({
      error: "CONFLICT",
      message: "",
    });
    expect(await api.createJsonWebKeySet(set, { alg: "HS1", kid: "k", use: "sig" })).toEqual({
      error: "BAD_USER_INPUT",
      message: "Unsupported key algorithm",
    });
    expect(await api.updateJsonWebKey(set, "kidA", await es256("kidB"))).toMatchObject({
      error: "BAD_USER_INPUT",
      message: expect.stringContaining('"kidA"'),
    });
    expect(kids(await api.getJsonWebKeySet(set))).toEqual(["dup"]);
  });
});
