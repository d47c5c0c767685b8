/**
 * The scopes an API token can hold, deny by default: a token can do exactly what its scopes name.
 *
 * | scope               | allows                                                                   |
 * |---------------------|--------------------------------------------------------------------------|
 * | `keys:read`         | the read operations, public members only                                 |
 * | `keys:read-private` | the private members `d p q dp dq qi k`, wherever a key is returned       |
 * | `keys:write`        | create, update and delete keys and sets                                  |
 * | `audit:read`        | the audit trail (GraphQL `auditEvents`)                                  |
 *
 * `keys:read-private` does not imply `keys:read` (a token reading private members of a set needs
 * both), so that every grant is visible in the token's scope list.
 */

export const SCOPES = ["keys:read", "keys:read-private", "keys:write", "audit:read"] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** The scope that unlocks the private members of a key. */
export const PRIVATE_MEMBERS_SCOPE: Scope = "keys:read-private";

/**
 * Parses a scope list written by a person (`keys:read,keys:write` or `keys:read keys:write`).
 * Throws a TypeError naming the first unknown scope; repeats are dropped; the result is in SCOPES order.
 */
export function parseScopeList(text: string): Scope[] {
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== "");
  const unknown = entries.find((entry) => !isScope(entry));
  if (unknown !== undefined)
    throw new TypeError(`unknown scope ${JSON.stringify(unknown)}; the scopes are ${SCOPES.join(", ")}`);
  return SCOPES.filter((scope) => entries.includes(scope));
}

/** Scopes as stored (`api_token.scopes`): space-separated. Unknown entries, e.g. from a newer version, are ignored. */
export function readStoredScopes(stored: string): Scope[] {
  return SCOPES.filter((scope) => stored.split(" ").includes(scope));
}

export function formatScopes(scopes: Iterable<Scope>): string {
  const held = new Set(scopes);
  return SCOPES.filter((scope) => held.has(scope)).join(" ");
}
