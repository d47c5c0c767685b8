/**
 * The shape of one key (docs/validation-rules.md, "Shape and size"): an object, not too large or
 * deep, a known kty, a kid, and only the members its kty has, each of the right type. Everything
 * after this works on a `Jwk` holding exactly the members jwk-gateway keeps.
 */
import { InvalidKeyError } from "../../errors.js";
import { jsonShapeProblem, MAX_JSON_DEPTH } from "../json-depth.js";
import { JWK_MEMBERS, type Jwk, type JwkInput, type KeyType } from "../jwk.js";
import { MAX_NAME_LENGTH } from "../names.js";

/** Largest serialized key (README, "Limits"). An RSA-4096 private JWK is about 3.2 KB. */
export const MAX_KEY_BYTES = 16 * 1024;
/**
 * Longest kid: the name rule's bound (names.ts). The validator checks only type and length; the
 * service applies the whole name rule (names.ts, checkName) to every kid it stores.
 */
export const MAX_KID_LENGTH = MAX_NAME_LENGTH;

// ---------------------------------------------------------------------------------------------
// Members

export type Member = (typeof JWK_MEMBERS)[number];
export type StringMember = Exclude<Member, "x5c" | "kty" | "x5t#S256">;

const COMMON_MEMBERS = ["kty", "kid", "alg", "use"] as const satisfies readonly Member[];
export const RSA_PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"] as const satisfies readonly Member[];

/** Members allowed per kty (RFC 7518 §6). `x5c` is never allowed on oct keys: a certificate holds a public key. */
const MEMBERS_OF: Record<KeyType, ReadonlySet<Member>> = {
  RSA: new Set([...COMMON_MEMBERS, "x5c", "n", "e", ...RSA_PRIVATE_MEMBERS]),
  EC: new Set([...COMMON_MEMBERS, "x5c", "crv", "x", "y", "d"]),
  OKP: new Set([...COMMON_MEMBERS, "x5c", "crv", "x", "d"]),
  oct: new Set([...COMMON_MEMBERS, "k"]),
};

const KEY_TYPES: readonly KeyType[] = ["RSA", "EC", "OKP", "oct"];
const KNOWN_MEMBERS: ReadonlySet<string> = new Set(JWK_MEMBERS);

// ---------------------------------------------------------------------------------------------
// Shape checks

export function checkIsObject(input: unknown): asserts input is JwkInput {
  // Class instances are fine (GraphQL input types arrive as such); arrays and primitives are not.
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidKeyError("NOT_AN_OBJECT", "A JSON Web Key must be a JSON object");
  }
}

export function checkKeySize(input: JwkInput): void {
  // Shape first, without recursion: JSON.stringify recurses, and the transports' depth check
  // (README, "Limits") is not the only way in. Every value costs at least a byte of JSON, so more
  // than MAX_KEY_BYTES of them is too large anyway.
  const shape = jsonShapeProblem(input, MAX_JSON_DEPTH, MAX_KEY_BYTES);
  if (shape === "too-deep")
    throw new InvalidKeyError(
      "KEY_TOO_DEEP",
      `A JSON Web Key must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
    );
  if (shape === "too-many" || Buffer.byteLength(JSON.stringify(input)) > MAX_KEY_BYTES) {
    throw new InvalidKeyError("KEY_TOO_LARGE", `A serialized JSON Web Key must be at most ${MAX_KEY_BYTES / 1024} KiB`);
  }
}

export function checkKty(kty: unknown): KeyType {
  if (kty === undefined || kty === null) throw new InvalidKeyError("MISSING_MEMBER", 'The key needs member "kty"');
  if (!KEY_TYPES.includes(kty as KeyType)) {
    throw new InvalidKeyError("UNKNOWN_KTY", `Member "kty" must be one of ${KEY_TYPES.join(", ")}`);
  }
  return kty as KeyType;
}

export function checkKid(kid: unknown): void {
  if (typeof kid !== "string" || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new InvalidKeyError("BAD_KID", `Member "kid" must be a string of 1 to ${MAX_KID_LENGTH} characters`);
  }
}

/** Copies the members we keep, checking their types; refuses `oth` and members of another kty. */
export function readMembers(input: JwkInput, kty: KeyType): Jwk {
  const key: Record<string, unknown> = {};
  const foreign: string[] = [];
  for (const name of Object.keys(input)) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    if (name === "oth") {
      throw new InvalidKeyError(
        "UNSUPPORTED_MEMBER",
        'Member "oth" (multi-prime RSA, RFC 7518 §6.3.2.7) is not supported; use a two-prime key',
      );
    }
    if (!KNOWN_MEMBERS.has(name)) continue; // dropped silently, as Hydra does
    if (name === "x5t#S256") continue; // a thumbprint, not key material: checkX5t checks and keeps it
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
    const own = [...MEMBERS_OF[kty]].filter(
      (member) => member !== "x5c" && !(COMMON_MEMBERS as readonly string[]).includes(member),
    );
    throw new InvalidKeyError(
      "WRONG_MEMBERS",
      `${foreign.map((name) => `"${name}"`).join(", ")} ${foreign.length === 1 ? "is not a member" : "are not members"} of an ${kty} key; an ${kty} key has ${own.join(", ")}`,
    );
  }
  return key as unknown as Jwk;
}

export function required(key: Jwk, member: StringMember): string {
  const value = key[member];
  if (value === undefined) throw new InvalidKeyError("MISSING_MEMBER", `An ${key.kty} key needs member "${member}"`);
  return value;
}
