/**
 * `jwk-gateway token` (src/cli/token.ts; `npm run token`) on every store: a token is
 * printed once and stored as the SHA-256 of its secret, list never prints a secret, revoke takes an
 * id or a name, and what the CLI does is what the running gateway enforces.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToken } from "../../src/cli/token.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { TEST_SECRET } from "../support/keyring.js";
import { everyStoredValue, queryRows } from "../support/rows.js";
import { tempSqlite } from "../support/sqlite.js";
import { runCli } from "../support/main.js";

const TOKEN = /^jwkgw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

describe.each(await providers())("npm run token on %s", (provider) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    gateway = await startGateway({ databaseUrl: database.url, openModeRecheckMs: 0 });
    env = { DATABASE_URL: database.url, SECRETS_SYSTEM: TEST_SECRET };
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runToken(argv, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err: err.join("\n") };
  }
  const getKeys = (token?: string) =>
    fetch(`${gateway.origin}/keys/absent`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then(
      (r) => r.status,
    );

  it("create prints the token once, alone on stdout, and says what it is on stderr", async () => {
    const { code, out, err } = await cli("create", "--name", "ci-deploy", "--scopes", "keys:read,keys:write");
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const [, id] = TOKEN.exec(out[0])!;
    expect(err).toContain(`created token ${id} named "ci-deploy" with scopes keys:read keys:write, does not expire`);
    expect(err).toContain("only time the token is shown");
    expect(err).not.toContain(out[0].slice(-43));
    // The gateway on the same database knows it at once: 404 (the set does not exist), not 401.
    expect(await getKeys(out[0])).toBe(404);
    expect(await getKeys()).toBe(401);
  });

  it("stores the SHA-256 of the secret, never the secret: the database is searched for it", async () => {
    const { out } = await cli("create", "--name", "searched", "--scopes", "keys:read-private");
    const [, id, secret] = TOKEN.exec(out[0])!;
    const everything = await everyStoredValue(database.url);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(out[0]);
    const [row] = await queryRows(
      database.url,
      `SELECT id, name, "secretHash", scopes FROM api_token WHERE id = '${id}'`,
    );
    expect(row).toEqual({
      id,
      name: "searched",
      secretHash: createHash("sha256").update(secret).digest("hex"),
      scopes: "keys:read-private",
    });
  });

  it("--expires-in sets the expiry; list shows every token and its status, never a secret", async () => {
    const started = Date.now();
    const { out } = await cli("create", "--name", "short", "--scopes", "audit:read", "--expires-in", "12h");
    const [, id, secret] = TOKEN.exec(out[0])!;
    const [row] = await queryRows(database.url, `SELECT "expiresAt" FROM api_token WHERE id = '${id}'`);
    const expiresAt = new Date(row.expiresAt as string | Date).getTime();
    expect(expiresAt - started).toBeGreaterThanOrEqual(12 * 3_600_000 - 1000);
    expect(expiresAt - started).toBeLessThan(12 * 3_600_000 + 60_000);

    const list = await cli("list");
    expect(list.code).toBe(0);
    expect(list.out[0].split(/\s+/)).toEqual(["id", "name", "status", "scopes", "created", "expires", "revoked"]);
    const line = list.out.find((entry) => entry.startsWith(id))!;
    expect(line.split(/\s+/).slice(0, 4)).toEqual([id, "short", "active", "audit:read"]);
    expect(list.out.join("\n")).not.toContain(secret);
    expect(list.out.join("\n")).not.toMatch(/jwkgw_/);
  });

  it("revoke takes an id or a name; the gateway refuses the token from then on; revoking twice says so", async () => {
    const byName = (await cli("create", "--name", "to-revoke", "--scopes", "keys:read")).out[0];
    const byId = (await cli("create", "--name", "to-revoke-by-id", "--scopes", "keys:read")).out[0];
    expect(await getKeys(byName)).toBe(404);

    const revoked = await cli("revoke", "to-revoke");
    expect(revoked.code).toBe(0);
    expect(revoked.err).toMatch(/^token: revoked: token [0-9a-f]{16} named "to-revoke"/);
    expect(await getKeys(byName)).toBe(401);

    const id = TOKEN.exec(byId)![1];
    expect((await cli("revoke", id)).code).toBe(0);
    expect(await getKeys(byId)).toBe(401);
    const again = await cli("revoke", id);
    expect(again.code).toBe(0);
    expect(again.err).toContain("already revoked");
    expect((await cli("list")).out.find((line) => line.startsWith(id))!.split(/\s+/)[2]).toBe("revoked");
  });

  it("refuses a duplicate name, an unknown token and bad usage, with exit 1 or 2 and a message", async () => {
    await cli("create", "--name", "unique", "--scopes", "keys:read");
    const duplicate = await cli("create", "--name", "unique", "--scopes", "keys:read");
    expect([duplicate.code, duplicate.out]).toEqual([1, []]);
    expect(duplicate.err).toContain('A token named "unique" exists already');
    const unknown = await cli("revoke", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no token has the id or name "nobody"');
    for (const [argv, message] of [
      [["create", "--name", "x", "--scopes", "keys:admin"], 'unknown scope "keys:admin"'],
      [["create", "--scopes", "keys:read"], "create needs --name"],
      [["create", "--name", "x"], "create needs --scopes"],
      [
        ["create", "--name", "x", "--scopes", "keys:read", "--expires-in", "forever"],
        "--expires-in takes a positive duration",
      ],
      [["destroy"], 'unknown command "destroy"'],
      [[], "a command is needed"],
      [["revoke"], "revoke takes one token id or name"],
    ] as const) {
      const result = await cli(...argv);
      expect([result.code, result.out], argv.join(" ")).toEqual([2, []]);
      expect(result.err).toContain(message);
      expect(result.err).toContain("usage: npm run token");
    }
  });
});

describe("jwk-gateway token (npm run token)", () => {
  it("runs as its own process on a fresh SQLite database (migrating it, as the gateway would), token alone on stdout", async () => {
    const sqlite = await tempSqlite();
    try {
      const result = await runCli(["token", "create", "--name", "first", "--scopes", "keys:read"], {
        DATABASE_URL: sqlite.url,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toMatch(TOKEN);
      expect(result.stdout.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain('named "first"');
    } finally {
      await sqlite.cleanup();
    }
  });
});
