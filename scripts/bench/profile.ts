/**
 * CPU profiles of the server under test (`npm run bench -- --profile`).
 *
 * The gateway child records a V8 CPU profile of its main thread through the inspector Session API
 * for exactly one scenario window (start/stop over IPC), and writes it as a `.cpuprofile` file
 * (open it in Chrome DevTools or speedscope). `summarise` turns one into self-time per function and
 * per area (a package, a folder of src/, Node internals, GC), which BENCHMARKS.md quotes.
 *
 * Key generation (RSA above all) runs on libuv's thread pool, not on the main thread, so it does not
 * appear in these profiles: a main thread that is mostly "(idle)" while a scenario is slow points
 * there.
 */
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  area: string;
  ms: number;
  /** Share of the profile's busy time (samples that are not "(idle)"). */
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Wall time covered by the profile. */
  totalMs: number;
  /** Time the main thread was busy (not "(idle)"). */
  busyMs: number;
  idleShare: number;
  top: SelfTime[];
  areas: { area: string; ms: number; share: number }[];
  /** The areas (and native frames) rolled up into the layers of a request: database, GraphQL, HTTP, crypto, GC… */
  layers: { layer: string; ms: number; share: number }[];
}

const NATIVE_LAYER: Record<string, string> = {
  all: "database",
  run: "database",
  get: "database",
  iterate: "database",
  Statement: "database",
  prepare: "database",
  exec: "database",
  writev: "HTTP and sockets",
  writeUtf8String: "HTTP and sockets",
  writeBuffer: "HTTP and sockets",
  writeLatin1String: "HTTP and sockets",
  initiv: "crypto (key sealing, token hashing, key generation)",
  CipherBase: "crypto (key sealing, token hashing, key generation)",
  update: "crypto (key sealing, token hashing, key generation)",
  final: "crypto (key sealing, token hashing, key generation)",
  digest: "crypto (key sealing, token hashing, key generation)",
  Hash: "crypto (key sealing, token hashing, key generation)",
  setAAD: "crypto (key sealing, token hashing, key generation)",
  initJwk: "crypto (key sealing, token hashing, key generation)",
  exportJwk: "crypto (key sealing, token hashing, key generation)",
  base64urlWrite: "crypto (key sealing, token hashing, key generation)",
  base64urlSlice: "crypto (key sealing, token hashing, key generation)",
  bind: "database",
  runMicrotasks: "async/await machinery",
  parse: "JSON parsing",
  "(garbage collector)": "garbage collection",
};

/** Which layer of a request an area (see areaOf) or a native frame belongs to. */
export function layerOf(area: string, functionName: string): string {
  if (area.startsWith("native") || area.startsWith("V8:")) return NATIVE_LAYER[functionName] ?? (area.startsWith("V8:") ? "V8 runtime" : "other native");
  if (/^@prisma\/|^better-sqlite3$|^pg(-|$)|^postgres-|^app: src\/generated/.test(area)) return "database";
  if (area === "app: src/persistence") return "app: persistence (codec, sealing, repository)";
  if (/^graphql$|^@apollo\/|^type-graphql$|^@graphql-|^app: src\/graphql|^class-validator$|^graphql-scalars$/.test(area)) return "GraphQL";
  if (/^fastify$|^@fastify\/|^find-my-way$|^avvio$|^light-my-request$|^fast-json-stringify$|^ajv|^secure-json-parse$|^@as-integrations\/|^negotiator$|^content-type$|node internals \((_http|net|stream|streams|stream_base_commons|events|url|timers)/.test(area)) return "HTTP and sockets";
  if (/node internals \(crypto|^jose$/.test(area)) return "crypto (key sealing, token hashing, key generation)";
  if (/^pino|^prom-client$|^app: src\/http$|^app: src\/logging/.test(area)) return "logging and metrics";
  if (area.startsWith("app: ")) return `app: ${area.slice(5)}`;
  if (area.startsWith("node internals")) return "node internals (other)";
  return "other packages";
}

const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

export function summarise(profile: CpuProfile, file: string, root: string, topN = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; attribute the interval after a sample to it.
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const byFunction = new Map<string, { name: string; where: string; area: string; us: number }>();
  const byArea = new Map<string, number>();
  const byLayer = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const area = areaOf(frame.url, frame.functionName, root);
    const name = frame.functionName || "(anonymous)";
    const where = frame.url ? `${shortUrl(frame.url, root)}:${frame.lineNumber + 1}` : SPECIAL.has(name) ? "" : "(native)";
    const key = `${name}\u0000${where}`;
    const entry = byFunction.get(key) ?? { name, where, area, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const layer = layerOf(area, frame.functionName);
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + us);
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const top = [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((entry) => ({ name: entry.name, where: entry.where, area: entry.area, ms: entry.us / 1000, share: entry.us / busyUs }));
  const areas = [...byArea.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([area, us]) => ({ area, ms: us / 1000, share: us / busyUs }));
  const layers = [...byLayer.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([layer, us]) => ({ layer, ms: us / 1000, share: us / busyUs }));
  return { file, totalMs: totalUs / 1000, busyMs: busyUs / 1000, idleShare: totalUs > 0 ? idleUs / totalUs : 0, top, areas, layers };
}

/** A package name, an app folder, Node internals, or one of V8's pseudo-frames. */
export function areaOf(url: string, functionName: string, root: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "V8: garbage collector";
    if (functionName === "(program)") return "V8: (program) native/unattributed";
    return "native (C++ builtins)";
  }
  if (url.startsWith("node:")) return `node internals (${url.replace(/^node:(internal\/)?/, "").split("/")[0]})`;
  const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const modules = file.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = file.slice(modules + "/node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const relative = path.relative(root, file);
  if (!relative.startsWith("..")) {
    const parts = relative.split(path.sep);
    if (parts[0] === "src" && parts[1] === "generated") return "app: src/generated (Prisma client)";
    if (parts[0] === "src") return `app: src/${parts.length > 2 ? parts[1] : parts[1]}`;
    return `app: ${parts[0]}`;
  }
  return file;
}

function shortUrl(url: string, root: string): string {
  const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const modules = file.lastIndexOf("/node_modules/");
  if (modules >= 0) return file.slice(modules + "/node_modules/".length);
  const relative = path.relative(root, file);
  return relative.startsWith("..") ? file : relative;
}
