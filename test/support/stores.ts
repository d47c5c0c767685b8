/**
 * A migrated, empty key store per provider, for suites that must pass on every store:
 *
 *   describe.each(await storeCases())("$name", ({ open }) => {
 *     let store: Store;
 *     beforeEach(async () => { store = await open(); });
 *     afterEach(() => store.close());
 *     it("…", async () => { await store.repository.addKey("set", key); });
 *   });
 *
 * SQLite is always included (a temp file). Postgres is included when postgresAvailable() says so:
 * it throws under CI=true if Postgres is unreachable and otherwise prints why it is skipped. Each
 * open() makes a new database (jwkgw_test_<random>) and close() drops it. Keys are sealed with the
 * test keyring (TEST_SECRET, as the gateways of gateway.ts use).
 */
import { openDatabase, type Database } from "../../src/persistence/db/database.js";
import { migrate } from "../../src/persistence/db/migrate.js";
import { PrismaJsonWebKeyRepository } from "../../src/persistence/keys/repository.js";
import type { KeySealer } from "../../src/persistence/sealing/seal.js";
import { freshDatabase, providers, type Provider } from "./databases.js";
import { testSealer } from "./keyring.js";

export type StoreName = Provider;

export interface Store {
  name: StoreName;
  url: string;
  database: Database;
  repository: PrismaJsonWebKeyRepository;
  sealer: KeySealer;
  /** A restart: closes the connection and opens a new one on the same database (replaces `database` and `repository`). */
  reopen(): Promise<void>;
  /** Disconnects, then deletes the database. */
  close(): Promise<void>;
}

export interface StoreCase {
  name: StoreName;
  open(): Promise<Store>;
}

/** The stores to test on: SQLite always, Postgres when reachable (mandatory under CI=true). */
export async function storeCases(): Promise<StoreCase[]> {
  return (await providers()).map((name) => ({ name, open: () => openStore(name) }));
}

export async function openStore(name: StoreName): Promise<Store> {
  const { url, cleanup: remove } = await freshDatabase(name);
  try {
    await migrate("deploy", { provider: name, url });
    const database = await openDatabase(url);
    const sealer = await testSealer();
    const store: Store = {
      name,
      url,
      database,
      sealer,
      repository: new PrismaJsonWebKeyRepository(database, sealer),
      async reopen() {
        await store.database.close();
        store.database = await openDatabase(url);
        store.repository = new PrismaJsonWebKeyRepository(store.database, sealer);
      },
      async close() {
        try {
          await store.database.close();
        } finally {
          await remove();
        }
      },
    };
    return store;
  } catch (error) {
    await remove();
    throw error;
  }
}
