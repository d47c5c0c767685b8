/**
 * GraphQL object types: JSON Web Keys as schema.graphql names them (README, "GraphQL API"). The private members carry
 * `@Authorized(keys:read-private)`: checked per field, wherever and however a key is selected.
 */
import { Authorized, Field, FieldResolver, ObjectType, Resolver, Root } from "type-graphql";
import { PRIVATE_MEMBERS_SCOPE } from "../auth/scopes.js";
import type { Jwk, JwkSet } from "../domain/jwk.js";
import { jwkThumbprint, jwkThumbprintUri, publicKeyPem } from "../domain/key-forms.js";

@ObjectType("JsonWebKey", { description: "A JSON Web Key (RFC 7517). Binary members are base64url without padding." })
export class JsonWebKeyType implements Jwk {
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
}

@ObjectType("JsonWebKeySet", { description: "The keys of one set" })
export class JsonWebKeySetType implements JwkSet {
  @Field(() => String, { description: "Name of the set" })
  set!: string;

  @Field(() => [JsonWebKeyType], { description: "The keys, newest first for reads" })
  keys!: JsonWebKeyType[];
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
