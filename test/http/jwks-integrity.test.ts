/**
 * One key that does not open (its sealed row altered with SQL, past the app) must not take down the
 * public JWKS: GET /.well-known/jwks.json answers 200 with the other keys, the failure is logged
 * (set and kid, no key material) and counted in /metrics (jwkgw_key_open_failures_total{set}).
 * Admin reads of that set still fail loudly (KEY_INTEGRITY), as before. On every store.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_JWKS_BROADCAST_SETS } from "../../src/config.js";
import { PRIVATE_MEMBERS } from "../../src/domain/jwk.js";
import { REDACT_PATHS } from "../../src/logging.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { execSql } from "../support/rows.js";

const [ID_TOKEN, ACCESS_TOKEN] = DEFAULT_JWKS_BROADCAST_SETS;

class LogLines extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe.each(await providers())("the public JWKS with a key that does not open, on %s", (provider) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  const log = new LogLines();
  const secrets: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase(provider);
    gateway = await startGateway({
      databaseUrl: database.url,
      logger: { level: "debug", stream: log, redact: REDACT_PATHS } as never,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  const jwks = async () => {
    const response = await fetch(`${gateway.origin}/.well-known/jwks.json`);
    return {
      status: response.status,
      kids: response.ok ? ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid) : [],
    };
  };
  const failuresCounted = async () => {
    const text = await (await fetch(`${gateway.origin}/metrics`)).text();
    const line = text.split("\n").find((row) => row.startsWith(`jwkgw_key_open_failures_total{set="${ID_TOKEN}"}`));
    return line === undefined ? 0 : Number(line.split(" ").at(-1));
  };

  it("serves the other keys (200), logs the failure without key material and counts it", async () => {
    const { service } = gateway.app;
    for (const kid of ["good", "tampered"]) {
      const { keys } = await service.createJsonWebKeySet(ID_TOKEN, { alg: "ES256", kid });
      secrets.push(...PRIVATE_MEMBERS.flatMap((member) => (keys[0][member] ? [keys[0][member]] : [])));
    }
    await service.createJsonWebKeySet(ACCESS_TOKEN, { alg: "EdDSA", kid: "other-set" });
    expect(await jwks()).toEqual({ status: 200, kids: ["tampered", "good", "other-set"] });
    expect(await failuresCounted()).toBe(0);

    // Swap the sealed blob of "tampered" for that of "good": both are valid ciphertexts, but not for that kid (AAD).
    await execSql(
      database.url,
      `UPDATE json_web_key SET data = (SELECT data FROM json_web_key WHERE "set" = '${ID_TOKEN}' AND kid = 'good') WHERE "set" = '${ID_TOKEN}' AND kid = 'tampered'`,
    );
    // The change reaches the cached document through the change feed (on SQLite, at the next set read).
    await vi.waitFor(
      async () => {
        await fetch(`${gateway.origin}/keys/${ACCESS_TOKEN}`);
        expect(await jwks()).toEqual({ status: 200, kids: ["good", "other-set"] });
      },
      { timeout: 5000, interval: 50 },
    );
    expect(await failuresCounted()).toBeGreaterThanOrEqual(1);
    const lines = log.text.split("\n").filter((line) => line.includes("left out of the public JWKS"));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 50, set: ID_TOKEN, kid: "tampered" });

    // GraphQL's view of the same document.
    const discovered = await gateway.graphql("{ discoverJsonWebKeys { keys { kid } } }");
    expect(discovered.body).toEqual({
      data: { discoverJsonWebKeys: { keys: [{ kid: "good" }, { kid: "other-set" }] } },
    });

    // Admin reads of the damaged set still fail loudly: a set is never handed out with a key silently missing.
    const admin = await fetch(`${gateway.origin}/keys/${ID_TOKEN}`);
    expect(admin.status).toBe(500);
    expect(
      (await gateway.graphql(`{ getJsonWebKeySet(set: "${ID_TOKEN}") { keys { kid } } }`)).body.errors[0].extensions
        .code,
    ).toBe("KEY_INTEGRITY");

    // After a restart too (nothing cached): still 200 with the good keys.
    const restarted = await startGateway({ databaseUrl: database.url, migrated: true, logger: false });
    try {
      const response = await fetch(`${restarted.origin}/.well-known/jwks.json`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toEqual([
        "good",
        "other-set",
      ]);
    } finally {
      await restarted.close();
    }

    for (const secret of secrets) expect(log.text.includes(secret), "a private member in the log").toBe(false);
  });

  it("a set whose every key fails to open publishes nothing from it, and the document still answers", async () => {
    await execSql(database.url, `UPDATE json_web_key SET data = 'jwkgw-not-a-sealed-blob' WHERE "set" = '${ID_TOKEN}'`);
    await vi.waitFor(
      async () => {
        await fetch(`${gateway.origin}/keys/${ACCESS_TOKEN}`);
        expect(await jwks()).toEqual({ status: 200, kids: ["other-set"] });
      },
      { timeout: 5000, interval: 50 },
    );
    // Leave the store readable for the gateway's own leak check at close.
    await execSql(database.url, `DELETE FROM json_web_key WHERE "set" = '${ID_TOKEN}'`);
  });
});
