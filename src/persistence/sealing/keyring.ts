/**
 * The keyring: SECRETS_SYSTEM's secrets turned into AES-256 key-encryption keys (KEKs), as in Hydra
 * the first one seals and every one opens (README, "Rotating the secret").
 *
 * - Key derivation: scrypt(secret, salt = KDF_SALT, N = 2^15, r = 8, p = 1) → 32 bytes. A
 *   secret may be a human passphrase, so it is stretched rather than hashed once (Hydra uses a single
 *   SHA-256). The salt is fixed and public on purpose: the key must follow from the secret alone, and
 *   the secret never lives in the database. Changing any KDF parameter changes every key, so they are
 *   part of the stored format "jwk+aes256gcm/v1" and never change within it.
 * - KEK id: the first 4 bytes of HMAC-SHA256(key, KEK_ID_LABEL), printed as 8 hex digits. It names a
 *   secret in the envelope, the `kekId` column and logs without revealing anything about it.
 * - The derived bytes are moved into KeyObjects (held by OpenSSL, not the JS heap) and zeroed.
 */
import { createHmac, createSecretKey, scrypt, type KeyObject } from "node:crypto";
import { MIN_SECRET_LENGTH } from "../../config.js";

export const KDF_SALT = "jwk-gateway/secrets.system/kek/v1";
export const KDF_PARAMETERS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
export const KEK_ID_LABEL = "jwk-gateway/kek-id/v1";
export const KEK_ID_BYTES = 4;

/** One key-encryption key. `id` is `idBytes` as lower-case hex. */
export interface Kek {
  readonly id: string;
  readonly idBytes: Buffer;
  /** Position in SECRETS_SYSTEM (0 seals). */
  readonly index: number;
  readonly key: KeyObject;
}

/** The configured secrets cannot form a keyring. Never carries a secret. */
export class KeyringError extends Error {
  override name = "KeyringError";
}

export class Keyring {
  /** The KEK that seals: SECRETS_SYSTEM's first secret. */
  readonly current: Kek;
  private readonly byId: ReadonlyMap<string, Kek>;

  private constructor(readonly keks: readonly Kek[]) {
    this.current = keks[0];
    this.byId = new Map(keks.map((kek) => [kek.id, kek]));
  }

  /** Derives a KEK from each secret, in order. Repeated secrets are kept once (first position wins). */
  static async fromSecrets(secrets: readonly string[]): Promise<Keyring> {
    if (secrets.length === 0) throw new KeyringError("SECRETS_SYSTEM: at least one secret is required");
    secrets.forEach((secret, index) => {
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new KeyringError(
          `SECRETS_SYSTEM: secret #${index + 1} is ${secret.length} characters long; each secret needs at least ${MIN_SECRET_LENGTH}`,
        );
      }
    });
    const keys = await Promise.all(secrets.map((secret) => deriveKey(secret)));
    return Keyring.fromKeys(keys);
  }

  /** A keyring from derived 32-byte keys; the buffers are zeroed. */
  private static fromKeys(keys: readonly Buffer[]): Keyring {
    if (keys.length === 0) throw new KeyringError("A keyring needs at least one key");
    const keks: Kek[] = [];
    for (const raw of keys) {
      if (raw.length !== 32) throw new TypeError("A key-encryption key is 32 bytes");
      const key = createSecretKey(raw);
      raw.fill(0);
      const idBytes = createHmac("sha256", key).update(KEK_ID_LABEL).digest().subarray(0, KEK_ID_BYTES);
      const id = idBytes.toString("hex");
      const same = keks.find((kek) => kek.id === id);
      if (same) {
        if (same.key.equals(key)) continue; // the same secret listed twice
        throw new KeyringError(`SECRETS_SYSTEM: two different secrets share the key id ${id}; replace one of them`);
      }
      keks.push({ id, idBytes: Buffer.from(idBytes), index: keks.length, key });
    }
    return new Keyring(keks);
  }

  get(id: string): Kek | undefined {
    return this.byId.get(id);
  }

  /** Kek ids in SECRETS_SYSTEM order. */
  get ids(): string[] {
    return this.keks.map((kek) => kek.id);
  }

  /** "SECRETS_SYSTEM[0], seals", "SECRETS_SYSTEM[1]" or "not in SECRETS_SYSTEM". */
  role(id: string): string {
    const kek = this.get(id);
    if (!kek) return "not in SECRETS_SYSTEM";
    return `SECRETS_SYSTEM[${kek.index}]${kek.index === 0 ? ", seals" : ""}`;
  }

  /** "3fa2b1c0 (SECRETS_SYSTEM[0], seals)", for messages. */
  describe(id: string): string {
    return `${id} (${this.role(id)})`;
  }
}

function deriveKey(secret: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, KDF_SALT, 32, KDF_PARAMETERS, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
