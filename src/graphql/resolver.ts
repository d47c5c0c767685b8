/**
 * The seven seed operations and the lifecycle operations (README, "Key rotation") as GraphQL fields.
 * Each one parses, calls the service with the caller, replies. `@Authorized` names the scope of
 * auth/policy.ts (checked before the resolver runs).
 */
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import { OPERATION_SCOPES } from "../auth/policy.js";
import { toPublicJwk, type JwkInput } from "../domain/jwk.js";
import { isPublished, viewOf, type KeyView, type RotationPolicy } from "../domain/lifecycle.js";
import type { JsonWebKeyService, KeySetView } from "../domain/service.js";
import { requestedMembers, type GraphQLContext } from "./auth.js";
import {
  ImportJsonWebKeyInput,
  JsonWebKeyInput,
  JsonWebKeyRotationPolicyInput,
  JsonWebKeySetGeneratorRequestInput,
  JsonWebKeySetInput,
  RotateJsonWebKeySetInput,
} from "./inputs.js";
import { answersWithSummary, type SetRoot } from "./lists.js";
import { JsonWebKeyRotationPolicyType, JsonWebKeySetType, JsonWebKeyType } from "./types.js";

/** The published public keys (the cache behind /.well-known/jwks.json). */
export interface PublicKeySource {
  current(): Promise<{ readonly keys: readonly KeyView[] }>;
}

/** The `set` of the set discoverJsonWebKeys returns: the keys come from every broadcast set. */
export const DISCOVERED_SET = "jwks";

@Resolver(() => JsonWebKeySetType)
export class JsonWebKeyResolver {
  constructor(
    private readonly service: JsonWebKeyService,
    private readonly jwks?: PublicKeySource,
  ) {}

  @Authorized(OPERATION_SCOPES.getJsonWebKeySet)
  @Query(() => JsonWebKeySetType, {
    description:
      'All keys of a set, the signing key first (seed: GET /keys/{set}; README, "Key rotation"). Needs keys:read',
  })
  async getJsonWebKeySet(
    @Arg("set", () => String) set: string,
    @Ctx() { caller, keySets }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    // A query for a page of a large set (keyCount, keysConnection) reads none of its other keys.
    if (answersWithSummary(info)) return this.service.getJsonWebKeySetSummary(set, caller);
    return this.service.getJsonWebKeySet(set, caller, { members: requestedMembers(info), keySets });
  }

  @Authorized(OPERATION_SCOPES.getJsonWebKey)
  @Query(() => JsonWebKeySetType, {
    description: "A set holding the one key with this kid (seed: GET /keys/{set}/{kid}). Needs keys:read",
  })
  getJsonWebKey(
    @Arg("set", () => String) set: string,
    @Arg("kid", () => String) kid: string,
    @Ctx() { caller }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.service.getJsonWebKey(set, kid, caller, { members: requestedMembers(info) });
  }

  @Query(() => JsonWebKeySetType, {
    description: `The public keys of the broadcast sets, as served at /.well-known/jwks.json (Hydra: discoverJsonWebKeys); set is "${DISCOVERED_SET}". Needs no token`,
  })
  async discoverJsonWebKeys(): Promise<KeySetView> {
    if (!this.jwks) throw new TypeError("createSchema() was called without the public JWKS");
    const keys = [...(await this.jwks.current()).keys];
    return { set: DISCOVERED_SET, keys, signingKey: keys.find((key) => key.isSigningKey) ?? null };
  }

  @FieldResolver(() => [JsonWebKeyType], {
    description:
      "The public forms of the set's published asymmetric keys (NEXT, ACTIVE, RETIRED until publishedUntil), signing key first; never a private member, never an oct key",
  })
  async publicKeys(@Root() root: SetRoot, @Ctx() { caller, keySets }: GraphQLContext): Promise<KeyView[]> {
    const set =
      "summary" in root ? await this.service.getJsonWebKeySet(root.set, caller, { members: "public", keySets }) : root;
    const now = this.service.now();
    return set.keys.flatMap((key) => {
      const published = isPublished(key, now) ? toPublicJwk(key) : undefined;
      return published ? [viewOf(published, key, key.isSigningKey)] : [];
    });
  }

  @FieldResolver(() => JsonWebKeyRotationPolicyType, {
    nullable: true,
    description: "How the set rotates; null: by hand only (rotateJsonWebKeySet)",
  })
  rotationPolicy(@Root() set: SetRoot): Promise<RotationPolicy | null> {
    // Readable wherever the set is: the read needed keys:read, a mutation's answer keys:write.
    return this.service.rotationPolicy(set.set);
  }

  @Authorized(OPERATION_SCOPES.createJsonWebKeySet)
  @Mutation(() => JsonWebKeySetType, {
    description: "Generates one key and adds it to the set (seed: POST /keys/{set}). Needs keys:write",
  })
  createJsonWebKeySet(
    @Arg("set", () => String) set: string,
    @Arg("input", () => JsonWebKeySetGeneratorRequestInput) input: JsonWebKeySetGeneratorRequestInput,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.createJsonWebKeySet(set, input, caller);
  }

  @Authorized(OPERATION_SCOPES.updateJsonWebKey)
  @Mutation(() => JsonWebKeyType, {
    description:
      "Stores a caller-supplied key under kid, replacing any key there (seed: PUT /keys/{set}/{kid}). Needs keys:write",
  })
  updateJsonWebKey(
    @Arg("set", () => String) set: string,
    @Arg("kid", () => String) kid: string,
    @Arg("input", () => JsonWebKeyInput) input: JsonWebKeyInput,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.updateJsonWebKey(set, kid, members(input), caller);
  }

  @Authorized(OPERATION_SCOPES.importJsonWebKey)
  @Mutation(() => JsonWebKeyType, {
    description:
      "Stores a key given as PEM (SPKI, PKCS#8, PKCS#1, SEC1, X.509 certificates) under kid, replacing any key there; " +
      "kid omitted: the key's RFC 7638 thumbprint. Validated like updateJsonWebKey. Needs keys:write",
  })
  importJsonWebKey(
    @Arg("set", () => String) set: string,
    @Arg("kid", () => String, { nullable: true }) kid: string | null | undefined,
    @Arg("input", () => ImportJsonWebKeyInput) input: ImportJsonWebKeyInput,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.importJsonWebKey(set, kid, input, caller);
  }

  @Authorized(OPERATION_SCOPES.updateJsonWebKeySet)
  @Mutation(() => JsonWebKeySetType, {
    description: "Replaces the whole set atomically (seed: PUT /keys/{set}). Needs keys:write",
  })
  updateJsonWebKeySet(
    @Arg("set", () => String) set: string,
    @Arg("input", () => JsonWebKeySetInput) input: JsonWebKeySetInput,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.updateJsonWebKeySet(set, { keys: input.keys.map(members) }, caller);
  }

  @Authorized(OPERATION_SCOPES.deleteJsonWebKey)
  @Mutation(() => Boolean, {
    description: "Deletes one key; true when something was removed (seed: DELETE /keys/{set}/{kid}). Needs keys:write",
  })
  deleteJsonWebKey(
    @Arg("set", () => String) set: string,
    @Arg("kid", () => String) kid: string,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.deleteJsonWebKey(set, kid, caller);
  }

  @Authorized(OPERATION_SCOPES.deleteJsonWebKeySet)
  @Mutation(() => Boolean, {
    description: "Deletes a whole set; true when something was removed (seed: DELETE /keys/{set}). Needs keys:write",
  })
  deleteJsonWebKeySet(@Arg("set", () => String) set: string, @Ctx() { caller }: GraphQLContext) {
    return this.service.deleteJsonWebKeySet(set, caller);
  }

  @Authorized(OPERATION_SCOPES.rotateJsonWebKeySet)
  @Mutation(() => JsonWebKeySetType, {
    description:
      "Rotates the set in one transaction: its NEXT key (or a new key) becomes ACTIVE and signs, the ACTIVE keys retire (published for the retirement period), and a policy that publishes ahead gets a new NEXT key when due. Needs keys:write",
  })
  rotateJsonWebKeySet(
    @Arg("set", () => String) set: string,
    @Arg("input", () => RotateJsonWebKeySetInput, { nullable: true }) input: RotateJsonWebKeySetInput | null,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.rotateJsonWebKeySet(set, input ?? {}, caller);
  }

  @Authorized(OPERATION_SCOPES.setJsonWebKeySetRotationPolicy)
  @Mutation(() => JsonWebKeySetType, {
    description: "Sets the set's rotation policy; null removes it (rotation by hand only). Needs keys:write",
  })
  setJsonWebKeySetRotationPolicy(
    @Arg("set", () => String) set: string,
    @Arg("policy", () => JsonWebKeyRotationPolicyInput, { nullable: true })
    policy: JsonWebKeyRotationPolicyInput | null,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.setJsonWebKeySetRotationPolicy(set, policy ?? null, caller);
  }

  @Authorized(OPERATION_SCOPES.revokeJsonWebKey)
  @Mutation(() => JsonWebKeyType, {
    description:
      "Revokes a key: never published again, never signs, its kid never reused. Revoking the signing key of a set with a policy needs another ACTIVE or NEXT key to take over (else FAILED_PRECONDITION: rotate first). Needs keys:write",
  })
  revokeJsonWebKey(
    @Arg("set", () => String) set: string,
    @Arg("kid", () => String) kid: string,
    @Ctx() { caller }: GraphQLContext,
  ) {
    return this.service.revokeJsonWebKey(set, kid, caller);
  }
}

/**
 * GraphQL gives explicit nulls for members a caller wrote as null; a JWK simply lacks them. `x5tS256`
 * is the JWK's `x5t#S256`.
 */
function members(input: JsonWebKeyInput): JwkInput {
  return Object.fromEntries(
    Object.entries(input)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => [name === "x5tS256" ? "x5t#S256" : name, value]),
  );
}
