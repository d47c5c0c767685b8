/**
 * The policy's questions (src/auth/policy.ts) for each kind of caller, and the public projection
 * (src/domain/jwk.ts, toPublicJwk) for each key type: the unit-level statement of README, "Access
 * control" and "Private members". test/auth/matrix.test.ts checks the same rules through both
 * transports.
 */
import { describe, expect, it } from "vitest";
import {
  ANONYMOUS,
  INTERNAL_CALLER,
  invalidCredentials,
  OPEN_MODE,
  tokenPrincipal,
  unverified,
  type Principal,
} from "../../src/auth/caller.js";
import {
  authorizeOperation,
  authorizePrivateMembers,
  canReadPrivateMembers,
  OPERATION_SCOPES,
  type Operation,
} from "../../src/auth/policy.js";
import { SCOPES } from "../../src/auth/scopes.js";
import { UnavailableError } from "../../src/errors.js";
import { generateJwk } from "../../src/domain/generate.js";
import { PRIVATE_MEMBERS, PUBLIC_MEMBERS, toPublicJwk, toPublicJwks, type Jwk } from "../../src/domain/jwk.js";

const OPERATIONS = Object.keys(OPERATION_SCOPES) as Operation[];
const refusalOf = (check: () => void) => {
  try {
    check();
    return "allowed";
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).name;
  }
};

describe("the policy's questions", () => {
  it.each(OPERATIONS)(
    "%s: allowed with its scope alone, FORBIDDEN with every other scope, UNAUTHENTICATED without valid credentials",
    (operation) => {
      for (const scope of SCOPES) {
        const holder = tokenPrincipal("0123456789abcdef", "t", [scope]);
        expect(refusalOf(() => authorizeOperation(holder, operation))).toBe(
          scope === OPERATION_SCOPES[operation] ? "allowed" : "FORBIDDEN",
        );
      }
      expect(refusalOf(() => authorizeOperation(ANONYMOUS, operation))).toBe("UNAUTHENTICATED");
      expect(refusalOf(() => authorizeOperation(invalidCredentials(), operation))).toBe("UNAUTHENTICATED");
      expect(refusalOf(() => authorizeOperation(OPEN_MODE, operation))).toBe("allowed");
      expect(refusalOf(() => authorizeOperation(INTERNAL_CALLER, operation))).toBe("allowed");
    },
  );

  it("a FORBIDDEN answer names the scope the operation needs", () => {
    const reader = tokenPrincipal("0123456789abcdef", "t", ["keys:read"]);
    expect(() => authorizeOperation(reader, "auditEvents")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", scope: "audit:read" }),
    );
  });

  it("private members: visible with keys:read-private only, and the check refuses exactly when the question says no", () => {
    const principals: [Principal, boolean][] = [
      [tokenPrincipal("0123456789abcdef", "t", ["keys:read-private"]), true],
      [tokenPrincipal("0123456789abcdef", "t", ["keys:read", "keys:write", "audit:read"]), false],
      [OPEN_MODE, true],
      [INTERNAL_CALLER, true],
      [ANONYMOUS, false],
      [invalidCredentials(), false],
    ];
    for (const [principal, visible] of principals) {
      expect(canReadPrivateMembers(principal)).toBe(visible);
      expect(refusalOf(() => authorizePrivateMembers(principal)) === "allowed").toBe(visible);
    }
  });

  it("credentials that could not be checked refuse every question with why", () => {
    const failure = new UnavailableError();
    const principal = unverified(failure);
    for (const operation of OPERATIONS) expect(() => authorizeOperation(principal, operation)).toThrow(failure);
    expect(() => authorizePrivateMembers(principal)).toThrow(failure);
    expect(canReadPrivateMembers(principal)).toBe(false);
  });
});

describe("the public projection of each key type", () => {
  const generate = (alg: string) => generateJwk({ alg, kid: alg, use: "sig" }, { rsaModulusLength: 2048 });
  const publicOnly = (key: Jwk) =>
    Object.keys(key).every((member) => (PUBLIC_MEMBERS as readonly string[]).includes(member));

  it.each([
    ["RS256", "RSA", ["use", "kty", "kid", "alg", "n", "e"]],
    ["ES256", "EC", ["use", "kty", "kid", "crv", "alg", "x", "y"]],
    ["EdDSA", "OKP", ["use", "kty", "kid", "crv", "alg", "x"]],
  ])("%s (%s): the public half, the same whatever is asked of symmetric keys", async (alg, kty, members) => {
    const key = await generate(alg);
    expect(key.kty).toBe(kty);
    expect(key.d).toEqual(expect.any(String));
    for (const symmetric of ["omit", "describe"] as const) {
      const projected = toPublicJwk(key, symmetric)!;
      expect(Object.keys(projected).sort()).toEqual([...members].sort());
      expect(PRIVATE_MEMBERS.some((member) => member in projected)).toBe(false);
    }
  });

  it("oct: left out by default and when asked to omit; described by kty, kid, alg, use (never k) when asked to describe", async () => {
    const key = await generate("HS256");
    expect(key.k).toEqual(expect.any(String));
    expect(toPublicJwk(key)).toBeUndefined();
    expect(toPublicJwk(key, "omit")).toBeUndefined();
    expect(toPublicJwk(key, "describe")).toEqual({ use: "sig", kty: "oct", kid: "HS256", alg: "HS256" });

    const ec = await generate("ES256");
    expect(toPublicJwks([key, ec]).map((projected) => projected.kid)).toEqual(["ES256"]);
    const described = toPublicJwks([key, ec], "describe");
    expect(described.map((projected) => projected.kid)).toEqual(["HS256", "ES256"]);
    expect(described.every(publicOnly)).toBe(true);
  });
});
