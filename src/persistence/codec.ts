/**
 * How a key is stored: the `format` column names the encoding of the `data` column.
 *
 * "jwk+json/v1" is the plain JSON text of the normalized JWK. Encryption at rest will add formats
 * (e.g. an envelope with a key-encryption-key id); `decodeKey` must keep reading every format that
 * was ever written, and `encodeKey` writes the current one.
 */
import { normalizeJwk, type Jwk } from "../domain/jwk.js";

export const JWK_JSON_V1 = "jwk+json/v1";

/** The format `encodeKey` writes. */
export const CURRENT_FORMAT = JWK_JSON_V1;

export interface StoredKey {
  format: string;
  data: string;
}

export function encodeKey(key: Jwk): StoredKey {
  return { format: JWK_JSON_V1, data: JSON.stringify(normalizeJwk(key)) };
}

export function decodeKey(row: StoredKey): Jwk {
  switch (row.format) {
    case JWK_JSON_V1:
      return normalizeJwk(parseJson(row.data, row.format));
    default:
      // Never echo `data`: it may hold secret key material.
      throw new Error(`Stored key format ${JSON.stringify(row.format.slice(0, 64))} is unknown; the row cannot be read`);
  }
}

function parseJson(data: string, format: string): Jwk {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    // JSON.parse's own message quotes the input, which may be secret: replace it.
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`Stored key (format ${format}) is not a JSON object; the row cannot be read`);
  }
  return value as Jwk;
}
