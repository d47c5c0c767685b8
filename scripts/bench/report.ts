/**
 * Output of `npm run bench`: the console table, BENCHMARKS.md and bench/chart.svg (hand-written SVG).
 */
import type { Check, DbResult } from "./scenarios.js";
import { AUDIT_PROBE_REQUESTS, GROWTH_SLOPE_LIMIT, median, READ_ROUTES, READ_SET_ALGS, VALIDATION_REPEATS } from "./scenarios.js";
import type { LoadResult } from "./load.js";
import type { ProfileSummary } from "./profile.js";
import { PRIME_ROUNDS } from "../../src/domain/rsa-checks.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  commit: string;
  dirty: number;
  packages: Record<string, string>;
  loadAverage: number[];
}

export interface Run {
  machine: Machine;
  command: string;
  wallSeconds: number;
  settings: {
    duration: number;
    warmup: number;
    readConnections: number;
    createConnections: number;
    growthConnections: number;
    rsaSamples: number;
    rsaInFlight: number;
    growthSizes: number[];
    logLevel: string;
    profile: boolean;
    /** The RSA key pool and generation limit the gateway ran with. */
    pool?: string;
  };
  databases: DbResult[];
  notes: string[];
}

// ---------- formatting ----------

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const fixed = (value: number, digits = 1) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value >= 100 ? `${int(value)} ms` : `${fixed(value, value >= 10 ? 1 : 2)} ms`);
const rps = (load: LoadResult) => `${load.okRps >= 100 ? int(load.okRps) : fixed(load.okRps, 1)} req/s${load.errors ? ` (+${int(load.errors)} failed)` : ""}`;
const lat = (load: LoadResult) => `p50 ${ms(load.latency.p50)} / p99 ${ms(load.latency.p99)}`;
const bytes = (value: number) => (value >= 1024 * 1024 ? `${fixed(value / 1024 / 1024, 2)} MiB` : value >= 1024 ? `${fixed(value / 1024, 1)} KiB` : `${int(value)} B`);
const pct = (share: number) => `${fixed(share * 100, 1)}%`;
const cpuMs = (value: number) => (value >= 10 ? `${fixed(value, 1)} ms` : value >= 1 ? `${fixed(value, 2)} ms` : `${int(value * 1000)} µs`);
const cpuText = (load: LoadResult) => (load.cpuMsPerRequest === undefined ? "" : `, ${cpuMs(load.cpuMsPerRequest)} CPU/req`);
/** The same ratio from server CPU per request: how the throughput ratio would look with a core each, unaffected by other load. */
export const cpuRatio = (gateway: LoadResult, limit: LoadResult) =>
  gateway.cpuMsPerRequest && limit.cpuMsPerRequest ? limit.cpuMsPerRequest / gateway.cpuMsPerRequest : undefined;

function show(check: Pick<Check, "value" | "unit">): string {
  if (check.unit === "×") return `${fixed(check.value, 2)}×`;
  if (check.unit === " ms") return ms(check.value);
  if (check.unit === "/s") return `${int(check.value)}/s`;
  return fixed(check.value, 2);
}

export function targetText(check: Check): string {
  const target = show({ value: check.target, unit: check.unit });
  return check.kind === "min" ? `≥ ${target}` : check.inclusive ? `≤ ${target}` : `< ${target}`;
}

/** PASS/MISS and by how much. */
export function verdictText(check: Check): string {
  if (check.verdict === "INVALID") return `INVALID (${check.invalid})`;
  if (check.kind === "min") {
    const margin = check.value / check.target - 1;
    return check.verdict === "PASS" ? `PASS (+${pct(margin)})` : `MISS (−${pct(-margin)}, needs ${fixed(check.target / check.value, 2)}× more)`;
  }
  const factor = check.value / check.target;
  return check.verdict === "PASS" ? `PASS (${pct(1 - factor)} headroom)` : `MISS (${fixed(factor, 2)}× the bound)`;
}

interface Row {
  db: string;
  scenario: string;
  gateway: string;
  limit: string;
  figure: string;
  target: string;
  verdict: string;
}

function rows(db: DbResult): Row[] {
  const out: Row[] = [];
  const check = (id: string) => db.checks.find((c) => c.id === id);
  const judged = (id: string, row: Omit<Row, "target" | "verdict" | "db">) => {
    const c = check(id);
    out.push({ db: db.kind, ...row, target: c ? targetText(c) : "—", verdict: c ? verdictText(c) : "(no target)" });
  };
  const names = {
    graphql: "read GraphQL getJsonWebKeySet",
    rest: "read REST GET /keys/{set}",
    restPublic: "read REST GET /keys/{set}, keys:read token",
    jwks: "read GET /.well-known/jwks.json",
  } as const;
  for (const route of READ_ROUTES) {
    const pair = db.read[route];
    if (!pair) continue;
    const cpu = cpuRatio(pair.gateway, pair.limit);
    judged(`read.${route}`, {
      scenario: `${names[route]} (${bytes(db.readBytes[route] ?? 0)})`,
      gateway: `${rps(pair.gateway)}, ${lat(pair.gateway)}${cpuText(pair.gateway)}`,
      limit: `bare ${rps(pair.limit)}${cpuText(pair.limit)}`,
      figure: `${fixed(pair.ratio, 2)}×${cpu === undefined ? "" : ` (CPU ${fixed(cpu, 2)}×)`}`,
    });
    if (route === "graphql" && db.apolloAlone) {
      const alone = db.apolloAlone;
      const aloneCpu = cpuRatio(alone.gateway, alone.limit);
      out.push({
        db: db.kind,
        scenario: "diagnostic: Apollo Server alone, same document, answer from memory",
        gateway: `${rps(alone.gateway)}, ${lat(alone.gateway)}${cpuText(alone.gateway)}`,
        limit: `bare ${rps(alone.limit)}${cpuText(alone.limit)}`,
        figure: `${fixed(alone.ratio, 2)}×${aloneCpu === undefined ? "" : ` (CPU ${fixed(aloneCpu, 2)}×)`}`,
        target: "—",
        verdict: `gateway = ${fixed(pair.ratio / alone.ratio, 2)}× Apollo alone`,
      });
    }
  }
  for (const alg of ["ES256", "EdDSA"] as const) {
    const load = db.creates[alg];
    if (!load) continue;
    judged(`create.${alg}`, {
      scenario: `create ${alg} (GraphQL, unique kid)`,
      gateway: `${lat(load)}${cpuText(load).replace("CPU/req", "CPU/create")}${load.errors ? `, ${int(load.errors)} of ${int(load.requests)} failed` : ""}`,
      limit: "—",
      figure: `${int(load.okRps)}/s`,
    });
  }
  if (db.rsa) {
    judged("rsa.p50", {
      scenario: `create RSA-4096 p50 (${db.rsa.createMs.length} sequential)`,
      gateway: `p50 ${ms(db.rsa.createP50)}`,
      limit: `jose raw p50 ${ms(db.rsa.rawP50)}`,
      figure: `${ms(db.rsa.createP50)} (${fixed(db.rsa.createP50 / db.rsa.rawP50, 2)}× raw)`,
    });
  }
  if (db.validation) {
    const { cases, slowest, signMs, ratio } = db.validation;
    judged("validate.rsa", {
      scenario: `validate RSA-8192 crafted keys (worst of ${VALIDATION_REPEATS})`,
      gateway: `slowest: ${slowest.name} ${ms(slowest.ms)}; ${cases.filter((c) => c.name !== slowest.name).map((c) => `${c.name} ${ms(c.ms)}`).join(", ")}`,
      limit: `one RSA-8192 signature ${ms(signMs)}`,
      figure: `${ms(slowest.ms)} (${fixed(ratio, 1)}× a signature)`,
    });
  }
  if (db.isolation) {
    const iso = db.isolation;
    judged("isolation.eld", {
      scenario: `event-loop delay p99, reads + RSA-4096 creates in flight`,
      gateway: `p99 ${ms(iso.loadedEld.p99)}, max ${ms(iso.loadedEld.max)}`,
      limit: `reads alone ${ms(iso.idleEld.p99)}, RSA alone ${ms(iso.rsaOnlyEld.p99)}`,
      figure: ms(iso.loadedEld.p99),
    });
    judged("isolation.reads", {
      scenario: "GraphQL reads with RSA-4096 creates in flight",
      gateway: `${rps(iso.loaded)}, ${lat(iso.loaded)}`,
      limit: `idle ${rps(iso.idle)}`,
      figure: `${fixed(iso.ratio, 2)}×`,
    });
  }
  if (db.rotation) {
    const r = db.rotation;
    judged("rotation.es256", {
      scenario: "rotate ES256 (GraphQL) vs create ES256",
      gateway: `rotate ${lat(r.rotateEs256)}, ${int(r.rotateEs256.okRps)}/s`,
      limit: `create ${lat(r.createEs256)}, ${int(r.createEs256.okRps)}/s`,
      figure: `${fixed(r.es256Ratio, 2)}×`,
    });
    judged("rotation.rs256", {
      scenario: `rotate RS256-4096 vs create (${r.rsaRotateMs.length} sequential, key pool)`,
      gateway: `rotate p50 ${ms(median(r.rsaRotateMs))}`,
      limit: `create p50 ${ms(median(r.rsaCreateMs))}`,
      figure: `${fixed(r.rsaRatio, 2)}×`,
    });
    judged("rotation.jwks", {
      scenario: `JWKS reads while 10 sets rotate every second (${int(r.rotations)} rotations)`,
      gateway: `${rps(r.jwksRotating)}, ${lat(r.jwksRotating)}`,
      limit: `idle ${rps(r.jwksIdle)}`,
      figure: `${fixed(r.jwksRatio, 2)}×`,
    });
  }
  for (const point of db.growth) {
    const last = point === db.growth.at(-1);
    const row = {
      scenario: `growth ${int(point.keys)} keys (${bytes(point.bytes)})`,
      gateway: `${rps(point.load)}, mean ${ms(point.load.latency.mean)}${cpuText(point.load)}`,
      limit: point.slope === undefined ? "—" : `slope ${fixed(point.slope, 2)}${point.cpuSlope === undefined ? "" : `, CPU slope ${fixed(point.cpuSlope, 2)}`}`,
      figure: point.keys >= 100 ? `${fixed((point.load.latency.mean * 1000) / point.keys, 1)} µs/key` : "—",
    };
    if (last) judged("growth.linear", row);
    else out.push({ db: db.kind, ...row, target: "", verdict: "" });
  }
  return out;
}

export function consoleTable(run: Run): string {
  const header: Row = { db: "db", scenario: "scenario", gateway: "gateway", limit: "limit / baseline", figure: "figure", target: "target", verdict: "verdict" };
  const all = [header, ...run.databases.flatMap(rows)];
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Row) => keys.map((key, i) => row[key].padEnd(widths[i])).join(" │ ").trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("─┼─");
  return [line(header), rule, ...all.slice(1).map(line)].join("\n");
}

// ---------- what bounds a missed target ----------

function topLayers(profile: ProfileSummary | undefined, n = 5): string {
  if (!profile) return "";
  return profile.layers
    .slice(0, n)
    .map((layer) => `${layer.layer} ${pct(layer.share)}`)
    .join(", ");
}

function topAreas(profile: ProfileSummary | undefined, n = 5): string {
  if (!profile) return "";
  return profile.areas
    .slice(0, n)
    .map((area) => `${area.area} ${pct(area.share)}`)
    .join(", ");
}

function topFunctions(profile: ProfileSummary | undefined, n = 4): string {
  if (!profile) return "";
  return profile.top
    .slice(0, n)
    .map((fn) => `\`${fn.name}\`${fn.where ? ` (${fn.where})` : ""} ${pct(fn.share)}`)
    .join(", ");
}

function evidence(db: DbResult, name: string): string {
  const profile = db.profiles[name];
  if (!profile) return " Run `npm run bench -- --profile` for the CPU profile of this scenario.";
  return (
    ` Profile \`${profile.file}\`: main thread busy ${pct(1 - profile.idleShare)} of ${ms(profile.totalMs)}; self time by layer: ${topLayers(profile)}; by package: ${topAreas(profile)}.` +
    ` Top functions: ${topFunctions(profile)}.`
  );
}

export function explain(run: Run, db: DbResult, check: Check): string {
  switch (check.id) {
    case "read.graphql":
    case "read.rest":
    case "read.restPublic":
    case "read.jwks": {
      const route = check.id.slice(5) as "graphql" | "rest" | "restPublic" | "jwks";
      const pair = db.read[route]!;
      const cpu = cpuRatio(pair.gateway, pair.limit);
      const cost =
        pair.gateway.cpuMsPerRequest !== undefined && pair.limit.cpuMsPerRequest !== undefined
          ? `the gateway process spent ${cpuMs(pair.gateway.cpuMsPerRequest)} of CPU per request against ${cpuMs(pair.limit.cpuMsPerRequest)} for the bare route (${fixed(cpu ?? 0, 2)}×, the ratio a core each would give)`
          : `the gateway takes about ${fixed((1000 / pair.gateway.rps - 1000 / pair.limit.rps) * 1000, 0)} µs more per request than the bare route`;
      const feed =
        db.kind === "sqlite"
          ? "a PRAGMA data_version read, synchronous, twice per request (token, then set): the native `get` in the profile"
          : "a round trip on the LISTEN connection, shared by the requests that arrive meanwhile";
      const what = {
        graphql: `every request checks its bearer token against the token cache and answers the set from the key-set cache (each cache read first syncs with the change feed: ${feed}), and Apollo parses (document cache), executes and serialises the query`,
        rest: `every request checks its bearer token against the token cache, answers the set from the key-set cache (each cache read first syncs with the change feed: ${feed}) and serialises the private JWKs through the response schema`,
        restPublic: `every request checks its bearer token against the token cache, answers the set from the key-set cache (each cache read first syncs with the change feed: ${feed}), strips the private members and serialises the JWKs through the response schema`,
        jwks: "the body comes from the in-memory snapshot, so the gap is per-request work around it (hooks, metrics, headers, ETag check); this route never touches the database, the same code runs on both stores, so a difference between the two stores' rows is the state of the machine during each pair (garbage collection, other load), not the store",
      }[route];
      const cache = db.cache[route];
      const cacheText =
        cache && cache.hits + cache.misses > 0
          ? ` The key-set cache answered ${pct(cache.hits / (cache.hits + cache.misses))} of the set reads during the measured runs (${int(cache.hits)} hits, ${int(cache.misses)} misses), so storage is not what bounds these reads.`
          : "";
      const audits = db.auditPerRead[route];
      const audit =
        audits !== undefined && audits > 0
          ? ` Each read also wrote ${fixed(audits, 2)} audit record(s) (measured over ${AUDIT_PROBE_REQUESTS} sequential reads): private members are handed out only after their audit record is stored (fail closed); concurrent reads share one INSERT (group commit)${db.kind === "sqlite" ? ", which on SQLite is synchronous (synchronous=FULL, an fsync per flush) on the event loop" : ""}. The keys:read row above shows the same route without that write.`
          : "";
      const alone = route === "graphql" ? db.apolloAlone : undefined;
      const apollo = alone
        ? ` Apollo Server alone, answering the same document from memory with no authentication, limits or storage (the diagnostic row), reached ${fixed(alone.ratio, 2)}× of the bare route${alone.gateway.cpuMsPerRequest !== undefined ? ` at ${cpuMs(alone.gateway.cpuMsPerRequest)} of CPU per request` : ""}, and the gateway ${fixed(pair.ratio / alone.ratio, 2)}× of Apollo alone: ${alone.ratio < check.target ? `the target is beyond what Apollo Server itself reaches on this machine (its request pipeline: query hash, document cache, execution of every field, JSON serialisation), so no gateway built on it can meet it here` : "the gap to the target is the gateway's own work listed above"}.`
        : "";
      return `${fixed(pair.ratio, 2)}× the bare route against a target of ${targetText(check)}: ${cost}; ${what}.${cacheText}${audit}${apollo}${evidence(db, `read-${route}`)}`;
    }
    case "create.ES256": {
      const load = db.creates.ES256!;
      return `${int(load.okRps)} creates/s, i.e. ${fixed(1000 / load.okRps, 2)} ms per create end to end${load.cpuMsPerRequest === undefined ? "" : ` (${cpuMs(load.cpuMsPerRequest)} of server CPU per create, so ${int(1000 / load.cpuMsPerRequest)}/s would be the ceiling with a whole core)`}; each create is a GraphQL mutation, a key generation (jose), a full validation of the generated key (the same checks as an imported key: point on the curve, private scalar matching the public point), sealing (AES-256-GCM) and an INSERT with its audit record. ${db.kind === "sqlite" ? "On SQLite concurrent creates are group-committed (one transaction, one fsync, two raw multi-row INSERTs per flush), but each commit still runs synchronously on the event loop with synchronous=FULL; the profile shows where the rest goes." : "On Postgres each create is its own transaction on the pool (the server groups the commits)."}${evidence(db, "create-ES256")}`;
    }
    case "rsa.p50": {
      const rsa = db.rsa!;
      const pool = db.pool;
      const poolText = pool
        ? ` The RSA key pool (KEY_POOL_SIZE ${pool.size}) held ${pool.before ?? "?"} RSA-4096 key(s) before the ${rsa.createMs.length} sequential creates and ${pool.after ?? "?"} after them; a create served from the pool costs a claim and an INSERT, one generated inline costs a generation.`
        : "";
      return (
        `p50 ${ms(rsa.createP50)} against jose's raw generateKeyPair p50 ${ms(rsa.rawP50)} in the same server process (raw samples ${ms(Math.min(...rsa.rawMs))}–${ms(Math.max(...rsa.rawMs))}).${poolText} ` +
        `Creates that miss the pool are bounded by RSA-4096 generation itself, ${fixed(rsa.rawP50 / 50, 0)}× the 50 ms budget.${evidence(db, "rsa-create")}`
      );
    }
    case "validate.rsa": {
      const { cases, slowest, signMs } = db.validation!;
      return `One RSA-8192 signature took ${ms(signMs)} in the same run. The slowest case, ${slowest.name}, took ${ms(slowest.ms)} (${cases.map((c) => `${c.name} ${ms(c.ms)}${c.refused ? ", refused" : ""}`).join("; ")}). The cost is Miller–Rabin: modular exponentiations by OpenSSL, one round on n for a public key, ${PRIME_ROUNDS} rounds per prime for a private key (src/domain/rsa-checks.ts); validation runs on the event loop, so this is also how long one such PUT holds it.`;
    }
    case "isolation.eld":
    case "isolation.reads": {
      const iso = db.isolation!;
      const readsBound = iso.idleEld.p99 >= check.target && check.id === "isolation.eld";
      return (
        `Reads ran at ${fixed(iso.ratio, 2)}× of idle (${rps(iso.loaded)} vs ${rps(iso.idle)}; RSA-4096 creates completed meanwhile: ${iso.rsaCompleted}) and the event-loop delay p99 was ${ms(iso.loadedEld.p99)}, against ${ms(iso.idleEld.p99)} for the same reads alone and ${ms(iso.rsaOnlyEld.p99)} for the RSA creates alone. ` +
        (readsBound
          ? `The reads alone already exceed the bound: with ${run.settings.readConnections} connections the event loop serves many requests back to back in one turn, each costing ${iso.idle.cpuMsPerRequest !== undefined ? cpuMs(iso.idle.cpuMsPerRequest) : `about ${cpuMs(1000 / iso.idle.rps)}`} of CPU, so the delay is bounded by the cost of a read, not by RSA. `
          : "") +
        (iso.rsaOnlyEld.p99 < 20
          ? `The RSA creates alone keep the delay at ${ms(iso.rsaOnlyEld.p99)}: generation does not block the event loop. `
          : `Even the RSA creates alone push the delay to ${ms(iso.rsaOnlyEld.p99)}. `) +
        `The first creates come from the RSA key pool; the rest generate inline, at most KEY_GENERATION_CONCURRENCY at once (this run: KEY_POOL_SIZE ${run.settings.pool ?? "default"}), on libuv's thread pool, off the event loop. This machine has ${run.machine.cores} cores: the generating thread, the server's main thread and the load generator share them, so the reads get a fraction of a core while a key is generated.${evidence(db, "isolation")}`
      );
    }
    case "growth.linear": {
      const worst = db.growth.reduce((a, b) => ((b.slope ?? 0) > (a.slope ?? 0) ? b : a));
      const previous = db.growth[db.growth.indexOf(worst) - 1];
      const cpuNote =
        worst.cpuSlope !== undefined
          ? ` Server CPU per request grew with a slope of ${fixed(worst.cpuSlope, 2)} over the same step (${cpuMs(previous.load.cpuMsPerRequest ?? 0)} → ${cpuMs(worst.load.cpuMsPerRequest ?? 0)})${worst.cpuSlope <= GROWTH_SLOPE_LIMIT ? ", i.e. linear: the extra latency is waiting (other load on the machine, garbage collection pauses with multi-MB responses), not more work per key" : ", so the work per key itself grows"}.`
          : "";
      return `Mean latency grew with a log-log slope of ${fixed(worst.slope ?? 0, 2)} from ${int(previous.keys)} to ${int(worst.keys)} keys (${ms(previous.load.latency.mean)} → ${ms(worst.load.latency.mean)}, ${int(worst.load.requests)} requests at the largest size), above ${GROWTH_SLOPE_LIMIT} (linear plus 10%).${cpuNote}${evidence(db, `growth-${db.growth.at(-1)!.keys}`)}`;
    }
    default:
      return "";
  }
}

// ---------- BENCHMARKS.md ----------

export function markdown(run: Run): string {
  const m = run.machine;
  const s = run.settings;
  const out: string[] = [];
  out.push("# Benchmarks");
  out.push("");
  out.push(`Generated by \`${run.command}\` (scripts/bench/) on ${m.date}; do not edit by hand, run it again. Wall time ${fixed(run.wallSeconds, 0)} s.`);
  out.push("");
  out.push("Absolute figures drift between runs on a shared machine, so every scenario runs next to its limit in the same run and the targets judge the ratio.");
  out.push("");
  out.push("## Machine");
  out.push("");
  out.push("| | |");
  out.push("|---|---|");
  out.push(`| CPU | ${m.cpu} |`);
  out.push(`| Cores | ${m.cores} |`);
  out.push(`| Memory | ${fixed(m.memoryGiB, 1)} GiB |`);
  out.push(`| Node | ${m.node} |`);
  out.push(`| OS | ${m.os} |`);
  out.push(`| Load average at start (1/5/15 min) | ${m.loadAverage.map((v) => fixed(v, 2)).join(" / ")} |`);
  out.push(`| Date | ${m.date} |`);
  out.push(`| Git commit | \`${m.commit}\`${m.dirty ? ` plus ${m.dirty} uncommitted changed file(s) in the working tree` : ""} |`);
  for (const db of run.databases) if (db.auth) out.push(`| Authentication (${db.kind}) | ${db.auth} |`);
  out.push(`| Gateway settings | as shipped: key-set and token caches on (KEY_CACHE_MAX_KEYS 50,000), RSA key pool ${run.settings.pool ?? "(default)"}; NODE_ENV=production |`);
  out.push(`| Packages | ${Object.entries(m.packages).map(([name, version]) => `${name} ${version}`).join(", ")} |`);
  for (const db of run.databases) {
    out.push(`| ${db.kind} | ${db.description}; load average before ${db.loadAverage.before.map((v) => fixed(v, 2)).join(" / ")}, after ${db.loadAverage.after.map((v) => fixed(v, 2)).join(" / ")} |`);
  }
  out.push(`| Durations | ${run.databases.map((db) => `${db.kind}: ${Object.entries(db.seconds).map(([name, sec]) => `${name} ${fixed(sec, 1)} s`).join(", ")}`).join("; ")}; total ${fixed(run.wallSeconds, 0)} s |`);
  out.push("");
  for (const note of run.notes) out.push(`> ${note}\n`);

  out.push("## Results");
  out.push("");
  out.push("| db | scenario | gateway | limit / baseline | figure | target | verdict |");
  out.push("|---|---|---|---|---|---|---|");
  for (const db of run.databases) {
    for (const row of rows(db)) out.push(`| ${[row.db, row.scenario, row.gateway, row.limit, row.figure, row.target, row.verdict].map(escapeCell).join(" | ")} |`);
  }
  for (const db of run.databases) for (const skipped of db.skipped) out.push(`\n${db.kind}: skipped ${skipped}`);
  for (const db of run.databases) for (const problem of db.problems) out.push(`\n**${db.kind}: failed requests:** ${escapeCell(problem)}`);
  out.push("");
  out.push("![Growth and ratios](bench/chart.svg)");
  out.push("");

  out.push("## Growth");
  out.push("");
  out.push(`GraphQL \`getJsonWebKeySet\` (public members selected) on one set as it grows, ${s.growthConnections} connections. The slope is d log(mean latency) / d log(keys) from the previous size: 1 is linear, 0 is flat; the target is ≤ ${GROWTH_SLOPE_LIMIT} everywhere. The CPU slope is the same for the server process's CPU time per request, which other load on the machine disturbs much less than latency.`);
  out.push("");
  out.push("| db | keys | response | requests | req/s | mean | p50 | p99 | µs per key | slope | server CPU/request | CPU slope |");
  out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const db of run.databases) {
    for (const p of db.growth) {
      out.push(
        `| ${db.kind} | ${int(p.keys)} | ${bytes(p.bytes)} | ${int(p.load.requests)} | ${fixed(p.load.rps, 1)} | ${ms(p.load.latency.mean)} | ${ms(p.load.latency.p50)} | ${ms(p.load.latency.p99)} | ${fixed((p.load.latency.mean * 1000) / p.keys, 1)} | ${p.slope === undefined ? "—" : fixed(p.slope, 2)} | ${p.load.cpuMsPerRequest === undefined ? "—" : cpuMs(p.load.cpuMsPerRequest)} | ${p.cpuSlope === undefined ? "—" : fixed(p.cpuSlope, 2)} |`,
      );
    }
  }
  out.push("");
  for (const db of run.databases) {
    if (db.seed) out.push(`Seeding on ${db.kind}: ${int(db.seed.keys)} rows in ${fixed(db.seed.ms / 1000, 1)} s (key generation and validation ${fixed(db.seed.generateMs / 1000, 1)} s), by ${db.seed.method}.\n`);
  }

  const missed = run.databases.flatMap((db) => db.checks.filter((c) => c.verdict !== "PASS").map((c) => ({ db, c })));
  out.push("## Missed targets: by how much, and what bounds them");
  out.push("");
  if (missed.length === 0) out.push("None.");
  for (const { db, c } of missed) {
    out.push(`- **${db.kind}, ${c.label}**: ${show(c)} vs ${targetText(c)}, ${verdictText(c)}. ${explain(run, db, c)}`);
  }
  out.push("");

  const profiled = run.databases.filter((db) => Object.keys(db.profiles).length > 0);
  if (profiled.length > 0) {
    out.push("## CPU profiles of the server");
    out.push("");
    out.push(
      "Taken with `--profile` in an extra pass after the measured ones (so profiling overhead does not touch the figures above), on the gateway process's main thread, through the inspector Session API at a 0.5 ms sampling interval. Shares are of busy (non-idle) time. Open the `.cpuprofile` files in Chrome DevTools or speedscope.",
    );
    const seen = new Set(profiled.flatMap((db) => Object.values(db.profiles).flatMap((p) => p.top.map((fn) => fn.name))));
    const glossary = Object.entries(NATIVE_FRAMES).filter(([names]) => names.split(",").some((name) => seen.has(name)));
    if (glossary.length > 0) {
      out.push("");
      out.push("Native frames that show up below: " + glossary.map(([names, meaning]) => `${names.split(",").map((n) => `\`${n}\``).join("/")}: ${meaning}`).join("; ") + ".");
    }
    for (const db of profiled) {
      for (const [name, p] of Object.entries(db.profiles)) {
        out.push("");
        out.push(`### ${db.kind}: ${name}`);
        out.push("");
        out.push(`\`${p.file}\`: ${ms(p.totalMs)} profiled, main thread idle ${pct(p.idleShare)}.`);
        out.push("");
        out.push("| layer | self time | share |");
        out.push("|---|---:|---:|");
        for (const layer of p.layers.slice(0, 8)) out.push(`| ${escapeCell(layer.layer)} | ${ms(layer.ms)} | ${pct(layer.share)} |`);
        out.push("");
        out.push("| package or folder | self time | share |");
        out.push("|---|---:|---:|");
        for (const area of p.areas.slice(0, 10)) out.push(`| ${escapeCell(area.area)} | ${ms(area.ms)} | ${pct(area.share)} |`);
        out.push("");
        out.push("| function | where | self time | share |");
        out.push("|---|---|---:|---:|");
        for (const fn of p.top) out.push(`| \`${escapeCell(fn.name)}\` | ${escapeCell(fn.where)} | ${ms(fn.ms)} | ${pct(fn.share)} |`);
      }
    }
    out.push("");
  }

  out.push("## Method");
  out.push("");
  out.push(
    [
      `- \`npm run bench\` runs \`scripts/bench/main.ts\`. The gateway runs in a **child process** (\`scripts/bench/server-child.ts\`: \`loadConfig\` + \`createApp\`, \`NODE_ENV=production\`, log level \`${s.logLevel}\`, listening on an ephemeral 127.0.0.1 port), the bare Fastify baseline in another (\`bare-child.ts\`), and autocannon ${m.packages.autocannon ?? ""} in the parent. On ${m.cores} cores that keeps the load generator's event loop and heap out of the server's; while one server is measured the other is idle.`,
      `- Every load: ${s.warmup} s warm-up (discarded) then ${s.duration} s measured. Throughput is completed requests / measured seconds; latencies are autocannon's percentiles. Errors (transport, non-2xx, GraphQL \`errors\` in creates) are counted and shown.`,
      "- After every run against a server the harness waits until that process is idle (under 15% of a core over 100 ms): autocannon stops sending at the end of a run, but the server goes on with the requests it had accepted, and that work must not leak into the next measurement. The server process's CPU time (user + system, all threads) over a run, divided by the completed requests, gives **CPU per request**; its ratio is shown next to each throughput ratio as a cross-check that other load on the machine disturbs much less.",
      `- **read**: a set of 5 generated keys (${READ_SET_ALGS.join(", ")}; RSA at 4096 bits). GraphQL selects the public members only (\`kid kty alg use crv x y n e\`); REST \`GET /keys/{set}\` returns Hydra's full JWKs; \`/.well-known/jwks.json\` publishes the same set (\`JWKS_BROADCAST_SETS\`). The bare route answers, from memory, the exact bytes and content headers the gateway sent for the same request (checked byte for byte before the load). ${s.readConnections} connections.`,
      `- **create**: GraphQL \`createJsonWebKeySet\` with a unique kid per request (autocannon \`setupRequest\`), ${s.createConnections} connections, one set per algorithm. **RSA-4096**: ${s.rsaSamples} sequential creates over HTTP, interleaved with ${s.rsaSamples} calls of jose's \`generateKeyPair('RS256', { modulusLength: 4096 })\` inside the server process; p50 of each. RSA generation time varies widely from key to key (prime search), so a handful of samples gives a rough p50.`,
      `- **isolation**: GraphQL reads (as above) for ${s.duration} s while ${s.rsaInFlight} RSA-4096 creates are kept in flight (a new one starts as soon as one finishes), against the same reads with nothing else running, measured right before; then, with the creates still in flight, ${Math.min(s.duration, 2)} s without reads (event-loop delay of the RSA creates alone). Event-loop delay: \`perf_hooks.monitorEventLoopDelay\` (1 ms resolution) inside the server process, reset after the warm-up so it covers the measured window only.`,
      `- **validate**: \`validateJwk\` in the harness process (pure CPU, no database) on crafted RSA-8192 keys from \`test/fixtures/weak-keys.json\`: a private key (every check, Miller–Rabin on both 4096-bit primes), one whose primes are p = k·2^4000 + 1 (Miller–Rabin's slowest path), the public half (Miller–Rabin on n) and one with a composite p; the worst of ${VALIDATION_REPEATS} runs each; the slowest case is judged against one RS256 signature with the same key (OpenSSL), measured alongside.`,
      `- **growth**: one set per size (${s.growthSizes.map(int).join(", ")} ES256 keys, the smaller sets holding the first keys of the largest), read like the read scenario with ${s.growthConnections} connections. Seeding, inside the server process (keys generated while the isolation scenario's last RSA creates drain, sets written after they have finished): ${s.growthSizes.length ? Math.max(...s.growthSizes).toLocaleString("en-US") : 0} keys generated with the gateway's own \`generateJwk\` and \`validateJwk\`, then each set stored with the repository's \`replaceKeySet\` in one transaction, sealed like any stored key; the next database gets the same validated keys instead of generating them again. Why not the API: \`updateJsonWebKeySet\` is capped at 50 keys, and one \`createJsonWebKeySet\` per key is one committed transaction each (~3 ms on SQLite here, so ~35 s per database for 11,111 keys). The app does not expose its repository, so the harness rebuilds it as \`createApp\` does (\`openKeyStore\` + \`PrismaJsonWebKeyRepository\` on \`app.database\`); if those internals move it falls back to one service create per key. Sizes with fewer than 50 requests expected in ${s.duration} s run a fixed request count of about that length instead of a duration, so no request is still running when the next load starts. Latency is autocannon's mean.`,
      `- Databases: a fresh SQLite file per run, and a fresh Postgres database per run (created and dropped with \`WITH (FORCE)\`); Postgres is skipped with a note when unreachable. Every run passes a fixed bench-only \`SECRETS_SYSTEM\`.`,
      "- `--profile` adds one profiled pass (2 s of load) per missed target (and one at the largest growth size) after the measured passes and summarises the top self-time functions and areas here; the `.cpuprofile` files are written under `bench/profiles/` (git-ignored: run it again to get them).",
      "- Options: `--db sqlite|postgres|all`, `--duration <s>`, `--warmup <s>`, `--growth 1,10,100,1000,10000`, `--log-level <level>`, `--profile`, `--no-write` (print only), `--render-only` (rewrite BENCHMARKS.md and the chart from bench/last-run.json without measuring).",
    ].join("\n"),
  );
  out.push("");
  return out.join("\n");
}

/** What the anonymous-looking native frames of these profiles are. */
const NATIVE_FRAMES: Record<string, string> = {
  "all,run,get,Statement,prepare": "better-sqlite3 preparing and running SQL synchronously on the event loop (a write includes its WAL commit and fsync under synchronous=FULL)",
  "writev,writeUtf8String,writeBuffer": "socket writes of responses",
  "initiv,CipherBase,update,final": "AES-256-GCM through node:crypto (opening or sealing stored keys)",
  "runMicrotasks": "promise continuations (async/await machinery)",
  "(garbage collector)": "V8 garbage collection",
  "(program)": "V8 time not attributed to JavaScript (compilation, runtime, native callbacks)",
};

function escapeCell(value: string): string {
  return value.replace(/\|/g, "\\|");
}

// ---------- bench/chart.svg ----------

const COLORS: Record<string, string> = { sqlite: "#1f77b4", postgres: "#e6550d" };

export function chart(run: Run): string {
  const width = 1000;
  const height = 440;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(growthPanel(run, { x: 70, y: 50, w: 380, h: 300 }));
  parts.push(ratioPanel(run, { x: 560, y: 50, w: 410, h: 300 }));
  // legend
  let lx = 70;
  for (const db of run.databases) {
    parts.push(`<rect x="${lx}" y="${height - 30}" width="14" height="14" fill="${COLORS[db.kind]}"/>`);
    parts.push(`<text x="${lx + 20}" y="${height - 18}">${db.kind}</text>`);
    lx += 110;
  }
  parts.push(`<line x1="${lx}" y1="${height - 23}" x2="${lx + 24}" y2="${height - 23}" stroke="#333" stroke-dasharray="5,4"/>`);
  parts.push(`<text x="${lx + 30}" y="${height - 18}">linear growth (slope 1) through the largest size / target</text>`);
  parts.push(`<text x="${width - 10}" y="${height - 18}" text-anchor="end" fill="#666">${escapeXml(run.machine.date.slice(0, 10))} · ${escapeXml(run.machine.commit)} · ${run.machine.cores} cores</text>`);
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function growthPanel(run: Run, box: Box): string {
  const out: string[] = [];
  const points = run.databases.flatMap((db) => db.growth);
  out.push(`<text x="${box.x + box.w / 2}" y="${box.y - 25}" text-anchor="middle" font-size="14" font-weight="bold">Growth: getJsonWebKeySet mean latency vs keys in the set</text>`);
  if (points.length === 0) return out.join("\n");
  const xs = points.map((p) => p.keys);
  const ys = points.map((p) => p.load.latency.mean);
  const x0 = Math.floor(Math.log10(Math.min(...xs)));
  const x1 = Math.max(x0 + 1, Math.ceil(Math.log10(Math.max(...xs))));
  const y0 = Math.floor(Math.log10(Math.max(0.01, Math.min(...ys))));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.log10(Math.max(...ys))));
  const sx = (v: number) => box.x + ((Math.log10(v) - x0) / (x1 - x0)) * box.w;
  const sy = (v: number) => box.y + box.h - ((Math.log10(Math.max(v, 10 ** y0)) - y0) / (y1 - y0)) * box.h;
  out.push(`<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="none" stroke="#999"/>`);
  for (let e = x0; e <= x1; e++) {
    const x = sx(10 ** e);
    out.push(`<line x1="${x}" y1="${box.y}" x2="${x}" y2="${box.y + box.h}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${box.y + box.h + 16}" text-anchor="middle">${int(10 ** e)}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = sy(10 ** e);
    out.push(`<line x1="${box.x}" y1="${y}" x2="${box.x + box.w}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${box.x - 6}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? int(10 ** e) : 10 ** e} ms</text>`);
  }
  out.push(`<text x="${box.x + box.w / 2}" y="${box.y + box.h + 34}" text-anchor="middle">keys in the set (log)</text>`);
  out.push(`<text x="${box.x - 50}" y="${box.y + box.h / 2}" text-anchor="middle" transform="rotate(-90 ${box.x - 50} ${box.y + box.h / 2})">mean latency (log)</text>`);
  out.push(`<clipPath id="growth-clip"><rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}"/></clipPath>`);
  for (const db of run.databases) {
    if (db.growth.length === 0) continue;
    const color = COLORS[db.kind];
    const last = db.growth.at(-1)!;
    // slope-1 guide through the largest size
    const first = db.growth[0];
    out.push(
      `<line x1="${sx(first.keys)}" y1="${sy((last.load.latency.mean * first.keys) / last.keys)}" x2="${sx(last.keys)}" y2="${sy(last.load.latency.mean)}" stroke="${color}" stroke-dasharray="5,4" opacity="0.6" clip-path="url(#growth-clip)"/>`,
    );
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${db.growth.map((p) => `${sx(p.keys).toFixed(1)},${sy(p.load.latency.mean).toFixed(1)}`).join(" ")}"/>`);
    for (const p of db.growth) {
      out.push(`<circle cx="${sx(p.keys).toFixed(1)}" cy="${sy(p.load.latency.mean).toFixed(1)}" r="3.5" fill="${color}"><title>${db.kind}: ${int(p.keys)} keys, ${fixed(p.load.rps, 1)} req/s, mean ${ms(p.load.latency.mean)}</title></circle>`);
      out.push(`<text x="${(sx(p.keys) + 5).toFixed(1)}" y="${(sy(p.load.latency.mean) + (db.kind === "sqlite" ? -7 : 15)).toFixed(1)}" fill="${color}" font-size="10">${p.load.rps >= 100 ? int(p.load.rps) : fixed(p.load.rps, 1)}/s</text>`);
    }
  }
  return out.join("\n");
}

function ratioPanel(run: Run, box: Box): string {
  const out: string[] = [];
  out.push(`<text x="${box.x + box.w / 2}" y="${box.y - 25}" text-anchor="middle" font-size="14" font-weight="bold">Ratios to the limit measured in the same run</text>`);
  const groups: { label: string; target: number; value: (db: DbResult) => number | undefined }[] = [
    { label: "GraphQL|/ bare", target: 0.35, value: (db) => db.read.graphql?.ratio },
    { label: "REST|/ bare", target: 0.8, value: (db) => db.read.rest?.ratio },
    { label: "REST keys:read|/ bare", target: 0.8, value: (db) => db.read.restPublic?.ratio },
    { label: "jwks.json|/ bare", target: 0.9, value: (db) => db.read.jwks?.ratio },
    { label: "reads + RSA|/ idle reads", target: 0.7, value: (db) => db.isolation?.ratio },
    { label: "jose RSA p50|/ create p50", target: 0, value: (db) => (db.rsa ? db.rsa.rawP50 / db.rsa.createP50 : undefined) },
  ];
  const max = 1.2;
  const sy = (v: number) => box.y + box.h - (Math.min(v, max) / max) * box.h;
  out.push(`<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="none" stroke="#999"/>`);
  for (const tick of [0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2]) {
    out.push(`<line x1="${box.x}" y1="${sy(tick)}" x2="${box.x + box.w}" y2="${sy(tick)}" stroke="${tick === 1 ? "#bbb" : "#eee"}"/>`);
    out.push(`<text x="${box.x - 6}" y="${sy(tick) + 4}" text-anchor="end">${fixed(tick, 1)}×</text>`);
  }
  const groupWidth = box.w / groups.length;
  const dbs = run.databases;
  const barWidth = Math.min(28, (groupWidth - 16) / Math.max(1, dbs.length));
  groups.forEach((group, g) => {
    const gx = box.x + g * groupWidth;
    const barsWidth = barWidth * dbs.length;
    const start = gx + (groupWidth - barsWidth) / 2;
    dbs.forEach((db, i) => {
      const value = group.value(db);
      if (value === undefined) return;
      const x = start + i * barWidth;
      out.push(`<rect x="${x.toFixed(1)}" y="${sy(value).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(box.y + box.h - sy(value)).toFixed(1)}" fill="${COLORS[db.kind]}"><title>${db.kind} ${group.label.replace("|", " ")}: ${fixed(value, 2)}×</title></rect>`);
      out.push(`<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(sy(value) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fixed(value, 2)}</text>`);
    });
    if (group.target > 0) {
      out.push(`<line x1="${(gx + 6).toFixed(1)}" y1="${sy(group.target)}" x2="${(gx + groupWidth - 6).toFixed(1)}" y2="${sy(group.target)}" stroke="#333" stroke-dasharray="5,4"/>`);
    }
    const [line1, line2] = group.label.split("|");
    const cx = (gx + groupWidth / 2).toFixed(1);
    out.push(`<text x="${cx}" y="${box.y + box.h + 16}" text-anchor="middle" font-size="11">${escapeXml(line1)}<tspan x="${cx}" dy="13">${escapeXml(line2 ?? "")}</tspan></text>`);
  });
  return out.join("\n");
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
