/**
 * Key lifecycle and rotation (README, "Key rotation"): the states a key goes through, which key of a
 * set signs, what a set publishes, and what one rotation changes. Pure functions of the stored facts
 * and a moment; the service (service.ts) runs them, the repository stores their outcome atomically.
 *
 *     NEXT ──(rotation)──▶ ACTIVE ──(rotation)──▶ RETIRED ──(publishedUntil passes)──▶ unpublished
 *       └──────────────────────┴───────────(revocation)──────────▶ REVOKED (never published)
 *
 * - NEXT: published, never signs: verifiers' caches learn it before it signs.
 * - ACTIVE: published; the newest ACTIVE key of a set is its signing key (Hydra's rule: the seven
 *   seed operations store ACTIVE keys, so a Hydra client sees the newest key sign, as before).
 * - RETIRED: no longer signs; published until `publishedUntil`, so the tokens it signed still verify.
 * - REVOKED: a compromised key: never published, never signs, its kid never reused.
 *
 * A set's order is: the signing key first, then the other ACTIVE keys, the NEXT keys, the RETIRED
 * and the REVOKED ones, newest first within each state. The state names sort that way, so the
 * stores order by (state, createdAt DESC, seq DESC) on an index.
 */
import type { Jwk } from "./jwk.js";

export const KEY_STATES = ["NEXT", "ACTIVE", "RETIRED", "REVOKED"] as const;
export type KeyState = (typeof KEY_STATES)[number];

export function isKeyState(value: unknown): value is KeyState {
  return (KEY_STATES as readonly unknown[]).includes(value);
}

/** What the store knows of a key besides its members. */
export interface KeyLifecycle {
  state: KeyState;
  createdAt: Date;
  /** When it became ACTIVE; null while NEXT (and for a key revoked while NEXT). */
  activatedAt: Date | null;
  /** When it stopped signing: retired or revoked. */
  retiredAt: Date | null;
  /** RETIRED keys: published until then. */
  publishedUntil: Date | null;
  revokedAt: Date | null;
}

/** A stored key: its members and its lifecycle. */
export interface KeyRecord extends KeyLifecycle {
  key: Jwk;
}

/** A key as an answer shows it: its members (as the caller may see them) and its lifecycle. */
export interface KeyView extends Jwk, KeyLifecycle {
  /** The set's signing key: its newest ACTIVE key. */
  isSigningKey: boolean;
}

/** The view of a key whose members are `key` (the record's key, or its public projection). */
export function viewOf(key: Jwk, record: KeyLifecycle, isSigningKey: boolean): KeyView {
  const { state, createdAt, activatedAt, retiredAt, publishedUntil, revokedAt } = record;
  return { ...key, state, createdAt, activatedAt, retiredAt, publishedUntil, revokedAt, isSigningKey };
}

/** A set's rotation policy as stored. */
export interface RotationPolicy {
  alg: string;
  /** 0: rotated by hand only. */
  rotationPeriodSeconds: number;
  publishAheadSeconds: number;
  retirementPeriodSeconds: number;
  /** When the scheduler rotates next; null without a rotation period. */
  nextRotationAt: Date | null;
  /** When the scheduler has its next step for the set (publish a NEXT key, or rotate); null: none. */
  nextStepAt: Date | null;
}

/** Defaults of a policy's periods, and of the retirement period of a set without a policy. */
export const DEFAULT_ROTATION_PERIOD_SECONDS = 90 * 86_400;
export const DEFAULT_PUBLISH_AHEAD_SECONDS = 14 * 86_400;
export const DEFAULT_RETIREMENT_PERIOD_SECONDS = 14 * 86_400;
/** The shortest scheduled rotation period: the scheduler looks for due steps every few seconds, not continuously. */
export const MIN_ROTATION_PERIOD_SECONDS = 60;

const STATE_RANK: Record<KeyState, number> = { ACTIVE: 0, NEXT: 1, RETIRED: 2, REVOKED: 3 };

/** Sorts records into the set's order (see above); the stores already read them so, this is for in-memory changes. */
export function inSetOrder<T extends KeyLifecycle>(records: readonly T[]): T[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort(
      (a, b) =>
        STATE_RANK[a.record.state] - STATE_RANK[b.record.state] ||
        b.record.createdAt.getTime() - a.record.createdAt.getTime() ||
        a.index - b.index,
    )
    .map(({ record }) => record);
}

/** The signing key: the first ACTIVE key in set order (the newest ACTIVE). */
export function signingKeyOf<T extends KeyLifecycle>(records: readonly T[]): T | undefined {
  return records.find((record) => record.state === "ACTIVE");
}

/** Whether verifiers are told of the key at `now`: NEXT, ACTIVE, and RETIRED until publishedUntil. */
export function isPublished(record: KeyLifecycle, now: Date): boolean {
  switch (record.state) {
    case "NEXT":
    case "ACTIVE":
      return true;
    case "RETIRED":
      return record.publishedUntil !== null && record.publishedUntil.getTime() > now.getTime();
    case "REVOKED":
      return false;
  }
}

/** The keys of a set that are published at `now`, signing key first (the set's order). */
export function publishedKeys(records: readonly KeyRecord[], now: Date): Jwk[] {
  return records.filter((record) => isPublished(record, now)).map((record) => record.key);
}

/** The soonest moment after `now` at which a published key stops being published, if any. */
export function nextUnpublishAt(records: readonly KeyLifecycle[], now: Date): Date | undefined {
  let soonest: Date | undefined;
  for (const record of records) {
    if (record.state !== "RETIRED" || !record.publishedUntil || record.publishedUntil <= now) continue;
    if (!soonest || record.publishedUntil < soonest) soonest = record.publishedUntil;
  }
  return soonest;
}

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

/**
 * When a policy's scheduler acts next, given when the set rotates next and whether it has a NEXT
 * key: the publish-ahead moment while no NEXT key is published, otherwise the rotation itself.
 */
export function nextStepOf(
  policy: Pick<RotationPolicy, "rotationPeriodSeconds" | "publishAheadSeconds">,
  nextRotationAt: Date | null,
  hasNextKey: boolean,
): Date | null {
  if (policy.rotationPeriodSeconds <= 0 || nextRotationAt === null) return null;
  if (!hasNextKey && policy.publishAheadSeconds > 0) return addSeconds(nextRotationAt, -policy.publishAheadSeconds);
  return nextRotationAt;
}

/**
 * The rotation after one at `rotatedAt` that was due at `dueAt` (or done by hand: undefined): one
 * period after the due time while that is still ahead, so scheduled rotations do not drift; one
 * period after `rotatedAt` otherwise (a gateway that was down catches up once, not once per missed
 * period; a rotation by hand restarts the period).
 */
export function rotationAfter(policy: RotationPolicy, rotatedAt: Date, dueAt?: Date | null): Date | null {
  if (policy.rotationPeriodSeconds <= 0) return null;
  if (dueAt) {
    const onSchedule = addSeconds(dueAt, policy.rotationPeriodSeconds);
    if (onSchedule > rotatedAt) return onSchedule;
  }
  return addSeconds(rotatedAt, policy.rotationPeriodSeconds);
}

/**
 * When a newly set policy first rotates: one period after the signing key became active, but never
 * before a NEXT key can have been published for the publish-ahead period (so that a policy set on
 * an old key does not make a key sign that no verifier has seen).
 */
export function firstRotationOf(
  policy: Pick<RotationPolicy, "rotationPeriodSeconds" | "publishAheadSeconds">,
  signerActivatedAt: Date | null,
  hasNextKey: boolean,
  now: Date,
): Date | null {
  if (policy.rotationPeriodSeconds <= 0) return null;
  const byAge = addSeconds(signerActivatedAt ?? now, policy.rotationPeriodSeconds);
  const earliest = hasNextKey ? now : addSeconds(now, policy.publishAheadSeconds);
  return byAge > earliest ? byAge : earliest;
}

/** What one rotation changes in a set; the repository applies it in one transaction. */
export interface RotationChange {
  /** The NEXT key that becomes ACTIVE, or undefined when `activate` is a new key. */
  promote?: string;
  /** A new key that becomes ACTIVE (no NEXT key to promote). */
  activate?: Jwk;
  /** Kids of the ACTIVE keys that retire, each published until `publishedUntil`. */
  retire: string[];
  publishedUntil: Date;
  /** A new NEXT key published by this rotation, if the policy publishes ahead now. */
  next?: Jwk;
}

/**
 * A change of a set's lifecycle, made by the repository only if the set is still as the plan saw
 * it (`expected`): otherwise it throws LifecycleConflict and the service plans again. This is what
 * makes concurrent rotations of a set serialize, and each scheduled step happen once.
 */
export interface LifecycleExpectation {
  /** kid → state of every key of the set when the change was planned. */
  states: ReadonlyMap<string, KeyState>;
  /** The policy's nextStepAt when the change was planned (null: no policy or no schedule; undefined: not checked). */
  nextStepAt?: Date | null;
}

export function statesOf(records: readonly { key: Jwk; state: KeyState }[]): Map<string, KeyState> {
  return new Map(records.map((record) => [record.key.kid, record.state]));
}

/** Same kids, same states. */
export function sameStates(a: ReadonlyMap<string, KeyState>, b: ReadonlyMap<string, KeyState>): boolean {
  if (a.size !== b.size) return false;
  for (const [kid, state] of a) if (b.get(kid) !== state) return false;
  return true;
}

/** Thrown by the repository when a set changed between a plan and its commit; the service plans again. */
export class LifecycleConflict extends Error {
  override name = "LifecycleConflict";
}
