/**
 * RSA keys (docs/validation-rules.md, "RSA"; RFC 8017 §3): modulus size and exponent bounds, moduli
 * anyone can factor, and for a private key the arithmetic that ties every private member to `n` and
 * `e`.
 */
import { bytesToBigInt, decodeBase64url, decodeBase64urlUInt } from "../base64url.js";
import { InvalidKeyError } from "../../errors.js";
import type { Jwk } from "../jwk.js";
import {
  hasRocaFingerprint,
  isProbablePrime,
  isProbablePrimeModulus,
  smallFactorOf,
  TRIAL_DIVISION_BOUND,
} from "../rsa-checks.js";
import { required, RSA_PRIVATE_MEMBERS } from "./members.js";

/** RSA modulus bounds in bits (RFC 7518 §3.3; the upper bound caps the work one key can cost). */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;
/** Most bits by which p and q of an RSA private key may differ in size (FIPS 186-5 wants equal sizes). */
export const RSA_PRIME_SIZE_SPREAD = 128;
/** RSA public exponent bounds, both exclusive (FIPS 186-5: 2^16 < e < 2^256). */
export const RSA_MIN_EXPONENT = 2n ** 16n;
export const RSA_MAX_EXPONENT = 2n ** 256n;

export function checkRsa(key: Jwk): void {
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
    throw new InvalidKeyError(
      "RSA_TOO_SMALL",
      `RSA keys must be at least ${RSA_MIN_BITS} bits (RFC 7518 §3.3); this one has ${bits}`,
    );
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
    throw new InvalidKeyError(
      "RSA_PRIME_MODULUS",
      'The RSA modulus "n" is prime (Miller–Rabin), so anyone can compute the private key; an RSA modulus is the product of two primes',
    );
  }
}

function checkRsaExponent(e: bigint): void {
  if (e % 2n === 0n || e <= RSA_MIN_EXPONENT || e >= RSA_MAX_EXPONENT) {
    throw new InvalidKeyError(
      "RSA_BAD_EXPONENT",
      'The RSA exponent "e" must be odd, greater than 2^16 and less than 2^256 (FIPS 186-5); 65537 is the usual value',
    );
  }
}

/**
 * The checks of go-jose's rsa.PrivateKey.Validate() (RFC 8017 §3.2), which neither Node nor jose make:
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
  const [d, p, q, dp, dq, qi] = RSA_PRIVATE_MEMBERS.map((member) =>
    bytesToBigInt(decodeBase64url(member, key[member] as string)),
  );
  const mismatch = (rule: string) =>
    new InvalidKeyError("RSA_KEY_MISMATCH", `The RSA private key does not match its public key: ${rule}`);
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
    throw new InvalidKeyError(
      "RSA_UNBALANCED_PRIMES",
      `The RSA primes "p" and "q" must have about the same size (within ${RSA_PRIME_SIZE_SPREAD} bits of each other)`,
    );
  }
  for (const [member, value] of [
    ["p", p],
    ["q", q],
  ] as const) {
    if (!isProbablePrime(value)) {
      throw new InvalidKeyError(
        "RSA_COMPOSITE_PRIME",
        `The RSA prime "${member}" is not prime (Miller–Rabin), so the key does not work as an RSA key; generate a new key`,
      );
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
