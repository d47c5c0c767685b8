/**
 * Every suite that starts a gateway through test/support/gateway.ts checks, on close, that no
 * private member of the stored keys reached the (debug-level) log. This proves that check can fail.
 */
import { afterAll, describe, expect, it } from "vitest";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway } from "../support/gateway.js";

describe("the suite-wide leak guard", () => {
  let database: FreshDatabase;
  afterAll(() => database?.cleanup());

  it("close() fails when a private member of a stored key appears in the log, and passes otherwise", async () => {
    database = await freshDatabase("sqlite");
    const clean = await startGateway({ databaseUrl: database.url });
    await clean.graphql('mutation { createJsonWebKeySet(set: "guard", input: { alg: "ES256", kid: "a" }) { set } }');
    await expect(clean.close()).resolves.toBeUndefined();

    const leaky = await startGateway({ databaseUrl: database.url });
    const { body } = await leaky.graphql('{ getJsonWebKey(set: "guard", kid: "a") { keys { d } } }');
    leaky.app.server.log.debug({ d: body.data.getJsonWebKey.keys[0].d }, "a careless debug line");
    await expect(leaky.close()).rejects.toThrow("the gateway logged 1 private key member value(s)");
  });
});
