/**
 * The RSA key pool (README, "RSA key pool and generation limits"): RSA keys generated in the
 * background and stored sealed in `pooled_key`, so that createJsonWebKeySet can hand one out at once
 * instead of generating it inline (RSA-4096 takes about a second).
 *
 * Storage. A pooled row holds the key's material (kty, n, e and the private members, without kid,
 * use or alg, which are only known at claim time), sealed by the KeySealer in the same envelope as
 * stored keys, but for the purpose "pooled-key" and bound to its row: AAD set = the pool
 * ("RS256/4096"), AAD kid = the row's random, unique `ref`. A blob copied into another pool row, into
 * json_web_key or from it, does not open. Nothing is kept in memory between fill and claim: a
 * restart loses no pooled key, and key material is never logged (only counts, ids and refs).
 *
 * Pools. One per algorithm of KEY_POOL_ALGS (RSA only: EC, OKP and HMAC keys take under a
 * millisecond) and per modulus length: a row is only handed out where the service would have
 * generated a key of that very size (the service's GenerateOptions), so tests that generate smaller
 * keys get smaller pooled keys.
 *
 * Never handed out twice. A claim is ONE statement that deletes the oldest row of the pool and
 * returns it; only the claimer whose DELETE removed the row gets it:
 * - Postgres: `DELETE … WHERE id = (SELECT id … ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
 *   RETURNING …`: concurrent claimers (in this process or any other) lock different rows, and a row
 *   a claimer skipped is gone once its claimer commits.
 * - SQLite: the same DELETE … RETURNING, run through storeRunner, so it is alone on this process's
 *   connection; other processes are serialised by SQLite's write lock, and a single statement reads
 *   and deletes under it.
 * The claimed key is then opened and handed to the service, which validates it and inserts it with
 * repository.addKey, exactly as a generated key (same audit record in the same transaction, same
 * change notification, same ConflictError). The two steps are not one transaction (the repository
 * uses batch transactions only, and the key must be sealed for its set and kid between them), so the
 * order is: delete the pool row first, then insert. A crash between the two, or an insert that fails
 * (a kid that exists, a database error), loses that pooled key; it can never be handed out again.
 * A pooled row that does not open (altered, or sealed with a secret no longer configured) is
 * discarded with a log line and the next one is tried.
 *
 * Filling. One key at a time, through the GenerationLimiter at background priority (an inline create
 * never waits behind more than that one generation). A fill pass counts the pool's rows (every
 * process's) before each generation and stops at KEY_POOL_SIZE; it runs at start, after every claim,
 * and every `recheckMs` (other processes claim too). Several processes on one database each fill up
 * to the same target, so the pool may briefly hold up to (processes - 1) keys more than
 * KEY_POOL_SIZE; those are handed out like any other. At start, rows that no configured secret opens
 * and rows of pools this process does not keep (another algorithm or modulus length) are deleted:
 * every process on one database should use the same KEY_POOL_* settings.
 *
 * close() stops the filler: a generation waiting for a slot is cancelled, one running is abandoned
 * (its key is never written), and close() waits for a statement of the filler already on its way.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_RSA_BITS, defaultUseOf } from "../../domain/algorithms.js";
import { KeyIntegrityError } from "../../errors.js";
import { generateJwk, type GenerateJwkRequest, type GenerateOptions } from "../../domain/generate.js";
import type { GenerationLimiter } from "../../domain/generation-limiter.js";
import { normalizeJwk, type Jwk } from "../../domain/jwk.js";
import { validateJwk } from "../../domain/validate.js";
import { describeError } from "../../logging.js";
import { JWK_AES256GCM_V1 } from "../sealing/codec.js";
import type { Database, Db } from "../db/database.js";
import { storeRunner } from "../db/store-runner.js";
import { kekIdOf, OpenError, type KeySealer, type SealContext } from "../sealing/seal.js";
import { materialOf, type Material } from "./material.js";
import { untilAborted } from "./until-aborted.js";

/** The kid a pooled key is generated and checked under; it is replaced at claim time and never stored. */
const PLACEHOLDER_KID = "pooled";

/** Default: recount every 30 s, for claims made by other processes. */
export const DEFAULT_RECHECK_MS = 30_000;

/** How many pooled rows in a row may fail to open before a claim gives up and generates inline. */
const MAX_DISCARDS_PER_TAKE = 3;

const CLAIM_COLUMNS = `id, ref, format, data, "kekId"`;
const CLAIM_SQL = {
  postgres: `DELETE FROM pooled_key WHERE id = (SELECT id FROM pooled_key WHERE alg = $1 AND "modulusLength" = $2 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ${CLAIM_COLUMNS}`,
  sqlite: `DELETE FROM pooled_key WHERE id = (SELECT id FROM pooled_key WHERE alg = ? AND "modulusLength" = ? ORDER BY id LIMIT 1) RETURNING ${CLAIM_COLUMNS}`,
} as const;

/** What the pool writes to the log: counts, ids and refs, never key material. */
export interface PoolLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  debug(object: object, message: string): void;
}

export interface KeyPoolOptions {
  database: Database;
  sealer: KeySealer;
  /** The limiter inline generations go through; fills use it at background priority. */
  limiter: GenerationLimiter;
  /** RSA algorithms to keep keys for (KEY_POOL_ALGS). */
  algs: readonly string[];
  /** Keys to keep per algorithm (KEY_POOL_SIZE), ≥ 1. */
  size: number;
  /** The service's generation options: pooled keys have the modulus length it would generate. */
  generate?: GenerateOptions;
  /** How often to recount without a claim of this process (default DEFAULT_RECHECK_MS). */
  recheckMs?: number;
  /** Told the number of keys ready in a pool whenever it is counted (metrics). */
  onCount?: (alg: string, keys: number) => void;
  /** Told of every key handed out (metrics). */
  onTaken?: (alg: string) => void;
  /** Where counts and discards are logged (start() may give it instead). Default: nowhere. */
  log?: PoolLogger;
}

interface Pool {
  alg: string;
  modulusLength: number;
  /** The AAD `set` of its rows, e.g. "RS256/4096". */
  name: string;
}

interface ClaimedRow {
  id: number | bigint;
  ref: string;
  format: string;
  data: string;
  kekId: string;
}

const SILENT: PoolLogger = { info() {}, warn() {}, error() {}, debug() {} };

export class KeyPool {
  readonly size: number;
  private readonly db: Db;
  private readonly postgres: boolean;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly sealer: KeySealer;
  private readonly limiter: GenerationLimiter;
  private readonly pools: ReadonlyMap<string, Pool>;
  private readonly recheckMs: number;
  private readonly onCount: (alg: string, keys: number) => void;
  private readonly onTaken: (alg: string) => void;
  private log: PoolLogger;
  private closed = false;
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private again = false;
  private starting: Promise<void> | undefined;
  private purging: Promise<void> | undefined;
  /** Pools whose count was logged at least once. */
  private readonly reported = new Set<string>();
  /** Pools found empty by a take since they were last full (logged once per episode). */
  private readonly dry = new Set<string>();

  constructor(options: KeyPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new RangeError("KeyPool: size must be an integer ≥ 1");
    const modulusLength = options.generate?.rsaModulusLength ?? DEFAULT_RSA_BITS;
    this.size = options.size;
    this.db = options.database.client;
    this.postgres = options.database.provider === "postgres";
    this.run = storeRunner(options.database);
    this.sealer = options.sealer;
    this.limiter = options.limiter;
    this.pools = new Map(options.algs.map((alg) => [alg, { alg, modulusLength, name: `${alg}/${modulusLength}` }]));
    this.recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
    this.onCount = options.onCount ?? (() => {});
    this.onTaken = options.onTaken ?? (() => {});
    this.log = options.log ?? SILENT;
  }

  /** Starts filling in the background (it never delays the caller), and rechecks every `recheckMs`. */
  start(log?: PoolLogger): void {
    if (this.closed || this.timer) return;
    if (log) this.log = log;
    this.timer = setInterval(() => void this.fill(), this.recheckMs);
    this.timer.unref();
    const purging = this.purge().finally(() => {
      if (this.purging === purging) this.purging = undefined;
    });
    this.purging = purging;
    this.starting = purging.then(() => this.fill());
  }

  /**
   * A pooled key for `request`, with its kid, use and alg, or `undefined` when its pool is empty (or
   * there is no pool for the algorithm): the caller then generates inline. The row is deleted before
   * the key is returned; it is never handed out again, whatever happens to it next.
   */
  async take(request: GenerateJwkRequest): Promise<Jwk | undefined> {
    const pool = typeof request.alg === "string" ? this.pools.get(request.alg) : undefined;
    if (!pool) return undefined;
    try {
      for (let discarded = 0; discarded < MAX_DISCARDS_PER_TAKE; discarded++) {
        const row = await this.claim(pool);
        if (!row) {
          if (!this.dry.has(pool.alg)) {
            this.dry.add(pool.alg);
            this.log.info(
              { alg: pool.alg, target: this.size },
              `RSA key pool: no ${pool.alg} key ready, generating inline until it refills (a larger KEY_POOL_SIZE absorbs bigger bursts)`,
            );
          }
          return undefined;
        }
        const material = this.open(pool, row);
        if (!material) continue;
        this.onTaken(pool.alg);
        this.log.debug({ alg: pool.alg, pooledKey: row.ref }, "handed out a pooled key");
        return normalizeJwk({ ...material, alg: request.alg, use: request.use, kid: request.kid });
      }
      return undefined;
    } finally {
      void this.fill(); // refill what was taken (or notice the pool ran dry)
    }
  }

  /**
   * Tops every pool up to `size` (counting every process's rows), one key at a time; resolves when
   * they are full, the pool is closed, or a pass failed (logged; retried at the next recheck). Calls
   * made while a pass runs join it, and it runs once more for them.
   */
  fill(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Asked while start() purges: after the purge, join start's first pass rather than run before it.
    if (this.purging)
      return this.purging.then(
        () => this.fill(),
        () => this.fill(),
      );
    if (this.filling) {
      this.again = true;
      return this.filling;
    }
    const pass = (async () => {
      try {
        do {
          this.again = false;
          for (const pool of this.pools.values()) await this.topUp(pool);
        } while (this.again && !this.closed);
      } catch (error) {
        if (!this.closed)
          this.log.warn({ err: describeError(error) }, "the RSA key pool could not be filled; it tries again later");
      } finally {
        this.filling = undefined;
      }
    })();
    this.filling = pass;
    return pass;
  }

  /** Keys ready in the pool of `alg` (every process's), for this process's modulus length. */
  async count(alg: string): Promise<number> {
    const pool = this.pools.get(alg);
    if (!pool) return 0;
    const keys = await this.run(() =>
      this.db.pooledKey.count({ where: { alg: pool.alg, modulusLength: pool.modulusLength } }),
    );
    this.onCount(pool.alg, keys);
    return keys;
  }

  /**
   * Stops filling and waits for the pool's own statements to end: nothing is written (or read) by the
   * filler after it resolves. A generation still running is abandoned (its key is dropped, never
   * stored). Claims (take) still work until the database closes.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stop.abort(new Error("the key pool is closed"));
    await this.starting;
    await this.filling;
  }

  private async topUp(pool: Pool): Promise<void> {
    let ready = await this.count(pool.alg);
    const before = ready;
    while (ready < this.size && !this.closed) {
      const material = await this.generate(pool);
      if (this.closed) return; // abandoned: never written after close
      await this.insert(pool, material);
      ready = await this.count(pool.alg);
    }
    if (ready >= this.size) this.dry.delete(pool.alg);
    if (ready !== before || !this.reported.has(pool.alg)) {
      this.reported.add(pool.alg);
      this.log.info(
        { alg: pool.alg, modulusLength: pool.modulusLength, pooledKeys: ready, target: this.size },
        `RSA key pool: ${ready} ${pool.alg} key(s) ready`,
      );
    }
  }

  /** One key's material, generated at background priority and checked like every generated key. */
  private async generate(pool: Pool): Promise<Material> {
    const generation = this.limiter.run(
      () =>
        generateJwk(
          { alg: pool.alg, kid: PLACEHOLDER_KID, use: defaultUseOf(pool.alg) },
          { rsaModulusLength: pool.modulusLength },
        ),
      "background",
      this.stop.signal,
    );
    // close() does not wait for a generation that already runs (it cannot be stopped): the pass ends
    // now, the generation finishes on its own and frees its slot, and its key is dropped.
    const key = await untilAborted(generation, this.stop.signal);
    return materialOf(validateJwk(key));
  }

  private async insert(pool: Pool, material: Material): Promise<void> {
    const ref = randomUUID();
    const plaintext = Buffer.from(JSON.stringify(material), "utf8");
    let sealed: { data: string; kekId: string };
    try {
      sealed = this.sealer.seal(plaintext, contextOf(pool, ref));
    } finally {
      plaintext.fill(0);
    }
    const { id } = await this.run(() =>
      this.db.pooledKey.create({
        data: {
          alg: pool.alg,
          modulusLength: pool.modulusLength,
          ref,
          format: JWK_AES256GCM_V1,
          data: sealed.data,
          kekId: sealed.kekId,
        },
        select: { id: true },
      }),
    );
    this.log.debug({ alg: pool.alg, pooledKey: ref, id }, "pooled a new RSA key");
  }

  /** Deletes the oldest row of the pool and returns it: the one statement that decides who gets it. */
  private async claim(pool: Pool): Promise<ClaimedRow | undefined> {
    const sql = this.postgres ? CLAIM_SQL.postgres : CLAIM_SQL.sqlite;
    const rows = await this.run(() => this.db.$queryRawUnsafe<ClaimedRow[]>(sql, pool.alg, pool.modulusLength));
    return rows[0];
  }

  /** The claimed row's material, or undefined (logged) when it does not open. */
  private open(pool: Pool, row: ClaimedRow): Material | undefined {
    const context = contextOf(pool, row.ref);
    let plaintext: Buffer | undefined;
    try {
      if (row.format !== JWK_AES256GCM_V1)
        throw new OpenError(`unknown format ${JSON.stringify(String(row.format).slice(0, 32))}`);
      if (kekIdOf(row.data) !== row.kekId) throw new OpenError("the kekId column differs from the envelope's");
      plaintext = this.sealer.open(row.data, context);
      return materialOf(JSON.parse(plaintext.toString("utf8")) as Material);
    } catch (error) {
      const reason =
        error instanceof OpenError
          ? error.reason
          : error instanceof KeyIntegrityError
            ? error.detail
            : "the sealed content is not a key";
      this.log.error(
        { alg: pool.alg, pooledKey: row.ref, id: Number(row.id), reason },
        "a pooled key failed its integrity check and was discarded",
      );
      return undefined;
    } finally {
      plaintext?.fill(0);
    }
  }

  /** Rows this process can never hand out: sealed with a secret it does not hold, or of a pool it does not keep. */
  private async purge(): Promise<void> {
    try {
      const keep = [...this.pools.values()].map((pool) => ({ alg: pool.alg, modulusLength: pool.modulusLength }));
      const { count } = await this.run(() =>
        this.db.pooledKey.deleteMany({
          where: { OR: [{ kekId: { notIn: this.sealer.keyring.ids } }, { NOT: { OR: keep } }] },
        }),
      );
      if (count > 0)
        this.log.info(
          { removed: count },
          `RSA key pool: removed ${count} pooled key(s) of other pools or secrets no longer configured`,
        );
    } catch (error) {
      this.log.warn({ err: describeError(error) }, "the RSA key pool could not remove stale pooled keys");
    }
  }
}

function contextOf(pool: Pool, ref: string): SealContext {
  return { purpose: "pooled-key", set: pool.name, kid: ref };
}
