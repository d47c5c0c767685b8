import { CompactEncrypt, compactDecrypt, importJWK, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RSA_BITS,
  ECDH_CURVES,
  ENCRYPTION_ALGORITHMS,
  HMAC_KEY_BYTES,
  CURVE_OF,
  SIGNATURE_ALGORITHMS,
} from "../../src/domain/algorithms.js";
import { InvalidKeyError, UnsupportedAlgorithmError } from "../../src/errors.js";
import { generateJwk } from "../../src/domain/generate.js";
import { normalizeJwk, toPublicJwk, type Jwk } from "../../src/domain/jwk.js";
import { validateJwk } from "../../src/domain/validate.js";

/** 2048-bit RSA keeps the suite fast; one test below checks the 4096-bit default. */
const FAST = { rsaModulusLength: 2048 };

const KTY_OF = { RS: "RSA", PS: "RSA", ES: "EC", Ed: "OKP", HS: "oct" } as const;

function ktyOf(alg: string): string {
  return KTY_OF[alg.slice(0, 2) as keyof typeof KTY_OF];
}

function rsaBits(key: Jwk): number {
  return Buffer.from(key.n ?? "", "base64url").length * 8;
}

/** Signs a JWT with the generated key and verifies it with its public form (or the secret for HS*). */
async function signAndVerify(key: Jwk): Promise<void> {
  const alg = key.alg as string;
  const signingKey = await importJWK({ ...key }, alg);
  const verifyingKey = await importJWK({ ...(key.kty === "oct" ? key : toPublicJwk(key)) }, alg);
  const token = await new SignJWT({ sub: "generate.test" }).setProtectedHeader({ alg, kid: key.kid }).sign(signingKey);
  const { payload, protectedHeader } = await jwtVerify(token, verifyingKey, { algorithms: [alg] });
  expect(payload.sub).toBe("generate.test");
  expect(protectedHeader.kid).toBe(key.kid);
}

/** Encrypts to the public form of the generated key and decrypts with the private key. */
async function encryptAndDecrypt(key: Jwk): Promise<void> {
  const alg = key.alg as string;
  const jwe = await new CompactEncrypt(new TextEncoder().encode("generate.test"))
    .setProtectedHeader({ alg, enc: "A256GCM", kid: key.kid })
    .encrypt(await importJWK({ ...toPublicJwk(key) }, alg));
  const { plaintext } = await compactDecrypt(jwe, await importJWK({ ...key }, alg));
  expect(new TextDecoder().decode(plaintext)).toBe("generate.test");
}

describe("generateJwk", () => {
  describe.each(ENCRYPTION_ALGORITHMS)("%s", (alg) => {
    it('generates a key that encrypts and decrypts, use "enc", RSA-4096-sized for RSA (FAST here) and P-256 for ECDH', async () => {
      const key = await generateJwk({ alg, kid: `kid-${alg}`, use: "enc" }, FAST);
      expect(key).toMatchObject({ alg, use: "enc", kty: alg.startsWith("RSA") ? "RSA" : "EC" });
      if (key.kty === "EC") expect(key.crv).toBe("P-256");
      await encryptAndDecrypt(key);
      expect(JSON.stringify(validateJwk(key))).toBe(JSON.stringify(key));
    });
  });

  it.each(ECDH_CURVES)("ECDH-ES keys on %s (crv)", async (crv) => {
    const key = await generateJwk({ alg: "ECDH-ES+A128KW", kid: "k", use: "enc", crv });
    expect(key).toMatchObject({ crv, kty: crv === "X25519" ? "OKP" : "EC", use: "enc" });
    await encryptAndDecrypt(key);
    expect(JSON.stringify(validateJwk(key))).toBe(JSON.stringify(key));
  });

  it.each([
    ["ECDH-ES", "Ed25519", /cannot be generated for ECDH-ES; choose P-256, P-384, P-521, X25519 \(default P-256\)/],
    ["ECDH-ES", "secp256k1", /cannot be generated for ECDH-ES/],
    ["ES256", "P-384", /ES256 keys are generated on P-256 only/],
    ["RS256", "P-256", /RS256 keys have no curve/],
    ["RSA-OAEP-256", "X25519", /RSA-OAEP-256 keys have no curve/],
  ])("%s with crv %s is refused (UNSUPPORTED_CURVE)", async (alg, crv, message) => {
    const attempt = generateJwk({ alg, kid: "k", use: "enc", crv }, FAST);
    await expect(attempt).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(attempt).rejects.toMatchObject({
      reason: "UNSUPPORTED_CURVE",
      message: expect.stringMatching(message),
    });
  });

  it("a crv equal to a signature algorithm's own curve is accepted", async () => {
    expect((await generateJwk({ alg: "ES384", kid: "k", use: "sig", crv: "P-384" })).crv).toBe("P-384");
  });

  describe.each(SIGNATURE_ALGORITHMS)("%s", (alg) => {
    it("generates a key that signs and verifies", async () => {
      const key = await generateJwk({ alg, kid: `kid-${alg}`, use: "sig" }, FAST);
      await signAndVerify(key);
    });

    it("carries alg, use, kid and kty exactly as requested (and dp, dq, qi for RSA)", async () => {
      const key = await generateJwk({ alg, kid: `kid-${alg}`, use: "sig" }, FAST);
      expect(key).toMatchObject({ alg, use: "sig", kid: `kid-${alg}`, kty: ktyOf(alg) });
      if (key.kty === "RSA") {
        for (const member of ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const)
          expect(key[member]).toEqual(expect.any(String));
      }
      if (key.kty === "EC" || key.kty === "OKP") {
        expect(key.crv).toBe(CURVE_OF[alg as keyof typeof CURVE_OF]);
        expect(key.d).toEqual(expect.any(String));
      }
      // Normalized: canonical member order, nothing jose adds (key_ops, ext) survives.
      expect(JSON.stringify(key)).toBe(JSON.stringify(normalizeJwk(key)));
      expect(Object.keys(key)).not.toContain("key_ops");
      expect(Object.keys(key)).not.toContain("ext");
    });

    it("passes validateJwk unchanged", async () => {
      const key = await generateJwk({ alg, kid: `kid-${alg}`, use: "sig" }, FAST);
      expect(JSON.stringify(validateJwk(key))).toBe(JSON.stringify(key));
    });
  });

  it(`RSA keys are ${DEFAULT_RSA_BITS} bits by default`, async () => {
    const key = await generateJwk({ alg: "RS256", kid: "default-bits", use: "sig" });
    expect(rsaBits(key)).toBe(DEFAULT_RSA_BITS);
    await signAndVerify(key);
    expect(validateJwk(key)).toEqual(key);
  });

  it("rsaModulusLength sets the RSA key size", async () => {
    const key = await generateJwk({ alg: "PS256", kid: "k", use: "sig" }, { rsaModulusLength: 3072 });
    expect(rsaBits(key)).toBe(3072);
  });

  it("a rsaModulusLength outside 2048..8192 is a programmer error", async () => {
    await expect(generateJwk({ alg: "RS256", kid: "k", use: "sig" }, { rsaModulusLength: 1024 })).rejects.toThrow(
      RangeError,
    );
    await expect(generateJwk({ alg: "RS256", kid: "k", use: "sig" }, { rsaModulusLength: 2049 })).rejects.toThrow(
      RangeError,
    );
  });

  it.each(Object.entries(HMAC_KEY_BYTES))("%s keys are exactly %i random bytes", async (alg, bytes) => {
    const first = await generateJwk({ alg, kid: "a", use: "sig" });
    const second = await generateJwk({ alg, kid: "b", use: "sig" });
    expect(Buffer.from(first.k ?? "", "base64url")).toHaveLength(bytes);
    expect(first.k).not.toBe(second.k);
  });

  it("two generated keys differ", async () => {
    const first = await generateJwk({ alg: "ES256", kid: "a", use: "sig" });
    const second = await generateJwk({ alg: "ES256", kid: "a", use: "sig" });
    expect(first.d).not.toBe(second.d);
  });

  it("uses exactly the kid and use it is given", async () => {
    const key = await generateJwk({ alg: "ES256", kid: "my kid", use: "enc" });
    expect(key.kid).toBe("my kid");
    expect(key.use).toBe("enc");
    await expect(generateJwk({ alg: "ES256", kid: "", use: "sig" })).rejects.toThrow(TypeError);
  });

  it.each(["HS1", "rs256", "none", "", "RSA-OAEP-384", "ECDH-ES+A192KW", "ES256K", "Ed25519", "A128KW"])(
    "an algorithm outside the generatable list (%j) is refused as unsupported",
    async (alg) => {
      const attempt = generateJwk({ alg, kid: "k", use: "sig" }, FAST);
      await expect(attempt).rejects.toBeInstanceOf(UnsupportedAlgorithmError);
      await expect(attempt).rejects.toMatchObject({
        code: "BAD_USER_INPUT",
        reason: "UNSUPPORTED_ALGORITHM",
        message: expect.stringContaining("Unsupported key algorithm"),
      });
    },
  );
});
