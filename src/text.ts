/**
 * Caller-chosen words in messages. Names (set, kid, alg, crv, a JSON member name) are not key
 * material, but they are the caller's and can be long, so a message quotes them cut short.
 */

/** Longest caller-chosen value a message quotes whole, in UTF-16 code units. */
const QUOTED_LENGTH = 64;

/** `value` as a JSON string for a message, cut to its first 64 code units followed by "…". */
export function quote(value: string): string {
  return JSON.stringify(value.length > QUOTED_LENGTH ? `${value.slice(0, QUOTED_LENGTH)}…` : value);
}
