/** Token format, hashing and parsing (src/auth/tokens.ts, src/auth/scopes.ts). */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formatScopes, parseScopeList, readStoredScopes, SCOPES } from "../../src/auth/scopes.js";
import {
  hashSecret,
  issueToken,
  parseDuration,
  parseToken,
  secretMatches,
  tokenStatus,
  type StoredToken,
  type TokenStore,
} from "../../src/auth/tokens.js";

/** A TokenStore in memory, enough for issueToken. */
function memoryStore(): TokenStore & { tokens: StoredToken[] } {
  const tokens: StoredToken[] = [];
  return {
    tokens,
    insert: async (token) => void tokens.push(token),
    findById: async (id) => tokens.find((token) => token.id === id),
    list: async () => [...tokens],
    revoke: async () => undefined,
    hasActiveTokens: async (now) => tokens.some((token) => tokenStatus(token, now) === "active"),
  };
}

describe("API tokens", () => {
  it("are jwkgw_<16 hex id>_<43 base64url characters: 32 random bytes>", async () => {
    const { token, record } = await issueToken(memoryStore(), { name: "ci", scopes: ["keys:read"] });
    expect(token).toMatch(/^jwkgw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(token)!;
    expect(parsed.id).toBe(record.id);
    expect(Buffer.from(parsed.secret, "base64url")).toHaveLength(32);
  });

  it("store the SHA-256 of the secret, never the secret", async () => {
    const store = memoryStore();
    const { token } = await issueToken(store, { name: "ci", scopes: ["keys:read"] });
    const { secret } = parseToken(token)!;
    expect(store.tokens[0].secretHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(store.tokens)).not.toContain(secret);
  });

  it("verify by constant-time comparison of hashes: only the exact secret matches", () => {
    const secret = Buffer.alloc(32, 1).toString("base64url");
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}B`, hashSecret(secret))).toBe(false);
    expect(secretMatches(secret, "")).toBe(false);
    expect(secretMatches(secret, "zz")).toBe(false);
  });

  it("parse only the exact format: prefix, id, secret length and alphabet", () => {
    const secret = "A".repeat(43);
    expect(parseToken(`jwkgw_0123456789abcdef_${secret}`)).toEqual({ id: "0123456789abcdef", secret });
    for (const bad of [
      `jwkgw_0123456789ABCDEF_${secret}`,
      `jwkgw_0123456789abcde_${secret}`,
      `jwkgw_0123456789abcdef_${secret}A`,
      `xjwkgw_0123456789abcdef_${secret}`,
      `jwkgw_0123456789abcdef_${"A".repeat(42)}=`,
      "",
    ]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });

  it("are expired at expiresAt and revoked once revokedAt is set, revocation first", () => {
    const base = { id: "0123456789abcdef", name: "n", secretHash: "", scopes: [], createdAt: new Date(0) };
    const now = new Date(10_000);
    expect(tokenStatus(base, now)).toBe("active");
    expect(tokenStatus({ ...base, expiresAt: new Date(10_001) }, now)).toBe("active");
    expect(tokenStatus({ ...base, expiresAt: new Date(10_000) }, now)).toBe("expired");
    expect(tokenStatus({ ...base, expiresAt: new Date(1), revokedAt: new Date(2) }, now)).toBe("revoked");
  });

  it("need a name of 1 to 100 characters and at least one scope", async () => {
    await expect(issueToken(memoryStore(), { name: " ", scopes: ["keys:read"] })).rejects.toThrow(
      /name must be 1 to 100/,
    );
    await expect(issueToken(memoryStore(), { name: "x".repeat(101), scopes: ["keys:read"] })).rejects.toThrow(
      /name must be 1 to 100/,
    );
    await expect(issueToken(memoryStore(), { name: "ci", scopes: [] })).rejects.toThrow(/at least one scope/);
  });

  it("expire after --expires-in: 90s, 15m, 12h, 30d", async () => {
    expect([parseDuration("90s"), parseDuration("15m"), parseDuration("12h"), parseDuration("30d")]).toEqual([
      90_000, 900_000, 43_200_000, 2_592_000_000,
    ]);
    for (const bad of ["0d", "30", "d", "-1d", "1.5h", "30 days"]) expect(parseDuration(bad), bad).toBeUndefined();
    const now = new Date(1_000_000);
    const { record } = await issueToken(memoryStore(), { name: "ci", scopes: ["keys:read"], expiresInMs: 60_000 }, now);
    expect(record.expiresAt).toEqual(new Date(1_060_000));
  });
});

describe("scopes", () => {
  it("are keys:read, keys:read-private, keys:write and audit:read", () => {
    expect(SCOPES).toEqual(["keys:read", "keys:read-private", "keys:write", "audit:read"]);
  });

  it("parse from commas or spaces, repeats dropped, unknown ones refused by name", () => {
    expect(parseScopeList("keys:write, keys:read keys:write")).toEqual(["keys:read", "keys:write"]);
    expect(() => parseScopeList("keys:read,keys:admin")).toThrow(/unknown scope "keys:admin"/);
  });

  it("are stored space-separated; unknown stored scopes grant nothing", () => {
    expect(formatScopes(["audit:read", "keys:read"])).toBe("keys:read audit:read");
    expect(readStoredScopes("keys:read keys:admin")).toEqual(["keys:read"]);
  });
});
