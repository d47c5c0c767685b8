/**
 * GraphQL object types: JSON Web Keys as schema.graphql names them (README, "GraphQL API"). The private members carry
 * `@Authorized(keys:read-private)`: checked per field, wherever and however a key is selected.
 */
import {
  Authorized,
  Field,
  FieldResolver,
  GraphQLISODateTime,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from "type-graphql";
import { PRIVATE_MEMBERS_SCOPE } from "../auth/scopes.js";
import type { Jwk } from "../domain/jwk.js";
import { jwkThumbprint, jwkThumbprintUri, publicKeyPem } from "../domain/key-forms.js";
import { KEY_STATES, type KeyState, type KeyView, type RotationPolicy } from "../domain/lifecycle.js";
import type { KeySetView } from "../domain/service.js";

/** JsonWebKeyState as GraphQL enum values: the state names themselves. */
export const JsonWebKeyState = Object.fromEntries(KEY_STATES.map((state) => [state, state])) as {
  [S in KeyState]: S;
};
registerEnumType(JsonWebKeyState, {
  name: "JsonWebKeyState",
  description: 'Where a key is in its lifecycle (README, "Key rotation")',
  valuesConfig: {
    NEXT: { description: "Published, never signs: verifiers learn it before it signs" },
    ACTIVE: { description: "Published; the newest ACTIVE key of a set is its signing key" },
    RETIRED: { description: "No longer signs; published until publishedUntil so its tokens still verify" },
    REVOKED: { description: "Compromised: never published, never signs, its kid never reused" },
  },
});

@ObjectType("JsonWebKey", { description: "A JSON Web Key (RFC 7517). Binary members are base64url without padding." })
export class JsonWebKeyType implements KeyView {
  @Field(() => String, { description: "Key id, unique within its set" })
  kid!: string;

  @Field(() => String, { description: "Key type: RSA, EC, OKP or oct" })
  kty!: Jwk["kty"];

  @Field(() => String, { nullable: true, description: "Algorithm the key is meant for, e.g. RS256" })
  alg?: string;

  @Field(() => String, { nullable: true, description: "Intended use: sig or enc" })
  use?: string;

  @Field(() => String, { nullable: true, description: "Curve of an EC or OKP key" })
  crv?: string;

  @Field(() => String, { nullable: true, description: "RSA public exponent" })
  e?: string;

  @Field(() => String, { nullable: true, description: "RSA modulus" })
  n?: string;

  @Field(() => String, { nullable: true, description: "EC x coordinate, or the OKP public key" })
  x?: string;

  @Field(() => String, { nullable: true, description: "EC y coordinate" })
  y?: string;

  @Field(() => [String], { nullable: true, description: "X.509 certificate chain, standard base64 DER, leaf first" })
  x5c?: string[];

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, {
    nullable: true,
    description: "Private (needs keys:read-private): EC/OKP private key or RSA private exponent",
  })
  d?: string;

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, { nullable: true, description: "Private (needs keys:read-private): RSA first prime factor" })
  p?: string;

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, { nullable: true, description: "Private (needs keys:read-private): RSA second prime factor" })
  q?: string;

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, {
    nullable: true,
    description: "Private (needs keys:read-private): RSA first factor CRT exponent",
  })
  dp?: string;

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, {
    nullable: true,
    description: "Private (needs keys:read-private): RSA second factor CRT exponent",
  })
  dq?: string;

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, { nullable: true, description: "Private (needs keys:read-private): RSA first CRT coefficient" })
  qi?: string;

  @Authorized(PRIVATE_MEMBERS_SCOPE)
  @Field(() => String, { nullable: true, description: "Private (needs keys:read-private): symmetric key value" })
  k?: string;

  @Field(() => JsonWebKeyState, { description: "Lifecycle state" })
  state!: KeyState;

  @Field(() => GraphQLISODateTime, { description: "When the key was stored" })
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "When it became ACTIVE (null while NEXT)" })
  activatedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "When it stopped signing (retired or revoked)" })
  retiredAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "A RETIRED key is published until then, so the tokens it signed still verify",
  })
  publishedUntil!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "When it was revoked" })
  revokedAt!: Date | null;

  @Field(() => Boolean, { description: "Whether this is its set's signing key (the newest ACTIVE key)" })
  isSigningKey!: boolean;
}

@ObjectType("JsonWebKeyRotationPolicy", { description: 'How a set rotates (README, "Key rotation")' })
export class JsonWebKeyRotationPolicyType implements Omit<RotationPolicy, "nextStepAt"> {
  @Field(() => String, { description: "Algorithm of the keys rotations generate" })
  alg!: string;

  @Field(() => Int, { description: "0: rotated by hand only; otherwise the gateway rotates the set this often" })
  rotationPeriodSeconds!: number;

  @Field(() => Int, { description: "A NEXT key is published this long before it signs" })
  publishAheadSeconds!: number;

  @Field(() => Int, { description: "A RETIRED key stays published this long" })
  retirementPeriodSeconds!: number;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "When the gateway rotates the set next (null without a rotation period)",
  })
  nextRotationAt!: Date | null;
}

@ObjectType("JsonWebKeySet", { description: "The keys of one set" })
export class JsonWebKeySetType implements KeySetView {
  @Field(() => String, { description: "Name of the set" })
  set!: string;

  // keys, signingKey, keyCount, updatedAt and keysConnection resolve in lists.ts: a set in a list is
  // a summary whose keys are read only when selected.
  keys!: JsonWebKeyType[];
  signingKey!: JsonWebKeyType | null;
}

/**
 * The members and forms of a key that GraphQL names differently or derives (domain/key-forms.ts):
 * all public, readable with keys:read, computed from the public members so they are the same
 * whatever the caller may see. Null for oct keys, which have no public half.
 */
@Resolver(() => JsonWebKeyType)
export class JsonWebKeyFormsResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: "x5t#S256: SHA-256 thumbprint of the first x5c certificate, base64url (RFC 7517 §4.9); only with x5c",
  })
  x5tS256(@Root() key: Jwk): string | undefined {
    return key["x5t#S256"];
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "RFC 7638 JWK thumbprint (SHA-256, base64url), as jose's calculateJwkThumbprint computes it; null for oct keys",
  })
  thumbprint(@Root() key: Jwk): string | undefined {
    return jwkThumbprint(key);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "RFC 9278 thumbprint URI, urn:ietf:params:oauth:jwk-thumbprint:sha-256:<thumbprint>; null for oct keys",
  })
  thumbprintUri(@Root() key: Jwk): string | undefined {
    return jwkThumbprintUri(key);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The public key as SPKI PEM (-----BEGIN PUBLIC KEY-----), as `openssl pkey -pubout` prints it; null for oct keys",
  })
  publicKeyPem(@Root() key: Jwk): string | undefined {
    return publicKeyPem(key);
  }
}
