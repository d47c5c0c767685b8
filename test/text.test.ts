/** quote(): how a message shows a caller-chosen name (src/text.ts). */
import { describe, expect, it } from "vitest";
import { quote } from "../src/text.js";

describe("quote", () => {
  it("quotes a short name whole, as a JSON string (escapes included)", () => {
    expect(quote("kid-1")).toBe('"kid-1"');
    expect(quote('a"b\n')).toBe('"a\\"b\\n"');
  });

  it("cuts a name past 64 code units to its first 64 followed by an ellipsis", () => {
    expect(quote("a".repeat(64))).toBe(`"${"a".repeat(64)}"`);
    expect(quote("a".repeat(65))).toBe(`"${"a".repeat(64)}…"`);
  });
});
