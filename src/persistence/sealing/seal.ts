/**
 * The sealed envelope for stored key material (README, "How a key is sealed"): AES-256-GCM from
 * node:crypto under a KEK of the keyring. Proven by test/persistence/sealing/encryption.test.ts and
 * seal.property.test.ts.
 *
 *   blob = "jwkenc" ‖ version (1 byte) ‖ kek id (4 bytes) ‖ iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes)
 *   data = base64url(blob), unpadded; `data` is refused unless it is exactly that encoding
 *
 * - A fresh random 96-bit IV per seal; never a caller-supplied one.
 * - The tag is always 16 bytes: the decipher is created with `authTagLength: 16` (Node otherwise
 *   accepts a truncated tag) and the last 16 bytes of the blob are the tag, so a shortened or
 *   lengthened blob cannot authenticate.
 * - The kek id selects the key directly (no trial decryption); an unknown one fails closed.
 * - AAD binds the ciphertext to where it is stored, so a blob copied or swapped into another row
 *   (or into the canary table) fails to open. It is length-prefixed, so ("a","bc") ≠ ("ab","c"):
 *
 *     AAD = f("jwk-gateway/aad") ‖ f(version) ‖ f(kek id) ‖ f(purpose) ‖ f(set) ‖ f(kid)
 *     f(x) = uint32be(byteLength(x)) ‖ x
 *
 *   The header (magic, version, kek id) is thereby authenticated too. There is no tenant id: like
 *   Hydra's JWK store, the gateway serves one network (one namespace of sets).
 *
 * Failures throw OpenError with a short reason for logs; it never carries plaintext or key bytes.
 * Callers own the plaintext buffers on both sides and zero them after use.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Kek, Keyring } from "./keyring.js";

export const ENVELOPE_MAGIC = Buffer.from("jwkenc", "latin1");
export const ENVELOPE_VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const KEK_ID_AT = ENVELOPE_MAGIC.length + 1;
const IV_AT = KEK_ID_AT + 4;
const CIPHERTEXT_AT = IV_AT + IV_BYTES;
/** Header, IV and tag: the size of a blob with an empty ciphertext. */
export const ENVELOPE_OVERHEAD = CIPHERTEXT_AT + TAG_BYTES;
const AAD_LABEL = "jwk-gateway/aad";
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * What a sealed blob is bound to. `purpose` keeps key rows, canaries and pooled keys apart (a pooled
 * key is bound to its pool row: `set` is its pool, e.g. "RS256/4096", and `kid` the row's random ref).
 */
export interface SealContext {
  purpose: "jwk" | "canary" | "pooled-key";
  set: string;
  kid: string;
}

export interface Sealed {
  /** base64url of the envelope. */
  data: string;
  /** The kek id in its header (also stored in the `kekId` column). */
  kekId: string;
}

/** A blob did not open. `reason` is safe to log. */
export class OpenError extends Error {
  override name = "OpenError";
  constructor(readonly reason: string) {
    super(`The sealed data did not open: ${reason}`);
  }
}

export class KeySealer {
  constructor(readonly keyring: Keyring) {}

  /** Seals under the current KEK (or `kek`, for a canary of an older one). */
  seal(plaintext: Buffer, context: SealContext, kek: Kek = this.keyring.current): Sealed {
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.concat([ENVELOPE_MAGIC, Buffer.of(ENVELOPE_VERSION), kek.idBytes, iv]);
    const cipher = createCipheriv("aes-256-gcm", kek.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(ENVELOPE_VERSION, kek.idBytes, context));
    const blob = Buffer.concat([header, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { data: blob.toString("base64url"), kekId: kek.id };
  }

  /** The plaintext of `data` sealed for `context`; throws OpenError otherwise. */
  open(data: string, context: SealContext): Buffer {
    const blob = decodeEnvelope(data);
    const kekId = blob.subarray(KEK_ID_AT, IV_AT);
    const kek = this.keyring.get(kekId.toString("hex"));
    if (!kek) throw new OpenError(`sealed with kek id ${kekId.toString("hex")}, which is not in SECRETS_SYSTEM`);
    const tag = blob.subarray(blob.length - TAG_BYTES);
    if (tag.length !== TAG_BYTES) throw new OpenError("the tag is not 16 bytes");
    const decipher = createDecipheriv("aes-256-gcm", kek.key, blob.subarray(IV_AT, CIPHERTEXT_AT), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(blob[ENVELOPE_MAGIC.length], kekId, context));
    decipher.setAuthTag(tag);
    // update() hands out bytes before they are authenticated: they are zeroed unless final() succeeds.
    const opened = decipher.update(blob.subarray(CIPHERTEXT_AT, blob.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      opened.fill(0);
      throw new OpenError("authentication failed (altered, truncated, or stored under another set, kid or secret)");
    }
    return opened;
  }
}

/** The kek id in a blob's header, or undefined when `data` is not an envelope. Not a proof of anything. */
export function kekIdOf(data: string): string | undefined {
  try {
    return decodeEnvelope(data).subarray(KEK_ID_AT, IV_AT).toString("hex");
  } catch {
    return undefined;
  }
}

/** The blob of `data`, with its header checked: exact base64url, magic, version and length. */
function decodeEnvelope(data: string): Buffer {
  if (!BASE64URL.test(data)) throw new OpenError("not base64url");
  const blob = Buffer.from(data, "base64url");
  // Buffer.from ignores stray trailing bits; one blob must have exactly one spelling.
  if (blob.toString("base64url") !== data) throw new OpenError("not canonical base64url");
  if (blob.length < ENVELOPE_OVERHEAD) throw new OpenError("too short to be an envelope");
  if (!blob.subarray(0, ENVELOPE_MAGIC.length).equals(ENVELOPE_MAGIC))
    throw new OpenError("not an envelope (bad magic)");
  const version = blob[ENVELOPE_MAGIC.length];
  if (version !== ENVELOPE_VERSION) throw new OpenError(`unknown envelope version ${version}`);
  return blob;
}

/** The canonical, length-prefixed additional authenticated data (see the header comment). */
export function aad(version: number, kekId: Buffer, context: SealContext): Buffer {
  const fields = [
    Buffer.from(AAD_LABEL, "utf8"),
    Buffer.of(version),
    kekId,
    context.purpose,
    context.set,
    context.kid,
  ].map((field) => (typeof field === "string" ? Buffer.from(field, "utf8") : field));
  const parts: Buffer[] = [];
  for (const field of fields) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(field.length);
    parts.push(length, field);
  }
  return Buffer.concat(parts);
}
