/**
 * autocannon (programmatic API) runs: a warm-up, then the measured run, reduced to the figures the
 * report uses. Throughput is completed requests / measured seconds (not autocannon's per-second
 * sample average, which is coarse over 3 s); latencies are autocannon's HDR percentiles.
 */
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Warm-up seconds before the measured run (same load, discarded). */
  warmup: number;
  /**
   * Heavy requests: a fixed number of requests (measured, and warm-up) instead of a duration, so
   * that no request is still running on the server when a run ends and the next one starts.
   */
  amount?: { measured: number; warmup: number };
  /**
   * The target process: its cumulative CPU time (µs, all threads) and a wait until it has finished
   * the requests still in flight when a run ends (autocannon stops sending, the server goes on).
   */
  target?: { cpu(): Promise<number>; settle(): Promise<void> };
  /** A fresh body per request (creates with unique kids). */
  bodyPerRequest?: () => string;
  /** Counts responses whose body says the request failed (GraphQL answers errors with 200). */
  failedBody?: (body: string) => boolean;
}

export interface LoadResult {
  rps: number;
  /** Successful requests per second (rps without the failed ones). */
  okRps: number;
  requests: number;
  seconds: number;
  latency: { mean: number; p50: number; p99: number; max: number };
  /** Transport errors, timeouts, non-2xx responses and, when checked, failed bodies. */
  errors: number;
  bytesPerResponse: number;
  /** CPU time of the target process per completed request (ms), including the settling after the run. */
  cpuMsPerRequest?: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.amount) {
    if (spec.amount.warmup > 0) await once({ ...spec, amount: { measured: spec.amount.warmup, warmup: 0 } });
  } else if (spec.warmup > 0) {
    await once({ ...spec, duration: spec.warmup });
  }
  return once(spec);
}

/**
 * A and B side by side, in the order A B B A (each half of the measured time) after both warmed
 * up, so that a drift of the machine's load during the pair affects both about equally.
 */
export async function runPair(a: LoadSpec, b: LoadSpec): Promise<[LoadResult, LoadResult]> {
  if (a.warmup > 0) await once({ ...a, duration: a.warmup });
  if (b.warmup > 0) await once({ ...b, duration: b.warmup });
  const a1 = await once({ ...a, duration: a.duration / 2 });
  const b1 = await once({ ...b, duration: b.duration / 2 });
  const b2 = await once({ ...b, duration: b.duration / 2 });
  const a2 = await once({ ...a, duration: a.duration / 2 });
  return [merge(a1, a2), merge(b1, b2)];
}

/**
 * Two runs of the same load as one: exact totals and mean; p50/p99 are the request-weighted
 * average of the two runs' percentiles (autocannon does not hand out its histograms), max is the max.
 */
export function merge(x: LoadResult, y: LoadResult): LoadResult {
  const requests = x.requests + y.requests;
  const weighted = (f: (r: LoadResult) => number) => (requests > 0 ? (f(x) * x.requests + f(y) * y.requests) / requests : 0);
  const seconds = x.seconds + y.seconds;
  const errors = x.errors + y.errors;
  return {
    rps: requests / seconds,
    okRps: (requests - errors) / seconds,
    requests,
    seconds,
    latency: {
      mean: weighted((r) => r.latency.mean),
      p50: weighted((r) => r.latency.p50),
      p99: weighted((r) => r.latency.p99),
      max: Math.max(x.latency.max, y.latency.max),
    },
    errors,
    bytesPerResponse: weighted((r) => r.bytesPerResponse),
    ...(x.cpuMsPerRequest !== undefined && y.cpuMsPerRequest !== undefined ? { cpuMsPerRequest: weighted((r) => r.cpuMsPerRequest ?? 0) } : {}),
  };
}

export async function once(spec: LoadSpec): Promise<LoadResult> {
  let failed = 0;
  const request: autocannon.Request = {
    method: spec.method ?? "GET",
    ...(spec.body !== undefined ? { body: spec.body } : {}),
  };
  if (spec.bodyPerRequest) {
    const make = spec.bodyPerRequest;
    request.setupRequest = (req) => ({ ...req, body: make() });
  }
  if (spec.failedBody) {
    const check = spec.failedBody;
    request.onResponse = (status, body) => {
      if (status < 300 && check(String(body))) failed++;
    };
  }
  const cpuBefore = await spec.target?.cpu();
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: spec.duration,
    ...(spec.amount ? { amount: spec.amount.measured } : {}),
    timeout: 60,
    requests: [request],
  });
  await spec.target?.settle();
  const cpuAfter = await spec.target?.cpu();
  const seconds = result.duration;
  const completed = result.requests.total;
  const cpuMsPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && completed > 0 ? (cpuAfter - cpuBefore) / 1000 / completed : undefined;
  const errors = result.errors + result.timeouts + result.non2xx + failed;
  return {
    rps: completed / seconds,
    okRps: Math.max(0, completed - errors) / seconds,
    requests: completed,
    seconds,
    latency: { mean: result.latency.mean, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors,
    bytesPerResponse: completed > 0 ? result.throughput.total / completed : 0,
    ...(cpuMsPerRequest !== undefined ? { cpuMsPerRequest } : {}),
  };
}
