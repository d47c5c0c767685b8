/**
 * How deep a JSON value nests, measured without recursion. Untrusted input is checked with this
 * before anything recursive (JSON.stringify, a validator) walks it: a few KB of nested arrays are
 * enough to overflow the stack of a recursive walk.
 */

/**
 * Deepest nesting of objects and arrays accepted in a request body or a key (the outermost value is
 * level 1). Real bodies need 4 (`{"keys":[{"x5c":[…]}]}`) to 6 (a GraphQL request whose variables
 * hold a set).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * "too-deep" when `value` nests objects and arrays more than `maxDepth` levels deep, "too-many" when
 * it holds more than `maxNodes` values in all (a bound on the work whatever the shape: a value built
 * in code may share sub-objects or be cyclic, which parsed JSON never is); undefined otherwise.
 */
export function jsonShapeProblem(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  maxNodes = 1_000_000,
): "too-deep" | "too-many" | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let visited = 0;
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (++visited > maxNodes) return "too-many";
    if (typeof next.value !== "object" || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return "too-deep";
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children)
      if (typeof child === "object" && child !== null) pending.push({ value: child, depth });
  }
  return undefined;
}
