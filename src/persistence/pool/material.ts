/**
 * What a pooled row holds: the material of an RSA private key, without kid, use and alg (they are
 * given when a create claims the key). An allowlist, so nothing else is ever sealed into the pool.
 */
import type { Jwk } from "../../domain/jwk.js";
import { OpenError } from "../sealing/seal.js";

/** The members a pooled row keeps: everything but kid, use and alg. */
export const MATERIAL_MEMBERS = ["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;
export type Material = Pick<Jwk, (typeof MATERIAL_MEMBERS)[number]>;

/** The allowlisted material members, or a throw when it is not an RSA private key. */
export function materialOf(key: Partial<Jwk>): Material {
  if (
    typeof key !== "object" ||
    key === null ||
    key.kty !== "RSA" ||
    typeof key.n !== "string" ||
    typeof key.d !== "string"
  ) {
    throw new OpenError("not an RSA private key");
  }
  const out: Record<string, unknown> = {};
  for (const member of MATERIAL_MEMBERS) if (key[member] !== undefined) out[member] = key[member];
  return out as unknown as Material;
}
