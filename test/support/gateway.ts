/**
 * Starts the real gateway (createApp + listen on an ephemeral loopback port) on a given database.
 *
 * Unless a test brings its own logger, the gateway logs at debug level into memory, and close()
 * fails if any private member of the keys left in the store appears in that log: every suite that
 * starts a gateway doubles as a leak check (test/api/no-leak.test.ts is the dedicated one).
 */
import "reflect-metadata";
import { Writable } from "node:stream";
import { PRIVATE_MEMBERS } from "../../src/domain/jwk.js";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createClient, type Client } from "../../client/client.js";
import { afterAll, beforeAll } from "vitest";
import { freshDatabase, type FreshDatabase, type Provider } from "./databases.js";
import { TEST_SECRET } from "./keyring.js";

export interface RunningGateway {
  app: App;
  databaseUrl: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  client: Client;
  /** POSTs a raw GraphQL document, with extra headers (e.g. `authorization`). */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  /** Extra environment; SECRETS_SYSTEM defaults to TEST_SECRET (pass "" for the development secret file). */
  env?: Record<string, string>;
  /**
   * The database is migrated already and may be open elsewhere (a test's store): only check the
   * migrations. On SQLite, deploying takes a lock that another open connection makes it wait for.
   */
  migrated?: boolean;
  /** RSA modulus for generated keys; tests default to 2048 to stay fast. */
  rsaModulusLength?: number;
  logger?: false | { level: string; stream?: NodeJS.WritableStream };
  /** How often open mode asks whether a token exists (default: the app's). */
  openModeRecheckMs?: number;
  /** The clock of key lifecycles (default: real time); tests of rotation move it months ahead. */
  clock?: () => Date;
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  // KEY_POOL_SIZE=0 unless a test asks for the pool: its background fills would add SQL statements and
  // make RSA creates come from the pool or not depending on timing (test/persistence/pool/key-pool.test.ts tests it).
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    MIGRATE_ON_START: options.migrated ? "false" : "true",
    SECRETS_SYSTEM: TEST_SECRET,
    KEY_POOL_SIZE: "0",
    // No scheduler on a timer: tests of rotation run it themselves (app.scheduler.runOnce()).
    ROTATION_CHECK_INTERVAL_MS: "0",
    ...options.env,
  });
  const capture = options.logger === undefined ? new LogCapture() : undefined;
  const app = await createApp(config, {
    generate: { rsaModulusLength: options.rsaModulusLength ?? 2048 },
    logger: (capture ? { level: "debug", stream: capture } : options.logger) as never,
    openModeRecheckMs: options.openModeRecheckMs,
    clock: options.clock,
  });
  const origin = await app.server.listen({ port: 0, host: "127.0.0.1" });
  return {
    app,
    databaseUrl: options.databaseUrl,
    origin,
    client: createClient(`${origin}/graphql`),
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      const secrets = capture ? await privateValuesIn(app) : [];
      await app.close();
      const leaked = secrets.filter((secret) => capture!.text.includes(secret));
      if (leaked.length > 0) throw new Error(`the gateway logged ${leaked.length} private key member value(s)`);
    },
  };
}

class LogCapture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** The private members of every key still stored, read the way the service reads them. */
async function privateValuesIn(app: App): Promise<string[]> {
  try {
    const sets = await app.database.client.jsonWebKey.findMany({ select: { set: true }, distinct: ["set"] });
    const values: string[] = [];
    for (const { set } of sets) {
      const { keys } = await app.service.getJsonWebKeySet(set).catch(() => ({ keys: [] }));
      for (const key of keys) for (const member of PRIVATE_MEMBERS) if (key[member]) values.push(key[member]);
    }
    return values;
  } catch {
    return []; // a test broke the store on purpose (dropped table, dropped database)
  }
}

/**
 * For the enclosing describe block: a gateway on a fresh `provider` database, started before its
 * tests and closed (database dropped) after them. The returned object stands for the running
 * gateway once the block's tests run.
 */
export function useGateway(provider: Provider, options: Omit<StartOptions, "databaseUrl"> = {}): RunningGateway {
  let database: FreshDatabase | undefined;
  let running: RunningGateway | undefined;
  beforeAll(async () => {
    database = await freshDatabase(provider);
    running = await startGateway({ ...options, databaseUrl: database.url });
  });
  afterAll(async () => {
    await running?.close();
    await database?.cleanup();
  });
  return new Proxy({} as RunningGateway, {
    get(_, member) {
      if (!running) throw new TypeError("useGateway(): the gateway is only there while the describe block's tests run");
      return Reflect.get(running, member);
    },
  });
}
