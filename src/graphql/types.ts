/**
 * GraphQL object types: JSON Web Keys as schema.graphql names them (README, "GraphQL API"). The private members carry
 * `@Authorized(keys:read-private)`: checked per field, wherever and however a key is selected.
 */
import { Authorized, Field, ObjectType } from "type-graphql";
import { PRIVATE_MEMBERS_SCOPE } from "../auth/scopes.js";
import type { Jwk, JwkSet } from "../domain/jwk.js";

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
