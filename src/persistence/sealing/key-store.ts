/**
 * Opening the key store safely (README, "Configuring `SECRETS_SYSTEM`"; test/persistence/sealing/encryption.test.ts): before anything is served, prove that the
 * configured secrets are the ones that sealed this database, and seal what the foundation left in
 * plaintext.
 *
 * 1. Secrets: SECRETS_SYSTEM, or on SQLite outside production the development secret file
 *    (dev-secret.ts). A missing file is only created for a database that holds nothing sealed yet.
 * 2. Canary: keyring_canary holds one row per KEK id, a known text sealed under that KEK. Every
 *    canary of a configured KEK must open, and when canaries exist at least one must belong to a
 *    configured KEK: otherwise SECRETS_SYSTEM holds a wrong secret and start stops here, instead of
 *    every read failing later. The current KEK gets its canary if it has none.
 * 3. Rows: a KEK id used by json_web_key rows but absent from SECRETS_SYSTEM stops start, with the
 *    count of rows that need it (removing a secret that still seals rows).
 * 4. Upgrade: rows in the plaintext "jwk+json/v1" format are re-sealed (rewrap.ts), and on SQLite
 *    the file is compacted so that the plaintext does not linger in free pages.
 *
 * Failures are KeyringErrors, whose messages name SECRETS_SYSTEM and never a secret.
 */
import type { Config } from "../../config.js";
import type { Logger } from "../../logging.js";
import { JWK_AES256GCM_V1, JWK_JSON_V1 } from "./codec.js";
import type { Database, Db } from "../db/database.js";
import { createDevSecret, devSecretPath, readDevSecret, type DevSecret } from "./dev-secret.js";
import { Keyring, KeyringError, type Kek } from "./keyring.js";
import { isUniqueViolation } from "../db/store-runner.js";
import { sqliteFilePath } from "../db/url.js";
import { compactAfterRewrap, rewrap, type RewrapResult } from "./rewrap.js";
import { KeySealer, type SealContext } from "./seal.js";

/** What a canary seals. Its AAD names the canary table and the KEK id, so a key row never opens as one. */
const CANARY_TEXT = "jwk-gateway keyring canary v1";
const canaryContext = (kekId: string): SealContext => ({ purpose: "canary", set: "keyring_canary", kid: kekId });

export interface KeyStore {
  sealer: KeySealer;
  report: KeyStoreReport;
}

export interface KeyStoreReport {
  /** Set when the development secret file is in use. */
  devSecret?: Omit<DevSecret, "secret">;
  /** The current KEK's id. */
  kekId: string;
  /** True when this start wrote the current KEK's canary. */
  canaryCreated: boolean;
  /** Plaintext rows re-sealed by this start. */
  upgrade: RewrapResult;
}

/** Rows per (kek id, format). */
export interface KekUsage {
  kekId: string | null;
  format: string;
  rows: number;
}

export interface SecretsOptions {
  /** Create the development secret file when it is missing (the app does, the rotate tool does not). */
  createDevSecret: boolean;
}

/** Steps 1–4: the sealer to serve with, or a KeyringError. */
export async function openKeyStore(config: Config, database: Database): Promise<KeyStore> {
  const { keyring, devSecret } = await loadKeyring(config, database, { createDevSecret: true });
  const sealer = new KeySealer(keyring);
  const { canaryCreated } = await checkKeyring(database.client, sealer);
  const upgrade = await rewrap(database, sealer, { scope: "plaintext" });
  if (upgrade.resealed > 0) await compactAfterRewrap(database);
  return {
    sealer,
    report: { devSecret: devSecret && withoutSecret(devSecret), kekId: keyring.current.id, canaryCreated, upgrade },
  };
}

/** Logs what openKeyStore did, once a logger exists. Never logs a secret. */
export function logKeyStoreReport(log: Logger, report: KeyStoreReport): void {
  const { devSecret, upgrade } = report;
  if (devSecret) {
    log.warn(
      { secretFile: devSecret.file, created: devSecret.created },
      `SECRETS_SYSTEM is not set: stored keys are sealed with the development secret in ${devSecret.file}` +
        `${devSecret.created ? " (created now)" : ""}. Keep that file with the database's backups; set SECRETS_SYSTEM for any real deployment.`,
    );
    if (devSecret.exposed)
      log.warn({ secretFile: devSecret.file }, `${devSecret.file} can be read by other users: chmod 600 it`);
  }
  if (report.canaryCreated) log.info({ kekId: report.kekId }, "keyring canary written for the current secret");
  if (upgrade.planned > 0) {
    log.info(
      { kekId: report.kekId, resealed: upgrade.resealed, changed: upgrade.changed, failed: upgrade.failed.length },
      `re-sealed ${upgrade.resealed} stored key(s) from the plaintext format ${JWK_JSON_V1}`,
    );
  }
  for (const failure of upgrade.failed) {
    log.error(
      { set: failure.set, kid: failure.kid, reason: failure.reason },
      "a plaintext stored key could not be re-sealed; reading it will fail",
    );
  }
}

/** The keyring from SECRETS_SYSTEM, or from the development secret file where config allows it. */
export async function loadKeyring(
  config: Config,
  database: Database,
  options: SecretsOptions,
): Promise<{ keyring: Keyring; devSecret?: DevSecret }> {
  if (config.secretsSystem !== undefined) return { keyring: await Keyring.fromSecrets(config.secretsSystem) };
  if (database.provider !== "sqlite" || config.production) {
    // config.ts refuses this already; kept so that no other caller can skip the rule.
    throw new KeyringError("SECRETS_SYSTEM must be set on PostgreSQL and in production");
  }
  const file = devSecretPath(sqliteFilePath(config.databaseUrl));
  let devSecret = await readDevSecret(file);
  if (!devSecret) {
    const sealed = await sealedKekIds(database.client);
    if (sealed.length > 0) {
      throw new KeyringError(
        `SECRETS_SYSTEM is not set and the development secret file ${file} is missing, but this database holds keys sealed ` +
          `with kek id(s) ${sealed.join(", ")}. Restore ${file} from a backup, or set SECRETS_SYSTEM to the secret that sealed them.`,
      );
    }
    if (!options.createDevSecret)
      throw new KeyringError(`SECRETS_SYSTEM is not set and there is no development secret file at ${file}`);
    devSecret = await createDevSecret(file);
  }
  return { keyring: await Keyring.fromSecrets([devSecret.secret]), devSecret };
}

/** Steps 2 and 3. Returns whether the current KEK's canary was written now. */
export async function checkKeyring(db: Db, sealer: KeySealer): Promise<{ canaryCreated: boolean }> {
  const { keyring } = sealer;
  const canaries = await db.keyringCanary.findMany({ select: { kekId: true, data: true } });
  const known = canaries.filter((canary) => keyring.get(canary.kekId) !== undefined);
  for (const canary of known) {
    if (!opensCanary(sealer, canary.kekId, canary.data)) {
      throw new KeyringError(
        `SECRETS_SYSTEM: the canary of kek id ${keyring.describe(canary.kekId)} does not open with that secret: ` +
          "the keyring_canary row was altered, or two secrets share a kek id. Refusing to serve keys that cannot be trusted.",
      );
    }
  }
  if (canaries.length > 0 && known.length === 0) {
    throw new KeyringError(
      `SECRETS_SYSTEM does not open this database: it was sealed with the secret(s) of kek id(s) ${canaries.map((c) => c.kekId).join(", ")}, ` +
        `and SECRETS_SYSTEM's secret(s) have kek id(s) ${keyring.ids.join(", ")}. Set SECRETS_SYSTEM to the secret that sealed it ` +
        "(to change secrets, put the new one first and the old one after it, then run npm run keys:rotate).",
    );
  }
  const missing = (await kekUsage(db)).filter(
    (usage) => usage.kekId !== null && keyring.get(usage.kekId) === undefined,
  );
  if (missing.length > 0) {
    const rows = missing.reduce((sum, usage) => sum + usage.rows, 0);
    const detail = missing.map((usage) => `kek id ${usage.kekId}: ${usage.rows} row(s)`).join(", ");
    throw new KeyringError(
      `${rows} stored key(s) are sealed with a secret that is not in SECRETS_SYSTEM (${detail}). Put that secret back in ` +
        "SECRETS_SYSTEM after the one that seals, run npm run keys:rotate, and remove it only once `npm run keys:rotate -- --status` shows no rows on it.",
    );
  }
  return { canaryCreated: await ensureCanary(db, sealer, keyring.current) };
}

/** Writes the canary of `kek` unless it exists; a concurrent start may write it first, which is fine once it opens. */
async function ensureCanary(db: Db, sealer: KeySealer, kek: Kek): Promise<boolean> {
  if (await db.keyringCanary.findUnique({ where: { kekId: kek.id }, select: { kekId: true } })) return false;
  const { data } = sealer.seal(Buffer.from(CANARY_TEXT, "utf8"), canaryContext(kek.id), kek);
  try {
    await db.keyringCanary.create({ data: { kekId: kek.id, data } });
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const other = await db.keyringCanary.findUnique({ where: { kekId: kek.id }, select: { data: true } });
    if (other && opensCanary(sealer, kek.id, other.data)) return false;
    throw error;
  }
}

function opensCanary(sealer: KeySealer, kekId: string, data: string): boolean {
  try {
    const opened = sealer.open(data, canaryContext(kekId));
    const ok = opened.toString("utf8") === CANARY_TEXT;
    opened.fill(0);
    return ok;
  } catch {
    return false;
  }
}

/** How many rows each (kek id, format) holds, kek ids first in order, plaintext last. */
export async function kekUsage(db: Db): Promise<KekUsage[]> {
  const groups = await db.jsonWebKey.groupBy({ by: ["kekId", "format"], _count: { _all: true } });
  return groups
    .map((group) => ({ kekId: group.kekId, format: group.format, rows: group._count._all }))
    .sort((a, b) => (a.kekId ?? "~").localeCompare(b.kekId ?? "~") || a.format.localeCompare(b.format));
}

/** KEK ids that sealed anything in this database (keys or canaries). */
async function sealedKekIds(db: Db): Promise<string[]> {
  const ids = new Set((await db.keyringCanary.findMany({ select: { kekId: true } })).map((canary) => canary.kekId));
  for (const usage of await kekUsage(db))
    if (usage.kekId !== null && usage.format === JWK_AES256GCM_V1) ids.add(usage.kekId);
  return [...ids].sort();
}

function withoutSecret({ secret: _secret, ...rest }: DevSecret): Omit<DevSecret, "secret"> {
  return rest;
}
