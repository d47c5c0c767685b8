/** The Authenticator's modes and verification (src/auth/authenticator.ts), with a store in memory and a fake clock. */
import { describe, expect, it } from "vitest";
import { Authenticator, bearerToken, isLoopbackHost } from "../../src/auth/authenticator.js";
import { OPEN_MODE_ACTOR } from "../../src/auth/caller.js";
import { authorize } from "../../src/auth/policy.js";
import { issueToken, tokenStatus, type StoredToken, type TokenStore } from "../../src/auth/tokens.js";
import { UnavailableError } from "../../src/errors.js";

function memoryStore() {
  const tokens: StoredToken[] = [];
  let checks = 0;
  let failing = false;
  const store: TokenStore = {
    insert: async (token) => void tokens.push(token),
    findById: async (id) => {
      if (failing) throw new UnavailableError();
      return tokens.find((token) => token.id === id);
    },
    list: async () => [...tokens],
    revoke: async (id, at) => {
      const token = tokens.find((t) => t.id === id || t.name === id);
      if (token) token.revokedAt ??= at;
      return token;
    },
    hasActiveTokens: async (now) => {
      checks++;
      if (failing) throw new UnavailableError();
      return tokens.some((token) => tokenStatus(token, now) === "active");
    },
  };
  return { store, checks: () => checks, fail: (value: boolean) => (failing = value) };
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe("Authenticator", () => {
  it("serves open mode while no token is active and open access is allowed, with every scope as 'open-mode'", async () => {
    const { store } = memoryStore();
    const authenticator = new Authenticator({ store, openAccessAllowed: true });
    expect(await authenticator.mode()).toBe("open");
    const principal = await authenticator.authenticate(undefined);
    expect(principal.actor).toBe(OPEN_MODE_ACTOR);
    expect(() => authorize(principal, "keys:write")).not.toThrow();
  });

  it("is closed (nobody is served) while no token is active and open access is not allowed", async () => {
    const authenticator = new Authenticator({ store: memoryStore().store, openAccessAllowed: false });
    expect(await authenticator.mode()).toBe("closed");
    await expect(authenticator.authenticate(undefined).then((p) => authorize(p, "keys:read"))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("asks the store at most once per recheck interval, and leaves open mode once a token exists, without restart", async () => {
    const { store, checks } = memoryStore();
    const time = clock();
    let ended = 0;
    const authenticator = new Authenticator({
      store,
      openAccessAllowed: true,
      recheckMs: 2_000,
      now: time.now,
      onOpenModeEnded: () => ended++,
    });
    await authenticator.authenticate(undefined);
    await authenticator.authenticate(undefined);
    expect(checks()).toBe(1);
    await issueToken(store, { name: "first", scopes: ["keys:read"] }, time.now());
    time.advance(1_999);
    expect(await authenticator.mode()).toBe("open");
    time.advance(1);
    expect(await authenticator.mode()).toBe("tokens");
    expect(ended).toBe(1);
    expect((await authenticator.authenticate(undefined)).authenticated).toBe(false);
  });

  it("leaves open mode at once when a request carries a valid token", async () => {
    const { store } = memoryStore();
    const time = clock();
    const authenticator = new Authenticator({ store, openAccessAllowed: true, recheckMs: 60_000, now: time.now });
    expect(await authenticator.mode()).toBe("open");
    const { token, record } = await issueToken(store, { name: "first", scopes: ["keys:read"] }, time.now());
    expect((await authenticator.authenticate(`Bearer ${token}`)).actor).toBe(record.id);
    expect(await authenticator.mode()).toBe("tokens");
  });

  it("stays in token mode when the last token is revoked or expires: it locks, it does not reopen", async () => {
    const { store } = memoryStore();
    const time = clock();
    const authenticator = new Authenticator({ store, openAccessAllowed: true, recheckMs: 10, now: time.now });
    const { record } = await issueToken(store, { name: "only", scopes: ["keys:read"], expiresInMs: 1_000 }, time.now());
    expect(await authenticator.mode()).toBe("tokens");
    await store.revoke(record.id, time.now());
    time.advance(5_000);
    expect(await authenticator.mode()).toBe("tokens");
    expect((await authenticator.authenticate(undefined)).authenticated).toBe(false);
  });

  it("refuses expired, revoked, unknown, malformed and wrong-secret tokens, and reports why (by id, never the secret)", async () => {
    const { store } = memoryStore();
    const time = clock();
    const rejected: [string, string | undefined][] = [];
    const authenticator = new Authenticator({
      store,
      openAccessAllowed: false,
      now: time.now,
      onRejected: (reason, id) => rejected.push([reason, id]),
    });
    const good = await issueToken(store, { name: "good", scopes: ["keys:read"] }, time.now());
    const expiring = await issueToken(
      store,
      { name: "expiring", scopes: ["keys:read"], expiresInMs: 1_000 },
      time.now(),
    );
    const revoked = await issueToken(store, { name: "revoked", scopes: ["keys:read"] }, time.now());
    await store.revoke(revoked.record.id, time.now());
    time.advance(1_000);
    const wrongSecret = good.token.slice(0, -1) + (good.token.endsWith("A") ? "B" : "A");
    for (const credential of [
      `Bearer ${expiring.token}`,
      `Bearer ${revoked.token}`,
      `Bearer jwkgw_0123456789abcdef_${"A".repeat(43)}`,
      "Bearer nope",
      `Bearer ${wrongSecret}`,
      `Basic ${good.token}`,
    ]) {
      const principal = await authenticator.authenticate(credential);
      expect(principal.authenticated, credential).toBe(false);
      expect(principal.scopes.size).toBe(0);
    }
    expect(rejected).toEqual([
      ["expired", expiring.record.id],
      ["revoked", revoked.record.id],
      ["unknown", undefined],
      ["malformed", undefined],
      ["wrong-secret", good.record.id],
      ["malformed", undefined],
    ]);
    const principal = await authenticator.authenticate(`bearer   ${good.token} `);
    expect(principal).toMatchObject({ actor: good.record.id, name: "good", authenticated: true });
    expect([...principal.scopes]).toEqual(["keys:read"]);
  });

  it("fails closed when the store fails: the principal refuses every check with the store's error", async () => {
    const { store, fail } = memoryStore();
    const authenticator = new Authenticator({ store, openAccessAllowed: true });
    fail(true);
    const principal = await authenticator.authenticate(undefined);
    expect(() => authorize(principal, "keys:read")).toThrow(UnavailableError);
    fail(false);
    expect((await authenticator.authenticate(undefined)).actor).toBe(OPEN_MODE_ACTOR);
  });
});

describe("helpers", () => {
  it("bearerToken reads RFC 6750's `Bearer <token>`, case-insensitively", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer  abc ")).toBe("abc");
    for (const header of [undefined, "", "Bearer", "Basic abc", "Bearer a b"])
      expect(bearerToken(header), String(header)).toBeUndefined();
  });

  it("isLoopbackHost: localhost, 127.0.0.0/8 and ::1 only", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "127.0.0.1.example.com"])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
