/**
 * API bearer tokens: `jwkgw_<id>_<secret>`.
 *
 * - `id`: 16 lower-case hex characters (8 random bytes). Not secret: it names the token in
 *   `npm run token -- list`, in the audit trail and in logs, and is how a presented token is looked up.
 * - `secret`: 32 random bytes, base64url (43 characters). Shown once, at creation, and never stored:
 *   the store keeps its SHA-256. A fast hash is enough because the secret is 256 random bits, not a
 *   password: there is no dictionary to try (GitHub's and Stripe's tokens are stored the same way).
 *
 * Verification looks the row up by id and compares the SHA-256 of the presented secret with the
 * stored one in constant time (`timingSafeEqual`), so the comparison says nothing about how many
 * bytes matched. Unknown, malformed, expired and revoked tokens are all refused the same way.
 */
import { createHash, hash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Scope } from "./scopes.js";

export const TOKEN_PREFIX = "jwkgw_";
const ID_BYTES = 8;
const SECRET_BYTES = 32;
const TOKEN_PATTERN = /^jwkgw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Longest token name accepted. */
export const MAX_TOKEN_NAME_LENGTH = 100;

/** A token as stored: never its secret, only the secret's hash. */
export interface StoredToken {
  id: string;
  name: string;
  /** SHA-256 of the secret, lower-case hex. */
  secretHash: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt?: Date;
  revokedAt?: Date;
}

export type TokenStatus = "active" | "expired" | "revoked";

/**
 * The storage port for tokens (src/persistence/tokens/token-store.ts implements it on the gateway's
 * database, table api_token).
 */
export interface TokenStore {
  /** Throws ConflictError when the name is taken (revoked tokens keep their names). */
  insert(token: StoredToken): Promise<void>;
  /** `session`: the request's ReadSession (domain/repository.ts), for stores that cache. */
  findById(id: string, session?: object): Promise<StoredToken | undefined>;
  /** Every token, oldest first. */
  list(): Promise<StoredToken[]>;
  /** Marks the token with this id, or else this name, revoked at `at` (kept if already revoked). Undefined when none matches. */
  revoke(idOrName: string, at: Date): Promise<StoredToken | undefined>;
  /** Whether any token is neither revoked nor expired at `now`. */
  hasActiveTokens(now: Date): Promise<boolean>;
}

export function tokenStatus(token: StoredToken, now: Date): TokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** SHA-256 of a token secret, hex. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** The id and secret of a well-formed token, or undefined. */
export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

/** Whether `secret` hashes to `secretHash`, compared in constant time. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, "hex");
  // crypto.hash: the one-shot form, several times cheaper per call than createHash (it runs per request).
  const actual = hash("sha256", secret, "buffer");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface IssueTokenRequest {
  name: string;
  scopes: readonly Scope[];
  /** Lifetime in milliseconds; omitted: the token does not expire. */
  expiresInMs?: number;
}

export interface IssuedToken {
  /** The whole bearer token, `jwkgw_<id>_<secret>`: show it once, never store or log it. */
  token: string;
  record: StoredToken;
}

/** Creates a token and stores its hash. Checks the request up front with a message that states the rule. */
export async function issueToken(
  store: TokenStore,
  request: IssueTokenRequest,
  now = new Date(),
): Promise<IssuedToken> {
  const name = request.name.trim();
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (name.length === 0 || name.length > MAX_TOKEN_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new TypeError(`a token name must be 1 to ${MAX_TOKEN_NAME_LENGTH} characters without control characters`);
  }
  if (request.scopes.length === 0) throw new TypeError("a token needs at least one scope");
  if (request.expiresInMs !== undefined && !(request.expiresInMs > 0))
    throw new TypeError("a token's lifetime must be positive");
  const id = randomBytes(ID_BYTES).toString("hex");
  const secret = randomBytes(SECRET_BYTES).toString("base64url");
  const record: StoredToken = {
    id,
    name,
    secretHash: hashSecret(secret),
    scopes: [...request.scopes],
    createdAt: now,
    ...(request.expiresInMs !== undefined ? { expiresAt: new Date(now.getTime() + request.expiresInMs) } : {}),
  };
  await store.insert(record);
  return { token: `${TOKEN_PREFIX}${id}_${secret}`, record };
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `12h`, `30d` in milliseconds; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2]];
}
