/**
 * Child processes for the benchmark and a tiny request/response protocol over Node's IPC channel.
 *
 * The gateway and the bare Fastify baseline each run in their own child process, so the load
 * generator (autocannon, in the parent) does not share an event loop or a heap with the server it
 * measures. On two cores that means: autocannon on one, the server under test on the other.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildMessage {
  id?: number;
  type?: "ready";
  ok?: boolean;
  result?: unknown;
  error?: string;
  port?: number;
}

export interface Child {
  readonly process: ChildProcess;
  /** The port the child's HTTP server listens on (127.0.0.1). */
  readonly port: number;
  readonly origin: string;
  call<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** The child's recent stdout and stderr, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const TSX = "tsx";
const MAX_OUTPUT = 16 * 1024;

/** Starts `scripts/bench/<file>` under tsx, sends it `init`, and waits for its `ready` message. */
export async function startChild(file: string, init: unknown, env: Record<string, string> = {}, execArgv: string[] = []): Promise<Child> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = fork(path, [], {
    execArgv: ["--import", TSX, ...execArgv],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, NODE_OPTIONS: "", ...env },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let exited: Error | undefined;
  child.on("exit", (code, signal) => {
    exited = new Error(`${file} exited (code ${code}, signal ${signal})\n${output}`);
    for (const { reject } of pending.values()) reject(exited);
    pending.clear();
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === "ready" && typeof message.port === "number") {
        child.off("message", onMessage);
        resolve(message.port);
      } else if (message.type === "ready") {
        reject(new Error(`${file} failed to start: ${message.error}\n${output}`));
      }
    };
    child.on("message", onMessage);
    child.once("exit", () => reject(exited));
    child.send({ type: "init", init });
  });

  child.on("message", (message: ChildMessage) => {
    if (typeof message.id !== "number") return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${file}: ${message.error}`));
  });

  return {
    process: child,
    port,
    origin: `http://127.0.0.1:${port}`,
    call<T>(command: string, args?: unknown): Promise<T> {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      try {
        child.send({ id: 0, command: "close" });
      } catch {
        child.kill("SIGTERM");
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

export type Handler = (args: any) => unknown | Promise<unknown>;

/**
 * The child side: waits for `init`, runs `start(init)` (which returns the port and the command
 * handlers), reports `ready`, then answers commands. `close` runs `handlers.close` and exits.
 */
export function serveChild(start: (init: any) => Promise<{ port: number; handlers: Record<string, Handler> }>): void {
  if (!process.send) throw new Error("This module runs as a child of scripts/bench/main.ts (npm run bench)");
  const send = (message: ChildMessage) => process.send?.(message);
  process.once("message", async (message: { type?: string; init?: unknown }) => {
    if (message.type !== "init") return;
    let handlers: Record<string, Handler>;
    try {
      const started = await start(message.init);
      handlers = started.handlers;
      send({ type: "ready", port: started.port });
    } catch (error) {
      send({ type: "ready", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    }
    process.on("message", async (request: { id: number; command: string; args?: unknown }) => {
      try {
        const handler = handlers[request.command];
        if (!handler) throw new Error(`unknown command ${request.command}`);
        const result = await handler(request.args);
        if (request.command === "close") {
          process.disconnect?.();
          process.exit(0);
        }
        send({ id: request.id, ok: true, result });
      } catch (error) {
        if (request.command === "close") process.exit(1);
        send({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    });
  });
  // The parent went away (crash, Ctrl-C): do not linger.
  process.on("disconnect", () => process.exit(0));
}
