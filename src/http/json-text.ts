/**
 * Rules on the text of a JSON request body that JSON.parse does not enforce, checked on every body
 * (REST and /graphql alike) before anything reads the parsed value:
 *
 * - Duplicate member names (RFC 7517 §4: "member names within a JWK MUST be unique"). JSON.parse
 *   keeps the last of two equal names, so `{"kty":"EC","kty":"oct"}` would be read as an oct key
 *   while another parser reads an EC key.
 * - Nesting deeper than MAX_JSON_DEPTH. JSON.parse itself copes with any depth, but much of what
 *   runs afterwards recurses (JSON.stringify, schema validation, GraphQL's coercion of variables),
 *   and a 10 KB body of 5,000 nested arrays overflows the stack of those.
 *
 * A small tokenizer, run on text JSON.parse has already accepted: it tracks, per open object, the
 * names seen so far. Names are compared decoded (`"k\u0074y"` is `"kty"`). No recursion, so deep
 * nesting cannot overflow the stack; one pass, linear in the body size, stopping at the first
 * problem. It reports member names and depths, never values.
 */

import { MAX_JSON_DEPTH } from "../domain/json-depth.js";
import { quote } from "../text.js";

export { MAX_JSON_DEPTH };

export type JsonTextProblem = { kind: "duplicate"; name: string } | { kind: "too-deep"; maxDepth: number };

interface Frame {
  /** Names seen in this object; undefined for an array. */
  names?: Set<string>;
  /** True when the next string in this object is a member name. */
  expectName: boolean;
}

/** The first problem of `text` (valid JSON) in reading order: a repeated member name or nesting past `maxDepth`. */
export function jsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): JsonTextProblem | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const top = stack.at(-1);
    if (char === "{" || char === "[") {
      if (stack.length >= maxDepth) return { kind: "too-deep", maxDepth };
      stack.push(char === "{" ? { names: new Set(), expectName: true } : { expectName: false });
    } else if (char === "}" || char === "]") stack.pop();
    else if (char === "," && top?.names) top.expectName = true;
    else if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (top?.names && top.expectName) {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.names.has(name)) return { kind: "duplicate", name };
        top.names.add(name);
        top.expectName = false;
      }
    }
  }
  return undefined;
}

/** The first member name that appears twice in one object of `text` (valid JSON), if any; depth is not limited. */
export function findDuplicateMember(text: string): string | undefined {
  const problem = jsonTextProblem(text, Number.POSITIVE_INFINITY);
  return problem?.kind === "duplicate" ? problem.name : undefined;
}

/** What is wrong with the body, for a message: names the rule and a member name, never a value. */
export function describeJsonTextProblem(problem: JsonTextProblem): string {
  return problem.kind === "duplicate"
    ? `duplicate member ${quote(problem.name)}`
    : `the body nests objects and arrays more than ${problem.maxDepth} levels deep`;
}
