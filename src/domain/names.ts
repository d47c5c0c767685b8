/**
 * The rule for names: a set name (`set`) and a key id (`kid`), wherever they come from (GraphQL
 * arguments, REST paths and bodies, JWKS_BROADCAST_SETS). One rule, here, so that no path accepts a
 * name another refuses.
 *
 * A name is stored as it is and is part of what its key is sealed for (the AAD of persistence/sealing/seal.ts), so an
 * accepted name must come back from either store exactly as it was given. That excludes:
 * - strings that are not well-formed Unicode (a lone UTF-16 surrogate, e.g. JSON's `"a\ud800"`):
 *   SQLite stores them as U+FFFD, so the key no longer opens under the name it was sealed for, and
 *   Postgres refuses them;
 * - control characters, C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F): Postgres text
 *   cannot hold NUL, and none of them belongs in a name that logs and audit records show.
 */
import { BadInputError } from "../errors.js";

/** Longest `set` or `kid` accepted, in UTF-16 code units (Hydra's columns are varchar(255)). */
export const MAX_NAME_LENGTH = 255;

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The stable reasons of a refused name (`extensions.reason`). */
export type NameKind = "set" | "kid";
const REASONS: Record<NameKind, string> = { set: "BAD_SET", kid: "BAD_KID" };

/** What is wrong with `value` as a name, as the end of a sentence ("must …"); undefined when it is fine. */
export function nameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_NAME_LENGTH)
    return `must be 1 to ${MAX_NAME_LENGTH} characters long`;
  if (LONE_SURROGATE.test(value)) return "must be well-formed Unicode (it contains a lone UTF-16 surrogate)";
  if (CONTROL_CHARACTERS.test(value)) return "must not contain control characters (U+0000 to U+001F, U+007F to U+009F)";
  return undefined;
}

/** Throws BAD_USER_INPUT (reason BAD_SET or BAD_KID) unless `value` is a valid name. */
export function checkName(what: NameKind, value: unknown): asserts value is string {
  const problem = nameProblem(value);
  if (problem !== undefined) throw new BadInputError(`${what} ${problem}`, REASONS[what]);
}

/** `value` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, Node 20). */
export function wellFormed(value: string): string {
  return value.replace(/\p{Cs}/gu, "\uFFFD");
}
