/**
 * OKP keys: Ed25519 (signatures) and X25519 (ECDH-ES key agreement), a public key that is a usable
 * point (Ed25519: in the prime-order subgroup; X25519: canonical and not of small order), and a `d`
 * that derives it (docs/validation-rules.md, "OKP"; RFC 8037 §2; RFC 8032 §5.1.3; RFC 7748 §5).
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { decodeBase64url } from "../base64url.js";
import { ed25519PublicKeyRefusal, x25519PublicKeyRefusal } from "../curve25519.js";
import { InvalidKeyError } from "../../errors.js";
import type { Jwk } from "../jwk.js";
import { quote } from "../../text.js";
import { required } from "./members.js";

/** OKP curves RFC 8037 defines but jwk-gateway does not serve (yet): refused as unsupported. */
const UNSUPPORTED_OKP_CURVES = ["Ed448", "X448"];
type OkpCurve = "Ed25519" | "X25519";
const OKP_BYTES = 32;
/** PKCS#8 PrivateKeyInfo (RFC 8410 §7) up to the 32-byte private key, per curve. */
const PKCS8_PREFIX: Record<OkpCurve, Buffer> = {
  Ed25519: Buffer.from("302e020100300506032b657004220420", "hex"),
  X25519: Buffer.from("302e020100300506032b656e04220420", "hex"),
};

export function checkOkp(key: Jwk): void {
  const crv = required(key, "crv");
  if (crv !== "Ed25519" && crv !== "X25519") {
    const known = UNSUPPORTED_OKP_CURVES.includes(crv)
      ? `Curve ${crv} is not supported`
      : `${quote(crv)} is not an OKP curve`;
    throw new InvalidKeyError("UNSUPPORTED_CURVE", `${known}; OKP keys must use Ed25519 or X25519`);
  }
  const x = decodeBase64url("x", required(key, "x"));
  if (x.length !== OKP_BYTES) {
    throw new InvalidKeyError(
      "OKP_POINT_INVALID",
      `"x" of an ${crv} key must be exactly ${OKP_BYTES} bytes (RFC 8037 §2)`,
    );
  }
  if (crv === "Ed25519") checkEd25519Point(x);
  else checkX25519Point(x);
  if (key.d !== undefined) checkOkpPrivateKey(crv, decodeBase64url("d", key.d), x);
}

/** RFC 7748 §5 lets receivers accept anything; a small-order u gives a shared secret an attacker knows. */
function checkX25519Point(x: Buffer): void {
  const refusal = x25519PublicKeyRefusal(x);
  if (refusal === undefined) return;
  const reason = refusal.reason === "small-order" ? "OKP_SMALL_ORDER" : "OKP_POINT_INVALID";
  throw new InvalidKeyError(reason, `The X25519 public key "x" ${refusal.phrase}`);
}

/**
 * Node and jose load any 32 bytes as an Ed25519 public key. Under a small-order point (the
 * identity, for one) a signature with R = that point and S = 0 verifies for every message, so
 * such a key would let anyone forge tokens; curve25519.ts decodes the point strictly and checks
 * its order. X25519 keys, once accepted, get the same treatment (x25519PublicKeyRefusal there).
 */
function checkEd25519Point(x: Buffer): void {
  const refusal = ed25519PublicKeyRefusal(x);
  if (refusal === undefined) return;
  const reason = refusal.reason === "small-order" ? "OKP_SMALL_ORDER" : "OKP_POINT_INVALID";
  throw new InvalidKeyError(reason, `The Ed25519 public key "x" ${refusal.phrase}`);
}

/** Node silently re-derives `x` from `d`, so derive it ourselves and compare. */
function checkOkpPrivateKey(crv: OkpCurve, d: Buffer, x: Buffer): void {
  if (d.length !== OKP_BYTES) {
    throw new InvalidKeyError(
      "OKP_D_MISMATCH",
      `"d" of an ${crv} key must be exactly ${OKP_BYTES} bytes (RFC 8037 §2)`,
    );
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[crv], d]), format: "der", type: "pkcs8" });
  const derived = createPublicKey(privateKey).export({ format: "jwk" }).x;
  if (derived !== x.toString("base64url")) {
    throw new InvalidKeyError("OKP_D_MISMATCH", `The ${crv} private key "d" does not belong to the public key "x"`);
  }
}
