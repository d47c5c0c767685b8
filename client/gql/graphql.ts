/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A key as PEM text: a key, X.509 certificates (leaf first), or a key followed by its certificates */
export type ImportJsonWebKeyInput = {
  /** Algorithm the key is for, e.g. RS256, ES256, EdDSA, RSA-OAEP-256, ECDH-ES */
  alg: string;
  /** PEM text: PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY and/or CERTIFICATE blocks (not encrypted) */
  pem: string;
  /** Intended use; omitted or empty: what alg is for (sig or enc) */
  use?: string | null | undefined;
};

/** A caller-supplied JSON Web Key (RFC 7517 members) */
export type JsonWebKeyInput = {
  alg?: string | null | undefined;
  crv?: string | null | undefined;
  d?: string | null | undefined;
  dp?: string | null | undefined;
  dq?: string | null | undefined;
  e?: string | null | undefined;
  k?: string | null | undefined;
  kid?: string | null | undefined;
  kty: string;
  n?: string | null | undefined;
  p?: string | null | undefined;
  q?: string | null | undefined;
  qi?: string | null | undefined;
  use?: string | null | undefined;
  x?: string | null | undefined;
  x5c?: Array<string> | null | undefined;
  /** x5t#S256 (a JSON member name GraphQL cannot spell) */
  x5tS256?: string | null | undefined;
  y?: string | null | undefined;
};

/** A set's rotation policy; omitted periods take the defaults */
export type JsonWebKeyRotationPolicyInput = {
  /** Algorithm of the keys rotations generate */
  alg: string;
  /** Seconds a NEXT key is published before it signs; less than the rotation period. Default 1209600 (14 days) */
  publishAheadSeconds?: number | null | undefined;
  /** Seconds a RETIRED key stays published. Default 1209600 (14 days) */
  retirementPeriodSeconds?: number | null | undefined;
  /** Seconds between scheduled rotations; 0: by hand only, else at least 60. Default 7776000 (90 days) */
  rotationPeriodSeconds?: number | null | undefined;
};

/** What a write did to a key set */
export type JsonWebKeySetChangeKind =
  /** A key was added (created, or stored under a kid the set did not hold) */
  | 'KEY_ADDED'
  /** A key was deleted */
  | 'KEY_REMOVED'
  /** A key was stored under a kid the set held */
  | 'KEY_UPDATED'
  /** The set was rotated; kids are the keys activated, retired or published ahead */
  | 'ROTATED'
  /** The whole set was deleted; kids are the keys it held */
  | 'SET_DELETED'
  /** The whole set was replaced; kids are the keys it holds now */
  | 'SET_REPLACED'
  /** Keys changed state without a rotation (revoked, or a NEXT key promoted) */
  | 'STATE_CHANGED';

/** What key to generate */
export type JsonWebKeySetGeneratorRequest = {
  /** One of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, HS256, HS384, HS512, RSA-OAEP, RSA-OAEP-256, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A256KW */
  alg: string;
  /** Curve of an ECDH-ES key: P-256, P-384, P-521, X25519; omitted or empty: P-256. Other algorithms have their own curve or none */
  crv?: string | null | undefined;
  /** Key id; omitted or empty: a random UUID v4 */
  kid?: string | null | undefined;
  /** ACTIVE (default: signs at once) or NEXT (published ahead; signs after the next rotation) */
  state?: JsonWebKeyState | null | undefined;
  /** Intended use; omitted or empty: what alg is for ("sig", or "enc" for RSA-OAEP* and ECDH-ES*) */
  use?: string | null | undefined;
};

/** A whole set, replacing the stored one */
export type JsonWebKeySetInput = {
  keys: Array<JsonWebKeyInput>;
};

/** Where a key is in its lifecycle (README, "Key rotation") */
export type JsonWebKeyState =
  /** Published; the newest ACTIVE key of a set is its signing key */
  | 'ACTIVE'
  /** Published, never signs: verifiers learn it before it signs */
  | 'NEXT'
  /** No longer signs; published until publishedUntil so its tokens still verify */
  | 'RETIRED'
  /** Compromised: never published, never signs, its kid never reused */
  | 'REVOKED';

/** How to rotate a set */
export type RotateJsonWebKeySetInput = {
  /** Algorithm of the key generated when the set has no NEXT key; default the policy's, else the signing key's */
  alg?: string | null | undefined;
  /** Kid of the key that becomes ACTIVE: a NEXT key of the set, or the kid of the generated key */
  kid?: string | null | undefined;
};

export type AuditEventsQueryVariables = Exact<{
  limit?: number | null | undefined;
  before?: number | null | undefined;
}>;


export type AuditEventsQuery = { auditEvents: Array<{ seq: number, at: string, actor: string, transport: string, operation: string, set: string | null, kid: string | null, outcome: string, requestId: string | null }> };

export type CreateJsonWebKeySetMutationVariables = Exact<{
  set: string;
  input: JsonWebKeySetGeneratorRequest;
}>;


export type CreateJsonWebKeySetMutation = { createJsonWebKeySet: { set: string, keys: Array<{ kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null, d: string | null, p: string | null, q: string | null, dp: string | null, dq: string | null, qi: string | null, k: string | null }> } };

export type DeleteJsonWebKeyMutationVariables = Exact<{
  set: string;
  kid: string;
}>;


export type DeleteJsonWebKeyMutation = { deleteJsonWebKey: boolean };

export type DeleteJsonWebKeySetMutationVariables = Exact<{
  set: string;
}>;


export type DeleteJsonWebKeySetMutation = { deleteJsonWebKeySet: boolean };

export type DiscoverJsonWebKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type DiscoverJsonWebKeysQuery = { discoverJsonWebKeys: { set: string, keys: Array<{ kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null }> } };

export type PublicKeyMembersFragment = { kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null };

export type PrivateKeyMembersFragment = { d: string | null, p: string | null, q: string | null, dp: string | null, dq: string | null, qi: string | null, k: string | null };

export type KeyLifecycleFragment = { kid: string, alg: string | null, state: JsonWebKeyState, createdAt: string, activatedAt: string | null, retiredAt: string | null, publishedUntil: string | null, revokedAt: string | null, isSigningKey: boolean };

export type RotationPolicyFieldsFragment = { alg: string, rotationPeriodSeconds: number, publishAheadSeconds: number, retirementPeriodSeconds: number, nextRotationAt: string | null };

export type KeyFormsFragment = { thumbprint: string | null, thumbprintUri: string | null, publicKeyPem: string | null };

export type GetJsonWebKeyQueryVariables = Exact<{
  set: string;
  kid: string;
}>;


export type GetJsonWebKeyQuery = { getJsonWebKey: { set: string, keys: Array<{ kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null, d: string | null, p: string | null, q: string | null, dp: string | null, dq: string | null, qi: string | null, k: string | null }> } };

export type GetJsonWebKeySetQueryVariables = Exact<{
  set: string;
}>;


export type GetJsonWebKeySetQuery = { getJsonWebKeySet: { set: string, keys: Array<{ kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null, d: string | null, p: string | null, q: string | null, dp: string | null, dq: string | null, qi: string | null, k: string | null }> } };

export type GetJsonWebKeySetLifecycleQueryVariables = Exact<{
  set: string;
}>;


export type GetJsonWebKeySetLifecycleQuery = { getJsonWebKeySet: { set: string, signingKey: { kid: string, alg: string | null, state: JsonWebKeyState, createdAt: string, activatedAt: string | null, retiredAt: string | null, publishedUntil: string | null, revokedAt: string | null, isSigningKey: boolean } | null, keys: Array<{ kid: string, alg: string | null, state: JsonWebKeyState, createdAt: string, activatedAt: string | null, retiredAt: string | null, publishedUntil: string | null, revokedAt: string | null, isSigningKey: boolean }>, rotationPolicy: { alg: string, rotationPeriodSeconds: number, publishAheadSeconds: number, retirementPeriodSeconds: number, nextRotationAt: string | null } | null } };

export type ImportJsonWebKeyMutationVariables = Exact<{
  set: string;
  kid?: string | null | undefined;
  input: ImportJsonWebKeyInput;
}>;


export type ImportJsonWebKeyMutation = { importJsonWebKey: { kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null, thumbprint: string | null, thumbprintUri: string | null, publicKeyPem: string | null } };

export type JsonWebKeySetChangedSubscriptionVariables = Exact<{
  set?: string | null | undefined;
}>;


export type JsonWebKeySetChangedSubscription = { jsonWebKeySetChanged: { set: string, kind: JsonWebKeySetChangeKind, kids: Array<string>, at: string, keySet: { set: string, keys: Array<{ kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null }> } | null } };

export type RevokeJsonWebKeyMutationVariables = Exact<{
  set: string;
  kid: string;
}>;


export type RevokeJsonWebKeyMutation = { revokeJsonWebKey: { kid: string, alg: string | null, state: JsonWebKeyState, createdAt: string, activatedAt: string | null, retiredAt: string | null, publishedUntil: string | null, revokedAt: string | null, isSigningKey: boolean } };

export type RotateJsonWebKeySetMutationVariables = Exact<{
  set: string;
  input?: RotateJsonWebKeySetInput | null | undefined;
}>;


export type RotateJsonWebKeySetMutation = { rotateJsonWebKeySet: { set: string, signingKey: { kid: string, alg: string | null, state: JsonWebKeyState, createdAt: string, activatedAt: string | null, retiredAt: string | null, publishedUntil: string | null, revokedAt: string | null, isSigningKey: boolean } | null, keys: Array<{ kid: string, alg: string | null, state: JsonWebKeyState, createdAt: string, activatedAt: string | null, retiredAt: string | null, publishedUntil: string | null, revokedAt: string | null, isSigningKey: boolean }> } };

export type SetJsonWebKeySetRotationPolicyMutationVariables = Exact<{
  set: string;
  policy?: JsonWebKeyRotationPolicyInput | null | undefined;
}>;


export type SetJsonWebKeySetRotationPolicyMutation = { setJsonWebKeySetRotationPolicy: { set: string, rotationPolicy: { alg: string, rotationPeriodSeconds: number, publishAheadSeconds: number, retirementPeriodSeconds: number, nextRotationAt: string | null } | null } };

export type UpdateJsonWebKeyMutationVariables = Exact<{
  set: string;
  kid: string;
  input: JsonWebKeyInput;
}>;


export type UpdateJsonWebKeyMutation = { updateJsonWebKey: { kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null, d: string | null, p: string | null, q: string | null, dp: string | null, dq: string | null, qi: string | null, k: string | null } };

export type UpdateJsonWebKeySetMutationVariables = Exact<{
  set: string;
  input: JsonWebKeySetInput;
}>;


export type UpdateJsonWebKeySetMutation = { updateJsonWebKeySet: { set: string, keys: Array<{ kid: string, kty: string, alg: string | null, use: string | null, crv: string | null, e: string | null, n: string | null, x: string | null, y: string | null, x5c: Array<string> | null, x5tS256: string | null, d: string | null, p: string | null, q: string | null, dp: string | null, dq: string | null, qi: string | null, k: string | null }> } };

export const PublicKeyMembersFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}}]} as unknown as DocumentNode<PublicKeyMembersFragment, unknown>;
export const PrivateKeyMembersFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PrivateKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d"}},{"kind":"Field","name":{"kind":"Name","value":"p"}},{"kind":"Field","name":{"kind":"Name","value":"q"}},{"kind":"Field","name":{"kind":"Name","value":"dp"}},{"kind":"Field","name":{"kind":"Name","value":"dq"}},{"kind":"Field","name":{"kind":"Name","value":"qi"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}}]} as unknown as DocumentNode<PrivateKeyMembersFragment, unknown>;
export const KeyLifecycleFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLifecycle"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"activatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retiredAt"}},{"kind":"Field","name":{"kind":"Name","value":"publishedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"isSigningKey"}}]}}]} as unknown as DocumentNode<KeyLifecycleFragment, unknown>;
export const RotationPolicyFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RotationPolicyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeyRotationPolicy"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"rotationPeriodSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"publishAheadSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"retirementPeriodSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"nextRotationAt"}}]}}]} as unknown as DocumentNode<RotationPolicyFieldsFragment, unknown>;
export const KeyFormsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyForms"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"thumbprintUri"}},{"kind":"Field","name":{"kind":"Name","value":"publicKeyPem"}}]}}]} as unknown as DocumentNode<KeyFormsFragment, unknown>;
export const AuditEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"transport"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}}]}}]}}]} as unknown as DocumentNode<AuditEventsQuery, AuditEventsQueryVariables>;
export const CreateJsonWebKeySetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateJsonWebKeySet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeySetGeneratorRequest"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createJsonWebKeySet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PrivateKeyMembers"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PrivateKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d"}},{"kind":"Field","name":{"kind":"Name","value":"p"}},{"kind":"Field","name":{"kind":"Name","value":"q"}},{"kind":"Field","name":{"kind":"Name","value":"dp"}},{"kind":"Field","name":{"kind":"Name","value":"dq"}},{"kind":"Field","name":{"kind":"Name","value":"qi"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}}]} as unknown as DocumentNode<CreateJsonWebKeySetMutation, CreateJsonWebKeySetMutationVariables>;
export const DeleteJsonWebKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteJsonWebKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kid"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteJsonWebKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"kid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kid"}}}]}]}}]} as unknown as DocumentNode<DeleteJsonWebKeyMutation, DeleteJsonWebKeyMutationVariables>;
export const DeleteJsonWebKeySetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteJsonWebKeySet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteJsonWebKeySet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}}]}]}}]} as unknown as DocumentNode<DeleteJsonWebKeySetMutation, DeleteJsonWebKeySetMutationVariables>;
export const DiscoverJsonWebKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DiscoverJsonWebKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"discoverJsonWebKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}}]} as unknown as DocumentNode<DiscoverJsonWebKeysQuery, DiscoverJsonWebKeysQueryVariables>;
export const GetJsonWebKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetJsonWebKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kid"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"getJsonWebKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"kid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kid"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PrivateKeyMembers"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PrivateKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d"}},{"kind":"Field","name":{"kind":"Name","value":"p"}},{"kind":"Field","name":{"kind":"Name","value":"q"}},{"kind":"Field","name":{"kind":"Name","value":"dp"}},{"kind":"Field","name":{"kind":"Name","value":"dq"}},{"kind":"Field","name":{"kind":"Name","value":"qi"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}}]} as unknown as DocumentNode<GetJsonWebKeyQuery, GetJsonWebKeyQueryVariables>;
export const GetJsonWebKeySetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetJsonWebKeySet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"getJsonWebKeySet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PrivateKeyMembers"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PrivateKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d"}},{"kind":"Field","name":{"kind":"Name","value":"p"}},{"kind":"Field","name":{"kind":"Name","value":"q"}},{"kind":"Field","name":{"kind":"Name","value":"dp"}},{"kind":"Field","name":{"kind":"Name","value":"dq"}},{"kind":"Field","name":{"kind":"Name","value":"qi"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}}]} as unknown as DocumentNode<GetJsonWebKeySetQuery, GetJsonWebKeySetQueryVariables>;
export const GetJsonWebKeySetLifecycleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetJsonWebKeySetLifecycle"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"getJsonWebKeySet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"signingKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLifecycle"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLifecycle"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rotationPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RotationPolicyFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLifecycle"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"activatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retiredAt"}},{"kind":"Field","name":{"kind":"Name","value":"publishedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"isSigningKey"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RotationPolicyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeyRotationPolicy"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"rotationPeriodSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"publishAheadSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"retirementPeriodSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"nextRotationAt"}}]}}]} as unknown as DocumentNode<GetJsonWebKeySetLifecycleQuery, GetJsonWebKeySetLifecycleQueryVariables>;
export const ImportJsonWebKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportJsonWebKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kid"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportJsonWebKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importJsonWebKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"kid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kid"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyForms"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyForms"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"thumbprintUri"}},{"kind":"Field","name":{"kind":"Name","value":"publicKeyPem"}}]}}]} as unknown as DocumentNode<ImportJsonWebKeyMutation, ImportJsonWebKeyMutationVariables>;
export const JsonWebKeySetChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"JsonWebKeySetChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jsonWebKeySetChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"kids"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"keySet"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}}]} as unknown as DocumentNode<JsonWebKeySetChangedSubscription, JsonWebKeySetChangedSubscriptionVariables>;
export const RevokeJsonWebKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeJsonWebKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kid"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeJsonWebKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"kid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kid"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLifecycle"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLifecycle"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"activatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retiredAt"}},{"kind":"Field","name":{"kind":"Name","value":"publishedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"isSigningKey"}}]}}]} as unknown as DocumentNode<RevokeJsonWebKeyMutation, RevokeJsonWebKeyMutationVariables>;
export const RotateJsonWebKeySetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RotateJsonWebKeySet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RotateJsonWebKeySetInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotateJsonWebKeySet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"signingKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLifecycle"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLifecycle"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLifecycle"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"activatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retiredAt"}},{"kind":"Field","name":{"kind":"Name","value":"publishedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"isSigningKey"}}]}}]} as unknown as DocumentNode<RotateJsonWebKeySetMutation, RotateJsonWebKeySetMutationVariables>;
export const SetJsonWebKeySetRotationPolicyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetJsonWebKeySetRotationPolicy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"policy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeyRotationPolicyInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setJsonWebKeySetRotationPolicy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"policy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"policy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"rotationPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RotationPolicyFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RotationPolicyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeyRotationPolicy"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"rotationPeriodSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"publishAheadSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"retirementPeriodSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"nextRotationAt"}}]}}]} as unknown as DocumentNode<SetJsonWebKeySetRotationPolicyMutation, SetJsonWebKeySetRotationPolicyMutationVariables>;
export const UpdateJsonWebKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateJsonWebKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kid"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateJsonWebKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"kid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kid"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PrivateKeyMembers"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PrivateKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d"}},{"kind":"Field","name":{"kind":"Name","value":"p"}},{"kind":"Field","name":{"kind":"Name","value":"q"}},{"kind":"Field","name":{"kind":"Name","value":"dp"}},{"kind":"Field","name":{"kind":"Name","value":"dq"}},{"kind":"Field","name":{"kind":"Name","value":"qi"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}}]} as unknown as DocumentNode<UpdateJsonWebKeyMutation, UpdateJsonWebKeyMutationVariables>;
export const UpdateJsonWebKeySetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateJsonWebKeySet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"set"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKeySetInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateJsonWebKeySet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"set"},"value":{"kind":"Variable","name":{"kind":"Name","value":"set"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"set"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PublicKeyMembers"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PrivateKeyMembers"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PublicKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"e"}},{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"x5c"}},{"kind":"Field","name":{"kind":"Name","value":"x5tS256"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PrivateKeyMembers"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JsonWebKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d"}},{"kind":"Field","name":{"kind":"Name","value":"p"}},{"kind":"Field","name":{"kind":"Name","value":"q"}},{"kind":"Field","name":{"kind":"Name","value":"dp"}},{"kind":"Field","name":{"kind":"Name","value":"dq"}},{"kind":"Field","name":{"kind":"Name","value":"qi"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}}]} as unknown as DocumentNode<UpdateJsonWebKeySetMutation, UpdateJsonWebKeySetMutationVariables>;