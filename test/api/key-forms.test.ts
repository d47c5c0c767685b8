/**
 * The derived forms of a key (README, "Bring your own keys"): `thumbprint` is jose's
 * calculateJwkThumbprint, `thumbprintUri` its RFC 9278 URN, `publicKeyPem` what `openssl pkey
 * -pubout` prints for the same key, byte for byte; all readable with keys:read alone. REST answers
 * the PEM to `Accept: application/x-pem-file`; an oct key has none of them (GraphQL null, REST 406).
 */
import { createPrivateKey } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSet } from "../behaviour/fixtures.js";
import { providers } from "../support/databases.js";
import { useGateway } from "../support/gateway.js";
import { opensslDir, opensslPublicPem, type OpensslDir } from "../support/openssl.js";
import { SCOPES } from "../../src/auth/scopes.js";
import { bearer, issue } from "../support/tokens.js";

const FORMS = "kid kty thumbprint thumbprintUri publicKeyPem";

describe.each(await providers())("key forms on %s", (provider) => {
  const gateway = useGateway(provider, { openModeRecheckMs: 0 });
  let openssl: OpensslDir;
  let admin: string;
  let reader: string;
  const set = newSet();
  /** kid → the private JWK the gateway generated. */
  const created = new Map<string, JWK>();

  beforeAll(async () => {
    openssl = opensslDir();
    admin = await issue(gateway.app.database, SCOPES);
    reader = await issue(gateway.app.database, ["keys:read"]);
    for (const [kid, alg] of [
      ["rsa", "RS256"],
      ["p256", "ES256"],
      ["p384", "ES384"],
      ["p521", "ES512"],
      ["ed", "EdDSA"],
      ["hmac", "HS256"],
    ]) {
      const { body } = await gateway.graphql(
        `mutation($set: String!, $alg: String!, $kid: String!) { createJsonWebKeySet(set: $set, input: { alg: $alg, kid: $kid }) { keys { kid kty crv alg x y n e d p q dp dq qi k } } }`,
        { set, alg, kid },
        bearer(admin),
      );
      expect(body.errors).toBeUndefined();
      const key = Object.fromEntries(
        Object.entries(body.data.createJsonWebKeySet.keys[0]).filter(([, value]) => value !== null),
      );
      created.set(kid, key);
    }
  });
  afterAll(() => openssl?.remove());

  async function readForms(token = admin) {
    const { body } = await gateway.graphql(
      `query($set: String!) { getJsonWebKeySet(set: $set) { keys { ${FORMS} } } }`,
      { set },
      bearer(token),
    );
    expect(body.errors).toBeUndefined();
    return new Map<string, Record<string, string | null>>(
      body.data.getJsonWebKeySet.keys.map((key: Record<string, string>) => [key.kid, key]),
    );
  }

  it("thumbprint is jose's calculateJwkThumbprint, thumbprintUri its RFC 9278 URN, for every asymmetric key", async () => {
    const forms = await readForms();
    for (const kid of ["rsa", "p256", "p384", "p521", "ed"]) {
      const expected = await calculateJwkThumbprint(created.get(kid)!, "sha256");
      expect(forms.get(kid)!.thumbprint, kid).toBe(expected);
      expect(forms.get(kid)!.thumbprintUri, kid).toBe(`urn:ietf:params:oauth:jwk-thumbprint:sha-256:${expected}`);
    }
  });

  it("publicKeyPem equals `openssl pkey -pubout` of the private key, byte for byte", async () => {
    const forms = await readForms();
    for (const kid of ["rsa", "p256", "p384", "p521", "ed"]) {
      const privatePem = createPrivateKey({ key: created.get(kid)! as never, format: "jwk" })
        .export({ type: "pkcs8", format: "pem" })
        .toString();
      expect(forms.get(kid)!.publicKeyPem, kid).toBe(opensslPublicPem(openssl, privatePem));
    }
  });

  it("an oct key has no thumbprint, URI or PEM (null)", async () => {
    expect((await readForms()).get("hmac")).toEqual({
      kid: "hmac",
      kty: "oct",
      thumbprint: null,
      thumbprintUri: null,
      publicKeyPem: null,
    });
  });

  it("keys:read alone reads them (they are public), and they are the same as with every scope", async () => {
    expect(await readForms(reader)).toEqual(await readForms());
  });

  it("REST answers the public PEM to Accept: application/x-pem-file, under /keys and /admin/keys", async () => {
    const forms = await readForms();
    for (const prefix of ["", "/admin"]) {
      for (const accept of [
        "application/x-pem-file",
        "application/x-pem-file, */*",
        "application/json;q=0.5, application/x-pem-file",
      ]) {
        const response = await fetch(`${gateway.origin}${prefix}/keys/${set}/p256`, {
          headers: { accept, ...bearer(reader) },
        });
        expect(response.status, accept).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/x-pem-file");
        expect(response.headers.get("cache-control")).toMatch(/no-store/);
        expect(await response.text()).toBe(forms.get("p256")!.publicKeyPem);
      }
    }
  });

  it("REST keeps Hydra's JSON without that Accept, or when JSON is preferred", async () => {
    for (const accept of [undefined, "*/*", "application/json", "application/x-pem-file;q=0.5, application/json"]) {
      const response = await fetch(`${gateway.origin}/keys/${set}/rsa`, {
        headers: { ...bearer(reader), ...(accept === undefined ? {} : { accept }) },
      });
      expect(response.headers.get("content-type"), String(accept)).toMatch(/^application\/json/);
      expect((await response.json()).keys[0].kid).toBe("rsa");
    }
  });

  it("REST with keys:read alone gets the PEM; without a token, 401", async () => {
    const ok = await fetch(`${gateway.origin}/keys/${set}/ed`, {
      headers: { accept: "application/x-pem-file", ...bearer(reader) },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const anonymous = await fetch(`${gateway.origin}/keys/${set}/ed`, {
      headers: { accept: "application/x-pem-file" },
    });
    expect(anonymous.status).toBe(401);
  });

  it("REST refuses an oct key as PEM with 406 in Hydra's envelope, and a missing key with 404", async () => {
    const headers = { accept: "application/x-pem-file", ...bearer(reader) };
    const oct = await fetch(`${gateway.origin}/keys/${set}/hmac`, { headers });
    expect(oct.status).toBe(406);
    expect(await oct.json()).toEqual({
      error: "Not Acceptable",
      error_description:
        'Key "hmac" is a symmetric (oct) key: it has no public key to answer as PEM; ask for application/json',
    });
    const missing = await fetch(`${gateway.origin}/keys/${set}/nope`, { headers });
    expect(missing.status).toBe(404);
  });
});
