/**
 * Weak keys (README, "Key validation"; docs/validation-rules.md, "RSA" and "OKP") through both
 * transports, on every store: each family is refused with BAD_USER_INPUT and a message naming its
 * rule (GraphQL also gives `extensions.reason`), whether it comes alone (GraphQL updateJsonWebKey,
 * REST PUT /keys/{set}/{kid}) or inside a set (GraphQL updateJsonWebKeySet, REST PUT /keys/{set});
 * nothing is stored, the server keeps answering, and neither the answers nor the debug log hold any
 * of the key's material.
 * test/domain/weak-keys.test.ts has the whole corpus, rule by rule.
 */
import { Writable } from "node:stream";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACT_PATHS } from "../../src/logging.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { ED25519_SMALL_ORDER, fromB64u, rsaCorpus, rsaPublicJwk } from "../fixtures/weak-keys.js";
import { es256, newSet } from "./fixtures.js";
import { transport, TRANSPORTS, type Transport } from "./transports.js";

interface Family {
  name: string;
  key: Record<string, string>;
  reason: string;
  message: RegExp;
}

const corpus = rsaCorpus();
const okp = (x: string) => ({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", x });
const { publicKey: rsaPublic } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
const rsaN = fromB64u((await exportJWK(rsaPublic)).n as string);

const FAMILIES: Family[] = [
  {
    name: "Ed25519 identity point",
    key: okp(ED25519_SMALL_ORDER["identity (order 1)"]),
    reason: "OKP_SMALL_ORDER",
    message: /Ed25519 public key "x" is a point of small order/,
  },
  {
    name: "Ed25519 order-2 point",
    key: okp("7P_______________________________________38"),
    reason: "OKP_SMALL_ORDER",
    message: /Ed25519 public key "x" is a point of small order/,
  },
  {
    name: "Ed25519 x that is no point",
    key: okp("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    reason: "OKP_POINT_INVALID",
    message: /does not decode to a point on the curve/,
  },
  {
    name: "Ed25519 non-canonical encoding (y = p + 1)",
    key: okp("7v_______________________________________38"),
    reason: "OKP_POINT_INVALID",
    message: /is not a canonical encoding/,
  },
  {
    name: "RSA prime modulus",
    key: rsaPublicJwk("", fromB64u(corpus.primeModulus2048)),
    reason: "RSA_PRIME_MODULUS",
    message: /RSA modulus "n" is prime/,
  },
  {
    name: "RSA modulus with a small factor (n = 3·m)",
    key: rsaPublicJwk("", 3n * rsaN),
    reason: "RSA_SMALL_FACTOR",
    message: /RSA modulus "n" has a small factor \(a prime below 10,000\)/,
  },
  {
    name: "RSA ROCA modulus",
    key: rsaPublicJwk("", fromB64u(corpus.roca2048)),
    reason: "RSA_ROCA",
    message: /ROCA fingerprint \(CVE-2017-15361\)/,
  },
  {
    name: "RSA-2048 private key with a composite p",
    key: corpus.compositeP2048,
    reason: "RSA_COMPOSITE_PRIME",
    message: /RSA prime "p" is not prime/,
  },
  {
    name: "RSA-8192 private key with a composite p",
    key: corpus.compositeP8192,
    reason: "RSA_COMPOSITE_PRIME",
    message: /RSA prime "p" is not prime/,
  },
];

/** Member values that must appear in no answer and no log line (prefixes, so a cut copy is caught too). */
function materialOf(key: Record<string, string>): string[] {
  return ["n", "x", "d", "p", "q", "dp", "dq", "qi"].flatMap((member) =>
    key[member] ? [key[member].slice(0, 24)] : [],
  );
}

const matrix = (await providers()).flatMap((provider) => TRANSPORTS.map((name) => [provider, name] as const));

describe.each(matrix)("weak keys on %s through %s", (provider, transportName) => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let api: Transport;
  const log: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase(provider);
    const stream = new Writable({
      write(chunk, _encoding, done) {
        log.push(chunk.toString());
        done();
      },
    });
    gateway = await startGateway({
      databaseUrl: database.url,
      env: { LOG_LEVEL: "debug" },
      logger: { level: "debug", stream, redact: REDACT_PATHS } as never,
    });
    api = transport(transportName, gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  it.each(FAMILIES)(
    "$name: refused alone and in a set, with its rule, nothing stored, no material in the answer",
    async ({ key, reason, message }) => {
      const set = newSet();
      const material = materialOf(key);
      const alone = await api.updateJsonWebKey(set, "weak", { ...key, kid: "weak" });
      const inSet = await api.updateJsonWebKeySet(set, { keys: [await es256("good"), { ...key, kid: "weak" }] });
      for (const outcome of [alone, inSet]) {
        expect(outcome).toMatchObject({ error: "BAD_USER_INPUT", message: expect.stringMatching(message) });
        for (const value of material) expect(JSON.stringify(outcome)).not.toContain(value);
      }
      expect(await api.getJsonWebKeySet(set)).toMatchObject({ error: "NOT_FOUND" });

      if (transportName === "graphql") {
        const { body } = await gateway.graphql(
          'mutation($set: String!, $input: JsonWebKeyInput!) { updateJsonWebKey(set: $set, kid: "weak", input: $input) { kid } }',
          {
            set,
            input: { ...key, kid: "weak" },
          },
        );
        expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason });
      }
      // Still up, and still storing: a sound key goes in right after.
      expect(await api.updateJsonWebKey(set, "good", await es256("good"))).toMatchObject({ ok: { kid: "good" } });
      expect((await fetch(`${gateway.origin}/health/alive`)).status).toBe(200);
    },
  );

  it("the debug log holds none of the refused keys' material", () => {
    const text = log.join("");
    expect(text.length).toBeGreaterThan(0);
    for (const { key } of FAMILIES) for (const value of materialOf(key)) expect(text).not.toContain(value);
  });
});
