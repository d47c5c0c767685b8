/**
 * `npm start` as a user runs it: the real entry point in its own process, on SQLite, with nothing
 * set up beforehand. Also proves keys survive a restart and that bad configuration stops start.
 */
import type { ChildProcess } from "node:child_process";
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

/** Starts src/main.ts and resolves once it logs the GraphQL URL. */
function startMain(env: Record<string, string>, cwd = process.cwd()): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawnMain({ PORT: "0", LOG_LEVEL: "info", ...env }, cwd);
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
  const response = await fetch(`${origin}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return response.json();
}

describe("npm start", () => {
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
    const created = await graphql(first.origin, 'mutation { createJsonWebKeySet(set: "restart", input: { alg: "ES256", kid: "k1" }) { keys { kid d } } }');
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
});
