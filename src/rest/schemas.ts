/**
 * JSON Schemas of the REST routes. Fastify validates request bodies with them before a handler (and
 * so the service) sees anything, serialises responses through them (an allowlist: a member not
 * listed here never reaches a caller), and @fastify/swagger turns them into /openapi.json.
 *
 * They check shapes only (an object, `keys` an array, members of the right JSON type). Whether the
 * members make a real key is the domain validator's job, so there is one place for that rule.
 * Operation ids are the seed's, like the service methods and the GraphQL fields.
 */
import { DEFAULT_ECDH_CURVE, ECDH_CURVES, GENERATABLE_ALGORITHMS } from "../domain/algorithms.js";
import { JWK_MEMBERS } from "../domain/jwk.js";
import { MAX_NAME_LENGTH } from "../domain/names.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../domain/pages.js";

/** Shared schemas, added once per REST context and referenced as `{ $ref: "<id>#" }`. */
export const JSON_WEB_KEY = "JsonWebKey";
export const JSON_WEB_KEY_SET = "JsonWebKeySet";
export const GENERATOR_REQUEST = "JsonWebKeySetGeneratorRequest";
export const ROTATE_REQUEST = "RotateJsonWebKeySetRequest";
export const ERROR_ENVELOPE = "ErrorEnvelope";

const ref = (id: string) => ({ $ref: `${id}#` });
/** Callers (GraphQL clients, Hydra's SDKs) send `null` for "not given"; the domain treats it as absent. */
const optionalString = (description: string) => ({ type: ["string", "null"], description });

const MEMBER_DESCRIPTIONS: Record<(typeof JWK_MEMBERS)[number], string> = {
  use: 'Intended use, "sig" or "enc"',
  kty: 'Key type: "RSA", "EC", "OKP" or "oct"',
  kid: "Key id, unique within its set",
  crv: 'Curve of an EC or OKP key: "P-256", "P-384", "P-521" or "Ed25519"',
  alg: "Algorithm the key is meant for, e.g. RS256",
  k: "Symmetric key (oct), base64url",
  x: "EC/OKP public coordinate, base64url",
  y: "EC public coordinate, base64url",
  n: "RSA modulus, base64url",
  e: "RSA public exponent, base64url",
  d: "Private exponent / scalar, base64url",
  p: "RSA first prime factor, base64url",
  q: "RSA second prime factor, base64url",
  dp: "RSA first factor CRT exponent, base64url",
  dq: "RSA second factor CRT exponent, base64url",
  qi: "RSA first CRT coefficient, base64url",
  x5c: "X.509 certificate chain, standard base64 DER, the key's own certificate first",
  "x5t#S256": "SHA-256 thumbprint of the first x5c certificate, base64url (RFC 7517 §4.9); only with x5c",
};

/** Properties in go-jose's (Hydra's) member order, which the serializer keeps. */
const jwkProperties = Object.fromEntries(
  JWK_MEMBERS.map((member) => [
    member,
    member === "x5c"
      ? { type: ["array", "null"], items: { type: "string" }, description: MEMBER_DESCRIPTIONS[member] }
      : optionalString(MEMBER_DESCRIPTIONS[member]),
  ]),
);

export const SHARED_SCHEMAS = [
  {
    $id: JSON_WEB_KEY,
    type: "object",
    description:
      "A JSON Web Key (RFC 7517), private members included. Members jwk-gateway does not keep are dropped (key_ops, x5t and x5t#S256 are checked first).",
    properties: jwkProperties,
  },
  {
    $id: JSON_WEB_KEY_SET,
    type: "object",
    description: "A JSON Web Key Set (RFC 7517 §5)",
    required: ["keys"],
    properties: { keys: { type: "array", items: ref(JSON_WEB_KEY) } },
  },
  {
    $id: GENERATOR_REQUEST,
    type: "object",
    required: ["alg"],
    properties: {
      alg: { type: "string", description: `One of ${GENERATABLE_ALGORITHMS.join(", ")}` },
      kid: optionalString("Key id; omitted or empty: a random UUID v4"),
      use: optionalString('"sig" or "enc"; omitted or empty: what alg is for ("enc" for RSA-OAEP* and ECDH-ES*)'),
      crv: optionalString(
        `Curve of an ECDH-ES key: ${ECDH_CURVES.join(", ")}; omitted or empty: ${DEFAULT_ECDH_CURVE}`,
      ),
      state: {
        type: ["string", "null"],
        enum: ["ACTIVE", "NEXT", null],
        description:
          'Not in Hydra. "ACTIVE" (default: the key signs at once) or "NEXT" (published ahead, signs after the next rotation)',
      },
    },
  },
  {
    $id: ROTATE_REQUEST,
    type: ["object", "null"],
    description: 'Not in Hydra: how to rotate a set (README, "Key rotation"); the body may be left out',
    properties: {
      alg: optionalString(
        "Algorithm of the key generated when the set has no NEXT key; default the policy's, else the signing key's",
      ),
      kid: optionalString("Kid of the key that becomes ACTIVE: a NEXT key of the set, or the kid of the generated key"),
    },
  },
  {
    $id: ERROR_ENVELOPE,
    type: "object",
    description: "Hydra's error envelope",
    required: ["error", "error_description"],
    properties: { error: { type: "string" }, error_description: { type: "string" } },
  },
] as const;

// The whole name rule is checked by the service (domain/names.ts); the description states its length.
const setParam = { type: "string", description: `The set (1 to ${MAX_NAME_LENGTH} characters)` };
const kidParam = { type: "string", description: `The key id (1 to ${MAX_NAME_LENGTH} characters)` };
const SET_PARAMS = { type: "object", required: ["set"], properties: { set: setParam } };
const KEY_PARAMS = { type: "object", required: ["set", "kid"], properties: { set: setParam, kid: kidParam } };
/** PUT /keys/{set}/{kid} with a PEM body: what the PEM does not say (README, "Bring your own keys"). */
const PEM_IMPORT_QUERY = {
  type: "object",
  additionalProperties: false,
  properties: {
    alg: { type: "string", description: "PEM bodies only, required there: the algorithm, e.g. RS256 or RSA-OAEP-256" },
    use: { type: "string", description: 'PEM bodies only: "sig" or "enc"; omitted: what alg is for' },
  },
};

const errors = {
  "4xx": { description: "The request was refused", ...ref(ERROR_ENVELOPE) },
  "5xx": { description: "The server failed", ...ref(ERROR_ENVELOPE) },
};
const noContent = { 204: { type: "null", description: "Done, or there was nothing to delete" } };

/** The media type of PEM text (RFC 7468): public keys out (Accept), keys and certificates in (Content-Type). */
export const PEM_MEDIA_TYPE = "application/x-pem-file";

/** GET /keys: Hydra v2's list style (page_size, page_token; the next page in the Link header). */
const LIST_QUERY = {
  type: "object",
  additionalProperties: false,
  properties: {
    page_size: {
      // A query string holds text (the REST validator coerces nothing): digits, checked by the service.
      type: "string",
      pattern: "^[0-9]{1,9}$",
      description: `Sets per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); outside: 400 (reason BAD_PAGE_SIZE)`,
    },
    page_token: {
      type: "string",
      description: 'Where the page starts: the page_token of the previous page\'s Link rel="next"; opaque',
    },
  },
};

/** Route schemas by operation id; `tags` groups them in the document. */
export const routeSchemas = {
  jsonWebKeySets: {
    operationId: "jsonWebKeySets",
    summary:
      'The sets, by name, a page at a time, with their key counts; the next page is in the Link header (rel="next"), absent on the last page',
    tags: ["keys"],
    querystring: LIST_QUERY,
    response: {
      200: {
        description: "One page of sets",
        headers: {
          Link: { type: "string", description: '<...?page_size=n&page_token=t>; rel="next", and rel="first"' },
        },
        type: "array",
        items: {
          type: "object",
          required: ["set", "key_count", "updated_at"],
          properties: {
            set: { type: "string" },
            key_count: { type: "integer", description: "Keys in the set, every state" },
            updated_at: {
              type: "string",
              format: "date-time",
              description: "The latest moment a key of the set was stored or changed state",
            },
          },
        },
      },
      ...errors,
    },
  },
  createJsonWebKeySet: {
    operationId: "createJsonWebKeySet",
    summary: "Generate a new key into a set, creating the set if needed",
    tags: ["keys"],
    params: SET_PARAMS,
    body: ref(GENERATOR_REQUEST),
    response: {
      201: {
        description: "The set of just the new key, with its private members",
        headers: { Location: { type: "string", description: "/keys/{set}" } },
        ...ref(JSON_WEB_KEY_SET),
      },
      ...errors,
    },
  },
  getJsonWebKeySet: {
    operationId: "getJsonWebKeySet",
    summary: "Every key of a set but the revoked ones, the signing key first, then newest first by state",
    tags: ["keys"],
    params: SET_PARAMS,
    response: { 200: { description: "The set", ...ref(JSON_WEB_KEY_SET) }, ...errors },
  },
  updateJsonWebKeySet: {
    operationId: "updateJsonWebKeySet",
    summary: "Replace every key of a set, atomically",
    tags: ["keys"],
    params: SET_PARAMS,
    body: ref(JSON_WEB_KEY_SET),
    response: { 200: { description: "The stored set", ...ref(JSON_WEB_KEY_SET) }, ...errors },
  },
  deleteJsonWebKeySet: {
    operationId: "deleteJsonWebKeySet",
    summary: "Delete a set (idempotent)",
    tags: ["keys"],
    params: SET_PARAMS,
    response: { ...noContent, ...errors },
  },
  getJsonWebKey: {
    operationId: "getJsonWebKey",
    summary: "One key, as a set of one; with Accept: application/x-pem-file, its public key as SPKI PEM",
    tags: ["keys"],
    params: KEY_PARAMS,
    response: {
      200: {
        description:
          "A set holding the key; or, when Accept prefers application/x-pem-file, the public key as SPKI PEM " +
          "(needs keys:read only; a symmetric key has none: 406)",
        content: {
          "application/json": { schema: ref(JSON_WEB_KEY_SET) },
          [PEM_MEDIA_TYPE]: { schema: { type: "string", description: "-----BEGIN PUBLIC KEY-----" } },
        },
      },
      ...errors,
    },
  },
  updateJsonWebKey: {
    operationId: "updateJsonWebKey",
    summary:
      "Store a caller-supplied key under kid (upsert); a different body kid is refused. " +
      "A PEM body (Content-Type: application/x-pem-file, ?alg=…&use=…) imports a key and/or its certificates",
    tags: ["keys"],
    params: KEY_PARAMS,
    querystring: PEM_IMPORT_QUERY,
    body: {
      content: {
        "application/json": { schema: ref(JSON_WEB_KEY) },
        [PEM_MEDIA_TYPE]: {
          schema: {
            type: "string",
            description:
              "PEM text: one key (PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY), CERTIFICATE blocks leaf first, or both; not encrypted",
          },
        },
      },
    },
    response: { 200: { description: "The stored key", ...ref(JSON_WEB_KEY) }, ...errors },
  },
  deleteJsonWebKey: {
    operationId: "deleteJsonWebKey",
    summary:
      "Delete a key (idempotent). The signing key of a set with a rotation policy needs another ACTIVE or NEXT key to take over (409 otherwise: rotate first)",
    tags: ["keys"],
    params: KEY_PARAMS,
    response: { ...noContent, ...errors },
  },
  rotateJsonWebKeySet: {
    operationId: "rotateJsonWebKeySet",
    summary:
      "Not in Hydra: rotate a set. Its NEXT key (or a new key) becomes ACTIVE and signs; the ACTIVE keys retire, published for the retirement period",
    tags: ["keys"],
    params: SET_PARAMS,
    body: ref(ROTATE_REQUEST),
    response: { 200: { description: "The set after the rotation", ...ref(JSON_WEB_KEY_SET) }, ...errors },
  },
  revokeJsonWebKey: {
    operationId: "revokeJsonWebKey",
    summary:
      "Not in Hydra: revoke a key (never published again, never signs, kid never reused). The signing key of a set with a rotation policy needs another ACTIVE or NEXT key to take over (409 otherwise: rotate first)",
    tags: ["keys"],
    params: KEY_PARAMS,
    response: { 200: { description: "The revoked key, public members only", ...ref(JSON_WEB_KEY) }, ...errors },
  },
} as const;

export type OperationId = keyof typeof routeSchemas;
export const OPERATION_IDS = Object.keys(routeSchemas) as OperationId[];
