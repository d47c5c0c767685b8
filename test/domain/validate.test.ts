/**
 * The import validator, rule by rule (docs/validation-rules.md names the test of each rule).
 * Keys are generated fresh with jose (RSA 2048 for speed); only keys jose refuses to make
 * (RSA under 2048 bits) come from Node, and certificates for x5c from the openssl CLI.
 */
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeBase64url,
  decodeBase64urlUInt,
  encodeBase64url,
  encodeBase64urlUInt,
  isCanonicalBase64url,
} from "../../src/domain/base64url.js";
import { ConflictError, InvalidKeyError, type JwkGatewayError } from "../../src/errors.js";
import { normalizeJwk, toPublicJwk, type Jwk, type JwkInput } from "../../src/domain/jwk.js";
import {
  MAX_KEY_BYTES,
  MAX_KEYS_PER_SET,
  MAX_KID_LENGTH,
  validateJwk,
  validateKeySet,
} from "../../src/domain/validate.js";

// ------------------------------------------------------------------------------------------------
// Helpers

type Input = Record<string, unknown>;

const SECRET_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;
const MATERIAL_MEMBERS = [...SECRET_MEMBERS, "x", "y", "n", "e"] as const;

/** Runs `attempt`, expecting a domain error; checks code, reason, message, and that no key material leaked. */
function expectRefusal(
  attempt: () => unknown,
  input: unknown,
  reason: string,
  messagePart: string | RegExp,
): JwkGatewayError {
  let caught: unknown;
  try {
    attempt();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a refusal").toBeInstanceOf(InvalidKeyError);
  const error = caught as InvalidKeyError;
  expect({ code: error.code, reason: error.reason }).toEqual({ code: "BAD_USER_INPUT", reason });
  if (typeof messagePart === "string") expect(error.message).toContain(messagePart);
  else expect(error.message).toMatch(messagePart);
  expectNoKeyMaterial(error.message, input);
  return error;
}

function refuse(input: unknown, reason: string, messagePart: string | RegExp): JwkGatewayError {
  return expectRefusal(() => validateJwk(input as JwkInput), input, reason, messagePart);
}

/** A message never repeats a member value (long enough to be material rather than a word). */
function expectNoKeyMaterial(message: string, input: unknown): void {
  const keys = Array.isArray(input) ? input : [input];
  for (const key of keys) {
    if (typeof key !== "object" || key === null) continue;
    for (const member of MATERIAL_MEMBERS) {
      const value = (key as Input)[member];
      if (typeof value === "string" && value.length >= 8) expect(message).not.toContain(value);
    }
  }
}

function accepts(input: Input): Jwk {
  const key = validateJwk(input);
  // Round-trips exactly: same members, same values, canonical order.
  expect(JSON.stringify(key)).toBe(JSON.stringify(normalizeJwk(input as unknown as Jwk)));
  return key;
}

async function jwkOf(alg: string, options: { modulusLength?: number; crv?: string } = {}): Promise<Input> {
  const { privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
  const { key_ops: _ops, ext: _ext, ...jwk } = (await exportJWK(privateKey)) as JWK & { ext?: boolean };
  return { ...jwk, kid: `${alg}-${randomBytes(4).toString("hex")}` };
}

/** jose refuses to generate RSA under 2048 bits, so small keys come from Node. */
function smallRsa(bits: number): Input {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return { ...privateKey.export({ format: "jwk" }), kid: `rsa-${bits}` };
}

function octKey(bytes: number, alg?: string): Input {
  return { kty: "oct", kid: `oct-${bytes}`, ...(alg ? { alg } : {}), k: encodeBase64url(randomBytes(bytes)) };
}

function publicOf(key: Input): Input {
  return { ...toPublicJwk(key as unknown as Jwk) };
}

function bytesOf(value: unknown): Buffer {
  return Buffer.from(value as string, "base64url");
}

const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Sets an unused trailing bit: a different string that Node decodes to the same bytes. */
function withAlteredTrailingBits(value: string): string {
  expect(value.length % 4).not.toBe(0); // only then are there unused bits
  const last = BASE64URL_ALPHABET.indexOf(value.at(-1) as string);
  return value.slice(0, -1) + BASE64URL_ALPHABET[last + 1];
}

/** Adds one to a base64url-encoded unsigned integer, keeping its length. */
function plusOne(value: unknown): string {
  const bytes = bytesOf(value);
  const next = BigInt(`0x${bytes.toString("hex")}`) + 1n;
  return encodeBase64url(Buffer.from(next.toString(16).padStart(bytes.length * 2, "0"), "hex"));
}

// ------------------------------------------------------------------------------------------------
// Fixtures

let rsaA: Input;
let rsaB: Input;
const ec: Record<string, { a: Input; b: Input; alg: string; bytes: number }> = {};
let edA: Input;
let edB: Input;
let x25519: Input;
let x25519B: Input;

beforeAll(async () => {
  [rsaA, rsaB] = await Promise.all([jwkOf("RS256", { modulusLength: 2048 }), jwkOf("RS256", { modulusLength: 2048 })]);
  for (const [crv, alg, bytes] of [
    ["P-256", "ES256", 32],
    ["P-384", "ES384", 48],
    ["P-521", "ES512", 66],
  ] as const) {
    ec[crv] = { a: await jwkOf(alg), b: await jwkOf(alg), alg, bytes };
  }
  [edA, edB] = await Promise.all([jwkOf("EdDSA", { crv: "Ed25519" }), jwkOf("EdDSA", { crv: "Ed25519" })]);
  [x25519, x25519B] = await Promise.all([jwkOf("ECDH-ES", { crv: "X25519" }), jwkOf("ECDH-ES", { crv: "X25519" })]);
});

// ------------------------------------------------------------------------------------------------

describe("base64url helpers", () => {
  it("only the canonical encoding of some bytes is canonical", () => {
    const canonical = encodeBase64url(Buffer.from([0xfb, 0xff, 0xfe, 0x01]));
    expect(isCanonicalBase64url(canonical)).toBe(true);
    expect(isCanonicalBase64url("")).toBe(true);
    for (const lenient of [
      `${canonical}==`,
      canonical.replace("-", "+"),
      canonical.replace("_", "/"),
      ` ${canonical}`,
      "A",
      "AB=C",
      withAlteredTrailingBits(canonical),
    ]) {
      expect(isCanonicalBase64url(lenient), lenient).toBe(false);
    }
  });

  it("a decoding error names the member, not the value", () => {
    expect(() => decodeBase64url("k", "c2VjcmV0c2VjcmV0=")).toThrow(/Member "k" must be base64url without padding/);
    expect(() => decodeBase64url("k", "c2VjcmV0c2VjcmV0=")).not.toThrow(/c2VjcmV0/);
  });

  it("Base64urlUInt refuses a leading zero octet and the empty string (RFC 7518 §2)", () => {
    expect(decodeBase64urlUInt("e", "AQAB")).toBe(65537n);
    expect(encodeBase64urlUInt(65537n)).toBe("AQAB");
    expect(() => decodeBase64urlUInt("e", "AAEAAQ")).toThrow(/must not start with a zero octet/);
    expect(() => decodeBase64urlUInt("e", "")).toThrow(/must not be empty/);
  });
});

describe("shape", () => {
  it.each([null, [], "a key", 42])("a key that is not a JSON object (%j) is refused", (input) => {
    refuse(input, "NOT_AN_OBJECT", "must be a JSON object");
  });

  it("kty is required", () => {
    refuse({ kid: "a", k: encodeBase64url(randomBytes(32)) }, "MISSING_MEMBER", 'needs member "kty"');
  });

  it.each(["rsa", "oc", "AKP", "", 1])("kty must be RSA, EC, OKP or oct (not %j)", (kty) => {
    refuse({ ...octKey(32), kty }, "UNKNOWN_KTY", "must be one of RSA, EC, OKP, oct");
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["too long", "k".repeat(MAX_KID_LENGTH + 1)],
    ["not a string", 42],
  ])("kid is required as a string of 1 to 255 characters (%s)", (_, kid) => {
    refuse({ ...octKey(32), kid }, "BAD_KID", `1 to ${MAX_KID_LENGTH} characters`);
  });

  it("a kid of exactly 255 characters is accepted", () => {
    accepts({ ...octKey(32), kid: "k".repeat(MAX_KID_LENGTH) });
  });

  it("a serialized key over 16 KiB is refused, even when the excess is an unknown member", () => {
    refuse({ ...octKey(32), padding: "x".repeat(17 * 1024) }, "KEY_TOO_LARGE", `at most ${MAX_KEY_BYTES / 1024} KiB`);
  });

  it("a key nested more than 32 levels deep is refused, even when the nesting is in an unknown member", () => {
    let padding: unknown = [];
    for (let level = 0; level < 40; level++) padding = [padding];
    refuse({ ...octKey(32), padding }, "KEY_TOO_DEEP", "more than 32 levels deep");
  });

  it("members must be strings", () => {
    refuse({ ...publicOf(rsaA), n: 12345 }, "BAD_MEMBER_TYPE", 'Member "n" must be a string');
    refuse({ ...octKey(32), alg: ["HS256"] }, "BAD_MEMBER_TYPE", 'Member "alg" must be a string');
  });

  it("oth (multi-prime RSA) is refused", () => {
    refuse({ ...rsaA, oth: [{ r: "AQAB", d: "AQAB", t: "AQAB" }] }, "UNSUPPORTED_MEMBER", '"oth"');
  });

  it.each([
    ["RSA", () => rsaA, { crv: "P-256" }, '"crv"'],
    ["RSA", () => rsaA, { k: "AQAB" }, '"k"'],
    ["EC", () => ec["P-256"].a, { n: "AQAB", e: "AQAB" }, '"n", "e" are not members of an EC key'],
    ["EC", () => ec["P-256"].a, { k: "AQAB" }, '"k"'],
    ["OKP", () => edA, { y: "AQAB" }, '"y"'],
    ["OKP", () => edA, { p: "AQAB" }, '"p"'],
    ["oct", () => octKey(32), { x: "AQAB" }, '"x" is not a member of an oct key; an oct key has k'],
    ["oct", () => octKey(32), { d: "AQAB" }, '"d"'],
  ] as const)("members that belong to another key type are refused (%s with %j)", (_, key, extra, message) => {
    refuse({ ...key(), ...extra }, "WRONG_MEMBERS", message);
  });

  it("a valid key_ops, x5u, ext and unknown members are dropped (x5u never fetched)", () => {
    const key = octKey(32, "HS256");
    const result = validateJwk({
      ...key,
      key_ops: ["sign"],
      x5t: null,
      "x5t#S256": null,
      x5u: "http://169.254.169.254/",
      ext: true,
      foo: { bar: 1 },
    });
    expect(result).toEqual(key);
    expect(Object.keys(result)).toEqual(["kty", "kid", "alg", "k"]);
  });

  it("null members count as absent, and so do an empty alg and use", () => {
    const key = publicOf(rsaA);
    expect(validateJwk({ ...key, d: null, crv: null, alg: "", use: "" })).toEqual(
      normalizeJwk({ ...key, alg: undefined } as unknown as Jwk),
    );
  });
});

describe("canonical base64url", () => {
  const k = () => encodeBase64url(randomBytes(32)); // 43 characters, 2 unused trailing bits
  it.each([
    ["padding", (s: string) => `${s}=`, "without padding"],
    ["the + alphabet", (s: string) => `+${s.slice(1)}`, "without padding"],
    ["the / alphabet", (s: string) => `/${s.slice(1)}`, "without padding"],
    ["a space", (s: string) => `${s.slice(0, 10)} ${s.slice(10)}`, 'no "=", "+", "/" or whitespace'],
    ["a newline", (s: string) => `${s.slice(0, 10)}\n${s.slice(10)}`, "whitespace"],
    ["trailing junk $$", (s: string) => `${s}$$`, "only A-Z, a-z, 0-9"],
    ["altered trailing bits", withAlteredTrailingBits, "not canonical base64url"],
    ["a dangling character", (s: string) => `${s.slice(0, 40)}A`, "not canonical base64url"],
  ])("a k with %s is refused, though Node decodes it", (_, mutate, message) => {
    const encoded = mutate(k());
    refuse({ kty: "oct", kid: "a", alg: "HS256", k: encoded }, "BAD_BASE64URL", message);
  });

  it("an n with a leading zero octet is refused (Base64urlUInt, RFC 7518 §2)", () => {
    const n = encodeBase64url(Buffer.concat([Buffer.of(0), bytesOf(rsaA.n)]));
    refuse({ ...publicOf(rsaA), n }, "BAD_BASE64URL", 'Member "n" must not start with a zero octet');
  });

  it("an e with a leading zero octet is refused", () => {
    refuse({ ...publicOf(rsaA), e: "AAEAAQ" }, "BAD_BASE64URL", 'Member "e" must not start with a zero octet');
  });

  it("padded EC coordinates and private members are refused", () => {
    const { a } = ec["P-384"];
    refuse({ ...a, x: `${a.x}=` }, "BAD_BASE64URL", 'Member "x"');
    refuse({ ...a, d: `${a.d}==` }, "BAD_BASE64URL", 'Member "d"');
    refuse({ ...rsaA, qi: (rsaA.qi as string).replace(/[-_]/, "+") }, "BAD_BASE64URL", 'Member "qi"');
  });
});

describe("RSA", () => {
  it("a 2048-bit RSA key is accepted, public and private", () => {
    accepts(rsaA);
    accepts(publicOf(rsaA));
  });

  it.each([512, 1024, 2047])("RSA keys under 2048 bits are refused (%i bits)", (bits) => {
    refuse(smallRsa(bits), "RSA_TOO_SMALL", `at least 2048 bits (RFC 7518 §3.3); this one has ${bits}`);
  });

  it("RSA keys over 8192 bits are refused (8200 bits)", () => {
    const n = randomBytes(1025);
    n[0] |= 0x80;
    n[n.length - 1] |= 1;
    refuse(
      { kty: "RSA", kid: "big", n: encodeBase64url(n), e: "AQAB" },
      "RSA_TOO_LARGE",
      "at most 8192 bits; this one has 8200",
    );
  });

  it("an even modulus is refused", () => {
    const n = bytesOf(rsaA.n);
    n[n.length - 1] &= 0xfe;
    refuse({ ...publicOf(rsaA), n: encodeBase64url(n) }, "RSA_BAD_MODULUS", "must be odd");
  });

  it.each([
    ["1", 1n],
    ["3", 3n],
    ["65536 (even)", 65536n],
    ["2^16 + 1 - 2 (below the bound)", 65535n],
    ["2^256 + 1", 2n ** 256n + 1n],
  ])("the public exponent must be odd and between 2^16 and 2^256 (e = %s)", (_, e) => {
    refuse(
      { ...publicOf(rsaA), e: encodeBase64urlUInt(e) },
      "RSA_BAD_EXPONENT",
      "must be odd, greater than 2^16 and less than 2^256",
    );
  });

  it("n and e are required", () => {
    refuse({ ...publicOf(rsaA), n: undefined }, "MISSING_MEMBER", 'An RSA key needs member "n"');
    refuse({ ...publicOf(rsaA), e: undefined }, "MISSING_MEMBER", 'needs member "e"');
  });

  it("a private key needs all of d, p, q, dp, dq, qi (missing qi)", () => {
    refuse({ ...rsaA, qi: undefined }, "RSA_INCOMPLETE_PRIVATE_KEY", "needs all of d, p, q, dp, dq, qi; missing: qi");
  });

  it("a private key needs all of d, p, q, dp, dq, qi (only d)", () => {
    refuse({ ...publicOf(rsaA), d: rsaA.d }, "RSA_INCOMPLETE_PRIVATE_KEY", "missing: p, q, dp, dq, qi");
  });

  it("a private key with a foreign d is refused (jose would sign with it through the CRT members)", () => {
    refuse({ ...rsaA, d: rsaB.d }, "RSA_KEY_MISMATCH", "does not match its public key");
  });

  it("a private key whose e·d is not 1 modulo λ(n) is refused", () => {
    refuse({ ...rsaA, d: plusOne(rsaA.d) }, "RSA_KEY_MISMATCH", "e·d must be 1 modulo lcm(p−1, q−1)");
  });

  it("a private key whose p·q is not n is refused", () => {
    refuse({ ...rsaA, p: rsaB.p }, "RSA_KEY_MISMATCH", "p·q must equal n");
    refuse({ ...rsaA, n: rsaB.n }, "RSA_KEY_MISMATCH", "p·q must equal n");
  });

  it("a private key with dp off by one is refused", () => {
    refuse({ ...rsaA, dp: plusOne(rsaA.dp) }, "RSA_KEY_MISMATCH", "dp must equal d mod (p−1)");
  });

  it("a private key with dq off by one is refused", () => {
    refuse({ ...rsaA, dq: plusOne(rsaA.dq) }, "RSA_KEY_MISMATCH", "dq must equal d mod (q−1)");
  });

  it("a private key with qi off by one is refused", () => {
    refuse({ ...rsaA, qi: plusOne(rsaA.qi) }, "RSA_KEY_MISMATCH", "qi must be the inverse of q modulo p");
  });
});

describe("EC", () => {
  describe.each(["P-256", "P-384", "P-521"])("%s", (crv) => {
    it("a valid key is accepted, public and private", () => {
      accepts(ec[crv].a);
      accepts(publicOf(ec[crv].a));
    });

    it("a d from another key is refused (Node's createPrivateKey accepts it)", () => {
      const { a, b } = ec[crv];
      refuse({ ...a, d: b.d }, "EC_D_MISMATCH", 'does not belong to the public point ("x", "y")');
    });

    it("a point off the curve is refused", () => {
      const { a } = ec[crv];
      refuse({ ...publicOf(a), y: plusOne(a.y) }, "EC_POINT_INVALID", `not on curve ${crv}`);
    });

    it("coordinates must have the full size, not one byte less or more", () => {
      const { a, bytes } = ec[crv];
      const x = bytesOf(a.x);
      refuse({ ...publicOf(a), x: encodeBase64url(x.subarray(1)) }, "EC_POINT_INVALID", `exactly ${bytes} bytes each`);
      refuse(
        { ...publicOf(a), x: encodeBase64url(Buffer.concat([Buffer.of(0), x])) },
        "EC_POINT_INVALID",
        `exactly ${bytes} bytes each`,
      );
    });

    it("d must have the full size and lie between 1 and the group order", () => {
      const { a, bytes } = ec[crv];
      refuse({ ...a, d: encodeBase64url(bytesOf(a.d).subarray(1)) }, "EC_D_MISMATCH", `exactly ${bytes} bytes`);
      refuse({ ...a, d: encodeBase64url(Buffer.alloc(bytes)) }, "EC_D_MISMATCH", "between 1 and the group order");
      refuse({ ...a, d: encodeBase64url(Buffer.alloc(bytes, 0xff)) }, "EC_D_MISMATCH", "between 1 and the group order");
    });
  });

  it("curves other than P-256, P-384, P-521 are refused", () => {
    refuse(
      { ...publicOf(ec["P-256"].a), crv: "secp256k1" },
      "UNSUPPORTED_CURVE",
      'EC keys must use curve P-256, P-384, P-521, not "secp256k1"',
    );
  });

  it("crv, x and y are required", () => {
    const key = publicOf(ec["P-256"].a);
    refuse({ ...key, crv: undefined }, "MISSING_MEMBER", 'needs member "crv"');
    refuse({ ...key, y: undefined }, "MISSING_MEMBER", 'needs member "y"');
  });

  it("a key for another curve's coordinates is refused", () => {
    refuse({ ...publicOf(ec["P-384"].a), crv: "P-256" }, "EC_POINT_INVALID", "exactly 32 bytes each");
  });
});

describe("OKP", () => {
  it("a valid Ed25519 key is accepted, public and private", () => {
    accepts(edA);
    accepts(publicOf(edA));
  });

  it("an Ed25519 x that does not match d is refused (Node would silently re-derive it)", () => {
    refuse({ ...edA, d: edB.d }, "OKP_D_MISMATCH", 'does not belong to the public key "x"');
  });

  it.each([31, 33])("an Ed25519 x of %i bytes is refused", (length) => {
    const x = Buffer.concat([bytesOf(edA.x), randomBytes(1)]).subarray(0, length);
    refuse({ ...publicOf(edA), x: encodeBase64url(x) }, "OKP_POINT_INVALID", "exactly 32 bytes");
  });

  it("an Ed25519 d of the wrong size is refused", () => {
    refuse({ ...edA, d: encodeBase64url(bytesOf(edA.d).subarray(1)) }, "OKP_D_MISMATCH", "exactly 32 bytes");
  });

  it.each(["Ed448", "X448", "P-256"])("OKP curve %s is refused; only Ed25519 and X25519 are served", (crv) => {
    refuse({ ...publicOf(edA), crv }, "UNSUPPORTED_CURVE", "OKP keys must use Ed25519 or X25519");
  });

  it("a real X25519 key is accepted, private and public, with ECDH-ES algorithms", () => {
    expect(validateJwk(x25519)).toEqual(normalizeJwk(x25519 as unknown as Jwk));
    expect(validateJwk(publicOf(x25519))).toEqual(normalizeJwk(publicOf(x25519) as unknown as Jwk));
    for (const alg of ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A256KW"])
      expect(validateJwk({ ...x25519, alg, use: "enc" }).alg).toBe(alg);
  });

  it("an X25519 d that does not derive x is refused", () => {
    refuse(
      // Another X25519 key's x: always a canonical point of large order, so only the pairing is wrong (an
      // Ed25519 x is not an X25519 u-coordinate and is refused for other reasons about half the time).
      { ...x25519, x: x25519B.x },
      "OKP_D_MISMATCH",
      'The X25519 private key "d" does not belong to the public key "x"',
    );
  });

  it("an X25519 key with a signature alg is refused", () => {
    refuse({ ...x25519, alg: "EdDSA" }, "ALG_KEY_MISMATCH", 'not OKP "X25519"');
  });
});

describe("oct", () => {
  it.each([
    [1, "HS256", 32],
    [16, "HS256", 32],
    [31, "HS256", 32],
    [47, "HS384", 48],
    [63, "HS512", 64],
  ])("an HMAC key of %i bytes with %s is refused (RFC 7518 §3.2: at least %i)", (bytes, alg, minimum) => {
    refuse(octKey(bytes, alg), "OCT_TOO_SHORT", `at least ${minimum} bytes for alg "${alg}" (RFC 7518 §3.2`);
  });

  it.each([
    [32, "HS256"],
    [48, "HS384"],
    [64, "HS512"],
    [100, "HS256"],
  ])("an HMAC key of %i bytes with %s is accepted", (bytes, alg) => {
    accepts(octKey(bytes, alg));
  });

  it("an oct key without alg needs at least 32 bytes", () => {
    refuse(octKey(31), "OCT_TOO_SHORT", "at least 32 bytes for an oct key without alg");
    accepts(octKey(32));
  });

  it.each([
    [15, "A128KW"],
    [17, "A128KW"],
    [16, "A256GCM"],
    [32, "A192GCMKW"],
    [20, "dir"],
  ])("an AES or direct key of %i bytes with %s is refused: the length is fixed", (bytes, alg) => {
    refuse(octKey(bytes, alg), "OCT_BAD_LENGTH", `bytes for alg "${alg}"; this one has ${bytes}`);
  });

  it.each([
    [16, "A128KW"],
    [24, "A192GCM"],
    [32, "A256GCMKW"],
    [64, "A256CBC-HS512"],
    [32, "dir"],
  ])("an AES or direct key of %i bytes with %s is accepted", (bytes, alg) => {
    accepts({ ...octKey(bytes, alg), use: "enc" });
  });

  it("k is required", () => {
    refuse({ kty: "oct", kid: "a", alg: "HS256" }, "MISSING_MEMBER", 'An oct key needs member "k"');
  });

  it("x5c is never allowed on an oct key", () => {
    refuse({ ...octKey(32), x5c: ["MIIB"] }, "WRONG_MEMBERS", '"x5c" is not a member of an oct key');
  });
});

describe("alg", () => {
  it.each([
    ["RSA with HS256", () => ({ ...rsaA, alg: "HS256" }), 'alg "HS256" needs an oct key, not RSA'],
    ["oct with RS256", () => octKey(32, "RS256"), 'alg "RS256" needs an RSA key, not oct'],
    [
      "P-256 with ES384",
      () => ({ ...ec["P-256"].a, alg: "ES384" }),
      'alg "ES384" needs an EC (P-384) key, not EC "P-256"',
    ],
    ["P-521 with ES256", () => ({ ...ec["P-521"].a, alg: "ES256" }), "needs an EC (P-256) key"],
    ["Ed25519 with ES256", () => ({ ...edA, alg: "ES256" }), 'not OKP "Ed25519"'],
    [
      "X25519 with EdDSA",
      () => ({ ...x25519, alg: "EdDSA" }),
      'alg "EdDSA" needs an OKP (Ed25519, Ed448) key, not OKP "X25519"',
    ],
    ["EC with RSA-OAEP", () => ({ ...ec["P-256"].a, alg: "RSA-OAEP" }), "needs an RSA key"],
    [
      "RSA with ECDH-ES",
      () => ({ ...rsaA, alg: "ECDH-ES" }),
      "needs an EC (P-256, P-384, P-521) or OKP (X25519, X448) key",
    ],
  ])("an alg that does not match the key is refused (%s)", (_, key, message) => {
    refuse(key(), "ALG_KEY_MISMATCH", message);
  });

  it.each([
    ["none", "unprotected"],
    ["RSA1_5", "padding-oracle"],
    ["PBES2-HS256+A128KW", "password-based"],
    ["XX512", "not an algorithm jwk-gateway accepts"],
    ["rs256", "case-sensitive"],
  ])("alg %j is not allowed", (alg, message) => {
    refuse({ ...rsaA, alg }, "ALG_NOT_ALLOWED", message);
  });

  it("alg is optional (Hydra accepts keys without alg)", () => {
    accepts(publicOf(rsaA));
    accepts(edA);
  });

  it.each([
    ["RSA", () => ({ ...rsaA, alg: "PS512", use: "sig" })],
    ["RSA", () => ({ ...publicOf(rsaA), alg: "RSA-OAEP-256", use: "enc" })],
    ["EC", () => ({ ...ec["P-384"].a, alg: "ECDH-ES+A256KW", use: "enc" })],
    ["EC", () => ({ ...ec["P-521"].a, alg: "ES512", use: "sig" })],
    ["OKP", () => ({ ...edA, alg: "EdDSA", use: "sig" })],
    ["OKP", () => ({ ...edA, alg: "Ed25519" })],
  ])("a matching alg is accepted (%s)", (_, key) => {
    accepts(key());
  });
});

describe("use", () => {
  it.each(["SIG", "encrypt", "foo"])("use must be sig or enc (not %j)", (use) => {
    refuse({ ...edA, use }, "BAD_USE", 'Member "use" must be "sig" or "enc"');
  });

  it("use enc with a signature alg (ES256) is refused", () => {
    refuse(
      { ...ec["P-256"].a, alg: "ES256", use: "enc" },
      "USE_ALG_MISMATCH",
      'alg "ES256" is a signature algorithm, so "use" must be "sig"',
    );
  });

  it("use sig with an encryption alg (RSA-OAEP) is refused", () => {
    refuse({ ...rsaA, alg: "RSA-OAEP", use: "sig" }, "USE_ALG_MISMATCH", 'so "use" must be "enc"');
    refuse({ ...octKey(16, "A128KW"), use: "sig" }, "USE_ALG_MISMATCH", 'so "use" must be "enc"');
  });

  it("use without alg is accepted", () => {
    accepts({ ...rsaA, use: "enc" });
    accepts({ ...octKey(32), use: "sig" });
  });
});

describe("key_ops", () => {
  it("key_ops mixing sign and encrypt is refused", () => {
    refuse({ ...ec["P-256"].a, key_ops: ["sign", "encrypt"] }, "BAD_KEY_OPS", "must not mix");
  });

  it("use sig with key_ops encrypt is refused", () => {
    refuse(
      { ...rsaA, use: "sig", key_ops: ["encrypt"] },
      "KEY_OPS_USE_MISMATCH",
      'With "use" "sig", "key_ops" may hold only sign, verify',
    );
    refuse(
      { ...rsaA, use: "enc", key_ops: ["sign"] },
      "KEY_OPS_USE_MISMATCH",
      '"key_ops" may hold only encrypt, decrypt',
    );
  });

  it("key_ops that disagree with alg are refused (ES256 with encrypt, RSA-OAEP with sign)", () => {
    refuse(
      { ...ec["P-256"].a, alg: "ES256", key_ops: ["encrypt"] },
      "KEY_OPS_USE_MISMATCH",
      'alg "ES256" is a signature algorithm, so "key_ops" may hold only sign, verify',
    );
    refuse(
      { ...rsaA, alg: "RSA-OAEP", key_ops: ["verify"] },
      "KEY_OPS_USE_MISMATCH",
      'so "key_ops" may hold only encrypt',
    );
  });

  it("duplicate key_ops are refused", () => {
    refuse({ ...edA, key_ops: ["sign", "sign"] }, "BAD_KEY_OPS", "must not repeat");
  });

  it.each([[["Sign"]], [["sign", "foo"]], [[]], ["sign"], [[1]], [{ 0: "sign" }]])(
    "key_ops must be an array of RFC 7517 values (not %j)",
    (keyOps) => {
      refuse({ ...edA, key_ops: keyOps }, "BAD_KEY_OPS", 'Member "key_ops" must be a non-empty array');
    },
  );

  it("valid key_ops are accepted and not stored", () => {
    for (const key of [
      { ...ec["P-256"].a, alg: "ES256", use: "sig", key_ops: ["sign", "verify"] },
      { ...rsaA, alg: "RSA-OAEP-256", use: "enc", key_ops: ["wrapKey", "unwrapKey", "encrypt", "decrypt"] },
      { ...octKey(32), key_ops: ["deriveKey", "deriveBits"] },
      { ...edA, key_ops: null },
    ]) {
      const { key_ops: _ops, ...rest } = key;
      expect(validateJwk(key)).toEqual(normalizeJwk(rest as unknown as Jwk));
    }
  });
});

describe("key material never reaches a message", () => {
  it("no refusal of a private key repeats any private member", () => {
    const refusals: Array<[Input, string]> = [
      [{ ...rsaA, d: rsaB.d }, "RSA_KEY_MISMATCH"],
      [{ ...rsaA, qi: `${rsaA.qi}=` }, "BAD_BASE64URL"],
      [{ ...rsaA, alg: "none" }, "ALG_NOT_ALLOWED"],
      [{ ...rsaA, crv: rsaA.d }, "WRONG_MEMBERS"],
      [{ ...ec["P-256"].a, d: ec["P-256"].b.d }, "EC_D_MISMATCH"],
      [{ ...edA, d: edB.d }, "OKP_D_MISMATCH"],
      [octKey(31, "HS256"), "OCT_TOO_SHORT"],
      [{ ...octKey(32), k: `${encodeBase64url(randomBytes(32))} ` }, "BAD_BASE64URL"],
    ];
    for (const [input, reason] of refusals) {
      const error = refuse(input, reason, /./);
      for (const member of SECRET_MEMBERS) {
        for (const source of [input, rsaB, ec["P-256"].b, edB]) {
          const secret = source[member];
          if (typeof secret === "string") expect(error.message).not.toContain(secret);
        }
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------
// x5c needs real certificates: made at test time with the openssl CLI, for keys made here.

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)("x5c", () => {
  let dir: string;
  let counter = 0;

  /** A self-signed certificate for the key, as x5c wants it: standard base64 DER. */
  function certificateFor(jwk: Input): string {
    const keyFile = join(dir, `key-${++counter}.pem`);
    const certFile = join(dir, `cert-${counter}.der`);
    writeFileSync(
      keyFile,
      createPrivateKey({ key: jwk as JWK & { kty: string }, format: "jwk" }).export({ type: "pkcs8", format: "pem" }),
    );
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-new",
        "-key",
        keyFile,
        "-subj",
        "/CN=jwk-gateway test",
        "-days",
        "1",
        "-outform",
        "DER",
        "-out",
        certFile,
      ],
      { stdio: "ignore" },
    );
    return readFileSync(certFile).toString("base64");
  }

  let rsaCert: string;
  let rsaBCert: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jwk-gateway-x5c-"));
    rsaCert = certificateFor(rsaA);
    rsaBCert = certificateFor(rsaB);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("an x5c whose leaf holds the key is accepted and kept (RSA, public and private)", () => {
    expect(accepts({ ...publicOf(rsaA), x5c: [rsaCert] }).x5c).toEqual([rsaCert]);
    accepts({ ...rsaA, x5c: [rsaCert, rsaBCert] });
  });

  it("an x5c whose leaf holds the key is accepted (EC and Ed25519)", () => {
    accepts({ ...publicOf(ec["P-256"].a), x5c: [certificateFor(ec["P-256"].a)] });
    accepts({ ...edA, x5c: [certificateFor(edA)] });
  });

  it("an x5c whose leaf holds another key is refused", () => {
    refuse(
      { ...publicOf(rsaA), x5c: [rsaBCert, rsaCert] },
      "X5C_MISMATCH",
      'first "x5c" certificate must be the key itself',
    );
    refuse({ ...edA, x5c: [rsaCert] }, "X5C_MISMATCH", "must be the key itself");
  });

  it("x5c in base64url instead of base64 is refused", () => {
    const base64url = Buffer.from(rsaCert, "base64").toString("base64url");
    expect(base64url).not.toBe(rsaCert); // a DER certificate practically always has "+", "/" or padding
    refuse({ ...publicOf(rsaA), x5c: [base64url] }, "BAD_X5C", "x5c[0] must be standard base64 (not base64url)");
  });

  it("x5c with whitespace is refused", () => {
    refuse(
      { ...publicOf(rsaA), x5c: [`${rsaCert.slice(0, 64)}\n${rsaCert.slice(64)}`] },
      "BAD_X5C",
      "without whitespace",
    );
  });

  it("x5c must hold 1 to 10 certificates", () => {
    refuse({ ...publicOf(rsaA), x5c: [] }, "BAD_X5C", "1 to 10 certificates");
    refuse({ ...publicOf(rsaA), x5c: Array(11).fill(rsaCert) }, "BAD_X5C", "1 to 10 certificates");
  });

  it("x5t and x5t#S256 that match the leaf are accepted; x5t#S256 is kept, x5t (SHA-1) is not stored", () => {
    const der = Buffer.from(rsaCert, "base64");
    const x5t = createHash("sha1").update(der).digest("base64url");
    const x5tS256 = createHash("sha256").update(der).digest("base64url");
    const result = validateJwk({ ...publicOf(rsaA), x5c: [rsaCert, rsaBCert], x5t, "x5t#S256": x5tS256 });
    expect(result).toEqual(
      normalizeJwk({ ...publicOf(rsaA), x5c: [rsaCert, rsaBCert], "x5t#S256": x5tS256 } as unknown as Jwk),
    );
    expect(Object.keys(result).at(-1)).toBe("x5t#S256");
  });

  it("a mismatched x5t#S256 is refused", () => {
    const of = (cert: string, hash: string) => createHash(hash).update(Buffer.from(cert, "base64")).digest("base64url");
    refuse(
      { ...publicOf(rsaA), x5c: [rsaCert], "x5t#S256": of(rsaBCert, "sha256") },
      "X5T_MISMATCH",
      'Member "x5t#S256" must be the base64url SHA-256 of the first "x5c" certificate',
    );
    // The thumbprint of a chain certificate that is not the leaf, and the wrong hash, are refused too.
    refuse(
      { ...publicOf(rsaA), x5c: [rsaCert, rsaBCert], "x5t#S256": of(rsaBCert, "sha256") },
      "X5T_MISMATCH",
      "SHA-256",
    );
    refuse({ ...publicOf(rsaA), x5c: [rsaCert], "x5t#S256": of(rsaCert, "sha1") }, "X5T_MISMATCH", "SHA-256");
    // Canonical base64url only: padded or base64 forms of the right digest are refused.
    const digest = createHash("sha256").update(Buffer.from(rsaCert, "base64")).digest();
    refuse(
      { ...publicOf(rsaA), x5c: [rsaCert], "x5t#S256": `${digest.toString("base64url")}=` },
      "X5T_MISMATCH",
      "SHA-256",
    );
  });

  it("a mismatched x5t is refused", () => {
    const x5t = createHash("sha1").update(Buffer.from(rsaBCert, "base64")).digest("base64url");
    refuse({ ...publicOf(rsaA), x5c: [rsaCert], x5t }, "X5T_MISMATCH", 'Member "x5t" must be the base64url SHA-1');
  });

  it("x5t or x5t#S256 without x5c is refused", () => {
    const x5t = createHash("sha1").update(Buffer.from(rsaCert, "base64")).digest("base64url");
    refuse({ ...publicOf(rsaA), x5t }, "X5T_MISMATCH", 'Member "x5t" needs "x5c"');
    refuse({ ...octKey(32), "x5t#S256": "abc" }, "X5T_MISMATCH", 'Member "x5t#S256" needs "x5c"');
    refuse({ ...publicOf(rsaA), x5c: [rsaCert], x5t: 5 }, "BAD_MEMBER_TYPE", 'Member "x5t" must be a string');
  });

  it("x5c entries must be DER certificates", () => {
    refuse({ ...publicOf(rsaA), x5c: [rsaCert, "AAAA"] }, "BAD_X5C", "x5c[1] is not a DER-encoded X.509 certificate");
    refuse({ ...publicOf(rsaA), x5c: rsaCert }, "BAD_X5C", "must be an array of strings");
  });
});

// ------------------------------------------------------------------------------------------------

describe("validateKeySet", () => {
  it("validates every key and returns them in order", () => {
    const keys = [rsaA, ec["P-256"].a, edA, octKey(64, "HS512")];
    expect(validateKeySet(keys).map((key) => key.kid)).toEqual(keys.map((key) => key.kid));
  });

  it("one invalid key refuses the set, naming its position", () => {
    expectRefusal(
      () => validateKeySet([rsaA, edA, { ...ec["P-256"].a, d: ec["P-256"].b.d }]),
      [rsaA, edA, ec["P-256"].b],
      "EC_D_MISMATCH",
      /^keys\[2\]: The EC private key "d" does not belong/,
    );
  });

  it(`a set holds at most ${MAX_KEYS_PER_SET} keys`, () => {
    const keys = Array.from({ length: MAX_KEYS_PER_SET + 1 }, (_, index) => ({ ...octKey(32), kid: `k${index}` }));
    expect(validateKeySet(keys.slice(0, MAX_KEYS_PER_SET))).toHaveLength(MAX_KEYS_PER_SET);
    let caught: unknown;
    try {
      validateKeySet(keys);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "TOO_MANY_KEYS",
      message: expect.stringContaining("at most 50 keys"),
    });
  });

  it("a serialized set over 256 KiB is refused before any key is checked", () => {
    const keys = Array.from({ length: 20 }, (_, index) => ({
      ...octKey(32),
      kid: `k${index}`,
      padding: "x".repeat(15 * 1024),
    }));
    expect(() => validateKeySet(keys)).toThrow(
      expect.objectContaining({ code: "BAD_USER_INPUT", reason: "KEY_SET_TOO_LARGE" }),
    );
  });

  it("two keys that share a kid are a conflict naming the kid", () => {
    const attempt = () => validateKeySet([{ ...octKey(32), kid: "shared" }, edA, { ...octKey(32), kid: "shared" }]);
    expect(attempt).toThrow(ConflictError);
    expect(attempt).toThrow(/Two keys share kid "shared" \(keys\[0\] and keys\[2\]\)/);
    try {
      attempt();
    } catch (error) {
      expect((error as ConflictError).code).toBe("CONFLICT");
    }
  });

  it("an empty set is valid", () => {
    expect(validateKeySet([])).toEqual([]);
  });
});

describe("mutations (a small deterministic version of validate.property.test.ts)", () => {
  /** mulberry32: a seeded PRNG, so a failure replays exactly. */
  function prng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("every mutated key is either refused with a typed error or accepted and stable", () => {
    const random = prng(20261126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const bases = [rsaA, ec["P-256"].a, ec["P-384"].a, ec["P-521"].a, edA, octKey(32, "HS256")];
    const members = [
      "kty",
      "kid",
      "alg",
      "use",
      "crv",
      "x",
      "y",
      "n",
      "e",
      "d",
      "p",
      "q",
      "dp",
      "dq",
      "qi",
      "k",
      "x5c",
      "oth",
    ];
    const oddValues = [
      null,
      1,
      "",
      "AQAB",
      "P-256",
      "Ed25519",
      "RSA",
      "EC",
      "oct",
      "HS256",
      "ES256",
      "EdDSA",
      "sig",
      "enc",
      ["AAAA"],
      {},
    ];
    for (let run = 0; run < 3000; run++) {
      const key: Input = { ...pick(bases) };
      for (let change = 0; change < 1 + Math.floor(random() * 3); change++) {
        const member = pick(members);
        const roll = random();
        if (roll < 0.25) delete key[member];
        else if (roll < 0.5) key[member] = pick(oddValues);
        else if (roll < 0.75)
          key[member] = pick(bases)[member]; // moved across keys and kty
        else if (typeof key[member] === "string" && key[member].length > 0) {
          const bytes = bytesOf(key[member]);
          if (bytes.length > 0) bytes[Math.floor(random() * bytes.length)] ^= 1 << Math.floor(random() * 8);
          key[member] = encodeBase64url(bytes);
        }
      }
      let result: Jwk | undefined;
      try {
        result = validateJwk(key);
      } catch (error) {
        expect(error, `run ${run}`).toBeInstanceOf(InvalidKeyError);
        expectNoKeyMaterial((error as Error).message, key);
      }
      if (result) expect(validateJwk(result)).toEqual(result);
    }
  });
});
