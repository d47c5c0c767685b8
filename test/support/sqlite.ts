/**
 * A SQLite database file in a fresh temporary folder. The file itself is created by whoever opens
 * the URL first; `cleanup()` removes the folder (with its -wal/-shm files).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempSqlite {
  /** `file:/tmp/jwkgw-sqlite-XXXXXX/keys.db` (absolute, so it does not depend on the cwd). */
  url: string;
  dir: string;
  file: string;
  cleanup(): Promise<void>;
}

export async function tempSqlite(fileName = "keys.db"): Promise<TempSqlite> {
  const dir = await mkdtemp(join(tmpdir(), "jwkgw-sqlite-"));
  const file = join(dir, fileName);
  return { url: `file:${file}`, dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
