/**
 * oct keys: long enough for their algorithm (HMAC), or exactly the length it takes (AES)
 * (docs/validation-rules.md, "oct"; RFC 7518 §3.2).
 */
import { decodeBase64url } from "../base64url.js";
import { InvalidKeyError } from "../../errors.js";
import type { Jwk } from "../jwk.js";
import { quote } from "../../text.js";
import type { AlgorithmRule } from "./algorithm-rules.js";
import { required } from "./members.js";

/** Shortest oct key when no `alg` says otherwise: the HS256 minimum. */
export const OCT_MIN_BYTES = 32;

export function checkOct(key: Jwk, rule: AlgorithmRule | undefined): void {
  const length = decodeBase64url("k", required(key, "k")).length;
  if (rule?.octExactBytes !== undefined) {
    if (!rule.octExactBytes.includes(length)) {
      throw new InvalidKeyError(
        "OCT_BAD_LENGTH",
        `"k" must be exactly ${rule.octExactBytes.join(" or ")} bytes for alg ${quote(key.alg ?? "")}; this one has ${length}`,
      );
    }
    return;
  }
  const minimum = rule?.octMinBytes ?? OCT_MIN_BYTES;
  if (length < minimum) {
    const why =
      key.alg === undefined
        ? "an oct key without alg"
        : `alg ${quote(key.alg)} (RFC 7518 §3.2: at least the hash output size)`;
    throw new InvalidKeyError(
      "OCT_TOO_SHORT",
      `"k" must be at least ${minimum} bytes for ${why}; this one has ${length}`,
    );
  }
}
