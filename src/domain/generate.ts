/**
 * Key generation for `createJsonWebKeySet`: one fresh key for one algorithm of the closed list
 * GENERATABLE_ALGORITHMS, with every member a stored key needs (alg, use, kid, kty, and the CRT
 * members dp/dq/qi for RSA).
 *
 * The caller (the service) decides `kid` and `use`, defaults included; this function uses exactly
 * what it is given, so every default lives in one place.
 */
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import {
  CURVE_OF,
  DEFAULT_ECDH_CURVE,
  DEFAULT_RSA_BITS,
  ECDH_CURVES,
  HMAC_KEY_BYTES,
  isEcdhAlgorithm,
  isGeneratableAlgorithm,
  type GeneratableAlgorithm,
} from "./algorithms.js";
import { encodeBase64url } from "./base64url.js";
import { InvalidKeyError, UnsupportedAlgorithmError } from "../errors.js";
import { quote } from "../text.js";
import { normalizeJwk, type Jwk, type KeyType } from "./jwk.js";
import { RSA_MAX_BITS, RSA_MIN_BITS } from "./validate.js";

export interface GenerateJwkRequest {
  /** One of GENERATABLE_ALGORITHMS, case-sensitive. */
  alg: string;
  /** Already defaulted by the caller (a UUID v4 when the request left it out). */
  kid: string;
  /** Already defaulted by the caller (what the algorithm is for when the request left it out). */
  use: string;
  /**
   * The curve, for ECDH-ES keys: P-256 (omitted or empty), P-384, P-521 or X25519. Other EC/OKP
   * algorithms have one curve, which `crv` may repeat; RSA and HMAC keys have none.
   */
  crv?: string;
}

export interface GenerateOptions {
  /** Modulus length of generated RSA keys, 2048 to 8192 bits. Default: DEFAULT_RSA_BITS (4096). */
  rsaModulusLength?: number;
}

/** Generates one key for `request.alg`, private members included. */
export async function generateJwk(request: GenerateJwkRequest, options: GenerateOptions = {}): Promise<Jwk> {
  const { alg, kid, use } = request;
  if (typeof alg !== "string" || !isGeneratableAlgorithm(alg)) throw new UnsupportedAlgorithmError(String(alg));
  // Programmer mistakes, not caller input: the service validates and defaults these before calling.
  if (typeof kid !== "string" || kid.length === 0) throw new TypeError("generateJwk: kid must be a non-empty string");
  if (typeof use !== "string") throw new TypeError("generateJwk: use must be a string");

  const material = await generateMaterial(alg, curveOf(alg, request.crv || undefined), options);
  return normalizeJwk({ ...material, alg, use, kid });
}

type KeyMaterial = Omit<Jwk, "kid" | "alg" | "use">;

/**
 * The curve a key for `alg` is generated on: for ECDH-ES the requested one (default P-256), for the
 * EC/OKP signature algorithms their only curve; a `crv` that does not fit is refused (UNSUPPORTED_CURVE).
 */
export function curveOf(alg: GeneratableAlgorithm, crv: string | undefined): string | undefined {
  if (isEcdhAlgorithm(alg)) {
    if (crv === undefined) return DEFAULT_ECDH_CURVE;
    if ((ECDH_CURVES as readonly string[]).includes(crv)) return crv;
    throw new InvalidKeyError(
      "UNSUPPORTED_CURVE",
      `crv ${quote(crv)} cannot be generated for ${alg}; choose ${ECDH_CURVES.join(", ")} (default ${DEFAULT_ECDH_CURVE})`,
    );
  }
  const only = (CURVE_OF as Record<string, string | undefined>)[alg];
  if (crv === undefined || crv === only) return only;
  throw new InvalidKeyError(
    "UNSUPPORTED_CURVE",
    only === undefined
      ? `${alg} keys have no curve; leave crv out`
      : `${alg} keys are generated on ${only} only; leave crv out or give ${only}`,
  );
}

function generateMaterial(
  alg: GeneratableAlgorithm,
  crv: string | undefined,
  options: GenerateOptions,
): Promise<KeyMaterial> {
  switch (alg) {
    case "HS256":
    case "HS384":
    case "HS512":
      return Promise.resolve({ kty: "oct", k: encodeBase64url(randomBytes(HMAC_KEY_BYTES[alg])) });
    case "RS256":
    case "RS384":
    case "RS512":
    case "PS256":
    case "PS384":
    case "PS512":
    case "RSA-OAEP":
    case "RSA-OAEP-256":
      return generateAsymmetric(alg, { modulusLength: rsaModulusLength(options) });
    case "ECDH-ES":
    case "ECDH-ES+A128KW":
    case "ECDH-ES+A256KW":
      return generateAsymmetric(alg, { crv });
    case "ES256":
    case "ES384":
    case "ES512":
      return generateAsymmetric(alg, {});
    case "EdDSA":
      // jose 6 generates Ed25519 for "EdDSA" unless told otherwise; say so, it is the only curve we serve.
      return generateAsymmetric(alg, { crv: "Ed25519" });
  }
}

function rsaModulusLength(options: GenerateOptions): number {
  const bits = options.rsaModulusLength ?? DEFAULT_RSA_BITS;
  // The validator refuses RSA keys outside this range, so generating one would only fail later.
  if (!Number.isInteger(bits) || bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || bits % 8 !== 0) {
    throw new RangeError(`rsaModulusLength must be a multiple of 8 from ${RSA_MIN_BITS} to ${RSA_MAX_BITS}`);
  }
  return bits;
}

async function generateAsymmetric(
  alg: GeneratableAlgorithm,
  options: { modulusLength?: number; crv?: string },
): Promise<KeyMaterial> {
  // extractable: the private key is stored, so it must be exportable as a JWK.
  const { privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
  return fromExportedJwk(await exportJWK(privateKey));
}

/** Keeps the key members of jose's export; alg/use/kid are the request's and are set by the caller. */
function fromExportedJwk(exported: JWK): KeyMaterial {
  const { kty, crv, x, y, n, e, d, p, q, dp, dq, qi } = exported;
  if (!isAsymmetricKeyType(kty)) throw new TypeError(`jose exported an unexpected kty ${String(kty)}`);
  return { kty, crv, x, y, n, e, d, p, q, dp, dq, qi };
}

function isAsymmetricKeyType(kty: unknown): kty is Exclude<KeyType, "oct"> {
  return kty === "RSA" || kty === "EC" || kty === "OKP";
}
