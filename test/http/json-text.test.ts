/** The duplicate-member scanner of REST bodies (RFC 7517 §4; README, "Limits"). */
import { describe, expect, it } from "vitest";
import { findDuplicateMember, jsonTextProblem, MAX_JSON_DEPTH } from "../../src/http/json-text.js";

describe("findDuplicateMember", () => {
  it.each([
    ['{"kty":"EC","kty":"oct"}', "kty"],
    ['{"keys":[{"kid":"a","kty":"EC","kid":"b"}]}', "kid"],
    ['{"k\\u0074y":"EC","kty":"oct"}', "kty"],
    ['{"a":{"b":1},"c":[{"d":1,"e":{"f":1,"f":2}}]}', "f"],
    [' { "x" : "\\"x\\"" , "x" : 1 } ', "x"],
  ])("finds the repeated name in %s", (text, name) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(findDuplicateMember(text)).toBe(name);
  });

  it.each([
    '{"kty":"EC","crv":"P-256"}',
    '{"a":{"kty":1},"b":{"kty":2}}',
    '{"keys":[{"kid":"a"},{"kid":"a"}]}',
    '{"a":["a","a"],"b":"a","c":{"a":"b"}}',
    '{"kty":"kty","x":"\\\\","y":"\\"kty\\""}',
    '[{"a":1},{"a":1}]',
    '"kty"',
    "{}",
    "[]",
    "12",
  ])("finds nothing in %s", (text) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(findDuplicateMember(text)).toBeUndefined();
  });

  it("handles deep nesting without recursion", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(findDuplicateMember(deep)).toBeUndefined();
  });
});

describe("jsonTextProblem: depth and repeated members, first in reading order", () => {
  const arrays = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}, for arrays and objects, without recursion`, () => {
    expect(jsonTextProblem(arrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonTextProblem(arrays(MAX_JSON_DEPTH + 1))).toEqual({ kind: "too-deep", maxDepth: MAX_JSON_DEPTH });
    const objects = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    expect(jsonTextProblem(objects(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonTextProblem(objects(MAX_JSON_DEPTH + 1))?.kind).toBe("too-deep");
    expect(jsonTextProblem(arrays(100_000))?.kind).toBe("too-deep");
    // Brackets inside strings are not nesting.
    expect(jsonTextProblem(JSON.stringify({ a: "[".repeat(100) }))).toBeUndefined();
  });

  it("reports whichever comes first", () => {
    expect(jsonTextProblem(`{"d":1,"d":2,"x":${arrays(40)}}`)).toEqual({ kind: "duplicate", name: "d" });
    expect(jsonTextProblem(`{"x":${arrays(40)},"d":1,"d":2}`)?.kind).toBe("too-deep");
  });
});
