/**
 * The weak-key corpus (README, "Key validation"): keys that parse, and that Node and jose load, but are
 * not real keys. Each is refused by validateJwk with BAD_USER_INPUT, a reason naming the rule and a
 * message without key material; real keys of the same kinds are still accepted.
 */
import { checkPrimeSync, generateKeyPair as generateNodeKeyPair, generatePrimeSync, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { x25519PublicKeyRefusal } from "../../src/domain/curve25519.js";
import { InvalidKeyError } from "../../src/errors.js";
import {
  hasRocaFingerprint,
  isProbablePrime,
  modPow,
  PRIME_ROUNDS,
  rocaSubgroups,
  smallFactorOf,
  TRIAL_DIVISION_BOUND,
} from "../../src/domain/rsa-checks.js";
import { RSA_PRIME_SIZE_SPREAD, validateJwk } from "../../src/domain/validate.js";
import {
  ED25519_NON_CANONICAL,
  ED25519_SMALL_ORDER,
  ED25519_UNDECODABLE,
  fromB64u,
  rsaCorpus,
  rsaPrivateJwk,
  rsaPublicJwk,
  X25519_SMALL_ORDER,
  type RsaCorpus,
} from "../fixtures/weak-keys.js";

type Input = Record<string, unknown>;
const MATERIAL = ["d", "p", "q", "dp", "dq", "qi", "x", "n"] as const;

/** validateJwk refuses `input` with `reason`; the message matches and repeats no member value. */
function refuse(input: Input, reason: string, message: RegExp): void {
  let caught: unknown;
  try {
    validateJwk(input);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${reason}`).toBeInstanceOf(InvalidKeyError);
  const error = caught as InvalidKeyError;
  expect({ code: error.code, reason: error.reason }).toEqual({ code: "BAD_USER_INPUT", reason });
  expect(error.message).toMatch(message);
  for (const member of MATERIAL) {
    const value = input[member];
    if (typeof value === "string") expect(error.message).not.toContain(value.slice(0, 16));
  }
}

const okp = (x: string, extra: Input = {}): Input => ({
  kty: "OKP",
  crv: "Ed25519",
  kid: "weak",
  alg: "EdDSA",
  x,
  ...extra,
});

let corpus: RsaCorpus;
let edKeys: Input[];
let rsa2048: Input;

beforeAll(async () => {
  corpus = rsaCorpus();
  edKeys = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => ({
      ...(await exportJWK((await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).privateKey)),
      kid: `ed-${i}`,
    })),
  );
  const {
    key_ops: _ops,
    ext: _ext,
    ...jwk
  } = await exportJWK((await generateKeyPair("RS256", { modulusLength: 2048, extractable: true })).privateKey);
  rsa2048 = { ...jwk, kid: "rsa-2048" };
});

// ------------------------------------------------------------------------------------------------

describe("Ed25519 public keys", () => {
  it.each(Object.entries(ED25519_SMALL_ORDER))("the small-order point %s is refused", (_, x) => {
    refuse(okp(x), "OKP_SMALL_ORDER", /^The Ed25519 public key "x" is a point of small order/);
  });

  it.each(Object.entries(ED25519_NON_CANONICAL))("the non-canonical encoding %s is refused", (_, x) => {
    refuse(okp(x), "OKP_POINT_INVALID", /^The Ed25519 public key "x" is not a canonical encoding/);
  });

  it.each(Object.entries(ED25519_UNDECODABLE))("the encoding %s, which is no point, is refused", (_, x) => {
    refuse(okp(x), "OKP_POINT_INVALID", /^The Ed25519 public key "x" does not decode to a point on the curve/);
  });

  it("a real key plus the order-2 point (a mixed-order point) is refused", () => {
    // P + (0, −1) = (−x, −y): y' = p − y, and the sign (x's parity) flips since p is odd.
    const bytes = Buffer.from(edKeys[0].x as string, "base64url");
    const sign = bytes[31] >> 7;
    bytes[31] &= 0x7f;
    const y = BigInt(`0x${Buffer.from(bytes).reverse().toString("hex")}`);
    const mixed = Buffer.from((2n ** 255n - 19n - y).toString(16).padStart(64, "0"), "hex").reverse();
    mixed[31] |= (1 - sign) << 7;
    refuse(okp(mixed.toString("base64url")), "OKP_POINT_INVALID", /not in the prime-order subgroup/);
  });

  it("a private key whose x is a small-order point is refused on the point (before d is compared)", () => {
    refuse(okp(ED25519_SMALL_ORDER["identity (order 1)"], { d: edKeys[0].d }), "OKP_SMALL_ORDER", /small order/);
  });

  it("20 real Ed25519 keys are accepted, public and private", () => {
    for (const key of edKeys) {
      expect(validateJwk(key)).toMatchObject({ x: key.x, d: key.d });
      expect(validateJwk({ ...key, d: undefined })).toMatchObject({ x: key.x });
    }
  });

  it("an x that does not match d is still refused (the private-key check is kept)", () => {
    refuse({ ...edKeys[0], x: edKeys[1].x }, "OKP_D_MISMATCH", /does not belong to the public key "x"/);
  });
});

describe("X25519 public keys (curve25519.ts, through the validator)", () => {
  it.each(X25519_SMALL_ORDER.map((x, i) => [i, x]))(
    "small-order or non-canonical u-coordinate #%i is refused",
    (_, x) => {
      expect(x25519PublicKeyRefusal(Buffer.from(x, "base64url"))).toBeDefined();
      const refusal = x25519PublicKeyRefusal(Buffer.from(x, "base64url"))!;
      const reason = refusal.reason === "small-order" ? "OKP_SMALL_ORDER" : "OKP_POINT_INVALID";
      refuse({ kty: "OKP", crv: "X25519", kid: "x", x }, reason, /^The X25519 public key "x" /);
    },
  );

  it("real X25519 keys pass", async () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey } = await generateKeyPair("ECDH-ES", { crv: "X25519", extractable: true });
      expect(
        x25519PublicKeyRefusal(Buffer.from((await exportJWK(publicKey)).x as string, "base64url")),
      ).toBeUndefined();
    }
  });

  it("a real X25519 key is accepted by the validator", async () => {
    const jwk = await exportJWK((await generateKeyPair("ECDH-ES", { crv: "X25519", extractable: true })).publicKey);
    expect(validateJwk({ ...jwk, kid: "x", alg: "ECDH-ES", use: "enc" })).toMatchObject({ crv: "X25519" });
  });
});

// ------------------------------------------------------------------------------------------------

describe("RSA moduli", () => {
  it("a public key whose n is prime is refused (anyone computes d)", () => {
    refuse(
      rsaPublicJwk("prime", fromB64u(corpus.primeModulus2048)),
      "RSA_PRIME_MODULUS",
      /^The RSA modulus "n" is prime/,
    );
  });

  it.each([3, 5, 9973])(
    `a public key whose n has the small factor %i (below ${TRIAL_DIVISION_BOUND}) is refused`,
    (factor) => {
      const n = BigInt(factor) * fromB64u(rsa2048.n as string);
      refuse(
        rsaPublicJwk("small-factor", n),
        "RSA_SMALL_FACTOR",
        /^The RSA modulus "n" has a small factor \(a prime below 10,000\)/,
      );
      expect(smallFactorOf(n)).toBe(factor);
    },
  );

  it("a private key with p = 3 (n = 3·q, p·q = n holds) is refused as a small factor", () => {
    const q = fromB64u(rsa2048.p as string) * fromB64u(rsa2048.q as string); // odd, not a multiple of 3
    refuse(rsaPrivateJwk("p-is-3", 3n, q), "RSA_SMALL_FACTOR", /small factor/);
  });

  it("trial division stops at the documented bound: a factor of 10,007 (the first prime above it) is not found", () => {
    const n = 10007n * fromB64u(rsa2048.n as string);
    expect(smallFactorOf(n)).toBeUndefined();
    expect(validateJwk(rsaPublicJwk("above-bound", n))).toMatchObject({ kty: "RSA" });
  });

  it("a ROCA modulus (CVE-2017-15361, both primes of Infineon's form) is refused", () => {
    refuse(rsaPublicJwk("roca", fromB64u(corpus.roca2048)), "RSA_ROCA", /ROCA fingerprint \(CVE-2017-15361\)/);
  });

  it("the ROCA subgroups are those of the published detector (their bitmasks, first twelve primes)", () => {
    const published = [6, 30, 126, 1026, 5658, 107286, 199410, 8388606, 536870910, 2147483646, 67109890, 2199023255550];
    const masks = rocaSubgroups().map(({ members }) => members.reduce((mask, member) => mask + 2 ** member, 0));
    expect(rocaSubgroups()).toHaveLength(38);
    expect(rocaSubgroups().at(-1)?.prime).toBe(167);
    expect(masks.slice(0, 12)).toEqual(published);
  });

  it("ordinary moduli do not have the ROCA fingerprint (20 RSA-1024 from Node, one RSA-2048 from jose)", async () => {
    const keys = await Promise.all(
      Array.from({ length: 20 }, () => promisify(generateNodeKeyPair)("rsa", { modulusLength: 1024 })),
    );
    for (const { publicKey } of keys)
      expect(hasRocaFingerprint(fromB64u(publicKey.export({ format: "jwk" }).n as string))).toBe(false);
    expect(hasRocaFingerprint(fromB64u(rsa2048.n as string))).toBe(false);
  });
});

describe("RSA private keys", () => {
  it.each([
    ["p", "compositeP2048", 2048],
    ["q", "compositeQ2048", 2048],
    ["p", "compositeP8192", 8192],
  ] as const)(
    'a private key whose "%s" is composite (n = p·q and every CRT value holds) is refused: %s',
    (member, name, bits) => {
      const key = corpus[name];
      expect(fromB64u(key.n).toString(2)).toHaveLength(bits);
      refuse(key, "RSA_COMPOSITE_PRIME", new RegExp(`^The RSA prime "${member}" is not prime`));
    },
  );

  it(`a private key whose primes differ in size by more than ${RSA_PRIME_SIZE_SPREAD} bits is refused`, () => {
    const p = generatePrimeSync(880, { bigint: true });
    const q = generatePrimeSync(1200, { bigint: true });
    refuse(rsaPrivateJwk("unbalanced", p, q), "RSA_UNBALANCED_PRIMES", /must have about the same size/);
  });

  it("sound keys are accepted: RSA-2048 from jose, and the crafted RSA-8192 keys (random primes, and primes with p − 1 = k·2^4000)", () => {
    expect(validateJwk(rsa2048)).toMatchObject({ n: rsa2048.n, d: rsa2048.d });
    for (const key of [corpus.valid8192, corpus.proth8192])
      expect(validateJwk(key)).toMatchObject({ n: key.n, p: key.p });
  });

  it("the slowest crafted RSA-8192 keys validate within a bound (README: tens to a few hundred ms; 3 s here for slack)", () => {
    for (const key of [corpus.valid8192, corpus.proth8192, rsaPublicJwk("public-8192", fromB64u(corpus.valid8192.n))]) {
      const started = performance.now();
      validateJwk(key);
      expect(performance.now() - started).toBeLessThan(3000);
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe("the arithmetic under the RSA checks", () => {
  it("modPow agrees with plain BigInt exponentiation, below and above OpenSSL's 512-bit floor", () => {
    const naive = (base: bigint, exponent: bigint, modulus: bigint) => {
      let result = 1n;
      for (base %= modulus; exponent > 0n; exponent >>= 1n, base = (base * base) % modulus)
        if (exponent & 1n) result = (result * base) % modulus;
      return result;
    };
    for (const bits of [64, 511, 512, 1024, 2048]) {
      const modulus = BigInt(`0x${randomBytes(bits / 8).toString("hex")}`) | (1n << BigInt(bits - 1)) | 1n;
      const base = BigInt(`0x${randomBytes(bits / 8).toString("hex")}`) % modulus;
      const exponent = BigInt(`0x${randomBytes(bits / 8).toString("hex")}`);
      expect(modPow(base, exponent, modulus), `${bits} bits`).toBe(naive(base, exponent, modulus));
    }
  });

  it(`Miller–Rabin (${PRIME_ROUNDS} random bases) agrees with OpenSSL on random odd numbers, Carmichael numbers and p − 1 with many factors 2`, () => {
    const candidates = [
      ...Array.from({ length: 200 }, () => BigInt(`0x${randomBytes(24).toString("hex")}`) | 1n),
      561n,
      41041n,
      825265n,
      321197185n, // Carmichael numbers: a signature-style Fermat test passes them
      ...Array.from({ length: 100 }, (_, i) => (BigInt(i + 1) << 600n) + 1n), // the search path (more than 64 factors 2)
      generatePrimeSync(1024, { bigint: true }),
    ];
    for (const candidate of candidates)
      expect(isProbablePrime(candidate), candidate.toString(16)).toBe(checkPrimeSync(candidate));
    // A large Carmichael number (6k+1)(12k+1)(18k+1) with all three factors prime.
    for (let k = 10n ** 12n; ; k += 1n) {
      const factors = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (factors.every((f) => checkPrimeSync(f))) {
        expect(isProbablePrime(factors[0] * factors[1] * factors[2])).toBe(false);
        break;
      }
    }
  });
});
