/**
 * `jwk-gateway secrets rotate` (alias `npm run keys:rotate`): re-seals every stored key that is not sealed
 * by SECRETS_SYSTEM's first secret (README, "Encryption at rest").
 *
 *   keys:rotate                    check the keyring (canaries, unknown kek ids), write the current
 *                                  secret's canary, re-seal in batches, print progress and counts
 *   keys:rotate --status           rows per kek id, and which SECRETS_SYSTEM entry opens them
 *   keys:rotate --batch-size <n>   rows per transaction (default 100)
 *
 * Exit status: 0 only when every row ends sealed by the current secret; 1 on any failure, after
 * which no success line is ever printed (hydra#1026); 2 on bad usage. Safe to run while the
 * gateway serves and to run again after a crash (persistence/sealing/rewrap.ts).
 */
import { ConfigError, loadConfig } from "../config.js";
import { JWK_JSON_V1 } from "../persistence/sealing/codec.js";
import { openDatabase, type Database } from "../persistence/db/database.js";
import { checkKeyring, kekUsage, loadKeyring } from "../persistence/sealing/key-store.js";
import { KeyringError, type Keyring } from "../persistence/sealing/keyring.js";
import { compactAfterRewrap, DEFAULT_REWRAP_BATCH, rewrap } from "../persistence/sealing/rewrap.js";
import { KeySealer } from "../persistence/sealing/seal.js";

export interface RotateIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = "usage: npm run keys:rotate [-- --status | --batch-size <n>]";
const PREFIX = "keys:rotate:";

export async function runRotate(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: RotateIo,
): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.err(`${PREFIX} ${args}\n${USAGE}`);
    return 2;
  }
  let database: Database | undefined;
  try {
    const config = loadConfig(env);
    database = await openDatabase(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs });
    if (args.status) {
      const keyring = await loadKeyring(config, database, { createDevSecret: false }).then(
        ({ keyring }) => keyring,
        (error: unknown) => {
          if (!(error instanceof KeyringError)) throw error;
          io.err(`${PREFIX} ${error.message}`);
          return undefined;
        },
      );
      await printStatus(database, keyring, io);
      return 0;
    }

    const { keyring } = await loadKeyring(config, database, { createDevSecret: false });
    const sealer = new KeySealer(keyring);
    const current = keyring.current.id;
    const { canaryCreated } = await checkKeyring(database.client, sealer);
    if (canaryCreated) io.out(`${PREFIX} wrote the keyring canary of kek id ${current}`);

    let lastPrinted = -1;
    const result = await rewrap(database, sealer, {
      scope: "stale",
      batchSize: args.batchSize,
      onProgress: ({ planned, visited, resealed }) => {
        if (visited === lastPrinted) return;
        lastPrinted = visited;
        io.out(`${PREFIX} progress ${visited}/${planned} visited, ${resealed} re-sealed`);
      },
    });
    if (result.planned === 0) io.out(`${PREFIX} no stored key needs re-sealing; all are sealed by kek id ${current}`);
    else io.out(`${PREFIX} ${result.planned} stored key(s) were not sealed by kek id ${current} (SECRETS_SYSTEM[0])`);
    io.out(
      `${PREFIX} re-sealed ${result.resealed}, changed concurrently ${result.changed}, failed ${result.failed.length}, remaining ${result.remaining}`,
    );

    if (result.failed.length > 0) {
      for (const failure of result.failed) {
        io.err(
          `${PREFIX} could not re-seal set ${JSON.stringify(failure.set)} kid ${JSON.stringify(failure.kid)}: ${failure.reason}`,
        );
      }
      io.err(
        `${PREFIX} FAILED: ${result.failed.length} stored key(s) could not be opened and were left as they are; keep every secret in SECRETS_SYSTEM`,
      );
      return 1;
    }
    if (result.remaining > 0) {
      io.err(
        `${PREFIX} FAILED: ${result.remaining} stored key(s) are still not sealed by kek id ${current} ` +
          "(written during the run by a process with another first secret?); run keys:rotate again",
      );
      return 1;
    }
    if (result.resealed > 0) {
      // Not a rotation failure: every row is re-sealed; only old bytes may linger in free pages.
      await compactAfterRewrap(database).then(
        (done) =>
          done &&
          io.out(`${PREFIX} compacted the SQLite file (VACUUM), so old ciphertexts do not linger in free pages`),
        (error: unknown) =>
          io.err(
            `${PREFIX} warning: could not compact the SQLite file (${(error as Error).message.split("\n", 1)[0]}); run VACUUM later`,
          ),
      );
    }
    // Closed before the success line, so that nothing can fail after it.
    const closing = database;
    database = undefined;
    await closing.close();
    io.out(
      `${PREFIX} done: every stored key is sealed by kek id ${current}; secrets after the first can be removed from SECRETS_SYSTEM`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) io.err(`${PREFIX} FAILED: configuration error: ${error.message}`);
    else if (error instanceof KeyringError) io.err(`${PREFIX} FAILED: ${error.message}`);
    else io.err(`${PREFIX} FAILED: ${describeFailure(error)}`);
    return 1;
  } finally {
    if (database) await closeQuietly(database, io);
  }
}

/** One line per kek id: `  <kek id>  <rows>  <what opens it>`. */
async function printStatus(database: Database, keyring: Keyring | undefined, io: RotateIo): Promise<void> {
  const usage = await kekUsage(database.client);
  const total = usage.reduce((sum, entry) => sum + entry.rows, 0);
  io.out(`${PREFIX} ${total} stored key(s) in ${database.provider}`);
  io.out("  kek id     rows  opened by");
  const rows = new Map<string, number>();
  for (const entry of usage) {
    const id = entry.kekId ?? "plaintext";
    rows.set(id, (rows.get(id) ?? 0) + entry.rows);
  }
  for (const id of keyring?.ids ?? []) if (!rows.has(id)) rows.set(id, 0);
  for (const [id, count] of rows) {
    const label =
      id === "plaintext"
        ? `no secret: format ${JWK_JSON_V1}, sealed at the next start`
        : (keyring?.role(id) ?? "SECRETS_SYSTEM not loaded");
    io.out(`  ${id.padEnd(9)} ${String(count).padStart(5)}  ${label}`);
  }
}

function parseArgs(argv: readonly string[]): { status: boolean; batchSize: number } | string {
  let status = false;
  let batchSize = DEFAULT_REWRAP_BATCH;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--status") status = true;
    else if (arg === "--batch-size" || arg.startsWith("--batch-size=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000)
        return "--batch-size takes an integer from 1 to 10000";
      batchSize = Number(value);
    } else return `unknown argument ${JSON.stringify(arg)}`;
  }
  return { status, batchSize };
}

async function closeQuietly(database: Database, io: RotateIo): Promise<void> {
  await database
    .close()
    .catch((error: unknown) => io.err(`${PREFIX} closing the database failed: ${(error as Error).message}`));
}

/**
 * An unexpected error in one line. Prisma puts query arguments (here: stored data) after its first
 * lines, so only the first non-empty line is kept, with the error code.
 */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (code === "P2021")
    return "the database has no key tables: run npm run db:migrate (or start the gateway once) first";
  const line = error.message.split("\n").find((text) => text.trim() !== "") ?? "";
  return `${error.name}${typeof code === "string" ? ` ${code}` : ""}: ${line.trim().slice(0, 300)}`;
}
