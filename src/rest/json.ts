/**
 * Duplicate member names in a JSON text (security.md R2.1, RFC 7517 §4: "member names within a JWK
 * MUST be unique"). JSON.parse keeps the last of two equal names, so `{"kty":"EC","kty":"oct"}`
 * would be read as an oct key while another parser reads an EC key; the text itself is scanned.
 *
 * A small tokenizer, run on text JSON.parse has already accepted: it tracks, per open object, the
 * names seen so far. Names are compared decoded (`"k\u0074y"` is `"kty"`). No recursion, so deep
 * nesting cannot overflow the stack; one pass, linear in the body size.
 */

interface Frame {
  /** Names seen in this object; undefined for an array. */
  names?: Set<string>;
  /** True when the next string in this object is a member name. */
  expectName: boolean;
}

/** The first member name that appears twice in one object of `text` (valid JSON), if any. */
export function findDuplicateMember(text: string): string | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const top = stack.at(-1);
    if (char === "{") stack.push({ names: new Set(), expectName: true });
    else if (char === "[") stack.push({ expectName: false });
    else if (char === "}" || char === "]") stack.pop();
    else if (char === "," && top?.names) top.expectName = true;
    else if (char === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (top?.names && top.expectName) {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.names.has(name)) return name;
        top.names.add(name);
        top.expectName = false;
      }
    }
  }
  return undefined;
}
