/**
 * A gateway's tables straight from its database, past the app: what is really stored (for "nothing
 * changed" and "no secret is stored" assertions), and SQL run as an operator's psql or sqlite3 would
 * (to break a table behind the server's back, or change rows no gateway wrote).
 */
import Database from "better-sqlite3";
import pg from "pg";

export async function queryRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Runs `sql` (one statement or a script) on its own connection, past the app. */
export async function execSql(url: string, sql: string): Promise<void> {
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every stored key row, in a stable order: equal snapshots mean no key changed. */
export function keyRows(url: string) {
  return queryRows(
    url,
    `SELECT "set", kid, format, data, state, "publishedUntil", "revokedAt" FROM json_web_key ORDER BY "set", kid`,
  );
}

/** Rotation policies as stored. */
export function policyRows(url: string) {
  return queryRows(url, `SELECT * FROM json_web_key_set_policy ORDER BY "set"`);
}

/** The audit trail as stored, oldest first. */
export function auditRows(url: string) {
  return queryRows(
    url,
    `SELECT seq, actor, transport, operation, "set", kid, outcome, "requestId" FROM audit_event ORDER BY seq`,
  );
}

/** Every table's every value, as text: for "this secret is stored nowhere" searches. */
export async function everyStoredValue(url: string): Promise<string> {
  const tables = url.startsWith("file:")
    ? (await queryRows(url, "SELECT name FROM sqlite_master WHERE type = 'table'")).map((row) => String(row.name))
    : (await queryRows(url, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")).map((row) =>
        String(row.name),
      );
  const dumps = await Promise.all(
    tables.map(async (table) => JSON.stringify(await queryRows(url, `SELECT * FROM "${table}"`))),
  );
  return dumps.join("\n");
}
