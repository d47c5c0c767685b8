/**
 * The TokenStore on Prisma (table api_token), for SQLite and PostgreSQL alike. Holds each token's id,
 * name, scopes (space-separated), dates and the SHA-256 of its secret; never the secret itself.
 *
 * Every write reaches every gateway's token cache (cache/cached-token-store.ts) through triggers on the
 * table (migration 20261127095600_change_counter: pg_notify on Postgres, a change counter on
 * SQLite), in the writing transaction, so `npm run token -- revoke` holds on the next request everywhere.
 */
import { ConflictError } from "../../errors.js";
import { formatScopes, readStoredScopes } from "../../auth/scopes.js";
import type { StoredToken, TokenStore } from "../../auth/tokens.js";
import type { Database, Db } from "../db/database.js";
import { isUniqueViolation, storeRunner } from "../db/store-runner.js";

interface TokenRow {
  id: string;
  name: string;
  secretHash: string;
  scopes: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export class PrismaTokenStore implements TokenStore {
  private readonly db: Db;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(database: Database) {
    this.db = database.client;
    this.run = storeRunner(database);
  }

  async insert(token: StoredToken): Promise<void> {
    try {
      await this.run(() =>
        this.db.apiToken.create({
          data: {
            id: token.id,
            name: token.name,
            secretHash: token.secretHash,
            scopes: formatScopes(token.scopes),
            createdAt: token.createdAt,
            expiresAt: token.expiresAt ?? null,
            revokedAt: token.revokedAt ?? null,
          },
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`A token named ${JSON.stringify(token.name)} exists already`);
      throw error;
    }
  }

  async findById(id: string): Promise<StoredToken | undefined> {
    const row = await this.run(() => this.db.apiToken.findUnique({ where: { id } }));
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<StoredToken[]> {
    const rows = await this.run(() => this.db.apiToken.findMany({ orderBy: [{ createdAt: "asc" }, { name: "asc" }] }));
    return rows.map(fromRow);
  }

  async revoke(idOrName: string, at: Date): Promise<StoredToken | undefined> {
    return this.run(async () => {
      const row =
        (await this.db.apiToken.findUnique({ where: { id: idOrName } })) ??
        (await this.db.apiToken.findUnique({ where: { name: idOrName } }));
      if (!row) return undefined;
      if (row.revokedAt) return fromRow(row);
      // Conditional, so that a concurrent revocation keeps the first date.
      await this.db.apiToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: at } });
      const updated = await this.db.apiToken.findUnique({ where: { id: row.id } });
      return fromRow(updated ?? row);
    });
  }

  async hasActiveTokens(now: Date): Promise<boolean> {
    const count = await this.run(() =>
      this.db.apiToken.count({
        where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        take: 1,
      }),
    );
    return count > 0;
  }
}

function fromRow(row: TokenRow): StoredToken {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secretHash,
    scopes: readStoredScopes(row.scopes),
    createdAt: row.createdAt,
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    ...(row.revokedAt ? { revokedAt: row.revokedAt } : {}),
  };
}
