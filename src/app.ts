/**
 * The composition root: the one place that wires storage, domain, GraphQL and HTTP together.
 * It takes a validated Config (only main.ts reads the environment) and returns an app that is
 * ready to listen.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { Authenticator, isLoopbackHost, type AccessMode } from "./auth/authenticator.js";
import type { Config } from "./config.js";
import type { GenerateOptions } from "./domain/generate.js";
import { JsonWebKeyService } from "./domain/service.js";
import { createSchema } from "./graphql/schema.js";
import { PublicJwks } from "./http/jwks.js";
import { GatewayMetrics } from "./http/metrics.js";
import { buildServer } from "./server.js";
import { describeError, REDACT_PATHS, type Logger } from "./logging.js";
import { openDatabase, type Database } from "./persistence/db/database.js";
import { logKeyStoreReport, openKeyStore } from "./persistence/sealing/key-store.js";
import { KeyringError } from "./persistence/sealing/keyring.js";
import { describeMigrationError, migrate } from "./persistence/db/migrate.js";
import { providerOf } from "./persistence/db/url.js";
import { PrismaAuditLog } from "./persistence/audit/audit-log.js";
import { PrismaJsonWebKeyRepository } from "./persistence/keys/repository.js";
import { PrismaTokenStore } from "./persistence/tokens/token-store.js";
import { CachedTokenStore } from "./persistence/cache/cached-token-store.js";
import { CachedJsonWebKeyRepository } from "./persistence/cache/cached-repository.js";
import type { ChangeFeed } from "./persistence/cache/change-feed.js";
import { openChangeFeed } from "./persistence/cache/feeds.js";
import { GenerationLimiter } from "./domain/generation-limiter.js";
import { KeyPool } from "./persistence/pool/key-pool.js";
import { RotationScheduler } from "./domain/rotation-scheduler.js";

export interface App {
  server: FastifyInstance;
  service: JsonWebKeyService;
  database: Database;
  /** The key-set cache, unless KEY_CACHE_MAX_KEYS=0. */
  keyCache?: CachedJsonWebKeyRepository;
  /** The RSA key pool, unless KEY_POOL_SIZE=0 (README, "RSA key pool and generation limits"). */
  keyPool?: KeyPool;
  /** Bounds inline RSA generations (KEY_GENERATION_CONCURRENCY, KEY_GENERATION_QUEUE). */
  generationLimiter: GenerationLimiter;
  /** Scheduled rotations (README, "Key rotation"); tests call runOnce() after moving their clock. */
  scheduler: RotationScheduler;
  /** Stops accepting requests, drains in-flight ones, then closes the database. */
  close(): Promise<void>;
}

export interface AppOverrides {
  /** Key generation settings; tests use smaller RSA keys to stay fast. */
  generate?: GenerateOptions;
  /** A pino logger configuration, or `false`; defaults to the configured level. */
  logger?: FastifyServerOptions["logger"];
  /** How often open mode asks whether a token exists (auth/authenticator.ts); tests shorten it. */
  openModeRecheckMs?: number;
  /** The clock of key lifecycles (rotations, publication, schedules); tests move it months ahead. */
  clock?: () => Date;
}

/** Schemas and migrations, found next to the code (src/ or dist/) rather than from the working directory. */
const PRISMA_DIR = fileURLToPath(new URL("../prisma", import.meta.url));

/** Refusal to start, with a message that tells the operator what to do. */
export class StartupError extends Error {
  override name = "StartupError";
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  await prepareSchema(config);
  const database = await openDatabase(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs });
  let feed: ChangeFeed | undefined;
  let server: FastifyInstance | undefined;
  try {
    // Before anything can serve: the secrets must open this database, and no key stays in plaintext.
    const keyStore = await openKeyStore(config, database);
    const stored = new PrismaJsonWebKeyRepository(database, keyStore.sealer, {
      onIntegrityFailure: (error) =>
        server?.log.error(
          { set: error.set, kid: error.kid, reason: error.detail },
          "a stored key failed its integrity check",
        ),
    });
    // What other processes write reaches this one's caches through the change feed (README, "Caches and the change feed").
    feed = await openChangeFeed(database, config.databaseUrl, {
      onError: (error) =>
        server?.log.warn(
          { err: describeError(error) },
          "the change feed lost its database connection: caches are bypassed until it is back",
        ),
      onReconnected: () => server?.log.info("the change feed is connected again: caches are in use"),
      pollMs: config.subscriptions.pollMs,
      onKeySetChangesMissed: () =>
        server?.log.warn(
          "the change feed fell behind and some key-set changes were pruned before it read them: subscribers missed them",
        ),
    });
    const keyCache =
      config.keyCacheMaxKeys > 0
        ? new CachedJsonWebKeyRepository(stored, feed, { maxKeys: config.keyCacheMaxKeys })
        : undefined;
    const repository = keyCache ?? stored;
    const metrics = new GatewayMetrics();
    const clock = overrides.clock ?? (() => new Date());
    const jwks = new PublicJwks({
      sets: config.jwksBroadcastSets,
      load: (set) => repository.getKeySet(set),
      // One key that does not open is left out of the public document, not the whole document (README, "Limits").
      loadReadable: (set) => stored.getReadableKeySet(set),
      onUnreadable: (error) => {
        server?.log.error(
          { set: error.set, kid: error.kid, reason: error.detail },
          "a key of a broadcast set failed its integrity check and was left out of the public JWKS",
        );
        metrics.observeKeyOpenFailure(error.set);
      },
      // Answered from memory only while the change feed vouches that nothing changed elsewhere.
      isFresh: () => feed!.sync(),
      now: () => clock().getTime(),
    });
    feed.subscribe((change) => {
      if (change.kind === "key-set") jwks.invalidate(change.set);
      else if (change.kind === "key-sets" || change.kind === "everything") jwks.invalidate();
    });
    // Access control (README, "Access control"): tokens, or open mode where it is allowed.
    const openAccessAllowed = config.allowOpenAccess || isLoopbackHost(config.host);
    const authenticator = new Authenticator({
      // Token rows cached, emptied by every token change of any process: a revocation holds on the next request.
      store: new CachedTokenStore(new PrismaTokenStore(database), feed),
      openAccessAllowed,
      recheckMs: overrides.openModeRecheckMs,
      onOpenModeEnded: () =>
        server?.log.warn("an API token is active now: open mode has ended, every admin request needs a token"),
      onRejected: (reason, tokenId) => server?.log.info({ reason, tokenId }, "refused API credentials"),
    });
    const accessMode = await authenticator.mode();
    if (accessMode === "closed") {
      throw new StartupError(
        `HOST=${config.host} is not a loopback address and no API token is active, so anyone who can reach the gateway could read and change every key. ` +
          "Create a token first (npm run token -- create --name <name> --scopes keys:read,keys:write), or set ALLOW_OPEN_ACCESS=true to serve without authentication on purpose.",
      );
    }
    // RSA generation: bounded (KEY_GENERATION_BUSY beyond the queue), and served from the key pool when it has keys.
    const generationLimiter = new GenerationLimiter({
      concurrency: config.keyGenerationConcurrency,
      queue: config.keyGenerationQueue,
    });
    const keyPool =
      config.keyPoolSize > 0
        ? new KeyPool({
            database,
            sealer: keyStore.sealer,
            limiter: generationLimiter,
            algs: config.keyPoolAlgs,
            size: config.keyPoolSize,
            generate: overrides.generate,
            onCount: (alg, keys) => metrics.observePooledKeys(alg, keys),
            onTaken: (alg) => metrics.observePooledKeyTaken(alg),
          })
        : undefined;
    const service = new JsonWebKeyService({
      keySource: keyPool ? (request) => keyPool.take(request) : undefined,
      generationLimiter,
      repository,
      audit: new PrismaAuditLog(database),
      onAuditFailure: (error) =>
        server?.log.error(
          { err: describeError(error) },
          "an audit record of a refused or failed operation could not be written",
        ),
      generate: overrides.generate,
      onKeySetChanged: (set) => jwks.invalidate(set),
      onKeyGenerated: (alg, seconds) => metrics.observeKeyGenerated(alg, seconds),
      clock,
      onLifecycleStep: (step, trigger) => metrics.observeLifecycleStep(step, trigger),
    });
    server = await buildServer({
      schema: await createSchema(service, jwks),
      service,
      jwks,
      metrics,
      ready: () => repository.ping(),
      authenticate: (authorization, session) => authenticator.authenticate(authorization, session),
      production: config.production,
      introspection: config.graphqlIntrospection,
      explorer: config.graphqlExplorer,
      corsOrigins: config.corsOrigins,
      subscriptions: {
        changes: feed,
        settings: config.subscriptions,
        onTokensChanged: (listener) =>
          feed!.subscribe((change) => {
            if (change.kind === "tokens" || change.kind === "everything") listener();
          }),
      },
      logger: overrides.logger ?? { level: config.logLevel, redact: REDACT_PATHS },
    });
    const listening = server;
    logKeyStoreReport(listening.log, keyStore.report);
    logAccessMode(listening.log, accessMode, config);
    // Fills in the background: readiness does not wait for it.
    keyPool?.start(listening.log);
    const scheduler = new RotationScheduler(service, {
      intervalMs: config.rotationCheckIntervalMs,
      onFailure: (set, error) => {
        metrics.observeSchedulerFailure();
        listening.log.error({ set, err: describeError(error) }, "a scheduled rotation step failed; it is tried again");
      },
      onSteps: (steps) =>
        listening.log.info(
          { rotated: steps.rotated, published: steps.published },
          'scheduled rotation steps done (README, "Key rotation")',
        ),
    });
    if (config.rotationCheckIntervalMs > 0) scheduler.start();
    return {
      server: listening,
      service,
      database,
      keyCache,
      keyPool,
      generationLimiter,
      scheduler,
      close: async () => {
        await scheduler.close();
        await keyPool?.close(); // no pool write after this; claims of draining requests still work
        await listening.close();
        await feed?.close();
        await database.close();
      },
    };
  } catch (error) {
    await feed?.close();
    await database.close();
    throw error instanceof KeyringError ? new StartupError(error.message) : error;
  }
}

/** Open mode is said loudly at every start: it serves every key to anyone who reaches HOST. */
function logAccessMode(log: Logger, mode: AccessMode, config: Config): void {
  if (mode === "tokens") {
    log.info("access control: every admin request needs an API token");
    return;
  }
  log.warn(
    { host: config.host, allowOpenAccess: config.allowOpenAccess },
    "OPEN ACCESS: no API token is active, so every request is served with every scope and no authentication (development mode). " +
      (config.allowOpenAccess && !isLoopbackHost(config.host)
        ? `ALLOW_OPEN_ACCESS=true lets this run on ${config.host}, which is not a loopback address. `
        : "") +
      "Create a token to end it, no restart needed: npm run token -- create --name <name> --scopes keys:read,keys:write",
  );
}

/**
 * Applies pending migrations when configured to, and otherwise refuses to serve a database that is
 * behind. It asks first, so a gateway starting against an up-to-date database (the usual case, e.g.
 * a second gateway on the same SQLite file) takes no migration lock. Deploying takes one: Prisma's
 * advisory lock on Postgres, an exclusive lock on SQLite (migrate() waits for another process's
 * deploy there, and is done if that one applied everything).
 */
async function prepareSchema(config: Config): Promise<void> {
  const options = { provider: providerOf(config.databaseUrl), url: config.databaseUrl, prismaDir: PRISMA_DIR };
  const failed = (what: string, error: unknown) =>
    new StartupError(
      `could not ${what} the ${options.provider} database: ${describeMigrationError(error, options.provider)}`,
    );
  const { pending } = await migrate("status", options).catch((error: unknown) =>
    Promise.reject(failed("check the migrations of", error)),
  );
  if (pending.length === 0) return;
  if (!config.migrateOnStart) {
    throw new StartupError(
      `The database is missing ${pending.length} migration(s) (${pending.join(", ")}). ` +
        "Run `npm run db:migrate` with the same DATABASE_URL, or set MIGRATE_ON_START=true.",
    );
  }
  await migrate("deploy", options).catch((error: unknown) => Promise.reject(failed("apply migrations to", error)));
}
