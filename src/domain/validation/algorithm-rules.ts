/**
 * Which algorithms a key may name, the key each goes with, and what it is for: `alg`, `use` and
 * `key_ops` must agree with each other and with the key (docs/validation-rules.md, "alg, use and
 * key_ops"; RFC 7517 §4.2, §4.3; RFC 8725 §3.1).
 */
import { InvalidKeyError } from "../../errors.js";
import type { Jwk, KeyType } from "../jwk.js";
import { quote } from "../../text.js";

export type KeyUse = "sig" | "enc";

export interface AlgorithmRule {
  use: KeyUse;
  /** The key types (and, for EC/OKP, curves) the algorithm works with. */
  keys: readonly { kty: KeyType; crv?: readonly string[] }[];
  /** oct keys: the minimum length in bytes (HMAC, RFC 7518 §3.2). */
  octMinBytes?: number;
  /** oct keys: the only lengths in bytes that work (AES). */
  octExactBytes?: readonly number[];
}

const RSA_KEY = [{ kty: "RSA" }] as const;
const OCT_KEY = [{ kty: "oct" }] as const;
const ECDH_KEYS = [
  { kty: "EC", crv: ["P-256", "P-384", "P-521"] },
  { kty: "OKP", crv: ["X25519", "X448"] },
] as const;

const ALGORITHMS: ReadonlyMap<string, AlgorithmRule> = new Map<string, AlgorithmRule>([
  ...(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] as const).map(
    (alg) => [alg, { use: "sig", keys: RSA_KEY }] as const,
  ),
  ...(["RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512"] as const).map(
    (alg) => [alg, { use: "enc", keys: RSA_KEY }] as const,
  ),
  ["ES256", { use: "sig", keys: [{ kty: "EC", crv: ["P-256"] }] }],
  ["ES384", { use: "sig", keys: [{ kty: "EC", crv: ["P-384"] }] }],
  ["ES512", { use: "sig", keys: [{ kty: "EC", crv: ["P-521"] }] }],
  ["EdDSA", { use: "sig", keys: [{ kty: "OKP", crv: ["Ed25519", "Ed448"] }] }],
  // The fully-specified name of RFC 9864, which supersedes EdDSA for Ed25519 keys.
  ["Ed25519", { use: "sig", keys: [{ kty: "OKP", crv: ["Ed25519"] }] }],
  ...(["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"] as const).map(
    (alg) => [alg, { use: "enc", keys: ECDH_KEYS }] as const,
  ),
  ["HS256", { use: "sig", keys: OCT_KEY, octMinBytes: 32 }],
  ["HS384", { use: "sig", keys: OCT_KEY, octMinBytes: 48 }],
  ["HS512", { use: "sig", keys: OCT_KEY, octMinBytes: 64 }],
  ...([128, 192, 256] as const).flatMap((bits) =>
    [`A${bits}KW`, `A${bits}GCMKW`, `A${bits}GCM`].map(
      (alg) => [alg, { use: "enc", keys: OCT_KEY, octExactBytes: [bits / 8] }] as const,
    ),
  ),
  ["A128CBC-HS256", { use: "enc", keys: OCT_KEY, octExactBytes: [32] }],
  ["A192CBC-HS384", { use: "enc", keys: OCT_KEY, octExactBytes: [48] }],
  ["A256CBC-HS512", { use: "enc", keys: OCT_KEY, octExactBytes: [64] }],
  // A direct-encryption key is the content key of one of the "enc" algorithms above.
  ["dir", { use: "enc", keys: OCT_KEY, octExactBytes: [16, 24, 32, 48, 64] }],
]);

/** Algorithms refused on purpose, with the reason a caller should read. */
const REFUSED_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["none", "it means an unprotected token"],
  ["RSA1_5", "RSAES-PKCS1-v1_5 is open to padding-oracle attacks (RFC 8725 §3.2); use RSA-OAEP-256"],
]);

/** What `alg` is for ("sig" or "enc"), or undefined when jwk-gateway does not know it. */
export function useOfAlgorithm(alg: string): KeyUse | undefined {
  return ALGORITHMS.get(alg)?.use;
}

// ---------------------------------------------------------------------------------------------
// alg and use

/** The rule of the key's alg, or undefined when it has none (Hydra accepts keys without alg). */
export function checkAlg(key: Jwk): AlgorithmRule | undefined {
  const { alg } = key;
  if (alg === undefined) return undefined;
  const refusal =
    REFUSED_ALGORITHMS.get(alg) ??
    (alg.startsWith("PBES2") ? "password-based key wrapping is not supported" : undefined);
  if (refusal !== undefined)
    throw new InvalidKeyError("ALG_NOT_ALLOWED", `alg ${quote(alg)} is not allowed: ${refusal}`);
  const rule = ALGORITHMS.get(alg);
  if (rule === undefined) {
    throw new InvalidKeyError(
      "ALG_NOT_ALLOWED",
      `alg ${quote(alg)} is not an algorithm jwk-gateway accepts (names are case-sensitive)`,
    );
  }
  const fits = rule.keys.some(
    (allowed) =>
      allowed.kty === key.kty && (allowed.crv === undefined || key.crv === undefined || allowed.crv.includes(key.crv)),
  );
  if (!fits) {
    const wanted = rule.keys.map(({ kty, crv }) => (crv ? `${kty} (${crv.join(", ")})` : kty)).join(" or ");
    const actual = key.crv === undefined ? key.kty : `${key.kty} ${quote(key.crv)}`;
    throw new InvalidKeyError(
      "ALG_KEY_MISMATCH",
      `alg ${quote(alg)} needs an ${wanted} key, not ${actual} (one key, one algorithm: RFC 8725 §3.1)`,
    );
  }
  return rule;
}

export function checkUse(key: Jwk, rule: AlgorithmRule | undefined): void {
  const { use } = key;
  if (use === undefined) return;
  if (use !== "sig" && use !== "enc") throw new InvalidKeyError("BAD_USE", 'Member "use" must be "sig" or "enc"');
  if (rule !== undefined && rule.use !== use) {
    throw new InvalidKeyError(
      "USE_ALG_MISMATCH",
      `alg ${quote(key.alg ?? "")} is ${kindOf(rule)} algorithm, so "use" must be "${rule.use}"`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// key_ops: checked, then dropped (Jwk has no key_ops member)

const KEY_OPS_OF: Record<KeyUse, readonly string[]> = {
  sig: ["sign", "verify"],
  enc: ["encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"],
};
const ALL_KEY_OPS: readonly string[] = [...KEY_OPS_OF.sig, ...KEY_OPS_OF.enc];

export function checkKeyOps(keyOps: unknown, key: Jwk, rule: AlgorithmRule | undefined): void {
  if (keyOps === undefined || keyOps === null) return;
  if (
    !Array.isArray(keyOps) ||
    keyOps.length === 0 ||
    !keyOps.every((op) => typeof op === "string" && ALL_KEY_OPS.includes(op))
  ) {
    throw new InvalidKeyError(
      "BAD_KEY_OPS",
      `Member "key_ops" must be a non-empty array of ${ALL_KEY_OPS.join(", ")} (RFC 7517 §4.3)`,
    );
  }
  if (new Set(keyOps).size !== keyOps.length)
    throw new InvalidKeyError("BAD_KEY_OPS", 'Member "key_ops" must not repeat an operation');
  const uses = new Set(keyOps.map((op) => (KEY_OPS_OF.sig.includes(op as string) ? "sig" : "enc")));
  if (uses.size > 1) {
    throw new InvalidKeyError(
      "BAD_KEY_OPS",
      'Member "key_ops" must not mix signature (sign, verify) and encryption operations (RFC 7517 §4.3)',
    );
  }
  const [opsUse] = uses as Set<KeyUse>;
  if (key.use !== undefined && key.use !== opsUse) {
    throw new InvalidKeyError(
      "KEY_OPS_USE_MISMATCH",
      `With "use" "${key.use}", "key_ops" may hold only ${KEY_OPS_OF[key.use as KeyUse].join(", ")}`,
    );
  }
  if (rule !== undefined && rule.use !== opsUse) {
    throw new InvalidKeyError(
      "KEY_OPS_USE_MISMATCH",
      `alg ${quote(key.alg ?? "")} is ${kindOf(rule)} algorithm, so "key_ops" may hold only ${KEY_OPS_OF[rule.use].join(", ")}`,
    );
  }
}

/** What an algorithm is for, as a message says it: "a signature" or "an encryption or key-management". */
function kindOf(rule: AlgorithmRule): string {
  return rule.use === "sig" ? "a signature" : "an encryption or key-management";
}
