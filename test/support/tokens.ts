/**
 * API tokens for tests, issued straight into a gateway's database (as `npm run token -- create`
 * does), in every state the access-control tests need.
 */
import { SCOPES, type Scope } from "../../src/auth/scopes.js";
import { issueToken } from "../../src/auth/tokens.js";
import type { Database } from "../../src/persistence/db/database.js";
import { PrismaTokenStore } from "../../src/persistence/tokens/token-store.js";

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export async function issue(
  database: Database,
  scopes: readonly Scope[],
  name = uniqueName(scopes.join("+") || "none"),
): Promise<string> {
  return (await issueToken(new PrismaTokenStore(database), { name, scopes })).token;
}

/** A token that expired a minute ago. */
export async function issueExpired(database: Database, scopes: readonly Scope[] = SCOPES): Promise<string> {
  const issuedAt = new Date(Date.now() - 120_000);
  return (
    await issueToken(
      new PrismaTokenStore(database),
      { name: uniqueName("expired"), scopes, expiresInMs: 60_000 },
      issuedAt,
    )
  ).token;
}

/** A token that was revoked. */
export async function issueRevoked(database: Database, scopes: readonly Scope[] = SCOPES): Promise<string> {
  const store = new PrismaTokenStore(database);
  const { token, record } = await issueToken(store, { name: uniqueName("revoked"), scopes });
  await store.revoke(record.id, new Date());
  return token;
}

/** A well-formed token of a known id with the wrong secret. */
export function withWrongSecret(token: string): string {
  const cut = "jwkgw_".length + 16 + 1; // jwkgw_<16 hex>_<secret>
  const secret = token.slice(cut);
  const flipped = (secret[0] === "A" ? "B" : "A") + secret.slice(1);
  return token.slice(0, cut) + flipped;
}

export const bearer = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

/**
 * The credential kinds of the authorization matrix: no token, each way a credential can be invalid,
 * each single scope, every scope. `scopes` is what a valid token holds (undefined: not authenticated).
 */
export interface TokenKind {
  name: string;
  scopes?: readonly Scope[];
}

export const TOKEN_KINDS: readonly TokenKind[] = [
  { name: "no token" },
  { name: "malformed token" },
  { name: "not a bearer credential" },
  { name: "unknown token" },
  { name: "known id, wrong secret" },
  { name: "expired token" },
  { name: "revoked token" },
  ...SCOPES.map((scope) => ({ name: `only ${scope}`, scopes: [scope] })),
  { name: "every scope", scopes: SCOPES },
];

/** Issues the tokens of TOKEN_KINDS into the database: kind name → Authorization header value (undefined: none). */
export async function issueTokenKinds(database: Database): Promise<Map<string, string | undefined>> {
  const all = await issue(database, SCOPES, uniqueName("all"));
  const headers = new Map<string, string | undefined>([
    ["no token", undefined],
    ["malformed token", "Bearer not-a-token"],
    ["not a bearer credential", "Basic dXNlcjpwYXNz"],
    ["unknown token", `Bearer jwkgw_0123456789abcdef_${"A".repeat(43)}`],
    ["known id, wrong secret", `Bearer ${withWrongSecret(all)}`],
    ["expired token", `Bearer ${await issueExpired(database)}`],
    ["revoked token", `Bearer ${await issueRevoked(database)}`],
    ["every scope", `Bearer ${all}`],
  ]);
  for (const scope of SCOPES) headers.set(`only ${scope}`, `Bearer ${await issue(database, [scope])}`);
  for (const kind of TOKEN_KINDS)
    if (!headers.has(kind.name)) throw new Error(`no token issued for the kind ${kind.name}`);
  return headers;
}
