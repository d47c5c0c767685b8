/**
 * Canonical base64url (RFC 7515 §2) and Base64urlUInt (RFC 7518 §2) for JWK members.
 *
 * Node's own decoder is lenient: `Buffer.from(s, "base64url")` accepts `=` padding, the `+/`
 * alphabet, whitespace, trailing junk and non-canonical trailing bits, and decodes them all to the
 * same bytes. Stored keys must read back exactly as written, so a member is only accepted when it
 * is the one canonical encoding of its bytes (docs/validation-rules.md, "Canonical base64url").
 *
 * Messages name the member, never its value: the value may be secret key material.
 */
import { InvalidKeyError } from "../errors.js";

const BASE64URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** True when `value` is the canonical unpadded base64url encoding of some byte string. */
export function isCanonicalBase64url(value: string): boolean {
  // A lone trailing character carries only 6 bits, less than one byte: no encoder produces it.
  if (!BASE64URL_ALPHABET.test(value) || value.length % 4 === 1) return false;
  // Re-encoding catches non-zero unused trailing bits, the last lenient case the regex lets through.
  return Buffer.from(value, "base64url").toString("base64url") === value;
}

/** Decodes the JWK member `member`, refusing anything but its canonical base64url form. */
export function decodeBase64url(member: string, value: string): Buffer {
  if (!BASE64URL_ALPHABET.test(value)) {
    throw new InvalidKeyError(
      "BAD_BASE64URL",
      `Member "${member}" must be base64url without padding: only A-Z, a-z, 0-9, "-" and "_" are allowed (no "=", "+", "/" or whitespace)`,
    );
  }
  if (!isCanonicalBase64url(value)) {
    throw new InvalidKeyError(
      "BAD_BASE64URL",
      `Member "${member}" is not canonical base64url: its length or its last character does not encode whole bytes`,
    );
  }
  return Buffer.from(value, "base64url");
}

/**
 * Decodes a Base64urlUInt member (RSA `n`, `e`): canonical base64url, at least one octet, and no
 * leading zero octet, since RFC 7518 §2 requires "the minimum number of octets".
 */
export function decodeBase64urlUInt(member: string, value: string): bigint {
  const bytes = decodeBase64url(member, value);
  if (bytes.length === 0) {
    throw new InvalidKeyError("BAD_BASE64URL", `Member "${member}" must not be empty`);
  }
  if (bytes[0] === 0) {
    throw new InvalidKeyError(
      "BAD_BASE64URL",
      `Member "${member}" must not start with a zero octet (RFC 7518 §2: Base64urlUInt uses the minimum number of octets)`,
    );
  }
  return bytesToBigInt(bytes);
}

/** The unsigned big-endian integer the bytes spell (0n for no bytes). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

/** The minimal big-endian bytes of a non-negative integer (one zero byte for 0n). */
export function bigIntToBytes(value: bigint): Buffer {
  if (value < 0n) throw new RangeError("bigIntToBytes: negative value");
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex");
}

/** The Base64urlUInt encoding of a positive integer. */
export function encodeBase64urlUInt(value: bigint): string {
  return encodeBase64url(bigIntToBytes(value));
}
