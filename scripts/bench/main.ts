/**
 * `npm run bench [-- --profile] [--db sqlite|postgres|all] [--duration 3] [--warmup 1] [--no-write]`
 *
 * Starts the real gateway in a child process on SQLite and then on Postgres (a fresh database each,
 * dropped afterwards; Postgres is skipped with a note when unreachable), drives it with autocannon
 * from this process, and compares every figure with its limit measured in the same run. Prints a
 * table, writes BENCHMARKS.md, bench/chart.svg and bench/last-run.json.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freshPostgres, freshSqlite, postgresUnavailable, type BenchDatabase } from "./databases.js";
import { DEFAULT_KEY_POOL_SIZE, defaultKeyGenerationConcurrency } from "../../src/config.js";
import { chart, consoleTable, markdown, type Machine, type Run } from "./report.js";
import { startChild, type Child } from "./rpc.js";
import { READ_SET, ROTATING_SETS, runScenarios, type DbResult, type Settings } from "./scenarios.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A fixed secret for benchmark databases only (they are created and dropped by the run). It never
 * protects anything real; SECRETS_SYSTEM just has to be set, and the same on every run.
 */
const BENCH_SECRETS_SYSTEM = "bc6c20a3834757b3cb306195931e5cdfc444357908f8f53292dceb0eef5e3cd1";

const { values: options } = parseArgs({
  options: {
    profile: { type: "boolean", default: false },
    db: { type: "string", default: "all" },
    duration: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    growth: { type: "string", default: "1,10,100,1000,10000" },
    "log-level": { type: "string", default: "warn" },
    "no-write": { type: "boolean", default: false },
    /** Comma-separated scenarios (read,create,rsa,isolation,growth,rotation,lists) for a quick partial run; implies --no-write. */
    only: { type: "string" },
    /** Re-renders BENCHMARKS.md and bench/chart.svg from bench/last-run.json without measuring. */
    "render-only": { type: "boolean", default: false },
  },
  allowPositionals: false,
});

if (options["render-only"]) {
  const saved = JSON.parse(readFileSync(path.join(ROOT, "bench", "last-run.json"), "utf8")) as Run;
  await writeFile(path.join(ROOT, "BENCHMARKS.md"), markdown(saved));
  await writeFile(path.join(ROOT, "bench", "chart.svg"), chart(saved));
  console.log(consoleTable(saved));
  console.log("Re-rendered BENCHMARKS.md and bench/chart.svg from bench/last-run.json");
  process.exit(0);
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (message: string) => process.stderr.write(`[bench ${elapsed()}] ${message}\n`);

const settings: Settings = {
  duration: positive(options.duration, "--duration"),
  warmup: Math.max(0, Number(options.warmup) || 0),
  readConnections: 50,
  createConnections: 16,
  growthConnections: 2,
  growthSizes: options.growth.split(",").map((size) => positive(size, "--growth")),
  rsaSamples: 5,
  rsaInFlight: 8,
  profile: options.profile,
  poolSize: `${DEFAULT_KEY_POOL_SIZE} (the default), RS256, generation concurrency ${defaultKeyGenerationConcurrency()} (the default here)`,
  only: options.only ? new Set(options.only.split(",").map((name) => name.trim())) : undefined,
  profileDir: path.join(ROOT, "bench", "profiles"),
  root: ROOT,
};
const logLevel = options["log-level"];
const wanted = options.db === "all" ? ["sqlite", "postgres"] : [options.db];
if (!wanted.every((db) => db === "sqlite" || db === "postgres")) throw new Error("--db must be sqlite, postgres or all");

const machine = machineFacts();
const notes: string[] = [];
const databases: DbResult[] = [];
log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${settings.warmup} s warm-up + ${settings.duration} s per load${settings.profile ? ", with CPU profiles" : ""}`);

let current: BenchDatabase | undefined;
const children: Child[] = [];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void Promise.allSettled(children.map((child) => child.stop()))
      .then(() => current?.drop())
      .finally(() => process.exit(130));
  });
}

for (const kind of wanted) {
  if (kind === "postgres") {
    const reason = await postgresUnavailable();
    if (reason) {
      const note = `Postgres skipped: ${reason}`;
      console.log(note);
      notes.push(note);
      continue;
    }
  }
  current = kind === "sqlite" ? await freshSqlite() : await freshPostgres();
  try {
    log(`${kind}: ${current.description}`);
    const server = await startChild("./server-child.ts", {
      logLevel,
      env: {
        NODE_ENV: "production",
        DATABASE_URL: current.url,
        MIGRATE_ON_START: "true",
        SECRETS_SYSTEM: BENCH_SECRETS_SYSTEM,
        JWKS_BROADCAST_SETS: [READ_SET, ...ROTATING_SETS].join(","),
        LOG_LEVEL: logLevel,
      },
      // The process environment too: graphql-js (among others) reads process.env.NODE_ENV itself
      // and runs slower development-mode checks unless it is "production".
    }, { NODE_ENV: "production" });
    children.push(server);
    const bare = await startChild("./bare-child.ts", {}, { NODE_ENV: "production" });
    children.push(bare);
    log(`${kind}: gateway on ${server.origin} (pid ${server.process.pid}), bare route on ${bare.origin} (pid ${bare.process.pid})`);
    try {
      const result = await runScenarios(kind, current.description, server, bare, settings, log);
      databases.push(result);
      // The next database stores the same growth keys instead of generating them again.
      if (!settings.growthKeys && result.seed?.method.startsWith("repository")) settings.growthKeys = await server.call<unknown[]>("grownKeys");
      const busiest = Math.max(result.loadAverage.before[0], result.loadAverage.after[0]);
      if (busiest > machine.cores / 2) {
        notes.push(
          `${kind}: other processes were using the CPUs during this run (1-minute load average up to ${busiest.toFixed(2)} on ${machine.cores} cores). ` +
            "The ratios compare figures taken side by side under the same conditions; the absolute figures are lower than on an idle machine, and event-loop delay includes time the server was not scheduled at all.",
        );
      }
    } catch (error) {
      log(`${kind}: failed; gateway output:\n${server.output()}`);
      throw error;
    } finally {
      await Promise.allSettled([server.stop(), bare.stop()]);
      children.length = 0;
    }
  } finally {
    await current.drop();
    current = undefined;
  }
}

const run: Run = {
  machine,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  wallSeconds: (performance.now() - started) / 1000,
  settings: {
    duration: settings.duration,
    warmup: settings.warmup,
    readConnections: settings.readConnections,
    createConnections: settings.createConnections,
    growthConnections: settings.growthConnections,
    rsaSamples: settings.rsaSamples,
    rsaInFlight: settings.rsaInFlight,
    growthSizes: settings.growthSizes,
    logLevel,
    profile: settings.profile,
    pool: settings.poolSize,
  },
  databases,
  notes,
};

console.log("");
console.log(consoleTable(run));
console.log("");
console.log(`Wall time: ${run.wallSeconds.toFixed(1)} s`);
for (const note of notes) console.log(`Note: ${note}`);
for (const db of databases) for (const problem of db.problems) console.log(`Failed requests (${db.kind}): ${problem}`);
if (!options["no-write"] && !options.only) {
  await mkdir(path.join(ROOT, "bench"), { recursive: true });
  await writeFile(path.join(ROOT, "BENCHMARKS.md"), markdown(run));
  await writeFile(path.join(ROOT, "bench", "chart.svg"), chart(run));
  await writeFile(path.join(ROOT, "bench", "last-run.json"), JSON.stringify(run, null, 2) + "\n");
  console.log("Wrote BENCHMARKS.md, bench/chart.svg and bench/last-run.json");
}

function positive(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function machineFacts(): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return "?";
    }
  };
  const packages: Record<string, string> = {};
  for (const name of ["fastify", "@apollo/server", "@as-integrations/fastify", "graphql", "type-graphql", "@prisma/client", "better-sqlite3", "pg", "jose", "autocannon"]) {
    packages[name] = version(name);
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    commit: git("rev-parse", "--short=12", "HEAD") || "unknown",
    dirty: git("status", "--porcelain").split("\n").filter(Boolean).length,
    packages,
    loadAverage: os.loadavg(),
  };
}
