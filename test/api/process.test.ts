/**
 * `npm start` as a user runs it: the real entry point in its own process, on SQLite, with nothing
 * set up beforehand. Also proves keys survive a restart and that bad configuration stops start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain, spawnMain } from "../support/main.js";

interface Started {
  child: ChildProcess;
  origin: string;
  output: () => string;
}

/** Starts src/main.ts (or another command) and resolves once it logs the GraphQL URL. */
function startMain(env: Record<string, string>, cwd = process.cwd(), command?: () => ChildProcess): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = command?.() ?? spawnMain({ PORT: "0", LOG_LEVEL: "info", ...env }, cwd);
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving GraphQL at (http:\/\/[^/\s"]+)\/graphql/.exec(output);
      if (match) resolve({ child, origin: match[1], output: () => output });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited with ${code} before serving:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

async function graphql(origin: string, query: string) {
  const response = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

// Each test starts two or three gateway processes (tsx compiles at start): slow on a loaded machine.
describe("npm start", { timeout: 90_000 }, () => {
  let workdir: string;
  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), "jwkgw-start-"));
  });
  afterAll(async () => {
    await rm(workdir, { recursive: true, force: true });
  });

  it("serves GraphQL on SQLite under ./data with no other step, and keys survive a restart", async () => {
    // No DATABASE_URL: the default file:./data/jwk-gateway.db, relative to the working directory.
    const first = await startMain({}, workdir);
    const created = await graphql(
      first.origin,
      'mutation { createJsonWebKeySet(set: "restart", input: { alg: "ES256", kid: "k1" }) { keys { kid d } } }',
    );
    expect(created.errors).toBeUndefined();
    expect(await stop(first.child)).toBe(0);

    const second = await startMain({}, workdir);
    const read = await graphql(second.origin, '{ getJsonWebKeySet(set: "restart") { keys { kid d } } }');
    expect(read.data.getJsonWebKeySet.keys).toEqual(created.data.createJsonWebKeySet.keys);
    expect(second.output()).not.toContain(created.data.createJsonWebKeySet.keys[0].d);
    expect(await stop(second.child)).toBe(0);
  });

  it("a bad setting stops start with a message naming the variable", async () => {
    const { code, output } = await runMain({ PORT: "not-a-port" });
    expect(code).toBe(1);
    expect(output).toContain("configuration error: PORT: must be an integer");
  });

  it("a second gateway on the same SQLite file starts with default settings, and both serve the same keys", async () => {
    const first = await startMain({}, workdir);
    const second = await startMain({}, workdir);
    try {
      const created = await graphql(
        first.origin,
        'mutation { createJsonWebKeySet(set: "two", input: { alg: "ES256", kid: "k1" }) { keys { kid } } }',
      );
      expect(created.errors).toBeUndefined();
      expect(
        (await graphql(second.origin, '{ getJsonWebKeySet(set: "two") { keys { kid } } }')).data.getJsonWebKeySet.keys,
      ).toEqual([{ kid: "k1" }]);
      for (const { origin } of [first, second]) expect((await fetch(`${origin}/health/ready`)).status).toBe(200);
      expect(second.output()).not.toMatch(/SchemaConnectorError|WASM_ERROR/);

      // A busy port is said in one line, with no stack trace.
      const port = new URL(first.origin).port;
      const { code, output } = await runMain({
        PORT: port,
        DATABASE_URL: `file:${join(workdir, "data", "jwk-gateway.db")}`,
      });
      expect(code).toBe(1);
      const lines = output
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("{"));
      expect(lines).toEqual([
        `jwk-gateway: cannot start: PORT ${port} is in use on 127.0.0.1: stop what listens there, or set PORT to another port`,
      ]);
    } finally {
      expect(await stop(second.child)).toBe(0);
      expect(await stop(first.child)).toBe(0);
    }
  });

  it("a database that cannot be opened stops start with one line naming the cause", async () => {
    const { code, output } = await runMain({ DATABASE_URL: `file:${workdir}` });
    expect(code).toBe(1);
    expect(
      output
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("{")),
    ).toEqual([
      "jwk-gateway: cannot start: could not check the migrations of the sqlite database: unable to open database file",
    ]);
  });

  it("`kill <npm pid>` stops the gateway that `npm start` runs: the signal reaches it and it shuts down cleanly", async () => {
    const database = `file:${join(workdir, "npm-start.db")}`;
    const env = {
      ...process.env,
      NODE_ENV: "",
      PORT: "0",
      LOG_LEVEL: "info",
      DATABASE_URL: database,
      KEY_POOL_SIZE: "0",
    };
    const started = await startMain({}, process.cwd(), () =>
      spawn("npm", ["start"], { env, stdio: ["ignore", "pipe", "pipe"] }),
    );
    expect((await fetch(`${started.origin}/health/alive`)).status).toBe(200);
    expect(await stop(started.child)).toBe(0);
    expect(started.output()).toContain('"msg":"shutting down"');
    await expect(fetch(`${started.origin}/health/alive`)).rejects.toThrow();
  });
});
