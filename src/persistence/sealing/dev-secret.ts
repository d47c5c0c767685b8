/**
 * The development secret: with SECRETS_SYSTEM unset on SQLite outside production (the only case
 * config.ts allows), stored keys are sealed with a random secret kept in `secrets.system` next to
 * the database file, so `npm start` works with no setup and a copied database file alone does not
 * open. The file is created once, atomically (written to a temporary name with mode 0600, then
 * hard-linked into place, which fails if another process got there first), and reused on every
 * later start. Losing it loses the keys: it belongs in the same backups as the database.
 */
import { randomBytes } from "node:crypto";
import { link, open, readFile, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { MIN_SECRET_LENGTH } from "../../config.js";
import { KeyringError } from "./keyring.js";

export const DEV_SECRET_FILE = "secrets.system";
export const DEV_SECRET_MODE = 0o600;

export interface DevSecret {
  secret: string;
  file: string;
  /** True when this call created the file. */
  created: boolean;
  /** True when the file can be read by other users (mode wider than 0600). */
  exposed: boolean;
}

/** `<folder of the database file>/secrets.system`, absolute. */
export function devSecretPath(databaseFile: string): string {
  return path.join(path.dirname(path.resolve(databaseFile)), DEV_SECRET_FILE);
}

/** Reads the secret file, or undefined when there is none. */
export async function readDevSecret(file: string): Promise<DevSecret | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH || /[\s,]/.test(secret)) {
    throw new KeyringError(
      `The development secret file ${file} is damaged (it must hold one secret of at least ${MIN_SECRET_LENGTH} characters). Restore it from a backup, or set SECRETS_SYSTEM.`,
    );
  }
  const { mode } = await stat(file);
  return { secret, file, created: false, exposed: (mode & 0o077) !== 0 };
}

/** Creates the secret file with a new random secret, or reads the one another process just created. */
export async function createDevSecret(file: string): Promise<DevSecret> {
  const secret = randomBytes(32).toString("base64url");
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx", DEV_SECRET_MODE);
  try {
    await handle.chmod(DEV_SECRET_MODE); // in case the umask is odd; it can only have narrowed it
    await handle.writeFile(`${secret}\n`, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const existing = await readDevSecret(file);
    if (existing) return existing;
    throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
  await syncFolder(path.dirname(file));
  return { secret, file, created: true, exposed: false };
}

/** Makes the new directory entry durable (best effort: not every platform can fsync a folder). */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r").catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
