/**
 * Property tests of the import validator (docs/validation-rules.md): start from real, valid JWKs of every
 * kty and mutate them (drop, copy or retype a member, flip a byte, pad or truncate, change
 * crv/alg/use/kty, graft members of another kty, add `oth` or unknown members). Every outcome is
 * either (a) a JwkGatewayError BAD_USER_INPUT with a reason and a message free of the key's private
 * values, or (b) an accepted key that validates again to itself and passes every invariant,
 * re-checked here independently (Node's crypto, not the validator's arithmetic). Nothing else.
 *
 * Runs per property: FC_RUNS (default 1000); the seed is fixed (FC_SEED overrides) so a failure
 * replays exactly.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type JsonWebKey,
} from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { JwkGatewayError } from "../../src/errors.js";
import { validateJwk, validateKeySet } from "../../src/domain/validate.js";

const RUNS = Number(process.env.FC_RUNS ?? 1000);
const SEED = Number(process.env.FC_SEED ?? 0x4a574b32);
const PARAMETERS = { numRuns: RUNS, seed: SEED, endOnFailure: true } as const;

type Input = Record<string, unknown>;

const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;
const BINARY = ["n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y", "k"] as const;
const ALL_MEMBERS = ["kty", "kid", "alg", "use", "crv", "x5c", ...BINARY] as const;
/** Independent copy of the members table (RFC 7518 §6): the members an accepted key of each kty may hold. */
const ALLOWED: Record<string, readonly string[]> = {
  RSA: ["kty", "kid", "alg", "use", "n", "e", "d", "p", "q", "dp", "dq", "qi"],
  EC: ["kty", "kid", "alg", "use", "crv", "x", "y", "d"],
  OKP: ["kty", "kid", "alg", "use", "crv", "x", "d"],
  oct: ["kty", "kid", "alg", "use", "k"],
};
const EC_BYTES: Record<string, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };
const EC_HASH: Record<string, string> = { "P-256": "sha256", "P-384": "sha384", "P-521": "sha512" };
const ALG_FITS: Record<string, (key: Input) => boolean> = {
  ...Object.fromEntries(
    [
      "RS256",
      "RS384",
      "RS512",
      "PS256",
      "PS384",
      "PS512",
      "RSA-OAEP",
      "RSA-OAEP-256",
      "RSA-OAEP-384",
      "RSA-OAEP-512",
    ].map((alg) => [alg, (k: Input) => k.kty === "RSA"]),
  ),
  ES256: (k) => k.kty === "EC" && k.crv === "P-256",
  ES384: (k) => k.kty === "EC" && k.crv === "P-384",
  ES512: (k) => k.kty === "EC" && k.crv === "P-521",
  EdDSA: (k) => k.kty === "OKP",
  Ed25519: (k) => k.kty === "OKP",
  ...Object.fromEntries(
    ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"].map((alg) => [
      alg,
      (k: Input) => k.kty === "EC" || k.kty === "OKP",
    ]),
  ),
  HS256: (k) => k.kty === "oct" && octBytes(k) >= 32,
  HS384: (k) => k.kty === "oct" && octBytes(k) >= 48,
  HS512: (k) => k.kty === "oct" && octBytes(k) >= 64,
  ...Object.fromEntries(
    [128, 192, 256].flatMap((bits) =>
      [`A${bits}KW`, `A${bits}GCMKW`, `A${bits}GCM`].map((alg) => [
        alg,
        (k: Input) => k.kty === "oct" && octBytes(k) === bits / 8,
      ]),
    ),
  ),
  "A128CBC-HS256": (k) => k.kty === "oct" && octBytes(k) === 32,
  "A192CBC-HS384": (k) => k.kty === "oct" && octBytes(k) === 48,
  "A256CBC-HS512": (k) => k.kty === "oct" && octBytes(k) === 64,
  dir: (k) => k.kty === "oct" && [16, 24, 32, 48, 64].includes(octBytes(k)),
};
const SIG_ALGS = new Set([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
  "HS256",
  "HS384",
  "HS512",
]);

function octBytes(key: Input): number {
  return Buffer.from(String(key.k), "base64url").length;
}

// ------------------------------------------------------------------------------------------------
// The pool of valid keys

let pool: Input[] = [];

beforeAll(() => {
  const jwk = (key: { export(options: { format: "jwk" }): JsonWebKey }) => key.export({ format: "jwk" }) as Input;
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = (namedCurve: string) => generateKeyPairSync("ec", { namedCurve });
  const [p256, p384, p521] = [ec("P-256"), ec("P-384"), ec("P-521")];
  const ed = generateKeyPairSync("ed25519");
  pool = [
    { ...jwk(rsa.privateKey), kid: "rsa", alg: "RS256", use: "sig" },
    { ...jwk(rsa.publicKey), kid: "rsa-pub", alg: "RSA-OAEP-256", use: "enc" },
    { ...jwk(p256.privateKey), kid: "p256", alg: "ES256", use: "sig" },
    { ...jwk(p384.privateKey), kid: "p384", alg: "ES384" },
    { ...jwk(p521.privateKey), kid: "p521", alg: "ES512", use: "sig" },
    { ...jwk(p256.publicKey), kid: "p256-pub", alg: "ECDH-ES", use: "enc" },
    { ...jwk(ed.privateKey), kid: "ed", alg: "EdDSA", use: "sig" },
    { ...jwk(ed.publicKey), kid: "ed-pub" },
    { kty: "oct", kid: "hs256", alg: "HS256", use: "sig", k: randomBytes(32).toString("base64url") },
    { kty: "oct", kid: "hs384", alg: "HS384", k: randomBytes(48).toString("base64url") },
    { kty: "oct", kid: "hs512", alg: "HS512", use: "sig", k: randomBytes(64).toString("base64url") },
  ];
  // The pool itself must be valid, or every property below tests nothing.
  for (const key of pool) expect(validateJwk(structuredClone(key) as never)).toBeTruthy();
});

// ------------------------------------------------------------------------------------------------
// Mutations, as data (so a counterexample prints readably)

const JUNK_VALUES = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(""),
  fc.string({ maxLength: 8 }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
  fc.constant(Number.NaN),
);
const NAMES = ["kty", "crv", "alg", "use", "kid"] as const;
const NAME_VALUES = fc.oneof(
  fc.constantFrom(
    ...Object.keys(ALG_FITS),
    "none",
    "RSA1_5",
    "PBES2-HS256+A128KW",
    "rs256",
    "HS1",
    "ES256K",
    "EdDSA ",
    "",
    "P-256",
    "P-384",
    "P-521",
    "secp256k1",
    "Ed25519",
    "Ed448",
    "X25519",
    "X448",
    "p-256",
    "RSA",
    "EC",
    "OKP",
    "oct",
    "rsa",
    "OCT",
    "XYZ",
    "sig",
    "enc",
    "SIG",
    "other",
  ),
  fc.string({ maxLength: 300 }),
);

type Mutation =
  | { op: "drop"; pick: number }
  | { op: "copy"; from: number; to: number }
  | { op: "retype"; pick: number; value: unknown }
  | { op: "flipByte"; pick: number; index: number; bit: number }
  | { op: "replaceChar"; pick: number; index: number; char: string }
  | {
      op: "pad";
      pick: number;
      how: "=" | "==" | "A" | "AA" | " " | "\n" | "+" | "zero-byte-before" | "zero-byte-after" | "dup";
    }
  | { op: "truncate"; pick: number; chars: number; bytes: boolean }
  | { op: "set"; name: (typeof NAMES)[number]; value: string }
  | { op: "graft"; from: number; all: boolean; pick: number }
  | { op: "oth"; value: unknown }
  | { op: "unknown"; name: string; value: unknown };

const MUTATION: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("drop" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("copy" as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant("retype" as const), pick: fc.nat(), value: JUNK_VALUES }),
  fc.record({
    op: fc.constant("flipByte" as const),
    pick: fc.nat(),
    index: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    op: fc.constant("replaceChar" as const),
    pick: fc.nat(),
    index: fc.nat(),
    char: fc.constantFrom("A", "_", "-", "=", "+", "/", " ", ".", "é", "\u0000", "z"),
  }),
  fc.record({
    op: fc.constant("pad" as const),
    pick: fc.nat(),
    how: fc.constantFrom("=", "==", "A", "AA", " ", "\n", "+", "zero-byte-before", "zero-byte-after", "dup"),
  }),
  fc.record({
    op: fc.constant("truncate" as const),
    pick: fc.nat(),
    chars: fc.integer({ min: 1, max: 6 }),
    bytes: fc.boolean(),
  }),
  fc.record({ op: fc.constant("set" as const), name: fc.constantFrom(...NAMES), value: NAME_VALUES }),
  fc.record({ op: fc.constant("graft" as const), from: fc.nat(), all: fc.boolean(), pick: fc.nat() }),
  fc.record({
    op: fc.constant("oth" as const),
    value: fc.oneof(fc.constant([]), fc.constant([{ r: "AQAB", d: "AQAB", t: "AQAB" }]), JUNK_VALUES),
  }),
  fc.record({
    op: fc.constant("unknown" as const),
    name: fc.oneof(
      fc.constantFrom(
        "__proto__",
        "constructor",
        "toString",
        "D",
        "K",
        "x5t",
        "x5t#S256",
        "x5u",
        "key_ops",
        "ext",
        "kid ",
        "Kty",
      ),
      fc.string({ maxLength: 10 }),
    ),
    value: fc.oneof(JUNK_VALUES, fc.jsonValue({ maxDepth: 2 })),
  }),
);

const at = <T>(list: readonly T[], index: number): T | undefined =>
  list.length === 0 ? undefined : list[index % list.length];

/** Members `input` holds whose value is a string, among `names`. */
const present = (input: Input, names: readonly string[]) => names.filter((name) => typeof input[name] === "string");

function define(input: Input, name: string, value: unknown): void {
  // An own property even for "__proto__", as JSON.parse would make it.
  Object.defineProperty(input, name, { value, enumerable: true, writable: true, configurable: true });
}

function apply(input: Input, mutation: Mutation): void {
  switch (mutation.op) {
    case "drop": {
      const name = at(Object.keys(input), mutation.pick);
      if (name !== undefined) delete input[name];
      return;
    }
    case "copy": {
      // Another member's value under this name (a "duplicated" member). Copies into kid/alg/crv are
      // left out: messages quote those caller-chosen names on purpose (first 64 characters).
      const from = at(Object.keys(input), mutation.from);
      const to = at(
        ALL_MEMBERS.filter((name) => name !== "kid" && name !== "alg" && name !== "crv"),
        mutation.to,
      );
      if (from !== undefined && to !== undefined) define(input, to, structuredClone(input[from]));
      return;
    }
    case "retype": {
      const name = at(Object.keys(input), mutation.pick);
      if (name !== undefined) define(input, name, mutation.value);
      return;
    }
    case "flipByte": {
      const name = at(present(input, BINARY), mutation.pick);
      if (name === undefined) return;
      const bytes = Buffer.from(input[name] as string, "base64url");
      if (bytes.length === 0) return;
      bytes[mutation.index % bytes.length] ^= 1 << mutation.bit;
      input[name] = bytes.toString("base64url");
      return;
    }
    case "replaceChar": {
      const name = at(present(input, BINARY), mutation.pick);
      if (name === undefined) return;
      const value = input[name] as string;
      if (value.length === 0) return;
      const index = mutation.index % value.length;
      input[name] = value.slice(0, index) + mutation.char + value.slice(index + 1);
      return;
    }
    case "pad": {
      const name = at(present(input, BINARY), mutation.pick);
      if (name === undefined) return;
      const value = input[name] as string;
      const bytes = Buffer.from(value, "base64url");
      input[name] =
        mutation.how === "zero-byte-before"
          ? Buffer.concat([Buffer.of(0), bytes]).toString("base64url")
          : mutation.how === "zero-byte-after"
            ? Buffer.concat([bytes, Buffer.of(0)]).toString("base64url")
            : mutation.how === "dup"
              ? value + value
              : value + mutation.how;
      return;
    }
    case "truncate": {
      const name = at(present(input, BINARY), mutation.pick);
      if (name === undefined) return;
      const value = input[name] as string;
      input[name] = mutation.bytes
        ? Buffer.from(value, "base64url").subarray(mutation.chars).toString("base64url")
        : value.slice(0, Math.max(0, value.length - mutation.chars));
      return;
    }
    case "set":
      input[mutation.name] = mutation.value;
      return;
    case "graft": {
      // Members of another key (possibly of another kty) moved onto this one.
      const other = pool[mutation.from % pool.length];
      if (mutation.all) {
        for (const [name, value] of Object.entries(other)) if (name !== "kid") input[name] = value;
      } else {
        const name = at(
          Object.keys(other).filter((member) => member !== "kid"),
          mutation.pick,
        );
        if (name !== undefined) input[name] = other[name];
      }
      return;
    }
    case "oth":
      input.oth = mutation.value;
      return;
    case "unknown":
      define(input, mutation.name, mutation.value);
      return;
  }
}

/** A pool key and the mutations done to it (none at all in a few runs, so valid keys are covered too). */
const MUTATED = fc.record({
  base: fc.nat(),
  mutations: fc.oneof(
    { arbitrary: fc.constant([] as Mutation[]), weight: 1 },
    { arbitrary: fc.array(MUTATION, { minLength: 1, maxLength: 3 }), weight: 12 },
  ),
});

function build({ base, mutations }: { base: number; mutations: Mutation[] }): { original: Input; input: Input } {
  const original = pool[base % pool.length];
  const input = structuredClone(original);
  for (const mutation of mutations) apply(input, mutation);
  return { original, input };
}

// ------------------------------------------------------------------------------------------------
// The two outcomes

/** Private values a message must not show: those of the pool key, and those the input carries. */
function secretsOf(...keys: Input[]): string[] {
  const secrets = new Set<string>();
  for (const key of keys) {
    for (const member of PRIVATE) {
      const value = Object.getOwnPropertyDescriptor(key, member)?.value;
      if (typeof value === "string" && value.length >= 16) secrets.add(value);
    }
  }
  return [...secrets];
}

function expectSafeRefusal(error: unknown, secrets: readonly string[]): void {
  if (!(error instanceof JwkGatewayError))
    throw new Error(`expected a JwkGatewayError, got ${String(error)}`, { cause: error });
  expect(error.code).toBe("BAD_USER_INPUT");
  expect(typeof error.reason === "string" && error.reason.length > 0).toBe(true);
  expect(error.message.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    // The whole value, and any 16-character piece of its start (a cut-short quote would show that).
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(secret.slice(0, 16));
  }
}

const canonical = (value: unknown) =>
  typeof value === "string" &&
  /^[A-Za-z0-9_-]*$/.test(value) &&
  Buffer.from(value, "base64url").toString("base64url") === value;
const uint = (value: unknown) => BigInt(`0x${Buffer.from(value as string, "base64url").toString("hex") || "0"}`);
const MESSAGE = Buffer.from("jwk-gateway property test");

/** Every R2.x invariant of an accepted key, checked without the validator's own code. */
function expectInvariants(key: Input): void {
  const kty = key.kty as string;
  expect(Object.keys(ALLOWED)).toContain(kty);
  for (const name of Object.keys(key)) expect(ALLOWED[kty]).toContain(name);
  expect(typeof key.kid === "string" && key.kid.length >= 1 && key.kid.length <= 255).toBe(true);
  for (const name of BINARY)
    if (key[name] !== undefined) expect(canonical(key[name]), `${name} is canonical base64url`).toBe(true);
  if (key.alg !== undefined) {
    expect(Object.keys(ALG_FITS)).toContain(key.alg);
    expect(ALG_FITS[key.alg as string](key), `alg ${String(key.alg)} fits the key`).toBe(true);
  }
  if (key.use !== undefined) {
    expect(["sig", "enc"]).toContain(key.use);
    if (key.alg !== undefined) expect(key.use).toBe(SIG_ALGS.has(key.alg as string) ? "sig" : "enc");
  }
  const isPrivate = PRIVATE.some((member) => key[member] !== undefined);
  switch (kty) {
    case "RSA": {
      const n = uint(key.n);
      const e = uint(key.e);
      expect(n.toString(2).length).toBeGreaterThanOrEqual(2048);
      expect(n.toString(2).length).toBeLessThanOrEqual(8192);
      expect(Buffer.from(key.n as string, "base64url")[0]).not.toBe(0);
      expect(e % 2n === 1n && e > 2n ** 16n && e < 2n ** 256n).toBe(true);
      const publicKey = createPublicKey({ key: { kty, n: key.n, e: key.e } as JsonWebKey, format: "jwk" });
      if (isPrivate) {
        for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(key[member], member).toBeTypeOf("string");
        expect(uint(key.p) * uint(key.q)).toBe(n);
        // OpenSSL signs with the CRT members: the signature verifies only if all of them fit n, e.
        const privateKey = createPrivateKey({ key: key as JsonWebKey, format: "jwk" });
        expect(createPublicKey(privateKey).export({ format: "jwk" })).toMatchObject({ n: key.n, e: key.e });
        expect(verify("sha256", MESSAGE, publicKey, sign("sha256", MESSAGE, privateKey))).toBe(true);
      }
      return;
    }
    case "EC": {
      const size = EC_BYTES[key.crv as string];
      expect(size, `crv ${String(key.crv)}`).toBeDefined();
      expect(Buffer.from(key.x as string, "base64url").length).toBe(size);
      expect(Buffer.from(key.y as string, "base64url").length).toBe(size);
      const publicKey = createPublicKey({
        key: { kty, crv: key.crv, x: key.x, y: key.y } as JsonWebKey,
        format: "jwk",
      });
      if (isPrivate) {
        expect(Buffer.from(key.d as string, "base64url").length).toBe(size);
        // Signing uses d alone; the signature must verify under (x, y).
        const privateKey = createPrivateKey({ key: key as JsonWebKey, format: "jwk" });
        expect(
          verify(EC_HASH[key.crv as string], MESSAGE, publicKey, sign(EC_HASH[key.crv as string], MESSAGE, privateKey)),
        ).toBe(true);
        expect(createPublicKey(privateKey).export({ format: "jwk" })).toMatchObject({ x: key.x, y: key.y });
      }
      return;
    }
    case "OKP": {
      expect(key.crv).toBe("Ed25519");
      expect(Buffer.from(key.x as string, "base64url").length).toBe(32);
      const publicKey = createPublicKey({ key: { kty, crv: key.crv, x: key.x } as JsonWebKey, format: "jwk" });
      if (isPrivate) {
        expect(Buffer.from(key.d as string, "base64url").length).toBe(32);
        // Node re-derives the public key from d: it must be x.
        const privateKey = createPrivateKey({ key: key as JsonWebKey, format: "jwk" });
        expect(createPublicKey(privateKey).export({ format: "jwk" }).x).toBe(key.x);
        expect(verify(null, MESSAGE, publicKey, sign(null, MESSAGE, privateKey))).toBe(true);
      }
      return;
    }
    case "oct":
      expect(octBytes(key)).toBeGreaterThanOrEqual(key.alg === undefined || SIG_ALGS.has(key.alg as string) ? 32 : 16);
      return;
  }
}

/** Runs the validator on `input`; either outcome is checked. Returns the accepted key, if any. */
function check(original: Input, input: Input): Input | undefined {
  const secrets = secretsOf(original, input);
  let accepted: Input;
  try {
    accepted = validateJwk(input) as unknown as Input;
  } catch (error) {
    expectSafeRefusal(error, secrets);
    return undefined;
  }
  // Idempotent: what was accepted is accepted again, unchanged (and a copy of it too).
  expect(validateJwk(accepted as never)).toEqual(accepted);
  expect(validateJwk(JSON.parse(JSON.stringify(accepted)))).toEqual(accepted);
  expectInvariants(accepted);
  return accepted;
}

// ------------------------------------------------------------------------------------------------

describe(`validateJwk under mutation (fast-check, ${RUNS} runs, seed ${SEED})`, () => {
  it("unmutated pool keys are accepted and pass every invariant", () => {
    for (const key of pool) expect(check(key, structuredClone(key))).toBeDefined();
  });

  it("refuses with a typed, secret-free BAD_USER_INPUT, or accepts a key that passes every invariant", () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(MUTATED, (case_) => {
        const { original, input } = build(case_);
        outcomes[check(original, input) === undefined ? "refused" : "accepted"]++;
      }),
      PARAMETERS,
    );
    // Both outcomes must occur, or the property held vacuously.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it("refuses every single-byte flip of a private member (the private part must match the public part)", () => {
    const flips = fc.record({
      base: fc.nat(),
      pick: fc.nat(),
      index: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    });
    fc.assert(
      fc.property(flips, ({ base, pick, index, bit }) => {
        const original = pool[base % pool.length];
        const name = at(
          present(original, PRIVATE).filter((member) => member !== "k"),
          pick,
        );
        fc.pre(name !== undefined);
        const input = structuredClone(original);
        apply(input, { op: "flipByte", pick: present(input, BINARY).indexOf(name), index, bit });
        expect(check(original, input)).toBeUndefined();
      }),
      PARAMETERS,
    );
  });

  it("validateKeySet: a typed refusal (BAD_USER_INPUT or CONFLICT) or a set of keys that each pass", () => {
    fc.assert(
      fc.property(fc.array(MUTATED, { maxLength: 4 }), fc.boolean(), (cases, repeatKid) => {
        const built = cases.map(build);
        const inputs = built.map(({ input }) => input);
        if (repeatKid && inputs.length >= 2) inputs[1].kid = inputs[0].kid;
        const secrets = secretsOf(...built.flatMap(({ original, input }) => [original, input]));
        let accepted: Input[];
        try {
          accepted = validateKeySet(inputs) as unknown as Input[];
        } catch (error) {
          if (error instanceof JwkGatewayError && error.code === "CONFLICT") {
            for (const secret of secrets) expect(error.message).not.toContain(secret.slice(0, 16));
            return;
          }
          expectSafeRefusal(error, secrets);
          return;
        }
        expect(new Set(accepted.map((key) => key.kid)).size).toBe(accepted.length);
        expect(validateKeySet(accepted as never)).toEqual(accepted);
        accepted.forEach(expectInvariants);
      }),
      PARAMETERS,
    );
  });
});
