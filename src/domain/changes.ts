/**
 * What a write did to a key set, as subscribers see it (GraphQL `jsonWebKeySetChanged`; README,
 * "Subscriptions"). The key repository announces one change per write, in the write's own
 * transaction, so a change is announced if and only if the write committed, whichever process or
 * gateway wrote; every gateway's change feed hears it (persistence/cache/feeds.ts).
 *
 * A change that names many kids may arrive as several changes of the same set, kind and time, each
 * naming some of them (Postgres caps a notification at 8000 bytes; persistence/keys/change-events.ts).
 */

/**
 * The kinds of change, by the write that makes them. New kinds are added at the end; a gateway
 * ignores kinds it does not know (another, newer gateway on the same database may announce them).
 */
export const KEY_SET_CHANGE_KINDS = [
  /** createJsonWebKeySet, or updateJsonWebKey of a kid the set did not hold: `kids` is the new key. */
  "KEY_ADDED",
  /** updateJsonWebKey of a kid the set held: `kids` is that key. */
  "KEY_UPDATED",
  /** deleteJsonWebKey that removed a key: `kids` is that key. */
  "KEY_REMOVED",
  /** updateJsonWebKeySet with keys: `kids` are the keys the set holds now. */
  "SET_REPLACED",
  /** deleteJsonWebKeySet that removed keys, or updateJsonWebKeySet with none: `kids` are the keys removed. */
  "SET_DELETED",
  /** A rotation (by hand or scheduled; README, "Key rotation"): `kids` are the keys whose state changed or that were added. */
  "ROTATED",
  /** Keys changed state without a rotation (revoked; a NEXT key promoted to take over from one): `kids` are those keys. */
  "STATE_CHANGED",
] as const;

export type KeySetChangeKind = (typeof KEY_SET_CHANGE_KINDS)[number];

export interface KeySetChange {
  readonly set: string;
  readonly kind: KeySetChangeKind;
  readonly kids: readonly string[];
  /** When the write happened (the writer's clock). */
  readonly at: Date;
}

/** The change port: every key-set change committed by any process on the database, as it is heard. */
export interface KeySetChanges {
  /** Calls `listener` for each change from now on; returns the unsubscribe. */
  listen(listener: (change: KeySetChange) => void): () => void;
}

export function isKeySetChangeKind(value: unknown): value is KeySetChangeKind {
  return (KEY_SET_CHANGE_KINDS as readonly unknown[]).includes(value);
}

/** A change read back from storage or a notification, or undefined when it is not one this gateway knows. */
export function keySetChangeOf(value: {
  set?: unknown;
  kind?: unknown;
  kids?: unknown;
  at?: unknown;
}): KeySetChange | undefined {
  const { set, kind, kids, at } = value;
  if (typeof set !== "string" || !isKeySetChangeKind(kind)) return undefined;
  if (!Array.isArray(kids) || !kids.every((kid) => typeof kid === "string")) return undefined;
  const when = at instanceof Date ? at : typeof at === "string" ? new Date(at) : undefined;
  if (!when || Number.isNaN(when.getTime())) return undefined;
  return Object.freeze({ set, kind, kids: Object.freeze([...kids]), at: when });
}
