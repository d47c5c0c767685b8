/**
 * `jwk-gateway token` (alias `npm run token`): issues, lists and revokes API tokens. Reads DATABASE_URL
 * like the gateway; see README, "Access control".
 *
 *   token create --name <name> --scopes <scope,...> [--expires-in <n>s|m|h|d]
 *                         prints the token, once, alone on stdout (what it is, on stderr)
 *   token list            id, name, scopes, dates and status of every token; never a secret
 *   token revoke <id|name>
 *
 * The token's secret is never stored nor logged: the database holds its SHA-256 (auth/tokens.ts).
 * A running gateway picks a new token up without restart (open mode ends within seconds) and
 * refuses a revoked one on its next request.
 *
 * Exit status: 0 on success, 1 on failure, 2 on bad usage.
 */
import { fileURLToPath } from "node:url";
import { parseScopeList, SCOPES, type Scope } from "../auth/scopes.js";
import { issueToken, parseDuration, tokenStatus, type StoredToken } from "../auth/tokens.js";
import { ConfigError, loadConfig } from "../config.js";
import { ConflictError } from "../errors.js";
import { openDatabase, type Database } from "../persistence/db/database.js";
import { migrate } from "../persistence/db/migrate.js";
import { providerOf } from "../persistence/db/url.js";
import { PrismaTokenStore } from "../persistence/tokens/token-store.js";

export interface TokenIo {
  out(line: string): void;
  err(line: string): void;
}

const PREFIX = "token:";
const USAGE = [
  "usage: npm run token -- create --name <name> --scopes <scope,...> [--expires-in <n>s|m|h|d]",
  "       npm run token -- list",
  "       npm run token -- revoke <id|name>",
  `scopes: ${SCOPES.join(", ")}`,
].join("\n");

const PRISMA_DIR = fileURLToPath(new URL("../../prisma", import.meta.url));

type Command =
  | { command: "create"; name: string; scopes: Scope[]; expiresInMs?: number }
  | { command: "list" }
  | { command: "revoke"; target: string };

export async function runToken(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: TokenIo,
): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === "string") {
    io.err(`${PREFIX} ${parsed}\n${USAGE}`);
    return 2;
  }
  let database: Database | undefined;
  try {
    const config = loadConfig(env);
    await prepareSchema(config.databaseUrl, config.migrateOnStart);
    database = await openDatabase(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs });
    const store = new PrismaTokenStore(database);
    const now = new Date();
    if (parsed.command === "create") {
      const { token, record } = await issueToken(
        store,
        { name: parsed.name, scopes: parsed.scopes, expiresInMs: parsed.expiresInMs },
        now,
      );
      io.err(
        `${PREFIX} created token ${record.id} named ${JSON.stringify(record.name)} with scopes ${record.scopes.join(" ")}, ${expiry(record)}`,
      );
      io.err(
        `${PREFIX} this is the only time the token is shown; keep it in a secret store (only its SHA-256 is kept here):`,
      );
      io.out(token);
    } else if (parsed.command === "list") {
      const tokens = await store.list();
      if (tokens.length === 0)
        io.err(`${PREFIX} no token yet: the gateway runs in open mode where it may (README, "Access control")`);
      else for (const line of table(tokens, now)) io.out(line);
    } else {
      const revoked = await store.revoke(parsed.target, now);
      if (!revoked) {
        io.err(
          `${PREFIX} FAILED: no token has the id or name ${JSON.stringify(parsed.target)} (see npm run token -- list)`,
        );
        return 1;
      }
      // revoke() keeps the first revocation date.
      const already = revoked.revokedAt!.getTime() !== now.getTime();
      io.err(
        `${PREFIX} ${already ? "already revoked" : "revoked"}: token ${revoked.id} named ${JSON.stringify(revoked.name)} (at ${revoked.revokedAt!.toISOString()})`,
      );
    }
    const closing = database;
    database = undefined;
    await closing.close();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) io.err(`${PREFIX} FAILED: configuration error: ${error.message}`);
    else if (error instanceof ConflictError || error instanceof TypeError) io.err(`${PREFIX} FAILED: ${error.message}`);
    else
      io.err(
        `${PREFIX} FAILED: ${error instanceof Error ? `${error.name}: ${error.message.split("\n", 1)[0]}` : String(error)}`,
      );
    return 1;
  } finally {
    if (database) await database.close().catch(() => {});
  }
}

/**
 * As the gateway does at start: a database that is behind is migrated when MIGRATE_ON_START is on
 * (so a first token can be created before the first start), else refused. An up-to-date database is
 * only read: deploying would wait on a running gateway's SQLite connection.
 */
async function prepareSchema(url: string, migrateOnStart: boolean): Promise<void> {
  const options = { provider: providerOf(url), url, prismaDir: PRISMA_DIR };
  const status = await migrate("status", options);
  if (status.pending.length === 0) return;
  if (!migrateOnStart) {
    throw new Error(
      `the database is missing ${status.pending.length} migration(s); run npm run db:migrate with the same DATABASE_URL first`,
    );
  }
  await migrate("deploy", options);
}

function parseArgs(argv: readonly string[]): Command | string {
  const [command, ...rest] = argv;
  if (command === "list")
    return rest.length === 0 ? { command } : `list takes no argument, got ${JSON.stringify(rest[0])}`;
  if (command === "revoke") {
    if (rest.length !== 1 || rest[0].startsWith("--")) return "revoke takes one token id or name";
    return { command, target: rest[0] };
  }
  if (command !== "create")
    return command === undefined ? "a command is needed" : `unknown command ${JSON.stringify(command)}`;
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (!["--name", "--scopes", "--expires-in"].includes(flag)) return `unknown argument ${JSON.stringify(arg)}`;
    const value = inline ?? rest[++i];
    if (value === undefined || value === "") return `${flag} needs a value`;
    options.set(flag, value);
  }
  const name = options.get("--name");
  const scopeList = options.get("--scopes");
  if (name === undefined) return "create needs --name";
  if (scopeList === undefined) return "create needs --scopes";
  let scopes: Scope[];
  try {
    scopes = parseScopeList(scopeList);
  } catch (error) {
    return (error as Error).message;
  }
  if (scopes.length === 0) return "--scopes names no scope";
  const lifetime = options.get("--expires-in");
  if (lifetime === undefined) return { command, name, scopes };
  const expiresInMs = parseDuration(lifetime);
  if (expiresInMs === undefined)
    return `--expires-in takes a positive duration such as 90s, 15m, 12h or 30d, got ${JSON.stringify(lifetime)}`;
  return { command, name, scopes, expiresInMs };
}

function expiry(token: StoredToken): string {
  return token.expiresAt ? `expires ${token.expiresAt.toISOString()}` : "does not expire";
}

/** One header line, then one line per token. */
function table(tokens: readonly StoredToken[], now: Date): string[] {
  const rows = tokens.map((token) => [
    token.id,
    token.name,
    tokenStatus(token, now),
    token.scopes.join(","),
    token.createdAt.toISOString(),
    token.expiresAt?.toISOString() ?? "never",
    token.revokedAt?.toISOString() ?? "-",
  ]);
  const header = ["id", "name", "status", "scopes", "created", "expires", "revoked"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
