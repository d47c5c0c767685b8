/**
 * `jwk-gateway keys …` as a person or a script runs it: the command (bin/jwk-gateway.js) in a process
 * of its own against a real gateway on SQLite with API tokens, keys made by the real openssl. Each
 * run pays tsx's start-up, so independent runs go in parallel and each test asserts on a batch.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { calculateJwkThumbprint } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/main.js";
import { useGateway } from "../support/gateway.js";
import { opensslDir, opensslPublicPem, type OpensslDir } from "../support/openssl.js";
import { issue } from "../support/tokens.js";

// Several runs of a ~1 s start-up each per test, on shared cores.
describe("jwk-gateway keys against a running gateway", { timeout: 180_000 }, () => {
  const gateway = useGateway("sqlite", { openModeRecheckMs: 0 });
  let openssl: OpensslDir;
  let env: Record<string, string>;
  let readWriteOnly: string;

  beforeAll(async () => {
    const all = await issue(gateway.app.database, ["keys:read", "keys:write", "keys:read-private"]);
    readWriteOnly = await issue(gateway.app.database, ["keys:read", "keys:write"]);
    env = { JWKGW_ENDPOINT: `${gateway.origin}/graphql`, JWKGW_TOKEN: all };
    openssl = opensslDir();
    openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "ec.pem");
    openssl.run("genpkey", "-algorithm", "ED25519", "-out", "ed.pem");
    openssl.write("garbage.pem", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
  });
  afterAll(() => openssl?.remove());

  const cli = (...args: string[]) => runCli(["keys", ...args], env);
  const parse = (run: { code: number | null; stdout: string; stderr: string }) => {
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it("create, list and get: tables for people, JSON that parses for scripts", async () => {
    const [es, ed] = await Promise.all([
      cli("create", "web", "--alg", "ES256", "--kid", "es-1", "--json"),
      cli("create", "web", "--alg", "EdDSA", "--kid", "ed-1"),
    ]);
    const created = parse(es);
    expect(created).toMatchObject({ set: "web", kid: "es-1", kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(created).not.toHaveProperty("d");
    expect(ed).toMatchObject({ code: 0 });
    expect(ed.stdout).toMatch(/^created\n/);
    expect(ed.stdout).toMatch(/^kid: +ed-1$/m);
    expect(ed.stdout).toContain("-----BEGIN PUBLIC KEY-----");

    const [listJson, listTable, get, allSets] = await Promise.all([
      cli("list", "web", "--json"),
      cli("list", "web"),
      cli("get", "web", "es-1", "--json"),
      cli("list", "--json"),
    ]);
    // Without a set: every set with its key count.
    expect(parse(allSets)).toContainEqual(expect.objectContaining({ set: "web", keyCount: 2 }));
    const listed = parse(listJson);
    expect(listed.set).toBe("web");
    expect(listed.keys.map((key: any) => key.kid).sort()).toEqual(["ed-1", "es-1"]);
    expect(listed.keys.filter((key: any) => key.isSigningKey)).toHaveLength(1);
    for (const key of listed.keys) {
      expect(key.state).toBe("ACTIVE");
      expect(key).not.toHaveProperty("d");
    }
    const signing = listed.keys.find((key: any) => key.isSigningKey).kid;
    expect(listTable.code, listTable.stderr).toBe(0);
    const lines = listTable.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^set web: 2 key\\(s\\), signing key ${signing}, no rotation policy`));
    expect(lines[1]).toMatch(/^KID +ALG +USE +STATE +SIGNS +CREATED/);
    expect(lines.find((line) => line.startsWith(signing))).toMatch(/ ACTIVE +yes /);

    const key = parse(get);
    const jwk = { kty: key.kty, crv: key.crv, x: key.x, y: key.y };
    expect(key).toMatchObject({ set: "web", kid: "es-1", state: "ACTIVE" });
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(jwk));
  });

  it("import a PEM file from openssl; export PEM equal to openssl pkey -pubout; --private PEM round-trips", async () => {
    const [rsaRun, ecRun, ed] = await Promise.all([
      cli("import", "byo", path.join(openssl.dir, "rsa.pem"), "--alg", "RS256", "--kid", "rsa", "--json"),
      cli("import", "byo", path.join(openssl.dir, "ec.pem"), "--alg", "ES384", "--json"),
      cli("import", "byo", path.join(openssl.dir, "ed.pem"), "--alg", "EdDSA", "--kid", "ed"),
    ]);
    const [rsa, ec] = [parse(rsaRun), parse(ecRun)];
    expect(rsa).toMatchObject({ set: "byo", kid: "rsa", kty: "RSA", alg: "RS256" });
    // Kid omitted: the RFC 7638 thumbprint.
    expect(ec.kid).toBe(ec.thumbprint);
    expect(ed.code, ed.stderr).toBe(0);
    expect(ed.stdout).toMatch(/^imported\n/);
    expect(ed.stdout).toMatch(/^kty: +OKP$/m);

    const written = path.join(openssl.dir, "ec-private.pem");
    const [rsaPublic, rsaPrivate, ecFile, edPrivate, jwks, privateJwk, refused] = await Promise.all([
      cli("export", "byo", "rsa", "--format", "pem"),
      cli("export", "byo", "rsa", "--format", "pem", "--private"),
      cli("export", "byo", ec.kid, "--format", "pem", "--private", "--output", written),
      cli("export", "byo", "ed", "--format", "pem", "--private"),
      cli("export", "byo"),
      cli("export", "byo", "rsa", "--private"),
      runCli(["keys", "export", "byo", "rsa", "--format", "pem", "--private"], { ...env, JWKGW_TOKEN: readWriteOnly }),
    ]);
    expect(rsaPublic.code, rsaPublic.stderr).toBe(0);
    expect(rsaPublic.stdout).toBe(opensslPublicPem(openssl, openssl.read("rsa.pem")));

    // PKCS#8 from the private JWK: openssl reads it as the very key it generated.
    const normalized = (pem: string) => {
      openssl.write("normalize.pem", pem);
      return openssl.run("pkey", "-in", "normalize.pem");
    };
    expect(rsaPrivate.code, rsaPrivate.stderr).toBe(0);
    expect(rsaPrivate.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(normalized(rsaPrivate.stdout)).toBe(normalized(openssl.read("rsa.pem")));
    expect(edPrivate.code, edPrivate.stderr).toBe(0);
    expect(normalized(edPrivate.stdout)).toBe(normalized(openssl.read("ed.pem")));
    expect(ecFile).toMatchObject({ code: 0, stdout: "" });
    expect(ecFile.stderr).toContain(`wrote ${written}`);
    expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(normalized(openssl.read("ec-private.pem"))).toBe(normalized(openssl.read("ec.pem")));

    // Public by default: a JWK Set without a private member; --private adds them.
    const set = parse(jwks);
    expect(set.keys.map((key: any) => key.kid).sort()).toEqual([ec.kid, "ed", "rsa"].sort());
    for (const key of set.keys)
      for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(member);
    expect(parse(privateJwk)).toMatchObject({ kty: "RSA", kid: "rsa", d: expect.any(String), p: expect.any(String) });

    // --private without keys:read-private: the auth exit status and what to do, no key material.
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("--private needs a token with the keys:read-private scope");
    expect(refused.stdout).toBe("");
  });

  it("oct keys: no public form, no PEM; their JWK only with --private", async () => {
    expect((await cli("create", "mac", "--alg", "HS256", "--kid", "h")).code).toBe(0);
    const [pem, pub, jwk] = await Promise.all([
      cli("export", "mac", "h", "--format", "pem", "--private"),
      cli("export", "mac", "h"),
      cli("export", "mac", "h", "--private"),
    ]);
    expect(pem).toMatchObject({ code: 2, stdout: "" });
    expect(pem.stderr).toMatch(/symmetric \(oct\) key: PEM holds asymmetric keys only; use --format jwk/);
    expect(pub.code).toBe(2);
    expect(pub.stderr).toContain("has no public form");
    expect(parse(jwk)).toMatchObject({ kty: "oct", kid: "h", k: expect.any(String) });
    expect(pem.stderr).not.toContain(parse(jwk).k);
  });

  it("rotate, revoke, policy and delete, with not found and conflict as exit statuses", async () => {
    expect((await cli("create", "rot", "--alg", "ES256", "--kid", "r1")).code).toBe(0);
    const rotated = parse(await cli("rotate", "rot", "--kid", "r2", "--json"));
    expect(rotated.keys.find((key: any) => key.isSigningKey).kid).toBe("r2");
    expect(rotated.keys.find((key: any) => key.kid === "r1").state).toBe("RETIRED");

    const [revoked, policy] = await Promise.all([
      cli("revoke", "rot", "r1", "--json"),
      cli(
        "policy",
        "rot",
        "--alg",
        "ES256",
        "--period",
        "90d",
        "--publish-ahead",
        "14d",
        "--retirement",
        "1d",
        "--json",
      ),
    ]);
    expect(parse(revoked)).toMatchObject({ kid: "r1", state: "REVOKED", revokedAt: expect.any(String) });
    expect(parse(policy).rotationPolicy).toMatchObject({
      alg: "ES256",
      rotationPeriodSeconds: 7_776_000,
      publishAheadSeconds: 1_209_600,
      retirementPeriodSeconds: 86_400,
    });
    // Under a policy, the only signing key cannot be revoked: nothing would take over.
    const revokeSigning = await cli("revoke", "rot", "r2");
    expect(revokeSigning.code).toBe(5);
    expect(revokeSigning.stderr).toContain("[FAILED_PRECONDITION]");
    // A key published ahead by hand is NEXT until the next rotation.
    const ahead = parse(await cli("create", "rot", "--alg", "ES256", "--kid", "r3", "--state", "next", "--json"));
    expect(ahead).toMatchObject({ kid: "r3", state: "NEXT", isSigningKey: false });

    const [removed, deleted, again, missing] = await Promise.all([
      cli("policy", "rot", "--remove"),
      cli("delete", "rot", "r1"),
      cli("get", "rot", "nope"),
      cli("list", "no-such-set"),
    ]);
    expect(removed).toMatchObject({ code: 0, stdout: "rot: no rotation policy (rotation by hand)\n" });
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted key "r1" of "rot"\n' });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("[NOT_FOUND]");
    expect(missing.code).toBe(4);

    const [deleteAgain, deleteSet] = await Promise.all([cli("delete", "rot", "r1"), cli("delete", "mac")]);
    expect(deleteAgain).toMatchObject({
      code: 4,
      stderr: 'jwk-gateway: nothing to delete: no key "r1" of "rot" [NOT_FOUND]\n',
    });
    expect(deleteSet).toMatchObject({ code: 0, stdout: 'deleted set "mac"\n' });
    expect((await cli("list", "mac")).code).toBe(4);
  });

  it("refusals: bad token, no token, bad input, bad usage, no gateway; --help everywhere", async () => {
    const runs = await Promise.all([
      runCli(["keys", "list", "web", "--token", `jwkgw_0123456789abcdef_${"A".repeat(43)}`], {
        ...env,
        JWKGW_TOKEN: "",
      }),
      runCli(["keys", "list", "web"], { ...env, JWKGW_TOKEN: "" }),
      cli("import", "byo", path.join(openssl.dir, "garbage.pem"), "--alg", "RS256"),
      cli("import", "byo", path.join(openssl.dir, "absent.pem"), "--alg", "RS256"),
      cli("create", "web"),
      cli("list", "web", "--endpoint", "http://127.0.0.1:9/graphql"),
    ]);
    const [badToken, noToken, garbage, absent, noAlg, unreachable] = runs;
    for (const run of runs) expect(run.stdout).toBe("");
    expect(badToken.code).toBe(3);
    expect(badToken.stderr).toMatch(/\[UNAUTHENTICATED\]/);
    expect(badToken.stderr).toContain("was refused");
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toContain("set JWKGW_TOKEN");
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain("[BAD_USER_INPUT]");
    expect(absent).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read") });
    expect(noAlg.code).toBe(1);
    expect(noAlg.stderr).toContain("required option '--alg <alg>' not specified");
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toContain("cannot reach the gateway at http://127.0.0.1:9/graphql");

    const helps = await Promise.all(
      [
        ["--help"],
        ["keys", "--help"],
        ["keys", "export", "--help"],
        ["keys", "policy", "--help"],
        ["token", "--help"],
        ["secrets", "rotate", "--help"],
        ["migrate", "--help"],
      ].map((args) => runCli(args, env)),
    );
    for (const help of helps) {
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: jwk-gateway/);
    }
    expect(helps[2].stdout).toContain("--private");
    expect(helps[4].stdout).toContain("token create --name <name> --scopes");
  });
});
