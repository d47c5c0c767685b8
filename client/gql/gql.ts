/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AuditEvents($limit: Int, $before: Int) {\n  auditEvents(limit: $limit, before: $before) {\n    seq\n    at\n    actor\n    transport\n    operation\n    set\n    kid\n    outcome\n    requestId\n  }\n}": typeof types.AuditEventsDocument,
    "mutation CreateJsonWebKeySet($set: String!, $input: JsonWebKeySetGeneratorRequest!) {\n  createJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}": typeof types.CreateJsonWebKeySetDocument,
    "mutation DeleteJsonWebKey($set: String!, $kid: String!) {\n  deleteJsonWebKey(set: $set, kid: $kid)\n}": typeof types.DeleteJsonWebKeyDocument,
    "mutation DeleteJsonWebKeySet($set: String!) {\n  deleteJsonWebKeySet(set: $set)\n}": typeof types.DeleteJsonWebKeySetDocument,
    "query DiscoverJsonWebKeys {\n  discoverJsonWebKeys {\n    set\n    keys {\n      ...PublicKeyMembers\n    }\n  }\n}": typeof types.DiscoverJsonWebKeysDocument,
    "fragment PublicKeyMembers on JsonWebKey {\n  kid\n  kty\n  alg\n  use\n  crv\n  e\n  n\n  x\n  y\n  x5c\n  x5tS256\n}\n\nfragment PrivateKeyMembers on JsonWebKey {\n  d\n  p\n  q\n  dp\n  dq\n  qi\n  k\n}\n\nfragment KeyLifecycle on JsonWebKey {\n  kid\n  alg\n  state\n  createdAt\n  activatedAt\n  retiredAt\n  publishedUntil\n  revokedAt\n  isSigningKey\n}\n\nfragment RotationPolicyFields on JsonWebKeyRotationPolicy {\n  alg\n  rotationPeriodSeconds\n  publishAheadSeconds\n  retirementPeriodSeconds\n  nextRotationAt\n}\n\nfragment KeyForms on JsonWebKey {\n  thumbprint\n  thumbprintUri\n  publicKeyPem\n}": typeof types.PublicKeyMembersFragmentDoc,
    "query GetJsonWebKey($set: String!, $kid: String!) {\n  getJsonWebKey(set: $set, kid: $kid) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}": typeof types.GetJsonWebKeyDocument,
    "query GetJsonWebKeySet($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}\n\nquery GetJsonWebKeySetLifecycle($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}\n\nquery GetJsonWebKeySetKeysPage($set: String!, $first: Int, $after: String, $filter: JsonWebKeyFilter) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keyCount\n    updatedAt\n    keysConnection(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyLifecycle\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n      totalCount\n    }\n  }\n}": typeof types.GetJsonWebKeySetDocument,
    "mutation ImportJsonWebKey($set: String!, $kid: String, $input: ImportJsonWebKeyInput!) {\n  importJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...KeyForms\n  }\n}": typeof types.ImportJsonWebKeyDocument,
    "subscription JsonWebKeySetChanged($set: String) {\n  jsonWebKeySetChanged(set: $set) {\n    set\n    kind\n    kids\n    at\n    keySet {\n      set\n      keys {\n        ...PublicKeyMembers\n      }\n    }\n  }\n}": typeof types.JsonWebKeySetChangedDocument,
    "fragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nquery JsonWebKeySets($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n  }\n}\n\nquery JsonWebKeySetsWithCount($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n    totalCount\n  }\n}": typeof types.PageInfoFieldsFragmentDoc,
    "mutation RevokeJsonWebKey($set: String!, $kid: String!) {\n  revokeJsonWebKey(set: $set, kid: $kid) {\n    ...KeyLifecycle\n  }\n}": typeof types.RevokeJsonWebKeyDocument,
    "mutation RotateJsonWebKeySet($set: String!, $input: RotateJsonWebKeySetInput) {\n  rotateJsonWebKeySet(set: $set, input: $input) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n  }\n}": typeof types.RotateJsonWebKeySetDocument,
    "mutation SetJsonWebKeySetRotationPolicy($set: String!, $policy: JsonWebKeyRotationPolicyInput) {\n  setJsonWebKeySetRotationPolicy(set: $set, policy: $policy) {\n    set\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}": typeof types.SetJsonWebKeySetRotationPolicyDocument,
    "mutation UpdateJsonWebKey($set: String!, $kid: String!, $input: JsonWebKeyInput!) {\n  updateJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...PrivateKeyMembers\n  }\n}": typeof types.UpdateJsonWebKeyDocument,
    "mutation UpdateJsonWebKeySet($set: String!, $input: JsonWebKeySetInput!) {\n  updateJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}": typeof types.UpdateJsonWebKeySetDocument,
};
const documents: Documents = {
    "query AuditEvents($limit: Int, $before: Int) {\n  auditEvents(limit: $limit, before: $before) {\n    seq\n    at\n    actor\n    transport\n    operation\n    set\n    kid\n    outcome\n    requestId\n  }\n}": types.AuditEventsDocument,
    "mutation CreateJsonWebKeySet($set: String!, $input: JsonWebKeySetGeneratorRequest!) {\n  createJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}": types.CreateJsonWebKeySetDocument,
    "mutation DeleteJsonWebKey($set: String!, $kid: String!) {\n  deleteJsonWebKey(set: $set, kid: $kid)\n}": types.DeleteJsonWebKeyDocument,
    "mutation DeleteJsonWebKeySet($set: String!) {\n  deleteJsonWebKeySet(set: $set)\n}": types.DeleteJsonWebKeySetDocument,
    "query DiscoverJsonWebKeys {\n  discoverJsonWebKeys {\n    set\n    keys {\n      ...PublicKeyMembers\n    }\n  }\n}": types.DiscoverJsonWebKeysDocument,
    "fragment PublicKeyMembers on JsonWebKey {\n  kid\n  kty\n  alg\n  use\n  crv\n  e\n  n\n  x\n  y\n  x5c\n  x5tS256\n}\n\nfragment PrivateKeyMembers on JsonWebKey {\n  d\n  p\n  q\n  dp\n  dq\n  qi\n  k\n}\n\nfragment KeyLifecycle on JsonWebKey {\n  kid\n  alg\n  state\n  createdAt\n  activatedAt\n  retiredAt\n  publishedUntil\n  revokedAt\n  isSigningKey\n}\n\nfragment RotationPolicyFields on JsonWebKeyRotationPolicy {\n  alg\n  rotationPeriodSeconds\n  publishAheadSeconds\n  retirementPeriodSeconds\n  nextRotationAt\n}\n\nfragment KeyForms on JsonWebKey {\n  thumbprint\n  thumbprintUri\n  publicKeyPem\n}": types.PublicKeyMembersFragmentDoc,
    "query GetJsonWebKey($set: String!, $kid: String!) {\n  getJsonWebKey(set: $set, kid: $kid) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}": types.GetJsonWebKeyDocument,
    "query GetJsonWebKeySet($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}\n\nquery GetJsonWebKeySetLifecycle($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}\n\nquery GetJsonWebKeySetKeysPage($set: String!, $first: Int, $after: String, $filter: JsonWebKeyFilter) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keyCount\n    updatedAt\n    keysConnection(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyLifecycle\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n      totalCount\n    }\n  }\n}": types.GetJsonWebKeySetDocument,
    "mutation ImportJsonWebKey($set: String!, $kid: String, $input: ImportJsonWebKeyInput!) {\n  importJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...KeyForms\n  }\n}": types.ImportJsonWebKeyDocument,
    "subscription JsonWebKeySetChanged($set: String) {\n  jsonWebKeySetChanged(set: $set) {\n    set\n    kind\n    kids\n    at\n    keySet {\n      set\n      keys {\n        ...PublicKeyMembers\n      }\n    }\n  }\n}": types.JsonWebKeySetChangedDocument,
    "fragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nquery JsonWebKeySets($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n  }\n}\n\nquery JsonWebKeySetsWithCount($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n    totalCount\n  }\n}": types.PageInfoFieldsFragmentDoc,
    "mutation RevokeJsonWebKey($set: String!, $kid: String!) {\n  revokeJsonWebKey(set: $set, kid: $kid) {\n    ...KeyLifecycle\n  }\n}": types.RevokeJsonWebKeyDocument,
    "mutation RotateJsonWebKeySet($set: String!, $input: RotateJsonWebKeySetInput) {\n  rotateJsonWebKeySet(set: $set, input: $input) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n  }\n}": types.RotateJsonWebKeySetDocument,
    "mutation SetJsonWebKeySetRotationPolicy($set: String!, $policy: JsonWebKeyRotationPolicyInput) {\n  setJsonWebKeySetRotationPolicy(set: $set, policy: $policy) {\n    set\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}": types.SetJsonWebKeySetRotationPolicyDocument,
    "mutation UpdateJsonWebKey($set: String!, $kid: String!, $input: JsonWebKeyInput!) {\n  updateJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...PrivateKeyMembers\n  }\n}": types.UpdateJsonWebKeyDocument,
    "mutation UpdateJsonWebKeySet($set: String!, $input: JsonWebKeySetInput!) {\n  updateJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}": types.UpdateJsonWebKeySetDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditEvents($limit: Int, $before: Int) {\n  auditEvents(limit: $limit, before: $before) {\n    seq\n    at\n    actor\n    transport\n    operation\n    set\n    kid\n    outcome\n    requestId\n  }\n}"): (typeof documents)["query AuditEvents($limit: Int, $before: Int) {\n  auditEvents(limit: $limit, before: $before) {\n    seq\n    at\n    actor\n    transport\n    operation\n    set\n    kid\n    outcome\n    requestId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateJsonWebKeySet($set: String!, $input: JsonWebKeySetGeneratorRequest!) {\n  createJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}"): (typeof documents)["mutation CreateJsonWebKeySet($set: String!, $input: JsonWebKeySetGeneratorRequest!) {\n  createJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteJsonWebKey($set: String!, $kid: String!) {\n  deleteJsonWebKey(set: $set, kid: $kid)\n}"): (typeof documents)["mutation DeleteJsonWebKey($set: String!, $kid: String!) {\n  deleteJsonWebKey(set: $set, kid: $kid)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteJsonWebKeySet($set: String!) {\n  deleteJsonWebKeySet(set: $set)\n}"): (typeof documents)["mutation DeleteJsonWebKeySet($set: String!) {\n  deleteJsonWebKeySet(set: $set)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DiscoverJsonWebKeys {\n  discoverJsonWebKeys {\n    set\n    keys {\n      ...PublicKeyMembers\n    }\n  }\n}"): (typeof documents)["query DiscoverJsonWebKeys {\n  discoverJsonWebKeys {\n    set\n    keys {\n      ...PublicKeyMembers\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PublicKeyMembers on JsonWebKey {\n  kid\n  kty\n  alg\n  use\n  crv\n  e\n  n\n  x\n  y\n  x5c\n  x5tS256\n}\n\nfragment PrivateKeyMembers on JsonWebKey {\n  d\n  p\n  q\n  dp\n  dq\n  qi\n  k\n}\n\nfragment KeyLifecycle on JsonWebKey {\n  kid\n  alg\n  state\n  createdAt\n  activatedAt\n  retiredAt\n  publishedUntil\n  revokedAt\n  isSigningKey\n}\n\nfragment RotationPolicyFields on JsonWebKeyRotationPolicy {\n  alg\n  rotationPeriodSeconds\n  publishAheadSeconds\n  retirementPeriodSeconds\n  nextRotationAt\n}\n\nfragment KeyForms on JsonWebKey {\n  thumbprint\n  thumbprintUri\n  publicKeyPem\n}"): (typeof documents)["fragment PublicKeyMembers on JsonWebKey {\n  kid\n  kty\n  alg\n  use\n  crv\n  e\n  n\n  x\n  y\n  x5c\n  x5tS256\n}\n\nfragment PrivateKeyMembers on JsonWebKey {\n  d\n  p\n  q\n  dp\n  dq\n  qi\n  k\n}\n\nfragment KeyLifecycle on JsonWebKey {\n  kid\n  alg\n  state\n  createdAt\n  activatedAt\n  retiredAt\n  publishedUntil\n  revokedAt\n  isSigningKey\n}\n\nfragment RotationPolicyFields on JsonWebKeyRotationPolicy {\n  alg\n  rotationPeriodSeconds\n  publishAheadSeconds\n  retirementPeriodSeconds\n  nextRotationAt\n}\n\nfragment KeyForms on JsonWebKey {\n  thumbprint\n  thumbprintUri\n  publicKeyPem\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GetJsonWebKey($set: String!, $kid: String!) {\n  getJsonWebKey(set: $set, kid: $kid) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}"): (typeof documents)["query GetJsonWebKey($set: String!, $kid: String!) {\n  getJsonWebKey(set: $set, kid: $kid) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GetJsonWebKeySet($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}\n\nquery GetJsonWebKeySetLifecycle($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}\n\nquery GetJsonWebKeySetKeysPage($set: String!, $first: Int, $after: String, $filter: JsonWebKeyFilter) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keyCount\n    updatedAt\n    keysConnection(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyLifecycle\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n      totalCount\n    }\n  }\n}"): (typeof documents)["query GetJsonWebKeySet($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}\n\nquery GetJsonWebKeySetLifecycle($set: String!) {\n  getJsonWebKeySet(set: $set) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}\n\nquery GetJsonWebKeySetKeysPage($set: String!, $first: Int, $after: String, $filter: JsonWebKeyFilter) {\n  getJsonWebKeySet(set: $set) {\n    set\n    keyCount\n    updatedAt\n    keysConnection(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          ...KeyLifecycle\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n      totalCount\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ImportJsonWebKey($set: String!, $kid: String, $input: ImportJsonWebKeyInput!) {\n  importJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...KeyForms\n  }\n}"): (typeof documents)["mutation ImportJsonWebKey($set: String!, $kid: String, $input: ImportJsonWebKeyInput!) {\n  importJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...KeyForms\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription JsonWebKeySetChanged($set: String) {\n  jsonWebKeySetChanged(set: $set) {\n    set\n    kind\n    kids\n    at\n    keySet {\n      set\n      keys {\n        ...PublicKeyMembers\n      }\n    }\n  }\n}"): (typeof documents)["subscription JsonWebKeySetChanged($set: String) {\n  jsonWebKeySetChanged(set: $set) {\n    set\n    kind\n    kids\n    at\n    keySet {\n      set\n      keys {\n        ...PublicKeyMembers\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nquery JsonWebKeySets($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n  }\n}\n\nquery JsonWebKeySetsWithCount($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n    totalCount\n  }\n}"): (typeof documents)["fragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nquery JsonWebKeySets($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n  }\n}\n\nquery JsonWebKeySetsWithCount($first: Int, $after: String, $last: Int, $before: String, $filter: JsonWebKeySetFilter) {\n  jsonWebKeySets(\n    first: $first\n    after: $after\n    last: $last\n    before: $before\n    filter: $filter\n  ) {\n    edges {\n      cursor\n      node {\n        set\n        keyCount\n        updatedAt\n      }\n    }\n    pageInfo {\n      ...PageInfoFields\n    }\n    totalCount\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeJsonWebKey($set: String!, $kid: String!) {\n  revokeJsonWebKey(set: $set, kid: $kid) {\n    ...KeyLifecycle\n  }\n}"): (typeof documents)["mutation RevokeJsonWebKey($set: String!, $kid: String!) {\n  revokeJsonWebKey(set: $set, kid: $kid) {\n    ...KeyLifecycle\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RotateJsonWebKeySet($set: String!, $input: RotateJsonWebKeySetInput) {\n  rotateJsonWebKeySet(set: $set, input: $input) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n  }\n}"): (typeof documents)["mutation RotateJsonWebKeySet($set: String!, $input: RotateJsonWebKeySetInput) {\n  rotateJsonWebKeySet(set: $set, input: $input) {\n    set\n    signingKey {\n      ...KeyLifecycle\n    }\n    keys {\n      ...KeyLifecycle\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetJsonWebKeySetRotationPolicy($set: String!, $policy: JsonWebKeyRotationPolicyInput) {\n  setJsonWebKeySetRotationPolicy(set: $set, policy: $policy) {\n    set\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}"): (typeof documents)["mutation SetJsonWebKeySetRotationPolicy($set: String!, $policy: JsonWebKeyRotationPolicyInput) {\n  setJsonWebKeySetRotationPolicy(set: $set, policy: $policy) {\n    set\n    rotationPolicy {\n      ...RotationPolicyFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateJsonWebKey($set: String!, $kid: String!, $input: JsonWebKeyInput!) {\n  updateJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...PrivateKeyMembers\n  }\n}"): (typeof documents)["mutation UpdateJsonWebKey($set: String!, $kid: String!, $input: JsonWebKeyInput!) {\n  updateJsonWebKey(set: $set, kid: $kid, input: $input) {\n    ...PublicKeyMembers\n    ...PrivateKeyMembers\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateJsonWebKeySet($set: String!, $input: JsonWebKeySetInput!) {\n  updateJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}"): (typeof documents)["mutation UpdateJsonWebKeySet($set: String!, $input: JsonWebKeySetInput!) {\n  updateJsonWebKeySet(set: $set, input: $input) {\n    set\n    keys {\n      ...PublicKeyMembers\n      ...PrivateKeyMembers\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;