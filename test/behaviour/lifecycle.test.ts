/**
 * Key lifecycle and rotation (README, "Key rotation"), on every store, through GraphQL and REST:
 * months of scheduled rotations under a simulated clock, the guard rails and the policy rules, what
 * each transport publishes, and concurrent rotations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateJsonWebKeySetDocument,
  GetJsonWebKeySetLifecycleDocument,
  RevokeJsonWebKeyDocument,
  RotateJsonWebKeySetDocument,
  SetJsonWebKeySetRotationPolicyDocument,
  type KeyLifecycleFragment,
} from "../../client/gql/graphql.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { startGateway, useGateway, type RunningGateway } from "../support/gateway.js";
import { auditRows, keyRows, policyRows } from "../support/rows.js";
import { es256, newSet } from "./fixtures.js";

const DAY = 86_400;
const DAY_MS = DAY * 1000;

/** A clock the test moves; starts now, so keys stored by the seed operations (real time) are not from the future. */
function simulatedClock() {
  let now = Date.now();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms), at: () => now };
}

type Client = RunningGateway["client"];

async function lifecycleOf(client: Client, set: string) {
  const { data, errors } = await client.request(GetJsonWebKeySetLifecycleDocument, { set });
  expect(errors).toBeUndefined();
  return data!.getJsonWebKeySet;
}

async function publishedKids(gateway: RunningGateway): Promise<string[]> {
  const response = await fetch(`${gateway.origin}/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

describe.each(await providers())("key lifecycle on %s", (provider) => {
  describe("twelve scheduled rotations under a simulated clock (period 30 d, publish-ahead 1 d, retirement 2 d)", () => {
    const clock = simulatedClock();
    const set = "hydra.openid.id-token"; // a broadcast set: the JWKS publishes it
    const gateway = useGateway(provider, { clock: clock.now });

    it("at every step the signing key is published first, every key that signed in the last 2 d is published, the NEXT key was published ≥ 1 d before it signed, and no REVOKED key is ever published", async () => {
      const created = await gateway.client.request(CreateJsonWebKeySetDocument, { set, input: { alg: "ES256" } });
      expect(created.errors).toBeUndefined();
      const policy = await gateway.client.request(SetJsonWebKeySetRotationPolicyDocument, {
        set,
        policy: {
          alg: "ES256",
          rotationPeriodSeconds: 30 * DAY,
          publishAheadSeconds: DAY,
          retirementPeriodSeconds: 2 * DAY,
        },
      });
      expect(policy.errors).toBeUndefined();
      expect(policy.data!.setJsonWebKeySetRotationPolicy.rotationPolicy).toMatchObject({
        alg: "ES256",
        rotationPeriodSeconds: 30 * DAY,
        publishAheadSeconds: DAY,
        retirementPeriodSeconds: 2 * DAY,
      });

      const lastSigned = new Map<string, number>(); // kid → last moment it was seen signing
      const firstPublished = new Map<string, number>(); // kid → first moment it was seen in the JWKS
      const revoked = new Set<string>();
      const signers: string[] = [];
      const step = DAY_MS / 2;
      for (let elapsed = 0; signers.length < 13; elapsed += step) {
        if (elapsed > 400 * DAY_MS) throw new Error(`only ${signers.length - 1} rotations in 400 simulated days`);
        clock.advance(step);
        await gateway.app.scheduler.runOnce();
        const now = clock.at();
        const state = await lifecycleOf(gateway.client, set);
        const published = await publishedKids(gateway);
        const signer = state.signingKey!;
        expect(signer, "the set always has a signing key").toBeTruthy();

        expect(published[0], "the signing key is published first").toBe(signer.kid);
        for (const kid of published) if (!firstPublished.has(kid)) firstPublished.set(kid, now);
        lastSigned.set(signer.kid, now);
        for (const [kid, at] of lastSigned) {
          // (The key this test revokes is unpublished on purpose.)
          if (now - at <= 2 * DAY_MS && !revoked.has(kid))
            expect(published, `${kid} signed in the last 2 d`).toContain(kid);
        }
        for (const kid of revoked) expect(published, "a REVOKED key is never published").not.toContain(kid);
        for (const key of state.keys) {
          if (key.state === "REVOKED") expect(published).not.toContain(key.kid);
          if (key.state === "RETIRED" && ms(key.publishedUntil) <= now) expect(published).not.toContain(key.kid);
        }

        if (signers.at(-1) !== signer.kid) {
          signers.push(signer.kid);
          if (signers.length > 1) {
            // It was a NEXT key, published at least a day before it signed.
            expect(ms(signer.activatedAt) - ms(signer.createdAt)).toBeGreaterThanOrEqual(DAY_MS);
            expect(firstPublished.get(signer.kid)! <= ms(signer.activatedAt) - DAY_MS + step).toBe(true);
            expect(firstPublished.get(signer.kid)!).toBeLessThan(now);
          }
          // After the third rotation, the key that retired is found compromised and revoked.
          if (signers.length === 4) {
            const retired = state.keys.find((key) => key.state === "RETIRED" && ms(key.publishedUntil) > now)!;
            const revocation = await gateway.client.request(RevokeJsonWebKeyDocument, { set, kid: retired.kid });
            expect(revocation.errors).toBeUndefined();
            expect(revocation.data!.revokeJsonWebKey.state).toBe("REVOKED");
            revoked.add(retired.kid);
            expect(await publishedKids(gateway)).not.toContain(retired.kid);
          }
        }
      }

      // Twelve rotations and twelve NEXT keys published ahead, each once, each audited as the scheduler.
      expect(new Set(signers).size).toBe(13);
      const audit = (await auditRows(gateway.databaseUrl)).filter((row) => row.actor === "scheduler");
      expect(audit.filter((row) => row.operation === "rotateJsonWebKeySet")).toHaveLength(12);
      expect(audit.filter((row) => row.operation === "publishNextJsonWebKey")).toHaveLength(12);
      expect(audit.every((row) => row.outcome === "ok" && row.transport === "scheduler" && row.set === set)).toBe(true);
      const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
      expect(metrics).toMatch(/jwkgw_lifecycle_steps_total\{step="rotate",trigger="scheduler"\} 12/);
      expect(metrics).toMatch(/jwkgw_lifecycle_steps_total\{step="publish-next",trigger="scheduler"\} 12/);
    }, 180_000);
  });

  describe("rotation by hand, guard rails and policy rules", () => {
    const gateway = useGateway(provider);
    const rest = (method: string, path: string, body?: unknown) =>
      fetch(`${gateway.origin}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const graphqlError = async (query: string, variables: Record<string, unknown>) => {
      const { body } = await gateway.graphql(query, variables);
      expect(body.errors, JSON.stringify(body)).toHaveLength(1);
      return body.errors[0] as { message: string; extensions: { code: string; reason?: string } };
    };
    const nothingChanged = async (work: () => Promise<void>) => {
      const keys = await keyRows(gateway.databaseUrl);
      const policies = await policyRows(gateway.databaseUrl);
      await work();
      expect(await keyRows(gateway.databaseUrl)).toEqual(keys);
      expect(await policyRows(gateway.databaseUrl)).toEqual(policies);
    };

    it("keys made by the seed operations are ACTIVE and the newest signs (Hydra's rule); REST answers keep Hydra's shape", async () => {
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "old" });
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "new" });
      const state = await lifecycleOf(gateway.client, set);
      expect(state.keys.map((key) => [key.kid, key.state, key.isSigningKey])).toEqual([
        ["new", "ACTIVE", true],
        ["old", "ACTIVE", false],
      ]);
      expect(state.signingKey!.kid).toBe("new");
      expect(state.rotationPolicy).toBeNull();
      const body = (await (await rest("GET", `/admin/keys/${set}`)).json()) as { keys: Record<string, unknown>[] };
      expect(body.keys.map((key) => key.kid)).toEqual(["new", "old"]);
      expect(Object.keys(body.keys[0]).sort()).toEqual(["alg", "crv", "d", "kid", "kty", "use", "x", "y"]);
    });

    it("rotation promotes the NEXT key, retires the ACTIVE ones for the retirement period, over GraphQL and REST", async () => {
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "a" });
      const next = await gateway.client.request(CreateJsonWebKeySetDocument, {
        set,
        input: { alg: "ES256", kid: "n", state: "NEXT" },
      });
      expect(next.errors).toBeUndefined();
      expect((await lifecycleOf(gateway.client, set)).signingKey!.kid).toBe("a");
      expect(await (await rest("GET", `/keys/${set}`)).json()).toMatchObject({ keys: [{ kid: "a" }, { kid: "n" }] });

      const rotated = await gateway.client.request(RotateJsonWebKeySetDocument, { set });
      expect(rotated.errors).toBeUndefined();
      const { signingKey, keys } = rotated.data!.rotateJsonWebKeySet;
      expect(signingKey!.kid).toBe("n");
      const retired = keys.find((key) => key.kid === "a")!;
      expect(retired.state).toBe("RETIRED");
      // Without a policy: the documented default of 14 days.
      expect(ms(retired.publishedUntil) - ms(retired.retiredAt)).toBe(14 * DAY_MS);

      // REST: no NEXT key, so a new key is generated (the signing key's alg, or the one asked for).
      const response = await rest("POST", `/admin/keys/${set}/rotate`, { alg: "EdDSA", kid: "r" });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { keys: Record<string, unknown>[] };
      expect(body.keys[0]).toMatchObject({ kid: "r", alg: "EdDSA", crv: "Ed25519" });
      expect(body.keys.map((key) => key.kid)).toEqual(["r", "n", "a"]);
      const after = await lifecycleOf(gateway.client, set);
      expect(after.keys.map((key) => [key.kid, key.state])).toEqual([
        ["r", "ACTIVE"],
        ["n", "RETIRED"],
        ["a", "RETIRED"],
      ]);
      // A bodiless rotation works too.
      expect((await rest("POST", `/keys/${set}/rotate`)).status).toBe(200);
      expect((await lifecycleOf(gateway.client, set)).signingKey!.alg).toBe("EdDSA");
    });

    it("a policy that publishes ahead gets its NEXT key at each rotation by hand", async () => {
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "a" });
      const policy = await gateway.client.request(SetJsonWebKeySetRotationPolicyDocument, {
        set,
        policy: { alg: "ES384", rotationPeriodSeconds: 0, publishAheadSeconds: DAY, retirementPeriodSeconds: 3600 },
      });
      expect(policy.errors).toBeUndefined();
      expect(policy.data!.setJsonWebKeySetRotationPolicy.rotationPolicy!.nextRotationAt).toBeNull();
      const rotated = (await gateway.client.request(RotateJsonWebKeySetDocument, { set })).data!.rotateJsonWebKeySet;
      expect(rotated.keys.map((key) => [key.alg, key.state])).toEqual([
        ["ES384", "ACTIVE"],
        ["ES384", "NEXT"],
        ["ES256", "RETIRED"],
      ]);
      const again = (await gateway.client.request(RotateJsonWebKeySetDocument, { set })).data!.rotateJsonWebKeySet;
      const promoted = rotated.keys[1].kid;
      expect(again.signingKey!.kid).toBe(promoted);
      expect(again.keys.filter((key) => key.state === "NEXT")).toHaveLength(1);
      // Removing the policy: null.
      const removed = await gateway.client.request(SetJsonWebKeySetRotationPolicyDocument, { set, policy: null });
      expect(removed.data!.setJsonWebKeySetRotationPolicy.rotationPolicy).toBeNull();
      expect(await policyRows(gateway.databaseUrl)).not.toContainEqual(expect.objectContaining({ set }));
    });

    it("revoking or deleting the only signing key of a set with a policy is refused (FAILED_PRECONDITION, REST 409) and changes nothing", async () => {
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "only" });
      await gateway.app.service.setJsonWebKeySetRotationPolicy(set, { alg: "ES256", publishAheadSeconds: 0 });
      await nothingChanged(async () => {
        const revoke = await graphqlError(
          `mutation($set: String!, $kid: String!) { revokeJsonWebKey(set: $set, kid: $kid) { kid } }`,
          { set, kid: "only" },
        );
        expect(revoke.extensions).toMatchObject({ code: "FAILED_PRECONDITION", reason: "SIGNING_KEY_REQUIRED" });
        expect(revoke.message).toMatch(/rotate the set first/);
        const remove = await graphqlError(
          `mutation($set: String!, $kid: String!) { deleteJsonWebKey(set: $set, kid: $kid) }`,
          { set, kid: "only" },
        );
        expect(remove.extensions.code).toBe("FAILED_PRECONDITION");
        for (const [method, path] of [
          ["POST", `/admin/keys/${set}/only/revoke`],
          ["DELETE", `/admin/keys/${set}/only`],
          ["DELETE", `/keys/${set}/only`],
        ]) {
          const response = await rest(method, path);
          expect(response.status, `${method} ${path}`).toBe(409);
          expect(await response.json()).toEqual({
            error: "Failed Precondition",
            error_description: expect.stringMatching(/rotate the set first/),
          });
        }
      });
      // With a NEXT key to take over, revoking the signer promotes it.
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "standby", state: "NEXT" });
      const response = await rest("POST", `/admin/keys/${set}/only/revoke`);
      expect(response.status).toBe(200);
      expect(await response.json()).not.toHaveProperty("d");
      const state = await lifecycleOf(gateway.client, set);
      expect(state.signingKey!.kid).toBe("standby");
      expect(state.keys.find((key) => key.kid === "only")!.state).toBe("REVOKED");
      // Hydra clients never see a revoked key: not in the set, not found alone, its kid never reused.
      expect(((await (await rest("GET", `/admin/keys/${set}`)).json()) as { keys: { kid: string }[] }).keys).toEqual([
        expect.objectContaining({ kid: "standby" }),
      ]);
      expect((await rest("GET", `/admin/keys/${set}/only`)).status).toBe(404);
      await nothingChanged(async () => {
        const reuse = await rest("PUT", `/admin/keys/${set}/only`, await es256("only"));
        expect(reuse.status).toBe(409);
        const reused = await graphqlError(
          `mutation($set: String!, $kid: String!, $input: JsonWebKeyInput!) { updateJsonWebKey(set: $set, kid: $kid, input: $input) { kid } }`,
          { set, kid: "only", input: await es256("only") },
        );
        expect(reused.extensions).toMatchObject({ code: "FAILED_PRECONDITION", reason: "KID_REVOKED" });
      });
      // Without a policy, the signing key may go: the set is left without a signer, as Hydra leaves an emptied set.
      const free = newSet();
      await gateway.app.service.createJsonWebKeySet(free, { alg: "ES256", kid: "k" });
      expect((await rest("POST", `/keys/${free}/k/revoke`)).status).toBe(200);
      expect((await lifecycleOf(gateway.client, free)).signingKey).toBeNull();
    });

    it.each([
      [{ alg: "ES256", rotationPeriodSeconds: 86_400, publishAheadSeconds: 86_400 }, "PUBLISH_AHEAD_TOO_LONG"],
      [{ alg: "ES256", rotationPeriodSeconds: 86_400, publishAheadSeconds: 90_000 }, "PUBLISH_AHEAD_TOO_LONG"],
      [{ alg: "ES256", rotationPeriodSeconds: -1 }, "NEGATIVE_PERIOD"],
      [{ alg: "ES256", publishAheadSeconds: -5 }, "NEGATIVE_PERIOD"],
      [{ alg: "ES256", retirementPeriodSeconds: -1 }, "NEGATIVE_PERIOD"],
      [{ alg: "ES256", rotationPeriodSeconds: 30, publishAheadSeconds: 0 }, "ROTATION_PERIOD_TOO_SHORT"],
      [{ alg: "none" }, "UNSUPPORTED_ALGORITHM"],
      [{ alg: "A256GCM" }, "UNSUPPORTED_ALGORITHM"],
    ])("the policy %j is refused with BAD_USER_INPUT (%s), nothing stored", async (policy, reason) => {
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256" });
      await nothingChanged(async () => {
        const error = await graphqlError(
          `mutation($set: String!, $policy: JsonWebKeyRotationPolicyInput) { setJsonWebKeySetRotationPolicy(set: $set, policy: $policy) { set } }`,
          { set, policy },
        );
        expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason });
      });
    });

    it("bad rotations: an unknown set (NOT_FOUND), an alg the gateway does not generate (BAD_USER_INPUT), a NEXT key of another alg (FAILED_PRECONDITION), on both transports", async () => {
      const rotate = `mutation($set: String!, $input: RotateJsonWebKeySetInput) { rotateJsonWebKeySet(set: $set, input: $input) { set } }`;
      const missing = newSet();
      expect((await graphqlError(rotate, { set: missing })).extensions.code).toBe("NOT_FOUND");
      expect((await rest("POST", `/admin/keys/${missing}/rotate`)).status).toBe(404);

      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "a" });
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "n", state: "NEXT" });
      await nothingChanged(async () => {
        expect((await graphqlError(rotate, { set, input: { alg: "RS1" } })).extensions.code).toBe("BAD_USER_INPUT");
        const restBad = await rest("POST", `/admin/keys/${set}/rotate`, { alg: "RS1" });
        expect(restBad.status).toBe(400);
        const mismatch = await graphqlError(rotate, { set, input: { alg: "EdDSA" } });
        expect(mismatch.extensions).toMatchObject({ code: "FAILED_PRECONDITION", reason: "NEXT_KEY_ALG_MISMATCH" });
        expect((await rest("POST", `/admin/keys/${set}/rotate`, { alg: "EdDSA" })).status).toBe(409);
        const retiredState = await graphqlError(
          `mutation($set: String!, $input: JsonWebKeySetGeneratorRequest!) { createJsonWebKeySet(set: $set, input: $input) { set } }`,
          { set, input: { alg: "ES256", state: "RETIRED" } },
        );
        expect(retiredState.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "BAD_INITIAL_STATE" });
        expect((await rest("POST", `/admin/keys/${set}`, { alg: "ES256", state: "REVOKED" })).status).toBe(400);
      });
    });

    it("concurrent rotations of one set run one after the other: never two ACTIVE keys, never a set without a signer", async () => {
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "start" });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          i % 2 === 0
            ? gateway.client.request(RotateJsonWebKeySetDocument, { set })
            : rest("POST", `/admin/keys/${set}/rotate`).then(async (response) => ({
                errors: response.status === 200 ? undefined : [await response.json()],
              })),
        ),
      );
      for (const result of results) expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      const state = await lifecycleOf(gateway.client, set);
      expect(state.keys).toHaveLength(7);
      expect(state.keys.filter((key) => key.state === "ACTIVE")).toHaveLength(1);
      expect(state.keys.filter((key) => key.state === "RETIRED")).toHaveLength(6);
      // Each rotation retired exactly the key the previous one activated: a chain, no fork.
      const byActivation = [...state.keys].sort((a, b) => ms(a.activatedAt) - ms(b.activatedAt));
      for (let i = 1; i < byActivation.length; i++) {
        expect(ms(byActivation[i - 1].retiredAt)).toBe(ms(byActivation[i].activatedAt));
      }
      const audit = (await auditRows(gateway.databaseUrl)).filter(
        (row) => row.set === set && row.operation === "rotateJsonWebKeySet",
      );
      expect(audit.map((row) => row.outcome)).toEqual(Array(6).fill("ok"));
    });

    it("a policy on a missing set is NOT_FOUND; a policy on an old key never makes a key sign before it was published ahead", async () => {
      const missing = await graphqlError(
        `mutation($set: String!, $policy: JsonWebKeyRotationPolicyInput) { setJsonWebKeySetRotationPolicy(set: $set, policy: $policy) { set } }`,
        { set: newSet(), policy: { alg: "ES256" } },
      );
      expect(missing.extensions.code).toBe("NOT_FOUND");
      const set = newSet();
      await gateway.app.service.createJsonWebKeySet(set, { alg: "ES256" });
      const before = Date.now();
      const { rotationPolicy } = await gateway.app.service
        .setJsonWebKeySetRotationPolicy(set, { alg: "ES256", rotationPeriodSeconds: 60, publishAheadSeconds: 30 })
        .then(() => lifecycleOf(gateway.client, set));
      // 60 s after the key became active, but no sooner than 30 s (publish-ahead) from now.
      expect(ms(rotationPolicy!.nextRotationAt)).toBeGreaterThanOrEqual(before + 30_000);
    });
  });
});

describe.each((await providers()).filter((provider) => provider === "postgres"))(
  "two gateways on one %s database",
  (provider) => {
    let database: FreshDatabase;
    let a: RunningGateway;
    let b: RunningGateway;
    const clock = simulatedClock();

    beforeAll(async () => {
      database = await freshDatabase(provider);
      a = await startGateway({ databaseUrl: database.url, clock: clock.now });
      b = await startGateway({ databaseUrl: database.url, clock: clock.now, migrated: true });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
      await database?.cleanup();
    });

    it("with the same policy each scheduled step happens exactly once (rows and audit records), however the runs overlap", async () => {
      const set = "hydra.jwt.access-token";
      await a.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "k0" });
      await b.app.service.setJsonWebKeySetRotationPolicy(set, {
        alg: "ES256",
        rotationPeriodSeconds: 30 * DAY,
        publishAheadSeconds: DAY,
        retirementPeriodSeconds: 2 * DAY,
      });
      for (let day = 0; day < 95; day++) {
        clock.advance(DAY_MS / 2);
        // Both gateways run their scheduler at the same moment, several times over.
        await Promise.all([a.app.scheduler.runOnce(), b.app.scheduler.runOnce(), a.app.scheduler.runOnce()]);
        clock.advance(DAY_MS / 2);
        await Promise.all([b.app.scheduler.runOnce(), a.app.scheduler.runOnce()]);
      }
      // 95 days: NEXT keys published at days 29, 59 and 89, promoted at days 30, 60 and 90.
      const keys = await keyRows(database.url);
      expect(keys.filter((row) => row.set === set)).toHaveLength(4);
      const audit = (await auditRows(database.url)).filter((row) => row.actor === "scheduler");
      expect(audit.filter((row) => row.operation === "publishNextJsonWebKey")).toHaveLength(3);
      expect(audit.filter((row) => row.operation === "rotateJsonWebKeySet")).toHaveLength(3);
      const state = await lifecycleOf(a.client, set);
      expect(state.keys.map((key) => key.state)).toEqual(["ACTIVE", "RETIRED", "RETIRED", "RETIRED"]);
    });

    it("after a rotation on one gateway, the very next JWKS read on the other shows the new signer", async () => {
      const set = "hydra.openid.id-token";
      await a.app.service.createJsonWebKeySet(set, { alg: "ES256", kid: "before" });
      expect((await publishedKids(b))[0]).toBe("before");
      for (let i = 0; i < 5; i++) {
        const rotated = await a.client.request(RotateJsonWebKeySetDocument, { set, input: { kid: `after-${i}` } });
        expect(rotated.errors).toBeUndefined();
        expect((await publishedKids(b))[0]).toBe(`after-${i}`);
        const onB = await lifecycleOf(b.client, set);
        expect((onB.signingKey as KeyLifecycleFragment).kid).toBe(`after-${i}`);
      }
    });
  },
);
