/**
 * Lists by page (README, "Listing sets and keys"): the sizes a page may have and the cursors that
 * say where the next page starts.
 *
 * Pages are keyset pages: a cursor holds the sort key of the last row a page showed, and the next
 * page is "rows after that key", read through an index (persistence/keys/repository.ts). So a page
 * costs the same whatever the store's size, and rows inserted or deleted elsewhere never shift
 * which rows the next page shows (no OFFSET).
 *
 * Cursors are opaque to callers: base64url of a JSON array whose first element is the cursor's
 * version and whose second is its kind ("s": a set name, "k": a key's position in its set). A
 * cursor that does not decode, of another version or kind, or of another set, is BAD_USER_INPUT
 * with reason BAD_CURSOR; a page size outside 1..MAX_PAGE_SIZE is BAD_USER_INPUT with BAD_PAGE_SIZE.
 */
import { BadInputError } from "../errors.js";
import { isKeyState, type KeyState } from "./lifecycle.js";

/** The most rows one page may ask for (`first`/`last`, `page_size`). */
export const MAX_PAGE_SIZE = 100;
/** The page size when a caller names none. */
export const DEFAULT_PAGE_SIZE = 50;

const CURSOR_VERSION = 1;

/** Where a key sits in its set's order (lifecycle.ts): state, then newest first, then insertion order. */
export interface KeyPosition {
  state: KeyState;
  createdAt: Date;
  seq: number;
}

/** A page of sets: forward (after a name) or backward (before a name). */
export interface SetPageQuery {
  limit: number;
  direction: "forward" | "backward";
  /** Forward: names greater than this; backward: names smaller than this. */
  from?: string;
  nameStartsWith?: string;
  /** Only sets holding at least one key in this state. */
  state?: KeyState;
}

/** One set as a list shows it: no key is read to answer it. */
export interface SetSummary {
  set: string;
  keyCount: number;
  /** The latest moment a key of the set was stored or changed state. */
  updatedAt: Date;
}

export interface KeyPageQuery {
  limit: number;
  after?: KeyPosition;
  state?: KeyState;
}

/** The page size a caller asked for, checked; `name` is the argument's name for the message. */
export function pageSize(value: number | null | undefined, name: string): number {
  if (value === null || value === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new BadInputError(`${name} must be an integer from 1 to ${MAX_PAGE_SIZE}`, "BAD_PAGE_SIZE");
  }
  return value;
}

export function setCursor(set: string): string {
  return encode([CURSOR_VERSION, "s", set]);
}

export function keyCursor(set: string, position: KeyPosition): string {
  return encode([CURSOR_VERSION, "k", set, position.state, position.createdAt.toISOString(), position.seq]);
}

/** The set name a sets cursor holds; `name` is the argument's name for the message. */
export function readSetCursor(cursor: string, name: string): string {
  const fields = decode(cursor, name);
  if (fields.length !== 3 || fields[1] !== "s" || typeof fields[2] !== "string") throw badCursor(name);
  return fields[2];
}

/** The position a keys cursor holds; a cursor of another set is refused. */
export function readKeyCursor(cursor: string, set: string, name: string): KeyPosition {
  const fields = decode(cursor, name);
  if (fields.length !== 6 || fields[1] !== "k" || fields[2] !== set) throw badCursor(name);
  const [, , , state, createdAt, seq] = fields;
  const at = typeof createdAt === "string" ? new Date(createdAt) : undefined;
  if (!isKeyState(state) || !at || Number.isNaN(at.getTime()) || !Number.isSafeInteger(seq)) throw badCursor(name);
  return { state, createdAt: at, seq: seq as number };
}

function encode(fields: unknown[]): string {
  return Buffer.from(JSON.stringify(fields), "utf8").toString("base64url");
}

function decode(cursor: string, name: string): unknown[] {
  if (cursor.length === 0 || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor(name);
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor(name);
  }
  if (!Array.isArray(fields) || fields[0] !== CURSOR_VERSION) throw badCursor(name);
  return fields;
}

function badCursor(name: string): BadInputError {
  return new BadInputError(
    `${name} is not a cursor of this list: pass an endCursor or startCursor this list returned, or omit it to start over`,
    "BAD_CURSOR",
  );
}
