/**
 * The forms of a stored key that people match and hand around, derived from its public members only
 * (README, "Bring your own keys"): the RFC 7638 thumbprint, its RFC 9278 URI, and the public key as
 * SPKI PEM, the text `openssl pkey -pubout` prints.
 *
 * Symmetric (`oct`) keys have none of them: they have no public half, and the RFC 7638 thumbprint of
 * an oct key is a hash of the secret `k` itself, which has no business in an answer readable with
 * keys:read.
 */
import { createHash, createPublicKey } from "node:crypto";
import type { Jwk } from "./jwk.js";

/** RFC 9278 §3: the URN prefix of a SHA-256 JWK thumbprint. */
export const THUMBPRINT_URI_PREFIX = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:";

/** RFC 7638 §3.2: the required members of each asymmetric key type, in lexicographic order. */
const THUMBPRINT_MEMBERS = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
} as const;

/**
 * RFC 7638 SHA-256 thumbprint, base64url without padding (what jose's calculateJwkThumbprint
 * computes), or undefined for an oct key or a key missing a required member.
 */
export function jwkThumbprint(key: Jwk): string | undefined {
  if (key.kty === "oct") return undefined;
  const members = THUMBPRINT_MEMBERS[key.kty];
  const required: Record<string, string> = {};
  for (const member of members) {
    const value = member === "kty" ? key.kty : key[member];
    if (typeof value !== "string") return undefined;
    required[member] = value;
  }
  // The members hold only base64url and curve names, so JSON.stringify writes exactly RFC 7638's form.
  return createHash("sha256").update(JSON.stringify(required)).digest("base64url");
}

/** RFC 9278 thumbprint URI, `urn:ietf:params:oauth:jwk-thumbprint:sha-256:<thumbprint>`. */
export function jwkThumbprintUri(key: Jwk): string | undefined {
  const thumbprint = jwkThumbprint(key);
  return thumbprint === undefined ? undefined : `${THUMBPRINT_URI_PREFIX}${thumbprint}`;
}

/** The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), or undefined for an oct key. */
export function publicKeyPem(key: Jwk): string | undefined {
  if (key.kty === "oct") return undefined;
  const members = { RSA: ["n", "e"], EC: ["crv", "x", "y"], OKP: ["crv", "x"] }[key.kty];
  const jwk: Record<string, string> = { kty: key.kty };
  for (const member of members) {
    const value = key[member as "n"];
    if (typeof value !== "string") return undefined;
    jwk[member] = value;
  }
  return createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }).toString();
}
