/**
 * How a key is stored: the `format` column names the encoding of the `data` column.
 *
 * - "jwk+aes256gcm/v1" (written): the JSON of the normalized JWK sealed by KeySealer (seal.ts), bound
 *   to its (set, kid); `kekId` names the secret that sealed it.
 * - "jwk+json/v1" (the foundation's, read only): the plain JSON text of the normalized JWK. Such rows
 *   are re-sealed at start (rewrap.ts) and by `npm run keys:rotate`, the only readers that accept
 *   them. Anywhere else an unsealed row is refused as KEY_INTEGRITY: once encryption is on, a
 *   plaintext row can only have been written around the gateway (e.g. a key planted with SQL).
 *
 * Any row that does not open is a KeyIntegrityError naming the row asked for; messages never echo
 * `data`. Plaintext buffers are zeroed after use (best effort: JSON strings cannot be).
 */
import { KeyIntegrityError } from "../../errors.js";
import { normalizeJwk, type Jwk } from "../../domain/jwk.js";
import { kekIdOf, OpenError, type KeySealer, type SealContext } from "./seal.js";

export const JWK_JSON_V1 = "jwk+json/v1";
export const JWK_AES256GCM_V1 = "jwk+aes256gcm/v1";

/** The format `encodeKey` writes. */
export const CURRENT_FORMAT = JWK_AES256GCM_V1;

export interface StoredKey {
  format: string;
  data: string;
  /** The sealing KEK's id; null for the plaintext format. */
  kekId: string | null;
}

/** A stored row as the codec needs it: where it is stored is part of what it was sealed for. */
export interface StoredRow extends StoredKey {
  set: string;
  kid: string;
}

export interface DecodeOptions {
  /** Read the foundation's plaintext format (re-sealing only). */
  acceptPlaintext?: boolean;
}

export function encodeKey(sealer: KeySealer, set: string, key: Jwk): StoredKey {
  const plaintext = Buffer.from(JSON.stringify(normalizeJwk(key)), "utf8");
  try {
    const { data, kekId } = sealer.seal(plaintext, contextOf(set, key.kid));
    return { format: JWK_AES256GCM_V1, data, kekId };
  } finally {
    plaintext.fill(0);
  }
}

export function decodeKey(sealer: KeySealer, row: StoredRow, options: DecodeOptions = {}): Jwk {
  switch (row.format) {
    case JWK_AES256GCM_V1:
      return checkedKid(row, openSealed(sealer, row));
    case JWK_JSON_V1:
      if (!options.acceptPlaintext) {
        throw new KeyIntegrityError(
          row.set,
          row.kid,
          `an unsealed ${JWK_JSON_V1} row appeared after start; run npm run keys:rotate to seal it`,
        );
      }
      return checkedKid(row, parseJwk(row.data, row.format));
    default:
      // Never echo `data`: it may hold secret key material.
      throw new Error(
        `Stored key format ${JSON.stringify(row.format.slice(0, 64))} is unknown; the row cannot be read`,
      );
  }
}

function openSealed(sealer: KeySealer, row: StoredRow): Jwk {
  // The column is what rotation counts by: it must agree with the (authenticated) header.
  const inHeader = kekIdOf(row.data);
  if (inHeader !== undefined && inHeader !== row.kekId) {
    throw new KeyIntegrityError(
      row.set,
      row.kid,
      `the kekId column (${String(row.kekId).slice(0, 16)}) differs from the envelope's (${inHeader})`,
    );
  }
  let plaintext: Buffer;
  try {
    plaintext = sealer.open(row.data, contextOf(row.set, row.kid));
  } catch (error) {
    if (error instanceof OpenError) throw new KeyIntegrityError(row.set, row.kid, error.reason);
    throw error;
  }
  try {
    return parseJwk(plaintext.toString("utf8"), row.format);
  } catch {
    throw new KeyIntegrityError(row.set, row.kid, "the sealed content is not a JSON object");
  } finally {
    plaintext.fill(0);
  }
}

/** A row holds the key of its own kid, whatever the format (a second line behind the AAD). */
function checkedKid(row: StoredRow, key: Jwk): Jwk {
  if (key.kid !== row.kid) throw new KeyIntegrityError(row.set, row.kid, "the stored key has another kid");
  return key;
}

function contextOf(set: string, kid: string): SealContext {
  return { purpose: "jwk", set, kid };
}

function parseJwk(data: string, format: string): Jwk {
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
  return normalizeJwk(value as Jwk);
}
