/**
 * Public-key checks for the two curves over GF(2^255 − 19): Ed25519 (RFC 8032) and X25519
 * (RFC 7748). Node and jose load any 32 bytes as a public key, including points of small order:
 * under the identity point (`x` = 01 00…00) an all-zero signature verifies for every message, so a
 * stored key like that would let anyone forge tokens. The arithmetic here is BigInt, written out:
 * it runs once per imported key, on 255-bit numbers, well under a millisecond.
 *
 * Functions return a refusal (a short phrase saying what is wrong) or undefined; the validator
 * turns the phrase into its error. Phrases never quote the key.
 */

/** The field prime 2^255 − 19. */
const P = 2n ** 255n - 19n;
/** Order of the prime-order subgroup (RFC 8032 §5.1: L). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** Edwards curve constant d = −121665 / 121666. */
const D = mod(-121665n * inverse(121666n));
/** A square root of −1. */
const SQRT_M1 = power(2n, (P - 1n) / 4n);

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  base = mod(base);
  for (; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % P;
    base = (base * base) % P;
  }
  return result;
}

function inverse(a: bigint): bigint {
  return power(a, P - 2n);
}

/** The 32 bytes as a little-endian integer (RFC 8032 §5.1.2, RFC 7748 §5). */
function littleEndian(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString("hex") || "0"}`);
}

// ---------------------------------------------------------------------------------------------
// Ed25519

/** A point in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, x·y = T/Z. */
interface Point {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

const IDENTITY: Point = { X: 0n, Y: 1n, Z: 1n, T: 0n };

/**
 * Point addition on −x² + y² = 1 + d·x²·y² (add-2008-hwcd-3). The formula is complete on this
 * curve (d is not a square), so it also doubles and handles the identity.
 */
function add(p: Point, q: Point): Point {
  const a = mod((p.Y - p.X) * (q.Y - q.X));
  const b = mod((p.Y + p.X) * (q.Y + q.X));
  const c = mod(2n * D * p.T * q.T);
  const d = mod(2n * p.Z * q.Z);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

function multiply(point: Point, scalar: bigint): Point {
  let result = IDENTITY;
  for (let addend = point; scalar > 0n; scalar >>= 1n, addend = add(addend, addend)) {
    if (scalar & 1n) result = add(result, addend);
  }
  return result;
}

function isIdentity(point: Point): boolean {
  return point.X === 0n && point.Y === point.Z;
}

type Decoded = { point: Point } | { refusal: string };

/**
 * RFC 8032 §5.1.3 decoding, strict: y must be reduced (y < p), the square root must exist, and
 * x = 0 with the sign bit set is refused (the spec's "decoding fails"). Lenient decoders reduce
 * y mod p, which gives some points a second encoding; a stored key must have exactly one.
 */
function decodeEd25519(encoded: Uint8Array): Decoded {
  const value = littleEndian(encoded);
  const sign = value >> 255n;
  const y = value & ((1n << 255n) - 1n);
  if (y >= P) return { refusal: "is not a canonical encoding (its y coordinate is not reduced modulo 2^255 − 19)" };
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  // x = u·v³·(u·v⁷)^((p−5)/8), then fix it up by √−1 when v·x² = −u (RFC 8032 §5.1.3 step 3).
  const v3 = (v * v * v) % P;
  let x = mod(u * v3 * power(u * v3 * v3 * v, (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return { refusal: "does not decode to a point on the curve" };
  if (x === 0n && sign === 1n) return { refusal: "is not a canonical encoding (x = 0 with the sign bit set)" };
  if ((x & 1n) !== sign) x = P - x;
  return { point: { X: x, Y: y, Z: 1n, T: mod(x * y) } };
}

/**
 * Why the 32-byte Ed25519 public key `x` is unusable, or undefined when it is a canonical encoding
 * of a point in the prime-order subgroup (every key derived from a private key is). Three kinds:
 * not decodable (no such point, or a non-canonical encoding), of small order (one of the eight
 * points P with 8·P = identity, under which signatures can be forged), and of mixed order (a small-
 * order component added to a real key: no private key has it, and it makes signatures malleable).
 */
export function ed25519PublicKeyRefusal(
  encoded: Uint8Array,
): { reason: "undecodable" | "small-order" | "mixed-order"; phrase: string } | undefined {
  const decoded = decodeEd25519(encoded);
  if ("refusal" in decoded) return { reason: "undecodable", phrase: decoded.refusal };
  const { point } = decoded;
  if (isIdentity(multiply(point, 8n)))
    return {
      reason: "small-order",
      phrase: "is a point of small order (8·x is the identity), under which signatures can be forged",
    };
  if (!isIdentity(multiply(point, L)))
    return {
      reason: "mixed-order",
      phrase: "is not in the prime-order subgroup (it has a small-order component), so no private key belongs to it",
    };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// X25519

/** (A + 2) / 4 for Curve25519's A = 486662 (RFC 7748 §5). */
const A24 = 121666n;

/**
 * Why the 32-byte X25519 public key `x` (a u-coordinate) is unusable, or undefined. Refused: a set
 * top bit or u ≥ p (RFC 7748 §5 has receivers mask and reduce them, so they are second encodings
 * of other values), and every u whose point has small order on the curve or on its twist (0, 1,
 * p − 1 and the two order-8 points): Diffie-Hellman with them yields a shared secret an attacker
 * knows in advance. X-only doubling three times reaches the point at infinity (Z = 0) exactly for
 * those u.
 */
export function x25519PublicKeyRefusal(
  encoded: Uint8Array,
): { reason: "undecodable" | "small-order"; phrase: string } | undefined {
  const value = littleEndian(encoded);
  if (value >> 255n !== 0n || value >= P) {
    return {
      reason: "undecodable",
      phrase: "is not a canonical encoding (the u-coordinate must be below 2^255 − 19, top bit clear)",
    };
  }
  let X = value;
  let Z = 1n;
  for (let i = 0; i < 3; i += 1) {
    const sum = mod((X + Z) * (X + Z));
    const difference = mod((X - Z) * (X - Z));
    const product = mod(sum - difference); // 4·X·Z
    X = mod(sum * difference);
    Z = mod(product * (difference + A24 * product));
  }
  if (Z === 0n)
    return {
      reason: "small-order",
      phrase: "is a point of small order, which gives a shared secret an attacker knows",
    };
  return undefined;
}
