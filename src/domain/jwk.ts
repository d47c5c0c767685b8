/**
 * JSON Web Keys (RFC 7517) as jwk-gateway stores and returns them.
 *
 * A `Jwk` here is always a *validated* key: it came out of the generator or out of `validateJwk`.
 * Projections are built by allowlist (security.md R2.12), never by deleting members.
 */

/** Members of a public key, in the order go-jose (Hydra) serialises them. */
export const PUBLIC_MEMBERS = ["use", "kty", "kid", "crv", "alg", "x", "y", "n", "e", "x5c"] as const;

/** Members that carry secret material: `d p q dp dq qi` for RSA/EC/OKP private keys, `k` for oct keys. */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/** Every member jwk-gateway keeps, in output order (go-jose's: use, kty, kid, crv, alg, k, x, y, n, e, d, …). */
export const JWK_MEMBERS = ["use", "kty", "kid", "crv", "alg", "k", "x", "y", "n", "e", "d", "p", "q", "dp", "dq", "qi", "x5c"] as const;

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

/** The public form of a key, or `undefined` for a symmetric key, which has none. */
export function toPublicJwk(key: Jwk): Jwk | undefined {
  if (key.kty === "oct") return undefined;
  const out: Partial<Jwk> = {};
  for (const member of PUBLIC_MEMBERS) {
    if (key[member] !== undefined) (out as Record<string, unknown>)[member] = key[member];
  }
  return out as Jwk;
}

/** The public forms of `keys`, in order; symmetric keys are left out (Hydra's ExcludePrivateKeys, minus its 500 on oct). */
export function toPublicJwks(keys: readonly Jwk[]): Jwk[] {
  return keys.map(toPublicJwk).filter((key): key is Jwk => key !== undefined);
}

/**
 * The key without its private members, by the same allowlist; unlike toPublicJwk an oct key is kept
 * (as kty, kid, alg, use). What a caller without keys:read-private is handed back of a key.
 */
export function withoutPrivateMembers(key: Jwk): Jwk {
  const out: Partial<Jwk> = {};
  for (const member of PUBLIC_MEMBERS) {
    if (key[member] !== undefined) (out as Record<string, unknown>)[member] = key[member];
  }
  return out as Jwk;
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
