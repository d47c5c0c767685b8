/**
 * Subscribers hear the writes of other gateways (README, "Subscriptions"): on Postgres a second
 * gateway on the same database (LISTEN/NOTIFY), on SQLite a second gateway process on the same file
 * (the key_set_event rows its feed reads).
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { newSet } from "../behaviour/fixtures.js";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { TEST_SECRET } from "../support/keyring.js";
import { spawnMain } from "../support/main.js";
import { postgresAvailable } from "../support/postgres.js";
import { subscribeTo, type Subscription } from "../support/subscriptions.js";

const CHANGES = `subscription($set: String) { jsonWebKeySetChanged(set: $set) { set kind kids keySet { keys { kid } } } }`;
const CREATE = `mutation($set: String!) { createJsonWebKeySet(set: $set, input: { alg: "ES256", kid: "from-elsewhere" }) { set } }`;

async function post(origin: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown };
}

/** Starts src/main.ts on `env` and resolves with its origin once it serves. */
function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; origin: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnMain({ PORT: "0", LOG_LEVEL: "info", KEY_POOL_SIZE: "0", ...env });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving GraphQL at (http:\/\/[^/\s"]+)\/graphql/.exec(output);
      if (match) resolve({ child, origin: match[1] });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited with ${code} before serving:\n${output}`)));
  });
}

const pgReady = await postgresAvailable();

describe("a write by another gateway reaches a subscriber", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  async function expectHeard(subscriber: RunningGateway, writerOrigin: string) {
    const set = newSet();
    const subscription: Subscription = subscribeTo(subscriber.origin, CHANGES, { variables: { set } });
    cleanups.push(() => subscription.dispose());
    await subscription.connected;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await post(writerOrigin, CREATE, { set })).errors).toBeUndefined();
    const event = await subscription.waitFor(() => true);
    expect(event).toEqual({
      data: {
        jsonWebKeySetChanged: {
          set,
          kind: "KEY_ADDED",
          kids: ["from-elsewhere"],
          keySet: { keys: [{ kid: "from-elsewhere" }] },
        },
      },
    });
  }

  it.runIf(pgReady)("Postgres: two gateways on one database", async () => {
    const database: FreshDatabase = await freshDatabase("postgres");
    cleanups.push(() => database.cleanup());
    const a = await startGateway({ databaseUrl: database.url, env: { MIGRATE_ON_START: "true" } });
    cleanups.push(() => a.close());
    const b = await startGateway({ databaseUrl: database.url, migrated: true });
    cleanups.push(() => b.close());
    await expectHeard(a, b.origin);
    await expectHeard(b, a.origin);
  });

  it("SQLite: another gateway process on the same file", async () => {
    const database = await freshDatabase("sqlite");
    cleanups.push(() => database.cleanup());
    const a = await startGateway({ databaseUrl: database.url });
    cleanups.push(() => a.close());
    const other = await startProcess({ DATABASE_URL: database.url, SECRETS_SYSTEM: TEST_SECRET });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (other.child.exitCode !== null) return resolve();
          other.child.once("exit", () => resolve());
          other.child.kill("SIGTERM");
        }),
    );
    await expectHeard(a, other.origin);
  }, 60_000);
});
