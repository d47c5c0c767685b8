/**
 * Runs the real entry point (src/main.ts) in its own process: `node --import tsx/esm`, which is what
 * `npm start` runs, without the tsx CLI wrapper in between (that wrapper relays SIGTERM and turns a
 * slow acknowledgement into SIGKILL, so exit codes and kill -9 would hit the wrong process).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = process.cwd();
const TSX_LOADER = pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx/esm")).href;

/** Spawns src/main.ts with our tsconfig (decorators), from any working directory. */
export function spawnMain(env: Record<string, string>, cwd = root): ChildProcess {
  return spawn(process.execPath, ["--import", TSX_LOADER, join(root, "src/main.ts")], {
    cwd,
    env: { ...process.env, NODE_ENV: "", TSX_TSCONFIG_PATH: join(root, "tsconfig.json"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs src/main.ts until it exits, for start-up refusals. A gateway that starts serving instead is stopped and reported as code null. */
export function runMain(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawnMain(env);
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("serving GraphQL")) child.kill("SIGTERM");
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: output.includes("serving GraphQL") ? null : code, output });
    });
  });
}

/**
 * Spawns the `jwk-gateway` command (bin/jwk-gateway.js, what `npx jwk-gateway` and the npm script
 * aliases run) in one process of its own, so that a kill reaches the command itself.
 */
export function spawnCli(args: readonly string[], env: Record<string, string | undefined>, cwd = root): ChildProcess {
  return spawn(process.execPath, [join(root, "bin/jwk-gateway.js"), ...args], {
    cwd,
    env: { ...process.env, NODE_ENV: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the `jwk-gateway` command to its end. */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnCli(args, env, options.cwd);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
