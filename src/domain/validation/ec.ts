/**
 * EC keys: a supported curve, a point on it, and a private scalar that belongs to the point
 * (docs/validation-rules.md, "EC"; RFC 7518 §6.2; RFC 8725 §3.4).
 */
import { createECDH, createPublicKey, type JsonWebKey } from "node:crypto";
import { bytesToBigInt, decodeBase64url } from "../base64url.js";
import { InvalidKeyError } from "../../errors.js";
import type { Jwk } from "../jwk.js";
import { quote } from "../../text.js";
import { required } from "./members.js";

interface EcCurve {
  /** Coordinate and private scalar size in bytes (RFC 7518 §6.2.1.2, §6.2.2.1). */
  bytes: number;
  /** Field prime; every curve here has a = p - 3. */
  p: bigint;
  b: bigint;
  /** Group order; the cofactor is 1, so every point on the curve is in the group. */
  n: bigint;
  /** OpenSSL's name, for createECDH. */
  openssl: string;
}

const EC_CURVES: ReadonlyMap<string, EcCurve> = new Map([
  [
    "P-256",
    {
      bytes: 32,
      p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
      b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
      n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
      openssl: "prime256v1",
    },
  ],
  [
    "P-384",
    {
      bytes: 48,
      p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
      b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
      n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
      openssl: "secp384r1",
    },
  ],
  [
    "P-521",
    {
      bytes: 66,
      p: 2n ** 521n - 1n,
      b: 0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
      n: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
      openssl: "secp521r1",
    },
  ],
]);

export function checkEc(key: Jwk): void {
  const crv = required(key, "crv");
  const curve = EC_CURVES.get(crv);
  if (curve === undefined) {
    throw new InvalidKeyError(
      "UNSUPPORTED_CURVE",
      `EC keys must use curve ${[...EC_CURVES.keys()].join(", ")}, not ${quote(crv)}`,
    );
  }
  const x = decodeBase64url("x", required(key, "x"));
  const y = decodeBase64url("y", required(key, "y"));
  checkEcPoint(crv, curve, x, y);
  if (key.d !== undefined) checkEcPrivateKey(crv, curve, decodeBase64url("d", key.d), x, y);
}

/** Refuses off-curve points (invalid-curve attacks, RFC 8725 §3.4) and short or padded coordinates. */
function checkEcPoint(crv: string, curve: EcCurve, x: Buffer, y: Buffer): void {
  if (x.length !== curve.bytes || y.length !== curve.bytes) {
    throw new InvalidKeyError(
      "EC_POINT_INVALID",
      `"x" and "y" of a ${crv} key must be exactly ${curve.bytes} bytes each (RFC 7518 §6.2.1.2)`,
    );
  }
  const { p, b } = curve;
  const X = bytesToBigInt(x);
  const Y = bytesToBigInt(y);
  // y² = x³ − 3x + b (mod p), with both coordinates reduced.
  const onCurve = X < p && Y < p && (Y * Y - (X * X * X - 3n * X + b)) % p === 0n;
  if (!onCurve || !nodeLoadsPublicKey({ kty: "EC", crv, x: x.toString("base64url"), y: y.toString("base64url") })) {
    throw new InvalidKeyError("EC_POINT_INVALID", `The point ("x", "y") is not on curve ${crv}`);
  }
}

/** A second opinion on the point from OpenSSL, which also refuses off-curve points. */
function nodeLoadsPublicKey(jwk: JsonWebKey): boolean {
  try {
    createPublicKey({ key: jwk, format: "jwk" });
    return true;
  } catch {
    return false;
  }
}

/** 1 ≤ d < n and d·G = (x, y), re-derived: Node accepts a `d` that belongs to another point. */
function checkEcPrivateKey(crv: string, curve: EcCurve, d: Buffer, x: Buffer, y: Buffer): void {
  if (d.length !== curve.bytes) {
    throw new InvalidKeyError(
      "EC_D_MISMATCH",
      `"d" of a ${crv} key must be exactly ${curve.bytes} bytes (RFC 7518 §6.2.2.1)`,
    );
  }
  const scalar = bytesToBigInt(d);
  if (scalar === 0n || scalar >= curve.n) {
    throw new InvalidKeyError("EC_D_MISMATCH", `"d" of a ${crv} key must be between 1 and the group order`);
  }
  const ecdh = createECDH(curve.openssl);
  ecdh.setPrivateKey(d);
  const derived = ecdh.getPublicKey(); // 0x04 || x || y
  if (!derived.equals(Buffer.concat([Buffer.from([4]), x, y]))) {
    throw new InvalidKeyError("EC_D_MISMATCH", 'The EC private key "d" does not belong to the public point ("x", "y")');
  }
}
