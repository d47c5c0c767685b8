/** GraphQL input types. Shapes only: key material is checked by the domain validator. */
import { Field, InputType, Int } from "type-graphql";
import { DEFAULT_ECDH_CURVE, ECDH_CURVES, GENERATABLE_ALGORITHMS } from "../domain/algorithms.js";
import type { KeyState } from "../domain/lifecycle.js";
import { JsonWebKeyState } from "./types.js";

@InputType("JsonWebKeySetGeneratorRequest", { description: "What key to generate" })
export class JsonWebKeySetGeneratorRequestInput {
  @Field(() => String, { description: `One of ${GENERATABLE_ALGORITHMS.join(", ")}` })
  alg!: string;

  @Field(() => String, { nullable: true, description: "Key id; omitted or empty: a random UUID v4" })
  kid?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Intended use; omitted or empty: what alg is for ("sig", or "enc" for RSA-OAEP* and ECDH-ES*)',
  })
  use?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Curve of an ECDH-ES key: ${ECDH_CURVES.join(", ")}; omitted or empty: ${DEFAULT_ECDH_CURVE}. Other algorithms have their own curve or none`,
  })
  crv?: string | null;

  @Field(() => JsonWebKeyState, {
    nullable: true,
    description: "ACTIVE (default: signs at once) or NEXT (published ahead; signs after the next rotation)",
  })
  state?: KeyState | null;
}

@InputType("ImportJsonWebKeyInput", {
  description: "A key as PEM text: a key, X.509 certificates (leaf first), or a key followed by its certificates",
})
export class ImportJsonWebKeyInput {
  @Field(() => String, {
    description:
      "PEM text: PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY and/or CERTIFICATE blocks (not encrypted)",
  })
  pem!: string;

  @Field(() => String, { description: "Algorithm the key is for, e.g. RS256, ES256, EdDSA, RSA-OAEP-256, ECDH-ES" })
  alg!: string;

  @Field(() => String, { nullable: true, description: "Intended use; omitted or empty: what alg is for (sig or enc)" })
  use?: string | null;
}

@InputType("RotateJsonWebKeySetInput", { description: "How to rotate a set" })
export class RotateJsonWebKeySetInput {
  @Field(() => String, {
    nullable: true,
    description:
      "Algorithm of the key generated when the set has no NEXT key; default the policy's, else the signing key's",
  })
  alg?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Kid of the key that becomes ACTIVE: a NEXT key of the set, or the kid of the generated key",
  })
  kid?: string | null;
}

@InputType("JsonWebKeyRotationPolicyInput", {
  description: "A set's rotation policy; omitted periods take the defaults",
})
export class JsonWebKeyRotationPolicyInput {
  @Field(() => String, { description: "Algorithm of the keys rotations generate" })
  alg!: string;

  @Field(() => Int, {
    nullable: true,
    description: "Seconds between scheduled rotations; 0: by hand only, else at least 60. Default 7776000 (90 days)",
  })
  rotationPeriodSeconds?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Seconds a NEXT key is published before it signs; less than the rotation period. Default 1209600 (14 days)",
  })
  publishAheadSeconds?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Seconds a RETIRED key stays published. Default 1209600 (14 days)",
  })
  retirementPeriodSeconds?: number | null;
}

@InputType("JsonWebKeyInput", { description: "A caller-supplied JSON Web Key (RFC 7517 members)" })
export class JsonWebKeyInput {
  @Field(() => String) kty!: string;
  @Field(() => String, { nullable: true }) kid?: string | null;
  @Field(() => String, { nullable: true }) alg?: string | null;
  @Field(() => String, { nullable: true }) use?: string | null;
  @Field(() => String, { nullable: true }) crv?: string | null;
  @Field(() => String, { nullable: true }) e?: string | null;
  @Field(() => String, { nullable: true }) n?: string | null;
  @Field(() => String, { nullable: true }) x?: string | null;
  @Field(() => String, { nullable: true }) y?: string | null;
  @Field(() => [String], { nullable: true }) x5c?: string[] | null;
  @Field(() => String, { nullable: true, description: "x5t#S256 (a JSON member name GraphQL cannot spell)" })
  x5tS256?: string | null;
  @Field(() => String, { nullable: true }) d?: string | null;
  @Field(() => String, { nullable: true }) p?: string | null;
  @Field(() => String, { nullable: true }) q?: string | null;
  @Field(() => String, { nullable: true }) dp?: string | null;
  @Field(() => String, { nullable: true }) dq?: string | null;
  @Field(() => String, { nullable: true }) qi?: string | null;
  @Field(() => String, { nullable: true }) k?: string | null;
}

@InputType("JsonWebKeySetInput", { description: "A whole set, replacing the stored one" })
export class JsonWebKeySetInput {
  @Field(() => [JsonWebKeyInput])
  keys!: JsonWebKeyInput[];
}
