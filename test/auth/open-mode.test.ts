/**
 * Open mode (README, "Access control"): with no active API token the gateway serves everyone with
 * every scope, but only on a loopback HOST (or with ALLOW_OPEN_ACCESS=true), says so loudly at
 * start, and leaves the mode without restart once a token exists.
 */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StartupError } from "../../src/app.js";
import { runToken } from "../../src/cli/token.js";
import { newSet } from "../behaviour/fixtures.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { runMain } from "../support/main.js";
import { auditRows } from "../support/rows.js";
import { tempSqlite, type TempSqlite } from "../support/sqlite.js";
import { TEST_SECRET } from "../support/keyring.js";
import { bearer, issue } from "../support/tokens.js";

function logCapture() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: { level: "info", stream } };
}
const WARN = 40;

describe("open mode", () => {
  let sqlite: TempSqlite | undefined;
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    await sqlite?.cleanup();
    gateway = undefined;
    sqlite = undefined;
  });

  const getSet = (set: string, token?: string) => fetch(`${gateway!.origin}/keys/${set}`, { headers: bearer(token) });
  const create = (set: string, token?: string) =>
    fetch(`${gateway!.origin}/keys/${set}`, {
      method: "POST",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ alg: "ES256", kid: "k" }),
    });

  it("on a loopback HOST without tokens: everything is served without a token, audited as open-mode, with a warning at start", async () => {
    sqlite = await tempSqlite();
    const { lines, logger } = logCapture();
    gateway = await startGateway({ databaseUrl: sqlite.url, logger });
    const warning = lines.find((line) => line.level === WARN && line.msg.startsWith("OPEN ACCESS"));
    expect(warning?.msg).toContain("npm run token -- create");
    const set = newSet();
    expect((await create(set)).status).toBe(201);
    expect((await getSet(set)).status).toBe(200);
    expect((await auditRows(sqlite.url)).map((row) => [row.actor, row.operation, row.outcome])).toEqual([
      ["open-mode", "createJsonWebKeySet", "ok"],
      ["open-mode", "getJsonWebKeySet", "ok"],
    ]);
  });

  it("on a non-loopback HOST without tokens: refuses to start, naming the way out", async () => {
    sqlite = await tempSqlite();
    const refused = startGateway({ databaseUrl: sqlite.url, env: { HOST: "0.0.0.0" } });
    await expect(refused).rejects.toThrow(StartupError);
    await expect(refused).rejects.toThrow(
      /HOST=0\.0\.0\.0 is not a loopback address and no API token is active.*npm run token -- create.*ALLOW_OPEN_ACCESS=true/,
    );
  });

  it("the real entry point exits with that message before listening", async () => {
    sqlite = await tempSqlite();
    const { code, output } = await runMain({
      DATABASE_URL: sqlite.url,
      SECRETS_SYSTEM: TEST_SECRET,
      HOST: "0.0.0.0",
      PORT: "0",
    });
    expect(code).toBe(1);
    expect(output).toContain("jwk-gateway: cannot start: HOST=0.0.0.0 is not a loopback address");
  });

  it("on a non-loopback HOST with ALLOW_OPEN_ACCESS=true: starts open, and the warning names the host", async () => {
    sqlite = await tempSqlite();
    const { lines, logger } = logCapture();
    gateway = await startGateway({
      databaseUrl: sqlite.url,
      env: { HOST: "0.0.0.0", ALLOW_OPEN_ACCESS: "true" },
      logger,
    });
    expect(lines.find((line) => line.level === WARN && line.msg.startsWith("OPEN ACCESS"))?.msg).toContain(
      "ALLOW_OPEN_ACCESS=true lets this run on 0.0.0.0",
    );
    expect((await create(newSet())).status).toBe(201);
  });

  it("on a non-loopback HOST with an active token: starts, tokens required", async () => {
    sqlite = await tempSqlite();
    const first = await startGateway({ databaseUrl: sqlite.url });
    const token = await issue(first.app.database, ["keys:write"]);
    await first.close();
    const { lines, logger } = logCapture();
    gateway = await startGateway({ databaseUrl: sqlite.url, env: { HOST: "0.0.0.0" }, logger });
    expect(lines.some((line) => line.msg.startsWith("OPEN ACCESS"))).toBe(false);
    expect(lines.some((line) => line.msg.includes("every admin request needs an API token"))).toBe(true);
    expect((await create(newSet())).status).toBe(401);
    expect((await create(newSet(), token)).status).toBe(201);
  });

  it("ends without restart once a token is created by the CLI (within the recheck interval), and says so", async () => {
    sqlite = await tempSqlite();
    const { lines, logger } = logCapture();
    gateway = await startGateway({ databaseUrl: sqlite.url, logger, openModeRecheckMs: 200 });
    const set = newSet();
    expect((await create(set)).status).toBe(201);

    const out: string[] = [];
    const code = await runToken(
      ["create", "--name", "first", "--scopes", "keys:read"],
      { DATABASE_URL: sqlite.url },
      { out: (line) => out.push(line), err: () => {} },
    );
    expect(code).toBe(0);
    await vi.waitFor(async () => expect((await getSet(set)).status).toBe(401), { timeout: 5_000, interval: 50 });
    expect((await getSet(set, out[0])).status).toBe(200);
    expect(lines.some((line) => line.level === WARN && line.msg.includes("open mode has ended"))).toBe(true);
  });

  it("revoking the last token does not reopen it: the gateway stays locked until restarted", async () => {
    sqlite = await tempSqlite();
    gateway = await startGateway({ databaseUrl: sqlite.url, openModeRecheckMs: 50 });
    const token = await issue(gateway.app.database, ["keys:read", "keys:write"], "only");
    const set = newSet();
    expect((await create(set, token)).status).toBe(201);
    expect(await runToken(["revoke", "only"], { DATABASE_URL: sqlite.url }, { out: () => {}, err: () => {} })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await getSet(set)).status).toBe(401);
    expect((await getSet(set, token)).status).toBe(401);
  });
});
