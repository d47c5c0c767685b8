/**
 * Keys for the behaviour suites: valid caller-supplied keys, and keys the domain validator must
 * refuse, named after the rule they break (docs/validation-rules.md).
 */
import { generateKeyPairSync } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let setCounter = 0;
/** A set name no other test uses. */
export const newSet = () => `set-${Date.now().toString(36)}-${++setCounter}`;

/** A fresh ES256 private key, as a caller would bring it. */
export async function es256(kid?: string): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), ...(kid ? { kid } : {}), alg: "ES256", use: "sig" };
}

export interface RefusedKeys {
  /** Rule → a key that breaks it. */
  byRule: Record<string, Record<string, unknown>>;
  /** Private members that went into them: no answer may show these. */
  secrets: string[];
}

export async function refusedKeys(): Promise<RefusedKeys> {
  const good = await es256();
  const other = await es256();
  // jose refuses to make RSA keys under 2048 bits; node:crypto still does.
  const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "jwk" });
  return {
    byRule: {
      "bad base64url": { ...good, x: `${good.x}=` },
      "wrong members for the kty": { ...good, k: "AAAA" },
      "private part that does not match its public part": { ...good, d: other.d },
      "RSA under 2048 bits": { ...rsa1024, alg: "RS256" },
      "HMAC key shorter than its hash": { kty: "oct", alg: "HS256", k: Buffer.alloc(31, 7).toString("base64url") },
      "alg inconsistent with the key": { ...good, alg: "ES384" },
      "unknown kty": { kty: "XYZ" },
    },
    secrets: [good.d as string, other.d as string],
  };
}
