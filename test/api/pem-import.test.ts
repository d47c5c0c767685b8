/**
 * Importing keys as PEM (README, "Bring your own keys"): keys and certificates made by the real
 * `openssl`, imported through GraphQL (`importJsonWebKey`) and REST (`PUT /keys/{set}/{kid}` with
 * `Content-Type: application/x-pem-file`) on every store. An imported key reads back as the key
 * openssl holds (its `publicKeyPem` is `openssl pkey -pubout` byte for byte, its private members
 * are openssl's); every refusal names its reason, repeats no key material and stores nothing.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../src/auth/scopes.js";
import { newSet } from "../behaviour/fixtures.js";
import { providers } from "../support/databases.js";
import { useGateway } from "../support/gateway.js";
import { opensslDir, type OpensslDir } from "../support/openssl.js";
import { keyRows } from "../support/rows.js";
import { bearer, issue } from "../support/tokens.js";

const openssl: OpensslDir = opensslDir();
/** file → its PEM text. */
const pem: Record<string, string> = {};

const CA_CONFIG = `[ca]
default_ca = CA_default
[CA_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
`;

beforeAll(() => {
  const run = openssl.run;
  const genpkey = (file: string, ...options: string[]) => run("genpkey", ...options, "-out", file);
  genpkey("rsa2048.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
  genpkey("rsa4096.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096");
  genpkey("rsa1024.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024");
  for (const curve of ["P-256", "P-384", "P-521"])
    genpkey(`${curve}.pem`, "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`);
  genpkey("ed25519.pem", "-algorithm", "ED25519");
  genpkey("x25519.pem", "-algorithm", "X25519");
  genpkey("root.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
  genpkey("other-root.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
  // PKCS#1 and SEC1 (with the EC PARAMETERS block `openssl ecparam -genkey` writes before the key).
  run("pkey", "-in", "rsa2048.pem", "-traditional", "-out", "rsa2048.pkcs1.pem");
  run("ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.pem");
  for (const file of ["rsa2048", "P-256", "ed25519", "x25519"])
    run("pkey", "-in", `${file}.pem`, "-pubout", "-out", `${file}.pub.pem`);
  // Encrypted: PKCS#8 (ENCRYPTED PRIVATE KEY) and traditional (Proc-Type: 4,ENCRYPTED).
  run("pkey", "-in", "P-256.pem", "-aes256", "-passout", "pass:secret", "-out", "encrypted.pem");
  run(
    "pkey",
    "-in",
    "rsa2048.pem",
    "-traditional",
    "-aes256",
    "-passout",
    "pass:secret",
    "-out",
    "encrypted.pkcs1.pem",
  );
  // A self-signed certificate, and a two-level chain: root CA → leaf.
  run("req", "-x509", "-new", "-key", "P-256.pem", "-subj", "/CN=self-signed", "-days", "30", "-out", "self.crt");
  run("req", "-x509", "-new", "-key", "root.pem", "-subj", "/CN=Test Root", "-days", "30", "-out", "root.crt");
  run(
    "req",
    "-x509",
    "-new",
    "-key",
    "other-root.pem",
    "-subj",
    "/CN=Test Root",
    "-days",
    "30",
    "-out",
    "other-root.crt",
  );
  run("req", "-new", "-key", "rsa2048.pem", "-subj", "/CN=leaf", "-out", "leaf.csr");
  run(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "root.crt",
    "-CAkey",
    "root.pem",
    "-CAcreateserial",
    "-days",
    "30",
    "-out",
    "leaf.crt",
  );
  // Certificates outside their dates: one expired in 2020, one valid only from 2100.
  openssl.write("ca.cnf", CA_CONFIG);
  openssl.write("index.txt", "");
  openssl.write("serial", "01\n");
  run("req", "-new", "-key", "ed25519.pem", "-subj", "/CN=dated", "-out", "dated.csr");
  for (const [file, start, end] of [
    ["expired.crt", "20200101000000Z", "20200201000000Z"],
    ["future.crt", "21000101000000Z", "21000201000000Z"],
  ]) {
    run(
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-selfsign",
      "-keyfile",
      "ed25519.pem",
      "-in",
      "dated.csr",
      "-startdate",
      start,
      "-enddate",
      end,
      "-notext",
      "-out",
      file,
    );
  }
  for (const file of [
    "rsa2048.pem",
    "rsa4096.pem",
    "rsa1024.pem",
    "P-256.pem",
    "P-384.pem",
    "P-521.pem",
    "ed25519.pem",
    "x25519.pem",
    "rsa2048.pkcs1.pem",
    "sec1.pem",
    "rsa2048.pub.pem",
    "P-256.pub.pem",
    "ed25519.pub.pem",
    "x25519.pub.pem",
    "encrypted.pem",
    "encrypted.pkcs1.pem",
    "self.crt",
    "root.crt",
    "other-root.crt",
    "leaf.crt",
    "expired.crt",
    "future.crt",
  ])
    pem[file] = openssl.read(file);
}, 120_000);
afterAll(() => openssl.remove());

/** What openssl says the public key of a PEM (key or certificate) is. */
function opensslPublicPem(file: string): string {
  if (file.endsWith(".crt")) return openssl.run("x509", "-in", file, "-noout", "-pubkey");
  if (file.includes(".pub.")) return openssl.run("pkey", "-pubin", "-in", file, "-pubout");
  return openssl.run("pkey", "-in", file, "-pubout");
}

/** The private JWK Node reads from an openssl private key file. */
function privateJwkOf(file: string): JWK {
  return createPrivateKey(pem[file]).export({ format: "jwk" });
}

const der = (file: string) => new X509Certificate(pem[file]).raw.toString("base64");

type Outcome = { ok: Record<string, unknown> } | { error: string; reason?: string; message: string };

const KEY_FIELDS = "kid kty alg use crv x y n e x5c x5tS256 thumbprint thumbprintUri publicKeyPem d p q dp dq qi";

const IMPORT = `mutation($set: String!, $kid: String, $input: ImportJsonWebKeyInput!) {
  importJsonWebKey(set: $set, kid: $kid, input: $input) { ${KEY_FIELDS} } }`;

describe.each(await providers())("PEM import on %s", (provider) => {
  const gateway = useGateway(provider, { openModeRecheckMs: 0 });
  let admin: string;

  beforeAll(async () => {
    admin = await issue(gateway.app.database, SCOPES);
  });

  const withoutNulls = (key: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(key).filter(([, value]) => value !== null));

  /** The stored key, every member and form, through GraphQL. */
  async function stored(set: string, kid: string) {
    const { body } = await gateway.graphql(
      `query($set: String!, $kid: String!) { getJsonWebKey(set: $set, kid: $kid) { keys { ${KEY_FIELDS} } } }`,
      { set, kid },
      bearer(admin),
    );
    expect(body.errors).toBeUndefined();
    return withoutNulls(body.data.getJsonWebKey.keys[0]);
  }

  const transports = {
    async graphql(set: string, kid: string | undefined, text: string, alg: string, use?: string): Promise<Outcome> {
      const { body } = await gateway.graphql(IMPORT, { set, kid, input: { pem: text, alg, use } }, bearer(admin));
      if (body.errors) {
        expect(body.errors).toHaveLength(1);
        const [error] = body.errors;
        return { error: error.extensions.code, reason: error.extensions.reason, message: error.message };
      }
      return { ok: withoutNulls(body.data.importJsonWebKey) };
    },
    async rest(set: string, kid: string | undefined, text: string, alg: string, use?: string): Promise<Outcome> {
      const query = new URLSearchParams({ alg, ...(use ? { use } : {}) });
      const response = await fetch(`${gateway.origin}/admin/keys/${set}/${kid ?? "rest-kid"}?${query}`, {
        method: "PUT",
        headers: { "content-type": "application/x-pem-file", ...bearer(admin) },
        body: text,
      });
      const json = await response.json();
      if (response.status === 200) return { ok: json };
      expect(json).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      return { error: `HTTP ${response.status}`, message: json.error_description };
    },
  };

  describe.each(["graphql", "rest"] as const)("through %s", (name) => {
    const importPem = (...args: Parameters<(typeof transports)["graphql"]>) => transports[name](...args);
    const kidFor = (kid: string | undefined) => (name === "rest" ? (kid ?? "rest-kid") : kid);

    it.each([
      ["rsa2048.pem", "RS256", "RSA", "PKCS#8 RSA-2048"],
      ["rsa4096.pem", "PS512", "RSA", "PKCS#8 RSA-4096"],
      ["rsa2048.pkcs1.pem", "RS256", "RSA", "PKCS#1 RSA PRIVATE KEY"],
      ["P-256.pem", "ES256", "EC", "PKCS#8 EC P-256"],
      ["P-384.pem", "ES384", "EC", "PKCS#8 EC P-384"],
      ["P-521.pem", "ES512", "EC", "PKCS#8 EC P-521"],
      ["sec1.pem", "ES256", "EC", "SEC1 EC PRIVATE KEY after EC PARAMETERS"],
      ["ed25519.pem", "EdDSA", "OKP", "PKCS#8 Ed25519"],
      ["x25519.pem", "ECDH-ES", "OKP", "PKCS#8 X25519"],
    ])("%s (%s): the private key is stored as openssl holds it", async (file, alg, kty) => {
      const set = newSet();
      const outcome = await importPem(set, "k", pem[file], alg);
      expect(outcome).toHaveProperty("ok");
      const key = await stored(set, "k");
      const expected = privateJwkOf(file);
      expect(key).toMatchObject({ ...expected, kid: "k", kty, alg, use: alg.startsWith("ECDH") ? "enc" : "sig" });
      expect(key.publicKeyPem).toBe(opensslPublicPem(file));
      expect(key.thumbprint).toBe(await calculateJwkThumbprint(expected, "sha256"));
    });

    it.each([
      ["rsa2048.pub.pem", "RS256"],
      ["P-256.pub.pem", "ES256"],
      ["ed25519.pub.pem", "EdDSA"],
      ["x25519.pub.pem", "ECDH-ES+A256KW"],
    ])("SPKI %s: the public key is stored, no private member", async (file, alg) => {
      const set = newSet();
      expect(await importPem(set, "pub", pem[file], alg)).toHaveProperty("ok");
      const key = await stored(set, "pub");
      expect(key.publicKeyPem).toBe(opensslPublicPem(file));
      expect(key).not.toHaveProperty("d");
      expect(key).toMatchObject(createPublicKey(pem[file]).export({ format: "jwk" }));
    });

    it("kid omitted: the RFC 7638 thumbprint (GraphQL; REST names the kid in its path)", async () => {
      if (name === "rest") return;
      const set = newSet();
      const outcome = await importPem(set, undefined, pem["P-384.pem"], "ES384");
      const thumbprint = await calculateJwkThumbprint(privateJwkOf("P-384.pem"), "sha256");
      expect(outcome).toMatchObject({ ok: { kid: thumbprint, thumbprint } });
      // The same key again lands on the same kid: one key, not two.
      expect(await importPem(set, undefined, pem["P-384.pem"], "ES384")).toMatchObject({ ok: { kid: thumbprint } });
      const { body } = await gateway.graphql(
        `query($set: String!) { getJsonWebKeySet(set: $set) { keys { kid } } }`,
        { set },
        bearer(admin),
      );
      expect(body.data.getJsonWebKeySet.keys).toEqual([{ kid: thumbprint }]);
    });

    it("a self-signed certificate: the key is its public key, with x5c and x5t#S256", async () => {
      const set = newSet();
      expect(await importPem(set, "cert", pem["self.crt"], "ES256")).toHaveProperty("ok");
      const key = await stored(set, "cert");
      const certificate = new X509Certificate(pem["self.crt"]);
      expect(key.x5c).toEqual([der("self.crt")]);
      expect(key.x5tS256).toBe(
        Buffer.from(certificate.fingerprint256.replaceAll(":", ""), "hex").toString("base64url"),
      );
      expect(key.publicKeyPem).toBe(opensslPublicPem("self.crt"));
      expect(key).not.toHaveProperty("d");
    });

    it("a private key followed by its certificate: the private key, with x5c", async () => {
      const set = newSet();
      expect(await importPem(set, "both", pem["P-256.pem"] + pem["self.crt"], "ES256")).toHaveProperty("ok");
      const key = await stored(set, "both");
      expect(key).toMatchObject({ d: privateJwkOf("P-256.pem").d, x5c: [der("self.crt")] });
    });

    it("a two-level chain (leaf, then root CA), with the leaf's private key", async () => {
      const set = newSet();
      const text = `${pem["rsa2048.pem"]}${pem["leaf.crt"]}${pem["root.crt"]}`;
      expect(await importPem(set, "chain", text, "RS256")).toHaveProperty("ok");
      const key = await stored(set, "chain");
      expect(key.x5c).toEqual([der("leaf.crt"), der("root.crt")]);
      expect(key.d).toBe(privateJwkOf("rsa2048.pem").d);
      // The certificates alone (no private key) import as the leaf's public key.
      expect(await importPem(set, "chain-public", pem["leaf.crt"] + pem["root.crt"], "PS256")).toMatchObject({
        ok: { kid: kidFor("chain-public"), n: privateJwkOf("rsa2048.pem").n },
      });
    });

    /** Each refusal: its reason (GraphQL) or 400 (REST), a message that says what to do, no material, nothing stored. */
    const REFUSALS: [string, () => string, string, string, RegExp][] = [
      ["not PEM at all", () => "hello", "ES256", "PEM_INVALID", /holds no PEM block/],
      [
        "a damaged PEM block",
        () => "-----BEGIN PRIVATE KEY-----\nAAAAnot-base64!!\n-----END PRIVATE KEY-----\n",
        "ES256",
        "PEM_INVALID",
        /The PRIVATE KEY block does not decode to a key/,
      ],
      [
        "a truncated PEM (no END line)",
        () => pem["P-256.pem"].split("-----END")[0],
        "ES256",
        "PEM_INVALID",
        /BEGIN line without its matching END line/,
      ],
      [
        "an encrypted PKCS#8 key",
        () => pem["encrypted.pem"],
        "ES256",
        "PEM_ENCRYPTED",
        /ENCRYPTED PRIVATE KEY is encrypted .*openssl pkey -in key\.pem -out plain\.pem/,
      ],
      [
        "an encrypted traditional key (Proc-Type: 4,ENCRYPTED)",
        () => pem["encrypted.pkcs1.pem"],
        "RS256",
        "PEM_ENCRYPTED",
        /RSA PRIVATE KEY is encrypted .*openssl pkey -in key\.pem -out plain\.pem/,
      ],
      [
        "a broken chain (the leaf is not signed by the root listed, which has the same name)",
        () => pem["leaf.crt"] + pem["other-root.crt"],
        "RS256",
        "X5C_CHAIN_BROKEN",
        /certificate 1 is not issued by certificate 2 \(list the key's own certificate first/,
      ],
      [
        "a chain in the wrong order",
        () => pem["root.crt"] + pem["leaf.crt"],
        "ES256",
        "X5C_CHAIN_BROKEN",
        /certificate 1 is not issued by certificate 2/,
      ],
      [
        "a private key whose certificate holds another key",
        () => pem["P-384.pem"] + pem["self.crt"],
        "ES384",
        "X5C_MISMATCH",
        /The public key of the first "x5c" certificate must be the key itself/,
      ],
      [
        "an expired certificate",
        () => pem["expired.crt"],
        "EdDSA",
        "X5C_EXPIRED",
        /has expired: it was valid from 2020-01-01T00:00:00\.000Z to 2020-02-01T00:00:00\.000Z/,
      ],
      [
        "a certificate not valid yet",
        () => pem["future.crt"],
        "EdDSA",
        "X5C_NOT_YET_VALID",
        /is not valid yet: it is valid from 2100-01-01T00:00:00\.000Z to 2100-02-01T00:00:00\.000Z/,
      ],
      ["a weak RSA key (1024 bits)", () => pem["rsa1024.pem"], "RS256", "RSA_TOO_SMALL", /2048/],
      ["two keys in one PEM", () => pem["P-256.pem"] + pem["P-384.pem"], "ES256", "PEM_TOO_MANY_KEYS", /holds 2 keys/],
      [
        "a key that does not fit its alg",
        () => pem["P-256.pem"],
        "RS256",
        "ALG_KEY_MISMATCH",
        /alg "RS256" needs an RSA key/,
      ],
      ["an encryption alg with use sig", () => pem["x25519.pem"], "ECDH-ES", "USE_ALG_MISMATCH", /"use" must be "enc"/],
      [
        "a certificate request",
        () => openssl.read("leaf.csr"),
        "RS256",
        "PEM_UNSUPPORTED",
        /"CERTIFICATE REQUEST" block cannot be imported/,
      ],
      ["no alg", () => pem["P-256.pem"], "", "MISSING_ALG", /needs "alg"/],
    ];

    it.each(REFUSALS)("refused: %s", async (_, text, alg, reason, message) => {
      const set = newSet();
      const before = await keyRows(gateway.databaseUrl);
      const use = reason === "USE_ALG_MISMATCH" ? "sig" : undefined;
      const outcome = await importPem(set, "refused", text(), alg, use);
      expect(outcome).toMatchObject(name === "graphql" ? { error: "BAD_USER_INPUT", reason } : { error: "HTTP 400" });
      const { message: said } = outcome as { message: string };
      expect(said).toMatch(message);
      // Never a line of the PEM (base64 of key material) in the answer.
      for (const line of text()
        .split("\n")
        .filter((line) => line.length > 16 && !line.startsWith("-----")))
        expect(said).not.toContain(line);
      expect(await keyRows(gateway.databaseUrl)).toEqual(before);
    });
  });

  it("REST: alg and use query parameters are refused with a JSON body, and a PEM body needs alg", async () => {
    const set = newSet();
    const json = await fetch(`${gateway.origin}/keys/${set}/k?alg=ES256`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...bearer(admin) },
      body: JSON.stringify(createPrivateKey(pem["P-256.pem"]).export({ format: "jwk" })),
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error_description).toMatch(/query parameters are for PEM bodies/);
    const noAlg = await fetch(`${gateway.origin}/keys/${set}/k`, {
      method: "PUT",
      headers: { "content-type": "application/x-pem-file", ...bearer(admin) },
      body: pem["P-256.pem"],
    });
    expect(noAlg.status).toBe(400);
    expect((await noAlg.json()).error_description).toMatch(/A PEM import needs "alg"/);
    const unknownParameter = await fetch(`${gateway.origin}/keys/${set}/k?alg=ES256&kty=EC`, {
      method: "PUT",
      headers: { "content-type": "application/x-pem-file", ...bearer(admin) },
      body: pem["P-256.pem"],
    });
    expect(unknownParameter.status).toBe(400);
  });

  it("keys:write alone imports, and the answer leaves out private members (GraphQL: FORBIDDEN per field)", async () => {
    const writer = await issue(gateway.app.database, ["keys:write"]);
    const set = newSet();
    const { body } = await gateway.graphql(
      IMPORT.replace(KEY_FIELDS, "kid kty d"),
      { set, kid: "w", input: { pem: pem["P-256.pem"], alg: "ES256" } },
      bearer(writer),
    );
    expect(body.errors.map((error: any) => [error.extensions.code, error.path.join(".")])).toEqual([
      ["FORBIDDEN", "importJsonWebKey.d"],
    ]);
    expect(body.data.importJsonWebKey).toEqual({ kid: "w", kty: "EC", d: null });
    const rest = await fetch(`${gateway.origin}/keys/${set}/w2?alg=ES256`, {
      method: "PUT",
      headers: { "content-type": "application/x-pem-file", ...bearer(writer) },
      body: pem["P-256.pem"],
    });
    expect(rest.status).toBe(200);
    expect(await rest.json()).not.toHaveProperty("d");
    expect((await stored(set, "w2")).d).toBe(privateJwkOf("P-256.pem").d);
  });

  it("the import is audited as importJsonWebKey, with the thumbprint kid", async () => {
    const set = newSet();
    const outcome = await transports.graphql(set, undefined, pem["ed25519.pem"], "EdDSA");
    const kid = (outcome as { ok: { kid: string } }).ok.kid;
    const events = await gateway.app.service.auditEvents({ limit: 20 });
    expect(events.find((event) => event.set === set)).toMatchObject({
      operation: "importJsonWebKey",
      kid,
      outcome: "ok",
    });
  });
});
