/**
 * The forms `keys export` writes: a JWK, a JWK Set, or PEM. Public forms come from what the gateway
 * answers (its publicKeyPem is SPKI as `openssl pkey -pubout` prints it); the private PEM is PKCS#8,
 * built here with node:crypto from the private JWK read with keys:read-private, because the gateway
 * never answers private PEM (README, "Command line").
 */
import { createPrivateKey } from "node:crypto";
import { CliFailure, EXIT } from "./exit-codes.js";

export type ExportFormat = "jwk" | "jwks" | "pem";

/** A key as the CLI's documents select it; private members only in private reads. */
export interface KeyMembers {
  kid: string;
  kty: string;
  alg?: string | null;
  use?: string | null;
  crv?: string | null;
  e?: string | null;
  n?: string | null;
  x?: string | null;
  y?: string | null;
  x5c?: string[] | null;
  x5tS256?: string | null;
  publicKeyPem?: string | null;
  d?: string | null;
  p?: string | null;
  q?: string | null;
  dp?: string | null;
  dq?: string | null;
  qi?: string | null;
  k?: string | null;
}

const PUBLIC_ORDER = ["kty", "kid", "use", "alg", "crv", "e", "n", "x", "y", "x5c"] as const;
const PRIVATE_ORDER = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/** The JWK (RFC 7517) of a key: its members without nulls, x5tS256 under its JWK name `x5t#S256`. */
export function toJwk(key: KeyMembers, options: { private: boolean }): Record<string, unknown> {
  const jwk: Record<string, unknown> = {};
  for (const member of PUBLIC_ORDER) if (key[member]) jwk[member] = key[member];
  if (key.x5tS256) jwk["x5t#S256"] = key.x5tS256;
  if (options.private) for (const member of PRIVATE_ORDER) if (key[member]) jwk[member] = key[member];
  return jwk;
}

/**
 * The text `keys export` prints for `keys` (one key, or a set for jwks). A public export leaves oct
 * keys out of a JWK Set (as the public JWKS does) and refuses them alone, since they have no public form.
 */
export function exportKeys(keys: readonly KeyMembers[], format: ExportFormat, options: { private: boolean }): string {
  if (format === "jwks") {
    const shown = options.private ? keys : keys.filter((key) => key.kty !== "oct");
    return `${JSON.stringify({ keys: shown.map((key) => toJwk(key, options)) }, null, 2)}\n`;
  }
  const [key] = keys;
  if (key.kty === "oct" && !options.private)
    throw new CliFailure(
      `key ${JSON.stringify(key.kid)} is a symmetric (oct) key: it has no public form (--private --format jwk exports it)`,
      EXIT.BAD_INPUT,
    );
  if (format === "jwk") return `${JSON.stringify(toJwk(key, options), null, 2)}\n`;
  if (!options.private) return key.publicKeyPem!.endsWith("\n") ? key.publicKeyPem! : `${key.publicKeyPem}\n`;
  if (key.kty === "oct")
    throw new CliFailure(
      `key ${JSON.stringify(key.kid)} is a symmetric (oct) key: PEM holds asymmetric keys only; use --format jwk`,
      EXIT.BAD_INPUT,
    );
  return privatePem(key);
}

/** PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) of a private JWK, as `openssl genpkey` writes keys. */
function privatePem(key: KeyMembers): string {
  if (!key.d)
    throw new CliFailure(
      `key ${JSON.stringify(key.kid)} has no private part on the gateway (imported as a public key or certificate)`,
      EXIT.BAD_INPUT,
    );
  try {
    const jwk = toJwk(key, { private: true });
    return createPrivateKey({ key: jwk as never, format: "jwk" }).export({ type: "pkcs8", format: "pem" }) as string;
  } catch (error) {
    // node:crypto's message names the problem, never the key's members.
    throw new CliFailure(
      `key ${JSON.stringify(key.kid)} could not be written as PKCS#8: ${(error as Error).message}`,
      EXIT.BAD_INPUT,
    );
  }
}
