/**
 * Encryption keys (README, "Encryption keys"): RSA-OAEP-256 and ECDH-ES keys created through GraphQL
 * are published in /.well-known/jwks.json with `use: "enc"`; a JWE that jose encrypts to the
 * published public key decrypts with the private JWK read back from the gateway. RSA-OAEP keys come
 * from the RSA key pool when KEY_POOL_ALGS names them.
 */
import { CompactEncrypt, compactDecrypt, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, useGateway, type RunningGateway } from "../support/gateway.js";

/** The first broadcast set (JWKS_BROADCAST_SETS default). */
const ID_TOKEN = "hydra.openid.id-token";

async function create(gateway: RunningGateway, set: string, input: Record<string, string>) {
  const { body } = await gateway.graphql(
    `mutation($set: String!, $input: JsonWebKeySetGeneratorRequest!) { createJsonWebKeySet(set: $set, input: $input) { keys { kid kty alg use crv } } }`,
    { set, input },
  );
  expect(body.errors).toBeUndefined();
  return body.data.createJsonWebKeySet.keys[0] as Record<string, string | null>;
}

async function privateJwk(gateway: RunningGateway, set: string, kid: string): Promise<JWK> {
  const { body } = await gateway.graphql(
    `query($set: String!, $kid: String!) { getJsonWebKey(set: $set, kid: $kid) { keys { kid kty alg use crv x y n e d p q dp dq qi } } }`,
    { set, kid },
  );
  expect(body.errors).toBeUndefined();
  return Object.fromEntries(
    Object.entries(body.data.getJsonWebKey.keys[0] as Record<string, unknown>).filter(([, value]) => value !== null),
  );
}

async function published(gateway: RunningGateway, kid: string): Promise<JWK> {
  const { keys } = (await (await fetch(`${gateway.origin}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) throw new Error(`${kid} is not published`);
  return key;
}

describe.each(await providers())("encryption keys on %s", (provider) => {
  const gateway = useGateway(provider);

  it.each([
    ["RSA-OAEP-256", undefined, "A256GCM"],
    ["RSA-OAEP", undefined, "A128CBC-HS256"],
    ["ECDH-ES", undefined, "A256GCM"],
    ["ECDH-ES", "P-384", "A128GCM"],
    ["ECDH-ES+A128KW", "P-521", "A256GCM"],
    ["ECDH-ES+A256KW", "X25519", "A256GCM"],
  ])(
    "%s (crv %s): a JWE to the published public key decrypts with the gateway's private key",
    async (alg, crv, enc) => {
      const kid = `enc-${alg}-${crv ?? "default"}`;
      const created = await create(gateway, ID_TOKEN, { alg, kid, ...(crv ? { crv } : {}) });
      expect(created).toMatchObject({ kid, alg, use: "enc" });
      if (alg.startsWith("ECDH")) expect(created.crv).toBe(crv ?? "P-256");

      const publicKey = await published(gateway, kid);
      expect(publicKey).toMatchObject({ kid, alg, use: "enc" });
      expect(publicKey).not.toHaveProperty("d");

      const message = `secret for ${kid}`;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(message))
        .setProtectedHeader({ alg, enc, kid })
        .encrypt(await importJWK(publicKey, alg));
      const { plaintext, protectedHeader } = await compactDecrypt(
        jwe,
        await importJWK(await privateJwk(gateway, ID_TOKEN, kid), alg),
      );
      expect(new TextDecoder().decode(plaintext)).toBe(message);
      expect(protectedHeader.kid).toBe(kid);
    },
  );

  it("an imported X25519 key with an encryption alg is published with use enc too", async () => {
    const created = await create(gateway, ID_TOKEN, { alg: "ECDH-ES", kid: "x-src", crv: "X25519" });
    expect(created.crv).toBe("X25519");
    const key = await privateJwk(gateway, ID_TOKEN, "x-src");
    const { body } = await gateway.graphql(
      `mutation($input: JsonWebKeyInput!) { updateJsonWebKey(set: "${ID_TOKEN}", kid: "x-imported", input: $input) { kid use } }`,
      { input: { ...key, kid: undefined, alg: "ECDH-ES+A128KW" } },
    );
    expect(body.errors).toBeUndefined();
    expect(await published(gateway, "x-imported")).toMatchObject({ crv: "X25519", use: "enc", alg: "ECDH-ES+A128KW" });
  });
});

describe("RSA-OAEP keys from the RSA key pool", () => {
  let database: FreshDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    gateway = await startGateway({
      databaseUrl: database.url,
      env: { KEY_POOL_SIZE: "1", KEY_POOL_ALGS: "RSA-OAEP-256" },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  it("KEY_POOL_ALGS=RSA-OAEP-256: a create is served from the pool, with use enc", async () => {
    await gateway.app.keyPool!.fill();
    const created = await create(gateway, "pooled-enc", { alg: "RSA-OAEP-256", kid: "p" });
    expect(created).toMatchObject({ kty: "RSA", alg: "RSA-OAEP-256", use: "enc" });
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(metrics).toMatch(/jwkgw_key_pool_taken_total\{alg="RSA-OAEP-256"\} 1/);
    expect(metrics).not.toMatch(/jwkgw_key_generations_total\{alg="RSA-OAEP-256"\}/);
  });
});
