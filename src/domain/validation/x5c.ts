/**
 * Certificates: `x5c` must certify the key itself, and `x5t` / `x5t#S256` must be its thumbprints
 * (docs/validation-rules.md, "Certificates: x5c, x5t, x5t#S256"; RFC 7517 §4.7–§4.9).
 */
import { createHash, X509Certificate, type JsonWebKey } from "node:crypto";
import { InvalidKeyError } from "../../errors.js";
import type { Jwk, JwkInput } from "../jwk.js";
import type { StringMember } from "./members.js";

/** Most certificates in an x5c chain. */
export const MAX_X5C_CERTIFICATES = 10;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function checkX5c(key: Jwk): void {
  const chain = key.x5c ?? [];
  if (chain.length === 0 || chain.length > MAX_X5C_CERTIFICATES) {
    throw new InvalidKeyError("BAD_X5C", `Member "x5c" must hold 1 to ${MAX_X5C_CERTIFICATES} certificates`);
  }
  const certificates = chain.map((encoded, index) => parseCertificate(encoded, index));
  const leaf = leafPublicJwk(certificates[0]);
  if (leaf === undefined || !samePublicKey(key, leaf)) {
    throw new InvalidKeyError(
      "X5C_MISMATCH",
      'The public key of the first "x5c" certificate must be the key itself (RFC 7517 §4.7)',
    );
  }
}

/**
 * `x5t` / `x5t#S256` must be the canonical base64url SHA-1 / SHA-256 of the leaf DER. `x5t#S256` is
 * then kept (a public member, how certificates are matched today); `x5t` (SHA-1) is dropped.
 */
export function checkX5t(input: JwkInput, key: Jwk): void {
  for (const [member, hash] of [
    ["x5t", "sha1"],
    ["x5t#S256", "sha256"],
  ] as const) {
    const value = input[member];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw new InvalidKeyError("BAD_MEMBER_TYPE", `Member "${member}" must be a string`);
    const leaf = key.x5c?.[0];
    if (leaf === undefined)
      throw new InvalidKeyError(
        "X5T_MISMATCH",
        `Member "${member}" needs "x5c": it is the thumbprint of the first certificate`,
      );
    if (value !== createHash(hash).update(Buffer.from(leaf, "base64")).digest("base64url")) {
      throw new InvalidKeyError(
        "X5T_MISMATCH",
        `Member "${member}" must be the base64url ${hash === "sha1" ? "SHA-1" : "SHA-256"} of the first "x5c" certificate (RFC 7517 §4.8, §4.9)`,
      );
    }
    if (member === "x5t#S256") key[member] = value;
  }
}

/** The `x5t#S256` of a certificate given as standard base64 DER (an x5c entry). */
export function x5tS256Of(certificate: string): string {
  return createHash("sha256").update(Buffer.from(certificate, "base64")).digest("base64url");
}

function parseCertificate(encoded: string, index: number): X509Certificate {
  // RFC 7517 §4.7: standard base64 (not base64url), canonical so it reads back byte for byte.
  const der = Buffer.from(encoded, "base64");
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0 || der.toString("base64") !== encoded) {
    throw new InvalidKeyError("BAD_X5C", `x5c[${index}] must be standard base64 (not base64url) without whitespace`);
  }
  try {
    return new X509Certificate(der);
  } catch {
    throw new InvalidKeyError("BAD_X5C", `x5c[${index}] is not a DER-encoded X.509 certificate`);
  }
}

function leafPublicJwk(certificate: X509Certificate): JsonWebKey | undefined {
  try {
    return certificate.publicKey.export({ format: "jwk" });
  } catch {
    return undefined; // a key type Node cannot express as a JWK cannot be this key
  }
}

function samePublicKey(key: Jwk, leaf: JsonWebKey): boolean {
  const members = { RSA: ["n", "e"], EC: ["crv", "x", "y"], OKP: ["crv", "x"], oct: [] }[key.kty] as StringMember[];
  return leaf.kty === key.kty && members.every((member) => (leaf as Record<string, unknown>)[member] === key[member]);
}
