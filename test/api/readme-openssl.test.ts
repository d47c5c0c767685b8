/**
 * README, "Bring your own keys": the shell blocks marked `<!-- readme-test: openssl -->` and
 * `<!-- readme-test: import -->` run as written (bash, in an empty temporary folder; the import
 * block against a real gateway, told by the GATEWAY and JWKGW_TOKEN variables it reads), and the
 * keys they import are stored as openssl holds them.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useGateway } from "../support/gateway.js";
import { opensslDir, type OpensslDir } from "../support/openssl.js";
import { bearer, issue } from "../support/tokens.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The ```sh block right after `<!-- readme-test: name -->`. */
function readmeBlock(name: string): string {
  const marker = `<!-- readme-test: ${name} -->`;
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /^\s*```sh\n([\s\S]*?)\n```/.exec(README.slice(at + marker.length));
  if (!block) throw new Error(`no sh block follows ${marker}`);
  return block[1];
}

describe("README, Bring your own keys: the openssl and import commands, as written", () => {
  const gateway = useGateway("sqlite", { openModeRecheckMs: 0 });
  let folder: OpensslDir;
  let token: string;

  beforeAll(async () => {
    folder = opensslDir("jwkgw-readme-");
    token = await issue(gateway.app.database, ["keys:read", "keys:read-private", "keys:write"]);
  });
  afterAll(() => folder?.remove());

  // Asynchronous: the gateway runs in this process and must answer curl meanwhile.
  const bash = (script: string, env: Record<string, string> = {}) =>
    promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], {
      cwd: folder.dir,
      env: { PATH: process.env.PATH, HOME: folder.dir, ...env },
      encoding: "utf8",
    });

  async function stored(set: string) {
    const { body } = await gateway.graphql(
      `query($set: String!) { getJsonWebKeySet(set: $set) { keys { kid kty alg use crv d x5c x5tS256 publicKeyPem } } }`,
      { set },
      bearer(token),
    );
    expect(body.errors).toBeUndefined();
    return new Map<string, Record<string, any>>(
      body.data.getJsonWebKeySet.keys.map((key: Record<string, any>) => [key.kid, key]),
    );
  }

  it("the openssl block makes every file it names", async () => {
    const script = readmeBlock("openssl");
    expect(script).toMatch(/^openssl genpkey/m);
    await bash(script);
    for (const file of ["rsa.pem", "ec.pem", "ed25519.pem", "x25519.pub.pem", "ec.crt", "rsa-chain.pem"])
      expect(folder.read(file)).toMatch(/^-----BEGIN /);
  }, 60_000);

  it("the import block imports them into a running gateway, each as openssl holds it", async () => {
    const script = readmeBlock("import");
    expect(script).not.toContain("jwkgw_"); // no token written into the commands
    await bash(script, { GATEWAY: gateway.origin, JWKGW_TOKEN: token });

    const pubout = (file: string) => folder.run("pkey", "-in", file, "-pubout");
    const service = await stored("my-service");
    expect([...service.keys()].sort()).toEqual(["ec-2026", "ec-cert-2026", "ed-2026", "rsa-2026"]);

    const rsa = service.get("rsa-2026")!;
    expect(rsa).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", d: expect.any(String) });
    expect(rsa.publicKeyPem).toBe(pubout("rsa.pem"));
    expect(rsa.x5c).toHaveLength(2);
    const der = (file: string) =>
      execFileSync("openssl", ["x509", "-in", file, "-outform", "DER"], { cwd: folder.dir }).toString("base64");
    expect(rsa.x5c).toEqual([der("rsa.crt"), der("root.crt")]);

    expect(service.get("ec-2026")).toMatchObject({ kty: "EC", crv: "P-256", d: expect.any(String), x5c: null });
    expect(service.get("ec-2026")!.publicKeyPem).toBe(pubout("ec.pem"));
    expect(service.get("ec-cert-2026")).toMatchObject({ kty: "EC", d: null, x5c: [expect.any(String)] });
    expect(service.get("ec-cert-2026")!.publicKeyPem).toBe(pubout("ec.pem"));
    expect(service.get("ed-2026")).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(service.get("ed-2026")!.publicKeyPem).toBe(pubout("ed25519.pem"));

    const enc = (await stored("my-service-enc")).get("x25519-2026")!;
    expect(enc).toMatchObject({ kty: "OKP", crv: "X25519", alg: "ECDH-ES", use: "enc", d: null });
    expect(enc.publicKeyPem).toBe(folder.read("x25519.pub.pem"));
  });

  it("the import block fails loudly (curl -f) when the gateway refuses, e.g. without a token", async () => {
    await expect(bash(readmeBlock("import"), { GATEWAY: gateway.origin, JWKGW_TOKEN: "" })).rejects.toThrow(/401/);
  });
});
