/**
 * REST error mapping, in-process (Fastify `inject`) over a store that fails: every domain code gets
 * the HTTP status of the one catalogue in src/errors.ts, and anything unexpected is masked
 * as Hydra's generic 500 and logged, never returned.
 */
import Fastify from "fastify";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { OPEN_MODE } from "../../src/auth/caller.js";
import {
  BadInputError,
  ERROR_CODES,
  httpStatusOf,
  JwkGatewayError,
  UnavailableError,
  type ErrorCode,
} from "../../src/errors.js";
import type { JsonWebKeyRepository } from "../../src/domain/repository.js";
import { JsonWebKeyService } from "../../src/domain/service.js";
import { restApi } from "../../src/rest/api.js";
import { fromDomainError, toRestError } from "../../src/rest/errors.js";

/** What a failing driver might put in its message: SQL, a table, a file path. */
const LEAKY_MESSAGE =
  "SQLITE_ERROR: no such table: json_web_key\nSELECT kid, keydata FROM json_web_key -- /tmp/jwkgw/keys.db";

function failingRepository(error: () => Error): JsonWebKeyRepository {
  const fail = async (): Promise<never> => {
    throw error();
  };
  return {
    getKeySet: fail,
    getKey: fail,
    addKey: fail,
    upsertKey: fail,
    replaceKeySet: fail,
    deleteKey: fail,
    deleteKeySet: fail,
    changeLifecycle: fail,
    getPolicy: fail,
    setPolicy: fail,
    dueSets: fail,
    listSets: fail,
    countSets: fail,
    listKeys: fail,
    countKeys: fail,
    ping: fail,
  };
}

async function restOver(repository: JsonWebKeyRepository) {
  const logs: string[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => (logs.push(chunk.toString()), done()) });
  const app = Fastify({ logger: { level: "error", stream } });
  await app.register(restApi, { service: new JsonWebKeyService({ repository }), authenticate: async () => OPEN_MODE });
  return { app, logs };
}

describe("REST error mapping", () => {
  it("an unexpected error is 500 with Hydra's generic body: no message, stack, SQL or path; it is logged instead", async () => {
    const { app, logs } = await restOver(failingRepository(() => new Error(LEAKY_MESSAGE)));
    for (const [method, url] of [
      ["GET", "/keys/s"],
      ["GET", "/admin/keys/s/k"],
      ["DELETE", "/keys/s"],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: "error", error_description: "The error is unrecognizable" });
    }
    expect(logs.join("")).toContain("unexpected error in a REST operation");
    // Only the first line of a driver message is logged (later lines may hold query arguments).
    expect(logs.join("")).not.toContain("SELECT");
    await app.close();
  });

  it("a domain error from the store keeps its code: SERVICE_UNAVAILABLE is 503 with its message", async () => {
    const { app } = await restOver(failingRepository(() => new UnavailableError()));
    const response = await app.inject({ method: "GET", url: "/keys/s" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: "Service Unavailable",
      error_description: "The key store is unavailable, try again later",
    });
    await app.close();
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])(
    "%s answers the catalogue's HTTP status in Hydra's envelope",
    (code) => {
      const mapped = fromDomainError(new JwkGatewayError(code, "the rule that was broken"));
      expect(mapped.status).toBe(httpStatusOf(code));
      expect(mapped.code).toBe(code);
      expect(mapped.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
    },
  );

  it("errors that are not the gateway's are left for the caller to mask", () => {
    expect(toRestError(new Error(LEAKY_MESSAGE))).toBeUndefined();
    expect(toRestError(Object.assign(new Error("boom"), { statusCode: 500 }))).toBeUndefined();
    expect(toRestError("a string")).toBeUndefined();
    expect(toRestError(new BadInputError("bad"))).toMatchObject({ status: 400, code: "BAD_USER_INPUT" });
  });
});
