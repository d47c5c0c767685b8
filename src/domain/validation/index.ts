/**
 * The import validator (README, "Key validation"; docs/validation-rules.md lists every rule with its
 * reason code, RFC and test): a key a caller brings is checked as a real key, not as a JSON shape,
 * before anything is stored. Library import is not validation: Node and jose accept RSA-512, a
 * foreign RSA `d`, an EC `d` that belongs to another point, an Ed25519 `x` that does not match `d`, a
 * 1-byte HMAC key and lenient base64url (base64url.ts), so every rule here is explicit arithmetic or
 * an explicit comparison.
 *
 * Every refusal is an InvalidKeyError whose `reason` names the rule and whose message says what
 * to fix. Messages name members, never their values: a value may be secret key material.
 *
 * `key_ops` and `x5t` / `x5t#S256` are checked when present (the ops must be known, unique, and agree
 * with `use` and `alg`; the thumbprints must be those of the x5c leaf) and then dropped: a valid key
 * is stored without them, because `Jwk` (and so the GraphQL types) has no such members. GraphQL's
 * JsonWebKeyInput has no key_ops either, so in practice this guards REST bodies. Other members
 * jwk-gateway does not store (x5u, ext, anything else) are dropped silently, as Hydra does; `x5u` in
 * particular is never fetched (no SSRF). `oth` (multi-prime RSA) and members that belong to another
 * kty are refused, because they change what the key is. A `null` member counts as absent (GraphQL
 * clients send null for "not given"), and so does an empty `alg` or `use` (Hydra's SDKs send "" for
 * unset strings).
 */
import { BadInputError, ConflictError, InvalidKeyError } from "../../errors.js";
import { normalizeJwk, type Jwk, type JwkInput, type KeyType } from "../jwk.js";
import { quote } from "../../text.js";
import { checkAlg, checkKeyOps, checkUse, type AlgorithmRule } from "./algorithm-rules.js";
import { checkEc } from "./ec.js";
import { checkIsObject, checkKeySize, checkKid, checkKty, readMembers } from "./members.js";
import { checkOct } from "./oct.js";
import { checkOkp } from "./okp.js";
import { checkRsa } from "./rsa.js";
import { checkX5c, checkX5t } from "./x5c.js";

export { MAX_KEY_BYTES, MAX_KID_LENGTH } from "./members.js";
export { OCT_MIN_BYTES } from "./oct.js";
export { RSA_MAX_BITS, RSA_MAX_EXPONENT, RSA_MIN_BITS, RSA_MIN_EXPONENT, RSA_PRIME_SIZE_SPREAD } from "./rsa.js";
export { MAX_X5C_CERTIFICATES } from "./x5c.js";
export { useOfAlgorithm } from "./algorithm-rules.js";

/** Most keys in one set (README, "Limits"). */
export const MAX_KEYS_PER_SET = 50;
/** Largest serialized key set (README, "Limits"). */
export const MAX_KEY_SET_BYTES = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Validates one caller-supplied key and returns it normalized, holding only the members we keep.
 * A `Jwk` is accepted too, so generated keys go through the same rules as imported ones.
 */
export function validateJwk(input: JwkInput | Jwk): Jwk {
  checkIsObject(input);
  checkKeySize(input);
  const kty = checkKty(input.kty);
  checkKid(input.kid);
  const key = readMembers(input, kty);
  const rule = checkAlg(key);
  checkUse(key, rule);
  checkKeyOps(input.key_ops, key, rule);
  KEY_CHECKS[kty](key, rule);
  if (key.x5c !== undefined) checkX5c(key);
  checkX5t(input, key);
  return normalizeJwk(key);
}

/**
 * Validates a whole set before anything is written: every key, then kid uniqueness. A repeated kid
 * is a conflict (README, "Errors": CONFLICT), the rest is bad input; either way nothing is kept.
 */
export function validateKeySet(keys: readonly (JwkInput | Jwk)[]): Jwk[] {
  if (!Array.isArray(keys)) throw new TypeError("validateKeySet: keys must be an array");
  if (keys.length > MAX_KEYS_PER_SET) {
    throw new BadInputError(
      `A key set holds at most ${MAX_KEYS_PER_SET} keys; this one has ${keys.length}`,
      "TOO_MANY_KEYS",
    );
  }
  if (Buffer.byteLength(JSON.stringify(keys)) > MAX_KEY_SET_BYTES) {
    throw new BadInputError(
      `A serialized key set must be at most ${MAX_KEY_SET_BYTES / 1024} KiB`,
      "KEY_SET_TOO_LARGE",
    );
  }
  const validated = keys.map((input, index) => {
    try {
      return validateJwk(input);
    } catch (error) {
      // Say which key failed; the reason stays the rule's own.
      if (error instanceof InvalidKeyError)
        throw new InvalidKeyError(error.reason ?? "INVALID_KEY", `keys[${index}]: ${error.message}`);
      throw error;
    }
  });
  checkUniqueKids(validated);
  return validated;
}

// ---------------------------------------------------------------------------------------------
// Key material, one function per kty

const KEY_CHECKS: Record<KeyType, (key: Jwk, rule: AlgorithmRule | undefined) => void> = {
  RSA: checkRsa,
  EC: checkEc,
  OKP: checkOkp,
  oct: checkOct,
};

// ---------------------------------------------------------------------------------------------
// Sets

function checkUniqueKids(keys: readonly Jwk[]): void {
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    const first = seen.get(key.kid);
    if (first !== undefined) {
      throw new ConflictError(
        `Two keys share kid ${quote(key.kid)} (keys[${first}] and keys[${index}]); every kid in a set must be unique`,
      );
    }
    seen.set(key.kid, index);
  });
}
