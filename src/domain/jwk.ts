/**
 * JSON Web Keys (RFC 7517) as jwk-gateway stores and returns them.
 *
 * A `Jwk` here is always a *validated* key: it came out of the generator or out of `validateJwk`.
 * The public projection is built by allowlist (PUBLIC_MEMBERS), never by deleting members, so a
 * member added later is private until it is listed here.
 */

/**
 * Members of a public key, in the order go-jose (Hydra) serialises them. `x5t#S256` (RFC 7517 §4.9)
 * is kept only with `x5c`, as the SHA-256 thumbprint of its first certificate (validation/x5c.ts).
 */
export const PUBLIC_MEMBERS = ["use", "kty", "kid", "crv", "alg", "x", "y", "n", "e", "x5c", "x5t#S256"] as const;

/** Members that carry secret material: `d p q dp dq qi` for RSA/EC/OKP private keys, `k` for oct keys. */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/** Every member jwk-gateway keeps, in output order (go-jose's: use, kty, kid, crv, alg, k, x, y, n, e, d, …). */
export const JWK_MEMBERS = [
  "use",
  "kty",
  "kid",
  "crv",
  "alg",
  "k",
  "x",
  "y",
  "n",
  "e",
  "d",
  "p",
  "q",
  "dp",
  "dq",
  "qi",
  "x5c",
  "x5t#S256",
] as const;

export type KeyType = "RSA" | "EC" | "OKP" | "oct";
export type PublicMember = (typeof PUBLIC_MEMBERS)[number];
export type PrivateMember = (typeof PRIVATE_MEMBERS)[number];

export interface Jwk {
  kty: KeyType;
  kid: string;
  use?: string;
  alg?: string;
  crv?: string;
  // public material (base64url)
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  /** X.509 chain, standard base64 DER (RFC 7517 §4.7). */
  x5c?: string[];
  /** SHA-256 thumbprint of the first x5c certificate, base64url (RFC 7517 §4.9); only with x5c. */
  "x5t#S256"?: string;
  // private material (base64url)
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  k?: string;
}

/** A key as a caller supplies it: any members, not yet checked. */
export type JwkInput = { readonly [member: string]: unknown };

export interface JwkSet {
  set: string;
  keys: Jwk[];
}

/**
 * What the public projection makes of a symmetric (`oct`) key. An asymmetric key has a public half,
 * its public members; a symmetric key has none (`k` is the whole key). The two behaviours below are
 * each what a transport answers today, and test/auth/matrix.test.ts asserts both:
 * - `omit` (the default): left out. For documents of public keys, which verifiers read: the public
 *   JWKS and `discoverJsonWebKeys`, GraphQL's `publicKeys`, and REST's set answers to a caller
 *   without keys:read-private (Hydra's ExcludePrivateKeys, without the error it raises on an oct key).
 * - `describe`: kept as its public members (`kty kid alg use`), without `k`. Where a key is answered
 *   as a record rather than published: GraphQL's `keys`, whose selected private members are each
 *   refused on their own (FORBIDDEN), and REST's one single-key answer (PUT /keys/{set}/{kid}),
 *   which has no empty form.
 */
export type SymmetricProjection = "omit" | "describe";

/**
 * The public projection of a key, the one every transport shows a caller without keys:read-private:
 * its public members only, by allowlist; a symmetric key as `symmetric` says (`undefined` when omitted).
 */
export function toPublicJwk(key: Jwk, symmetric: "describe"): Jwk;
export function toPublicJwk(key: Jwk, symmetric?: SymmetricProjection): Jwk | undefined;
export function toPublicJwk(key: Jwk, symmetric: SymmetricProjection = "omit"): Jwk | undefined {
  if (key.kty === "oct" && symmetric === "omit") return undefined;
  const out: Partial<Jwk> = {};
  for (const member of PUBLIC_MEMBERS) {
    if (key[member] !== undefined) (out as Record<string, unknown>)[member] = key[member];
  }
  return out as Jwk;
}

/** The public projections of `keys`, in order (toPublicJwk); omitted symmetric keys leave no gap. */
export function toPublicJwks(keys: readonly Jwk[], symmetric: SymmetricProjection = "omit"): Jwk[] {
  return keys.map((key) => toPublicJwk(key, symmetric)).filter((key): key is Jwk => key !== undefined);
}

/** True when the key holds secret material (a private asymmetric key or a symmetric key). */
export function hasPrivateMaterial(key: Jwk): boolean {
  return PRIVATE_MEMBERS.some((member) => key[member] !== undefined);
}

/** The key with its members in canonical order and no undefined members. */
export function normalizeJwk(key: Jwk): Jwk {
  const out: Record<string, unknown> = {};
  for (const member of JWK_MEMBERS) {
    if (key[member] !== undefined) out[member] = key[member];
  }
  return out as unknown as Jwk;
}
