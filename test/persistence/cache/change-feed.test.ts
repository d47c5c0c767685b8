/**
 * The pieces of the change feed that need no database (the feeds themselves are tested through two
 * gateways in test/http/coherence.test.ts): the NOTIFY payloads, and one sync per read session.
 */
import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange, SessionSyncs, type Change } from "../../../src/persistence/cache/change-feed.js";

describe("change payloads", () => {
  it("round-trip, and anything unreadable means everything may have changed", () => {
    const changes: Change[] = [
      { kind: "key-set", set: 'a\u0000"b' },
      { kind: "key-sets" },
      { kind: "tokens" },
      { kind: "everything" },
    ];
    for (const change of changes) expect(decodeChange(encodeChange(change))).toEqual(change);
    // What the Postgres trigger sends (json_build_object spacing).
    expect(decodeChange('{"kind" : "key-set", "set" : "x"}')).toEqual({ kind: "key-set", set: "x" });
    for (const junk of [
      undefined,
      "",
      "{",
      "null",
      '{"kind":"key-set"}',
      '{"kind":"other"}',
      '{"kind":"key-set","set":1}',
    ]) {
      expect(decodeChange(junk)).toEqual({ kind: "everything" });
    }
  });
});

describe("SessionSyncs: one sync per read session", () => {
  it("shares the first sync of a session with its other reads, never across sessions or without one", async () => {
    let syncs = 0;
    const answers = [true, false, true];
    const shared = new SessionSyncs(async () => answers[syncs++ % answers.length]);
    const request = {};
    expect(await shared.sync(request)).toBe(true);
    expect(await shared.sync(request)).toBe(true);
    expect(syncs).toBe(1);
    const other = {};
    expect(await shared.sync(other)).toBe(false); // its own sync, its own answer
    expect(await shared.sync(other)).toBe(false); // a session that could not sync stays uncached
    expect(syncs).toBe(2);
    await shared.sync();
    await shared.sync();
    expect(syncs).toBe(4); // no session: every read syncs
  });

  it("concurrent reads of one session wait for the same sync", async () => {
    let syncs = 0;
    let release!: (fresh: boolean) => void;
    const shared = new SessionSyncs(() => {
      syncs++;
      return new Promise<boolean>((resolve) => (release = resolve));
    });
    const session = {};
    const both = Promise.all([shared.sync(session), shared.sync(session)]);
    release(true);
    expect(await both).toEqual([true, true]);
    expect(syncs).toBe(1);
  });
});
