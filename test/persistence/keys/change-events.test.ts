/**
 * Every write of the key repository announces what it did (domain/changes.ts), heard through the
 * change feed of another connection, on every store: kinds, kids, nothing for writes that change
 * nothing, nothing for writes that roll back, and long kid lists split to fit Postgres's payloads.
 */
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeySetChange } from "../../../src/domain/changes.js";
import { normalizeJwk, type Jwk } from "../../../src/domain/jwk.js";
import { ConflictError } from "../../../src/errors.js";
import type { ChangeFeed } from "../../../src/persistence/cache/change-feed.js";
import { openChangeFeed } from "../../../src/persistence/cache/feeds.js";
import { chunks, CHUNK_BYTES } from "../../../src/persistence/keys/change-events.js";
import { storeCases, type Store } from "../../support/stores.js";

let material: Jwk;
beforeAll(async () => {
  const ec = await generateKeyPair("ES256", { extractable: true });
  material = { ...(await exportJWK(ec.privateKey)), alg: "ES256", use: "sig" } as Jwk;
});
const key = (kid: string) => normalizeJwk({ ...material, kid });
const newSet = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

describe("chunks", () => {
  it("splits kids so that each chunk's JSON stays under the budget, in order, one chunk at least", () => {
    expect(chunks([])).toEqual([[]]);
    const kids = Array.from({ length: 200 }, (_, i) => `${"é".repeat(200)}-${i}`);
    const split = chunks(kids);
    expect(split.length).toBeGreaterThan(1);
    expect(split.flat()).toEqual(kids);
    for (const chunk of split) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(CHUNK_BYTES + 1);
  });
});

describe.each(await storeCases())("key-set changes on $name", ({ open }) => {
  let store: Store;
  let feed: ChangeFeed;
  const heard: KeySetChange[] = [];
  let stop: () => void;

  beforeAll(async () => {
    store = await open();
    feed = await openChangeFeed(store.database, store.url, { pollMs: 10 });
    stop = feed.listen((change) => heard.push(change));
  });
  afterAll(async () => {
    stop?.();
    await feed?.close();
    await store?.close();
  });

  /** The changes of `set` heard so far, merged by kind in order (Postgres may split one into chunks). */
  async function changesOf(set: string, count: number): Promise<{ kind: string; kids: string[] }[]> {
    const merged = () => {
      const out: { kind: string; kids: string[]; at: number }[] = [];
      for (const change of heard.filter((c) => c.set === set)) {
        const last = out[out.length - 1];
        if (last && last.kind === change.kind && last.at === change.at.getTime()) last.kids.push(...change.kids);
        else out.push({ kind: change.kind, kids: [...change.kids], at: change.at.getTime() });
      }
      return out.map(({ kind, kids }) => ({ kind, kids }));
    };
    const deadline = Date.now() + 5000;
    while (merged().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // A little longer, so that a change that should not be there has its chance to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return merged();
  }

  it("announces each write with its kind and kids, and nothing for writes that change nothing", async () => {
    const set = newSet("kinds");
    const repo = store.repository;
    await repo.addKey(set, key("a"));
    await repo.upsertKey(set, key("b")); // new kid: added
    await repo.upsertKey(set, key("a")); // existing kid: updated
    await repo.deleteKey(set, "a");
    await repo.deleteKey(set, "a"); // nothing removed: nothing announced
    await repo.replaceKeySet(set, [key("c"), key("d")]);
    await repo.deleteKeySet(set);
    await repo.deleteKeySet(set); // nothing removed
    await repo.replaceKeySet(set, [key("e")]);
    await repo.replaceKeySet(set, []); // an empty replacement deletes the set
    expect(await changesOf(set, 8)).toEqual([
      { kind: "KEY_ADDED", kids: ["a"] },
      { kind: "KEY_ADDED", kids: ["b"] },
      { kind: "KEY_UPDATED", kids: ["a"] },
      { kind: "KEY_REMOVED", kids: ["a"] },
      { kind: "SET_REPLACED", kids: ["c", "d"] },
      { kind: "SET_DELETED", kids: ["c", "d"] },
      { kind: "SET_REPLACED", kids: ["e"] },
      { kind: "SET_DELETED", kids: ["e"] },
    ]);
    for (const change of heard) expect(Math.abs(change.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("announces nothing for a write that fails", async () => {
    const set = newSet("failed");
    await store.repository.addKey(set, key("a"));
    await expect(store.repository.addKey(set, key("a"))).rejects.toBeInstanceOf(ConflictError);
    await expect(store.repository.replaceKeySet(set, [key("x"), key("x")])).rejects.toBeInstanceOf(ConflictError);
    expect(await changesOf(set, 1)).toEqual([{ kind: "KEY_ADDED", kids: ["a"] }]);
  });

  it("announces concurrent creates (SQLite's group commit) one by one", async () => {
    const set = newSet("group");
    const kids = Array.from({ length: 20 }, (_, i) => `k${i}`);
    await Promise.all(kids.map((kid) => store.repository.addKey(set, key(kid))));
    const ofSet = () => heard.filter((change) => change.set === set);
    const deadline = Date.now() + 5000;
    while (ofSet().length < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ofSet().every((change) => change.kind === "KEY_ADDED" && change.kids.length === 1)).toBe(true);
    expect(
      ofSet()
        .flatMap((change) => change.kids)
        .sort(),
    ).toEqual([...kids].sort());
  });

  it("names every kid of a large set, in chunks that fit a notification", async () => {
    const set = newSet("large");
    const kids = Array.from({ length: 120 }, (_, i) => `${"ü".repeat(120)}-${i}`);
    await store.repository.replaceKeySet(
      set,
      kids.map((kid) => key(kid)),
    );
    await store.repository.deleteKeySet(set);
    const changes = await changesOf(set, 2);
    expect(changes.map((change) => change.kind)).toEqual(["SET_REPLACED", "SET_DELETED"]);
    expect(changes[0].kids).toEqual(kids);
    expect([...changes[1].kids].sort()).toEqual([...kids].sort());
    if (store.name === "postgres") expect(heard.filter((change) => change.set === set).length).toBeGreaterThan(2);
  });
});
