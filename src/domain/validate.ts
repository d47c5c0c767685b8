/**
 * The import validator (security.md §2.4, R2.1–R2.10): a key a caller brings is checked as a real
 * key, not as a JSON shape, before anything is stored. Library import is not validation: Node and
 * jose accept RSA-512, a foreign RSA `d`, an EC `d` that belongs to another point, an Ed25519 `x`
 * that does not match `d`, a 1-byte HMAC key and lenient base64url (security.md §2.2), so every
 * rule here is explicit arithmetic or an explicit comparison.
 *
 * Every refusal is an InvalidKeyError whose `reason` names the rule and whose message says what
 * to fix. Messages name members, never their values: a value may be secret key material.
 *
 * `key_ops` (R2.8) and `x5t` / `x5t#S256` (R2.10) are checked when present (the ops must be known,
 * unique, and agree with `use` and `alg`; the thumbprints must be those of the x5c leaf) and then
 * dropped: a valid key is stored without them, because `Jwk` (and so the GraphQL types) has no such
 * members. GraphQL's JsonWebKeyInput has no key_ops either, so in practice this guards REST bodies.
 * Other members jwk-gateway does not store (x5u, ext, anything else) are dropped silently, as Hydra
 * does; `x5u` in particular is never fetched (no SSRF). `oth` (multi-prime RSA) and members that
 * belong to another kty are refused, because they change what the key is.
 * A `null` member counts as absent (GraphQL clients send null for "not given"), and so does an
 * empty `alg` or `use` (Hydra's SDKs send "" for unset strings).
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, X509Certificate, type JsonWebKey } from "node:crypto";
import { bytesToBigInt, decodeBase64url, decodeBase64urlUInt } from "./base64url.js";
import { ed25519PublicKeyRefusal } from "./curve25519.js";
import { BadInputError, ConflictError, InvalidKeyError } from "../errors.js";
import { jsonShapeProblem, MAX_JSON_DEPTH } from "./json-depth.js";
import { JWK_MEMBERS, normalizeJwk, type Jwk, type JwkInput, type KeyType } from "./jwk.js";
import { hasRocaFingerprint, isProbablePrime, isProbablePrimeModulus, smallFactorOf, TRIAL_DIVISION_BOUND } from "./rsa-checks.js";

// ---------------------------------------------------------------------------------------------
// Limits

/** Largest serialized key (R2.1). An RSA-4096 private JWK is about 3.2 KB. */
export const MAX_KEY_BYTES = 16 * 1024;
/** Most keys in one set (R2.1). */
export const MAX_KEYS_PER_SET = 50;
/** Largest serialized key set (R2.1). */
export const MAX_KEY_SET_BYTES = 256 * 1024;
/** Longest kid (Hydra's column is varchar(255)). */
export const MAX_KID_LENGTH = 255;
/** RSA modulus bounds in bits (RFC 7518 §3.3; the upper bound caps the work one key can cost). */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;
/** Most bits by which p and q of an RSA private key may differ in size (FIPS 186-5 wants equal sizes). */
export const RSA_PRIME_SIZE_SPREAD = 128;
/** RSA public exponent bounds, both exclusive (FIPS 186-5: 2^16 < e < 2^256). */
export const RSA_MIN_EXPONENT = 2n ** 16n;
export const RSA_MAX_EXPONENT = 2n ** 256n;
/** Shortest oct key when no `alg` says otherwise: the HS256 minimum. */
export const OCT_MIN_BYTES = 32;
/** Most certificates in an x5c chain (R2.10). */
export const MAX_X5C_CERTIFICATES = 10;

// ---------------------------------------------------------------------------------------------
// Members

type Member = (typeof JWK_MEMBERS)[number];
type StringMember = Exclude<Member, "x5c" | "kty">;

const COMMON_MEMBERS = ["kty", "kid", "alg", "use"] as const satisfies readonly Member[];
const RSA_PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"] as const satisfies readonly Member[];

/** Members allowed per kty (R2.1). `x5c` is never allowed on oct keys (R2.6). */
const MEMBERS_OF: Record<KeyType, ReadonlySet<Member>> = {
  RSA: new Set([...COMMON_MEMBERS, "x5c", "n", "e", ...RSA_PRIVATE_MEMBERS]),
  EC: new Set([...COMMON_MEMBERS, "x5c", "crv", "x", "y", "d"]),
  OKP: new Set([...COMMON_MEMBERS, "x5c", "crv", "x", "d"]),
  oct: new Set([...COMMON_MEMBERS, "k"]),
};

const KEY_TYPES: readonly KeyType[] = ["RSA", "EC", "OKP", "oct"];
const KNOWN_MEMBERS: ReadonlySet<string> = new Set(JWK_MEMBERS);

// ---------------------------------------------------------------------------------------------
// Algorithms (R2.7): which key each allowed alg goes with, and what it is for (R2.8)

type KeyUse = "sig" | "enc";

interface AlgorithmRule {
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

// ---------------------------------------------------------------------------------------------
// Curves

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
  ["P-256", {
    bytes: 32,
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    openssl: "prime256v1",
  }],
  ["P-384", {
    bytes: 48,
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    openssl: "secp384r1",
  }],
  ["P-521", {
    bytes: 66,
    p: 2n ** 521n - 1n,
    b: 0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    openssl: "secp521r1",
  }],
]);

/** OKP curves RFC 8037 defines but jwk-gateway does not serve (R2.5 makes them optional). */
const UNSUPPORTED_OKP_CURVES = ["Ed448", "X25519", "X448"];
const ED25519_BYTES = 32;
/** PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410 §7) up to the 32-byte private key. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

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
 * Validates a whole set before anything is written (R2.14): every key, then kid uniqueness.
 * A repeated kid is a conflict (CONTRACT.md), the rest is bad input; either way nothing is kept.
 */
export function validateKeySet(keys: readonly (JwkInput | Jwk)[]): Jwk[] {
  if (!Array.isArray(keys)) throw new TypeError("validateKeySet: keys must be an array");
  if (keys.length > MAX_KEYS_PER_SET) {
    throw new BadInputError(`A key set holds at most ${MAX_KEYS_PER_SET} keys; this one has ${keys.length}`, "TOO_MANY_KEYS");
  }
  if (Buffer.byteLength(JSON.stringify(keys)) > MAX_KEY_SET_BYTES) {
    throw new BadInputError(`A serialized key set must be at most ${MAX_KEY_SET_BYTES / 1024} KiB`, "KEY_SET_TOO_LARGE");
  }
  const validated = keys.map((input, index) => {
    try {
      return validateJwk(input);
    } catch (error) {
      // Say which key failed; the reason stays the rule's own.
      if (error instanceof InvalidKeyError) throw new InvalidKeyError(error.reason ?? "INVALID_KEY", `keys[${index}]: ${error.message}`);
      throw error;
    }
  });
  checkUniqueKids(validated);
  return validated;
}

// ---------------------------------------------------------------------------------------------
// Shape (R2.1, R2.9)

function checkIsObject(input: unknown): asserts input is JwkInput {
  // Class instances are fine (GraphQL input types arrive as such); arrays and primitives are not.
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidKeyError("NOT_AN_OBJECT", "A JSON Web Key must be a JSON object");
  }
}

function checkKeySize(input: JwkInput): void {
  // Shape first, without recursion: JSON.stringify recurses, and the transports' depth check
  // (README, "Limits") is not the only way in. Every value costs at least a byte of JSON, so more
  // than MAX_KEY_BYTES of them is too large anyway.
  const shape = jsonShapeProblem(input, MAX_JSON_DEPTH, MAX_KEY_BYTES);
  if (shape === "too-deep") throw new InvalidKeyError("KEY_TOO_DEEP", `A JSON Web Key must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`);
  if (shape === "too-many" || Buffer.byteLength(JSON.stringify(input)) > MAX_KEY_BYTES) {
    throw new InvalidKeyError("KEY_TOO_LARGE", `A serialized JSON Web Key must be at most ${MAX_KEY_BYTES / 1024} KiB`);
  }
}

function checkKty(kty: unknown): KeyType {
  if (kty === undefined || kty === null) throw new InvalidKeyError("MISSING_MEMBER", 'The key needs member "kty"');
  if (!KEY_TYPES.includes(kty as KeyType)) {
    throw new InvalidKeyError("UNKNOWN_KTY", `Member "kty" must be one of ${KEY_TYPES.join(", ")}`);
  }
  return kty as KeyType;
}

function checkKid(kid: unknown): void {
  if (typeof kid !== "string" || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new InvalidKeyError("BAD_KID", `Member "kid" must be a string of 1 to ${MAX_KID_LENGTH} characters`);
  }
}

/** Copies the members we keep, checking their types; refuses `oth` and members of another kty. */
function readMembers(input: JwkInput, kty: KeyType): Jwk {
  const key: Record<string, unknown> = {};
  const foreign: string[] = [];
  for (const name of Object.keys(input)) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    if (name === "oth") {
      throw new InvalidKeyError("UNSUPPORTED_MEMBER", 'Member "oth" (multi-prime RSA, RFC 7518 §6.3.2.7) is not supported; use a two-prime key');
    }
    if (!KNOWN_MEMBERS.has(name)) continue; // dropped silently, as Hydra does
    if (!MEMBERS_OF[kty].has(name as Member)) {
      foreign.push(name);
      continue;
    }
    if ((name === "alg" || name === "use") && value === "") continue;
    if (name === "x5c") {
      if (!Array.isArray(value) || !value.every((cert) => typeof cert === "string")) {
        throw new InvalidKeyError("BAD_X5C", 'Member "x5c" must be an array of strings');
      }
      key[name] = [...value];
    } else {
      if (typeof value !== "string") throw new InvalidKeyError("BAD_MEMBER_TYPE", `Member "${name}" must be a string`);
      key[name] = value;
    }
  }
  if (foreign.length > 0) {
    const own = [...MEMBERS_OF[kty]].filter((member) => member !== "x5c" && !(COMMON_MEMBERS as readonly string[]).includes(member));
    throw new InvalidKeyError(
      "WRONG_MEMBERS",
      `${foreign.map((name) => `"${name}"`).join(", ")} ${foreign.length === 1 ? "is not a member" : "are not members"} of an ${kty} key; an ${kty} key has ${own.join(", ")}`,
    );
  }
  return key as unknown as Jwk;
}

function required(key: Jwk, member: StringMember): string {
  const value = key[member];
  if (value === undefined) throw new InvalidKeyError("MISSING_MEMBER", `An ${key.kty} key needs member "${member}"`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// alg and use (R2.7, R2.8)

/** The rule of the key's alg, or undefined when it has none (Hydra accepts keys without alg). */
function checkAlg(key: Jwk): AlgorithmRule | undefined {
  const { alg } = key;
  if (alg === undefined) return undefined;
  const refusal = REFUSED_ALGORITHMS.get(alg) ?? (alg.startsWith("PBES2") ? "password-based key wrapping is not supported" : undefined);
  if (refusal !== undefined) throw new InvalidKeyError("ALG_NOT_ALLOWED", `alg ${quote(alg)} is not allowed: ${refusal}`);
  const rule = ALGORITHMS.get(alg);
  if (rule === undefined) {
    throw new InvalidKeyError("ALG_NOT_ALLOWED", `alg ${quote(alg)} is not an algorithm jwk-gateway accepts (names are case-sensitive)`);
  }
  const fits = rule.keys.some((allowed) => allowed.kty === key.kty && (allowed.crv === undefined || key.crv === undefined || allowed.crv.includes(key.crv)));
  if (!fits) {
    const wanted = rule.keys.map(({ kty, crv }) => (crv ? `${kty} (${crv.join(", ")})` : kty)).join(" or ");
    const actual = key.crv === undefined ? key.kty : `${key.kty} ${quote(key.crv)}`;
    throw new InvalidKeyError("ALG_KEY_MISMATCH", `alg ${quote(alg)} needs an ${wanted} key, not ${actual} (one key, one algorithm: RFC 8725 §3.1)`);
  }
  return rule;
}

function checkUse(key: Jwk, rule: AlgorithmRule | undefined): void {
  const { use } = key;
  if (use === undefined) return;
  if (use !== "sig" && use !== "enc") throw new InvalidKeyError("BAD_USE", 'Member "use" must be "sig" or "enc"');
  if (rule !== undefined && rule.use !== use) {
    const what = rule.use === "sig" ? "a signature" : "an encryption or key-management";
    throw new InvalidKeyError("USE_ALG_MISMATCH", `alg ${quote(key.alg ?? "")} is ${what} algorithm, so "use" must be "${rule.use}"`);
  }
}

// ---------------------------------------------------------------------------------------------
// Key material, one function per kty

const KEY_CHECKS: Record<KeyType, (key: Jwk, rule: AlgorithmRule | undefined) => void> = {
  RSA: checkRsa,
  EC: checkEc,
  OKP: checkOkp,
  oct: checkOct,
};

// RSA (R2.3) -------------------------------------------------------------------------------------

function checkRsa(key: Jwk): void {
  const n = decodeBase64urlUInt("n", required(key, "n"));
  const e = decodeBase64urlUInt("e", required(key, "e"));
  checkRsaModulus(n);
  checkRsaExponent(e);
  checkRsaModulusFactors(n);
  if (RSA_PRIVATE_MEMBERS.some((member) => key[member] !== undefined)) {
    checkRsaPrivateKey(key, n, e);
  } else {
    // A private key proves n composite (p·q = n with p, q > 1); a public key alone must be tested.
    checkRsaModulusNotPrime(n);
  }
}

function checkRsaModulus(n: bigint): void {
  const bits = n.toString(2).length;
  if (bits < RSA_MIN_BITS) {
    throw new InvalidKeyError("RSA_TOO_SMALL", `RSA keys must be at least ${RSA_MIN_BITS} bits (RFC 7518 §3.3); this one has ${bits}`);
  }
  if (bits > RSA_MAX_BITS) {
    throw new InvalidKeyError("RSA_TOO_LARGE", `RSA keys must be at most ${RSA_MAX_BITS} bits; this one has ${bits}`);
  }
  // The product of two odd primes is odd; an even n cannot be an RSA modulus.
  if (n % 2n === 0n) throw new InvalidKeyError("RSA_BAD_MODULUS", 'The RSA modulus "n" must be odd');
}

/**
 * Moduli anyone can factor (rsa-checks.ts): a factor below TRIAL_DIVISION_BOUND (n = 3·m), or the
 * ROCA structure. Both take microseconds, so they run first, on public and private keys alike.
 * Messages do not name the factor: for a private key it would be p or q.
 */
function checkRsaModulusFactors(n: bigint): void {
  if (smallFactorOf(n) !== undefined) {
    throw new InvalidKeyError(
      "RSA_SMALL_FACTOR",
      `The RSA modulus "n" has a small factor (a prime below ${TRIAL_DIVISION_BOUND.toLocaleString("en-US")}), so it is not the product of two large primes and anyone can factor it`,
    );
  }
  if (hasRocaFingerprint(n)) {
    throw new InvalidKeyError(
      "RSA_ROCA",
      'The RSA modulus "n" has the ROCA fingerprint (CVE-2017-15361): it comes from a vulnerable Infineon library and can be factored; generate a new key',
    );
  }
}

/** A prime n is no RSA modulus: φ(n) = n − 1, so anyone computes d from e. */
function checkRsaModulusNotPrime(n: bigint): void {
  if (isProbablePrimeModulus(n)) {
    throw new InvalidKeyError("RSA_PRIME_MODULUS", 'The RSA modulus "n" is prime (Miller–Rabin), so anyone can compute the private key; an RSA modulus is the product of two primes');
  }
}

function checkRsaExponent(e: bigint): void {
  if (e % 2n === 0n || e <= RSA_MIN_EXPONENT || e >= RSA_MAX_EXPONENT) {
    throw new InvalidKeyError("RSA_BAD_EXPONENT", 'The RSA exponent "e" must be odd, greater than 2^16 and less than 2^256 (FIPS 186-5); 65537 is the usual value');
  }
}

/**
 * The checks of go-jose's rsa.PrivateKey.Validate() (R2.3), which neither Node nor jose make:
 * jose signs with the CRT members, so a foreign `d` would be stored and never noticed.
 */
function checkRsaPrivateKey(key: Jwk, n: bigint, e: bigint): void {
  const missing = RSA_PRIVATE_MEMBERS.filter((member) => key[member] === undefined);
  if (missing.length > 0) {
    throw new InvalidKeyError(
      "RSA_INCOMPLETE_PRIVATE_KEY",
      `An RSA private key needs all of ${RSA_PRIVATE_MEMBERS.join(", ")}; missing: ${missing.join(", ")}`,
    );
  }
  const [d, p, q, dp, dq, qi] = RSA_PRIVATE_MEMBERS.map((member) => bytesToBigInt(decodeBase64url(member, key[member] as string)));
  const mismatch = (rule: string) => new InvalidKeyError("RSA_KEY_MISMATCH", `The RSA private key does not match its public key: ${rule}`);
  if (p <= 1n || q <= 1n || p * q !== n) throw mismatch("p·q must equal n");
  if (d <= 0n || d >= n) throw mismatch("d must be between 1 and n");
  if ((e * d) % lcm(p - 1n, q - 1n) !== 1n) throw mismatch("e·d must be 1 modulo lcm(p−1, q−1)");
  if (dp !== d % (p - 1n)) throw mismatch("dp must equal d mod (p−1)");
  if (dq !== d % (q - 1n)) throw mismatch("dq must equal d mod (q−1)");
  if (qi <= 0n || qi >= p || (qi * q) % p !== 1n) throw mismatch("qi must be the inverse of q modulo p");
  checkRsaPrimes(p, q);
}

/**
 * p and q must be primes of about the same size. A composite p or q passes every check above (they
 * are arithmetic on p − 1 and q − 1), yet the key's signatures do not verify, or it has more than
 * two factors. Miller–Rabin (rsa-checks.ts, a fixed number of rounds with random bases) rather than
 * a trial signature, because a Carmichael number passes a signature test and not Miller–Rabin. The
 * size rule keeps the test's cost bounded (its cost grows with the larger prime) and refuses keys
 * with one small, easier-to-find factor.
 */
function checkRsaPrimes(p: bigint, q: bigint): void {
  const spread = Math.abs(p.toString(2).length - q.toString(2).length);
  if (spread > RSA_PRIME_SIZE_SPREAD) {
    throw new InvalidKeyError("RSA_UNBALANCED_PRIMES", `The RSA primes "p" and "q" must have about the same size (within ${RSA_PRIME_SIZE_SPREAD} bits of each other)`);
  }
  for (const [member, value] of [["p", p], ["q", q]] as const) {
    if (!isProbablePrime(value)) {
      throw new InvalidKeyError("RSA_COMPOSITE_PRIME", `The RSA prime "${member}" is not prime (Miller–Rabin), so the key does not work as an RSA key; generate a new key`);
    }
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

// EC (R2.4) --------------------------------------------------------------------------------------

function checkEc(key: Jwk): void {
  const crv = required(key, "crv");
  const curve = EC_CURVES.get(crv);
  if (curve === undefined) {
    throw new InvalidKeyError("UNSUPPORTED_CURVE", `EC keys must use curve ${[...EC_CURVES.keys()].join(", ")}, not ${quote(crv)}`);
  }
  const x = decodeBase64url("x", required(key, "x"));
  const y = decodeBase64url("y", required(key, "y"));
  checkEcPoint(crv, curve, x, y);
  if (key.d !== undefined) checkEcPrivateKey(crv, curve, decodeBase64url("d", key.d), x, y);
}

/** Refuses off-curve points (invalid-curve attacks, RFC 8725 §3.4) and short or padded coordinates. */
function checkEcPoint(crv: string, curve: EcCurve, x: Buffer, y: Buffer): void {
  if (x.length !== curve.bytes || y.length !== curve.bytes) {
    throw new InvalidKeyError("EC_POINT_INVALID", `"x" and "y" of a ${crv} key must be exactly ${curve.bytes} bytes each (RFC 7518 §6.2.1.2)`);
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
    throw new InvalidKeyError("EC_D_MISMATCH", `"d" of a ${crv} key must be exactly ${curve.bytes} bytes (RFC 7518 §6.2.2.1)`);
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

// OKP (R2.5) -------------------------------------------------------------------------------------

function checkOkp(key: Jwk): void {
  const crv = required(key, "crv");
  if (crv !== "Ed25519") {
    const known = UNSUPPORTED_OKP_CURVES.includes(crv) ? `Curve ${crv} is not supported` : `${quote(crv)} is not an OKP curve`;
    throw new InvalidKeyError("UNSUPPORTED_CURVE", `${known}; OKP keys must use Ed25519`);
  }
  const x = decodeBase64url("x", required(key, "x"));
  if (x.length !== ED25519_BYTES) {
    throw new InvalidKeyError("OKP_POINT_INVALID", `"x" of an Ed25519 key must be exactly ${ED25519_BYTES} bytes (RFC 8037 §2)`);
  }
  checkEd25519Point(x);
  if (key.d !== undefined) checkEd25519PrivateKey(decodeBase64url("d", key.d), x);
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
function checkEd25519PrivateKey(d: Buffer, x: Buffer): void {
  if (d.length !== ED25519_BYTES) {
    throw new InvalidKeyError("OKP_D_MISMATCH", `"d" of an Ed25519 key must be exactly ${ED25519_BYTES} bytes (RFC 8037 §2)`);
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, d]), format: "der", type: "pkcs8" });
  const derived = createPublicKey(privateKey).export({ format: "jwk" }).x;
  if (derived !== x.toString("base64url")) {
    throw new InvalidKeyError("OKP_D_MISMATCH", 'The Ed25519 private key "d" does not belong to the public key "x"');
  }
}

// oct (R2.6) -------------------------------------------------------------------------------------

function checkOct(key: Jwk, rule: AlgorithmRule | undefined): void {
  const length = decodeBase64url("k", required(key, "k")).length;
  if (rule?.octExactBytes !== undefined) {
    if (!rule.octExactBytes.includes(length)) {
      throw new InvalidKeyError("OCT_BAD_LENGTH", `"k" must be exactly ${rule.octExactBytes.join(" or ")} bytes for alg ${quote(key.alg ?? "")}; this one has ${length}`);
    }
    return;
  }
  const minimum = rule?.octMinBytes ?? OCT_MIN_BYTES;
  if (length < minimum) {
    const why = key.alg === undefined ? "an oct key without alg" : `alg ${quote(key.alg)} (RFC 7518 §3.2: at least the hash output size)`;
    throw new InvalidKeyError("OCT_TOO_SHORT", `"k" must be at least ${minimum} bytes for ${why}; this one has ${length}`);
  }
}

// ---------------------------------------------------------------------------------------------
// key_ops (R2.8): checked, then dropped (Jwk has no key_ops member)

const KEY_OPS_OF: Record<KeyUse, readonly string[]> = {
  sig: ["sign", "verify"],
  enc: ["encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"],
};
const ALL_KEY_OPS: readonly string[] = [...KEY_OPS_OF.sig, ...KEY_OPS_OF.enc];

function checkKeyOps(keyOps: unknown, key: Jwk, rule: AlgorithmRule | undefined): void {
  if (keyOps === undefined || keyOps === null) return;
  if (!Array.isArray(keyOps) || keyOps.length === 0 || !keyOps.every((op) => typeof op === "string" && ALL_KEY_OPS.includes(op))) {
    throw new InvalidKeyError("BAD_KEY_OPS", `Member "key_ops" must be a non-empty array of ${ALL_KEY_OPS.join(", ")} (RFC 7517 §4.3)`);
  }
  if (new Set(keyOps).size !== keyOps.length) throw new InvalidKeyError("BAD_KEY_OPS", 'Member "key_ops" must not repeat an operation');
  const uses = new Set(keyOps.map((op) => (KEY_OPS_OF.sig.includes(op as string) ? "sig" : "enc")));
  if (uses.size > 1) {
    throw new InvalidKeyError("BAD_KEY_OPS", 'Member "key_ops" must not mix signature (sign, verify) and encryption operations (RFC 7517 §4.3)');
  }
  const [opsUse] = uses as Set<KeyUse>;
  if (key.use !== undefined && key.use !== opsUse) {
    throw new InvalidKeyError("KEY_OPS_USE_MISMATCH", `With "use" "${key.use}", "key_ops" may hold only ${KEY_OPS_OF[key.use as KeyUse].join(", ")}`);
  }
  if (rule !== undefined && rule.use !== opsUse) {
    const what = rule.use === "sig" ? "a signature" : "an encryption or key-management";
    throw new InvalidKeyError("KEY_OPS_USE_MISMATCH", `alg ${quote(key.alg ?? "")} is ${what} algorithm, so "key_ops" may hold only ${KEY_OPS_OF[rule.use].join(", ")}`);
  }
}

// ---------------------------------------------------------------------------------------------
// x5c (R2.10)

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkX5c(key: Jwk): void {
  const chain = key.x5c ?? [];
  if (chain.length === 0 || chain.length > MAX_X5C_CERTIFICATES) {
    throw new InvalidKeyError("BAD_X5C", `Member "x5c" must hold 1 to ${MAX_X5C_CERTIFICATES} certificates`);
  }
  const certificates = chain.map((encoded, index) => parseCertificate(encoded, index));
  const leaf = leafPublicJwk(certificates[0]);
  if (leaf === undefined || !samePublicKey(key, leaf)) {
    throw new InvalidKeyError("X5C_MISMATCH", 'The public key of the first "x5c" certificate must be the key itself (RFC 7517 §4.7)');
  }
}

/** `x5t` / `x5t#S256` must be the canonical base64url SHA-1 / SHA-256 of the leaf DER; then dropped. */
function checkX5t(input: JwkInput, key: Jwk): void {
  for (const [member, hash] of [["x5t", "sha1"], ["x5t#S256", "sha256"]] as const) {
    const value = input[member];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw new InvalidKeyError("BAD_MEMBER_TYPE", `Member "${member}" must be a string`);
    const leaf = key.x5c?.[0];
    if (leaf === undefined) throw new InvalidKeyError("X5T_MISMATCH", `Member "${member}" needs "x5c": it is the thumbprint of the first certificate`);
    if (value !== createHash(hash).update(Buffer.from(leaf, "base64")).digest("base64url")) {
      throw new InvalidKeyError("X5T_MISMATCH", `Member "${member}" must be the base64url ${hash === "sha1" ? "SHA-1" : "SHA-256"} of the first "x5c" certificate (RFC 7517 §4.8, §4.9)`);
    }
  }
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

// ---------------------------------------------------------------------------------------------
// Sets

function checkUniqueKids(keys: readonly Jwk[]): void {
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    const first = seen.get(key.kid);
    if (first !== undefined) {
      throw new ConflictError(`Two keys share kid ${quote(key.kid)} (keys[${first}] and keys[${index}]); every kid in a set must be unique`);
    }
    seen.set(key.kid, index);
  });
}

/** A caller-chosen, non-secret name (alg, crv, kid) for a message, cut short. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
