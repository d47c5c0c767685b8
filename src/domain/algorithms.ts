/**
 * The algorithms jwk-gateway generates keys for, and every generation default, written down once.
 */

export const GENERATABLE_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "HS256",
  "HS384",
  "HS512",
] as const;

export type GeneratableAlgorithm = (typeof GENERATABLE_ALGORITHMS)[number];

/** RSA modulus length for generated keys (Hydra generates 4096-bit RS* keys). */
export const DEFAULT_RSA_BITS = 4096;

/** `use` of a generated key when the request leaves it out (Hydra v2). */
export const DEFAULT_KEY_USE = "sig";

/** HMAC key length in bytes: the hash output size, the minimum RFC 7518 §3.2 allows. */
export const HMAC_KEY_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;

/** Curve of each EC/OKP algorithm. */
export const CURVE_OF = { ES256: "P-256", ES384: "P-384", ES512: "P-521", EdDSA: "Ed25519" } as const;

export function isGeneratableAlgorithm(alg: string): alg is GeneratableAlgorithm {
  return (GENERATABLE_ALGORITHMS as readonly string[]).includes(alg);
}

/** RSA signature algorithms (RS* and PS*): the ones whose key generation is slow and limited. */
export function isRsaAlgorithm(alg: string): boolean {
  return /^(RS|PS)(256|384|512)$/.test(alg);
}
