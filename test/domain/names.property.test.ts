/**
 * No accepted name can make its set or the public JWKS unreadable (fast-check, fixed seed): for any
 * string, lone UTF-16 surrogates, controls and over-long strings included, as `set` or `kid` of a
 * create on the real gateway (SQLite, in-process). Either it is refused (BAD_USER_INPUT with reason
 * BAD_SET/BAD_KID, nothing stored), or the set reads back with exactly that kid and, in a broadcast
 * set, GET /.well-known/jwks.json answers 200 with it.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JwkGatewayError } from "../../src/errors.js";
import { nameProblem } from "../../src/domain/names.js";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";

const RUNS = 100;
const SEED = 20261210;
const BROADCAST = "broadcast";

/** Any UTF-16 code unit (so lone surrogates too), the interesting ones often, and whole astral characters. */
const unit = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      "\ud800",
      "\udbff",
      "\udc00",
      "\udfff",
      "\u0000",
      "\u001f",
      "\u007f",
      "\u0080",
      "\u0085",
      "\u009f",
      "\u00a0",
      "\ufffd",
      "\ufeff",
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: fc.constantFrom("a", "-", ".", "/", "%", " "), weight: 3 },
);
const name = fc.oneof(
  { arbitrary: fc.string({ unit, minLength: 0, maxLength: 12 }), weight: 9 },
  { arbitrary: fc.string({ unit, minLength: 250, maxLength: 260 }), weight: 1 },
);

describe(`names (fast-check, ${RUNS} runs, seed ${SEED})`, () => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url, env: { JWKS_BROADCAST_SETS: BROADCAST } });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  const rowCount = () => gateway.app.database.client.jsonWebKey.count();

  it("an accepted set or kid reads back unchanged and keeps the set and the JWKS readable; a refused one stores nothing", async () => {
    const { service, server } = gateway.app;
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(name, name, async (set, kid) => {
        for (const [target, key] of [
          [set, kid],
          [BROADCAST, kid],
        ] as const) {
          const before = await rowCount();
          // An empty kid asks for a generated one.
          const valid = nameProblem(target) === undefined && (key === "" || nameProblem(key) === undefined);
          try {
            const created = await service.createJsonWebKeySet(target, { alg: "ES256", kid: key });
            if (!valid) throw new Error(`accepted an invalid name: ${JSON.stringify([target, key])}`);
            const stored = key === "" ? created.keys[0].kid : key;
            const read = await service.getJsonWebKeySet(target);
            expect(read.keys.map((k) => k.kid)).toContain(stored);
            expect((await service.getJsonWebKey(target, stored)).keys[0].kid).toBe(stored);
            if (target === BROADCAST) {
              const jwks = await server.inject({ method: "GET", url: "/.well-known/jwks.json" });
              expect(jwks.statusCode).toBe(200);
              expect(jwks.json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).toContain(stored);
            }
            await service.deleteJsonWebKey(target, stored);
            accepted++;
          } catch (error) {
            if (!(error instanceof JwkGatewayError) || error.code !== "BAD_USER_INPUT" || valid) throw error;
            expect(error.reason).toMatch(/^BAD_(SET|KID)$/);
            expect(await rowCount()).toBe(before);
            refused++;
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Not vacuous: both outcomes happened, often.
    expect(accepted).toBeGreaterThan(RUNS / 4);
    expect(refused).toBeGreaterThan(RUNS / 4);
  });
});
