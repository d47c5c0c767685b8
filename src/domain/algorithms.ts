/**
 * The algorithms jwk-gateway generates keys for, and every generation default, written down once.
 */

/** Signature algorithms jwk-gateway generates keys for (`use: "sig"`). */
export const SIGNATURE_ALGORITHMS = [
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

/**
 * Encryption (key-management) algorithms jwk-gateway generates keys for (`use: "enc"`): RSA-OAEP for
 * RSA keys, ECDH-ES (direct or with AES key wrap) for EC and X25519 keys.
 */
export const ENCRYPTION_ALGORITHMS = [
  "RSA-OAEP",
  "RSA-OAEP-256",
  "ECDH-ES",
  "ECDH-ES+A128KW",
  "ECDH-ES+A256KW",
] as const;

export const GENERATABLE_ALGORITHMS = [...SIGNATURE_ALGORITHMS, ...ENCRYPTION_ALGORITHMS] as const;

export type GeneratableAlgorithm = (typeof GENERATABLE_ALGORITHMS)[number];
export type EcdhAlgorithm = "ECDH-ES" | "ECDH-ES+A128KW" | "ECDH-ES+A256KW";

/** RSA modulus length for generated keys (Hydra generates 4096-bit RS* keys). */
export const DEFAULT_RSA_BITS = 4096;

/**
 * `use` of a generated key when the request leaves it out: what its algorithm is for, so `sig` for
 * every signature algorithm (Hydra v2) and `enc` for the ENCRYPTION_ALGORITHMS.
 */
export function defaultUseOf(alg: string): "sig" | "enc" {
  return (ENCRYPTION_ALGORITHMS as readonly string[]).includes(alg) ? "enc" : "sig";
}

/** HMAC key length in bytes: the hash output size, the minimum RFC 7518 §3.2 allows. */
export const HMAC_KEY_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;

/** Curve of each EC/OKP signature algorithm: the only one it is generated on. */
export const CURVE_OF = { ES256: "P-256", ES384: "P-384", ES512: "P-521", EdDSA: "Ed25519" } as const;

/** Curves an ECDH-ES key may be generated on (the request's `crv`), and the one when it names none. */
export const ECDH_CURVES = ["P-256", "P-384", "P-521", "X25519"] as const;
export const DEFAULT_ECDH_CURVE = "P-256";

export function isEcdhAlgorithm(alg: string): alg is EcdhAlgorithm {
  return alg === "ECDH-ES" || alg === "ECDH-ES+A128KW" || alg === "ECDH-ES+A256KW";
}

export function isGeneratableAlgorithm(alg: string): alg is GeneratableAlgorithm {
  return (GENERATABLE_ALGORITHMS as readonly string[]).includes(alg);
}

/**
 * RSA algorithms jwk-gateway generates keys for (RS*, PS*, RSA-OAEP, RSA-OAEP-256): the ones whose key
 * generation is slow, limited, and served from the RSA key pool.
 */
export function isRsaAlgorithm(alg: string): boolean {
  return /^(RS|PS)(256|384|512)$/.test(alg) || alg === "RSA-OAEP" || alg === "RSA-OAEP-256";
}
