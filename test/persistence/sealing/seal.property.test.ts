/**
 * Property tests of the sealed envelope (src/persistence/sealing/seal.ts): a random JWK-like object sealed for a
 * random (set, kid) opens to the same bytes; opened for any other (set, kid), or as a canary, it
 * fails with the integrity error; two seals of one plaintext differ (fresh IV).
 *
 * Runs per property: FC_RUNS (default 1000); the seed is fixed (FC_SEED overrides).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { IV_BYTES, type KeySealer, OpenError, type SealContext } from "../../../src/persistence/sealing/seal.js";
import { testSealer } from "../../support/keyring.js";

const RUNS = Number(process.env.FC_RUNS ?? 1000);
const SEED = Number(process.env.FC_SEED ?? 0x5ea1ed);
const PARAMETERS = { numRuns: RUNS, seed: SEED, endOnFailure: true } as const;

/** Set and kid names: arbitrary unicode (including "", separators and look-alikes), up to 255 long. */
const NAME = fc.oneof(
  fc.string({ maxLength: 40, unit: "grapheme" }),
  fc.string({ maxLength: 255 }),
  fc.constantFrom("", "a", "a/b", "a\u0000b", "ab", "b", "é", "e\u0301", " "),
);
const B64 = fc.uint8Array({ minLength: 0, maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString("base64url"));
const JWK_LIKE = fc.record(
  {
    kty: fc.constantFrom("RSA", "EC", "OKP", "oct"),
    kid: NAME,
    alg: fc.string({ maxLength: 12 }),
    use: fc.constantFrom("sig", "enc"),
    crv: fc.constantFrom("P-256", "P-384", "P-521", "Ed25519"),
    x: B64,
    y: B64,
    n: B64,
    e: B64,
    d: B64,
    p: B64,
    q: B64,
    k: B64,
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: ["kty"] },
);
const CONTEXT = fc.record({ set: NAME, kid: NAME });

let sealer: KeySealer;

beforeAll(async () => {
  sealer = await testSealer();
});

const context = ({ set, kid }: { set: string; kid: string }): SealContext => ({ purpose: "jwk", set, kid });

function expectIntegrityFailure(open: () => unknown): void {
  let caught: unknown;
  try {
    open();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(OpenError);
  expect((caught as OpenError).reason).toMatch(/^authentication failed/);
}

describe(`KeySealer (fast-check, ${RUNS} runs, seed ${SEED})`, () => {
  it("seal → open is the identity for any JWK-like object and any (set, kid)", () => {
    fc.assert(
      fc.property(JWK_LIKE, CONTEXT, (jwk, where) => {
        const plaintext = Buffer.from(JSON.stringify(jwk), "utf8");
        const sealed = sealer.seal(Buffer.from(plaintext), context(where));
        expect(sealed.kekId).toBe(sealer.keyring.current.id);
        const opened = sealer.open(sealed.data, context(where));
        expect(opened.equals(plaintext)).toBe(true);
        expect(JSON.parse(opened.toString("utf8"))).toEqual(JSON.parse(JSON.stringify(jwk)));
      }),
      PARAMETERS,
    );
  });

  it("opening under any other (set, kid), or for another purpose, fails with the integrity error", () => {
    fc.assert(
      fc.property(JWK_LIKE, CONTEXT, CONTEXT, (jwk, where, elsewhere) => {
        fc.pre(where.set !== elsewhere.set || where.kid !== elsewhere.kid);
        const sealed = sealer.seal(Buffer.from(JSON.stringify(jwk)), context(where));
        expectIntegrityFailure(() => sealer.open(sealed.data, context(elsewhere)));
        // The classic splice: the same characters split differently between set and kid.
        const joined = where.set + where.kid;
        if (joined.length > 0) {
          const cut = (where.set.length + 1) % (joined.length + 1);
          if (cut !== where.set.length)
            expectIntegrityFailure(() =>
              sealer.open(sealed.data, context({ set: joined.slice(0, cut), kid: joined.slice(cut) })),
            );
        }
        expectIntegrityFailure(() => sealer.open(sealed.data, { purpose: "canary", ...where }));
      }),
      PARAMETERS,
    );
  });

  it("two seals of the same plaintext differ (fresh IV), and both open", () => {
    fc.assert(
      fc.property(JWK_LIKE, CONTEXT, (jwk, where) => {
        const plaintext = Buffer.from(JSON.stringify(jwk));
        const first = sealer.seal(plaintext, context(where));
        const second = sealer.seal(plaintext, context(where));
        expect(first.data).not.toBe(second.data);
        const ivOf = (data: string) =>
          Buffer.from(data, "base64url")
            .subarray(11, 11 + IV_BYTES)
            .toString("hex");
        expect(ivOf(first.data)).not.toBe(ivOf(second.data));
        expect(sealer.open(first.data, context(where)).equals(plaintext)).toBe(true);
        expect(sealer.open(second.data, context(where)).equals(plaintext)).toBe(true);
      }),
      PARAMETERS,
    );
  });
});
