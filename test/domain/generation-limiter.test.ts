/**
 * The RSA generation limiter (src/domain/generation-limiter.ts) and its use by the service: at most
 * N generations at once, at most M inline requests waiting, KEY_GENERATION_BUSY beyond that with
 * nothing written, and background work (the key pool) behind inline requests. Every test drives the
 * work with promises it resolves itself: no assertion depends on how long anything takes.
 */
import { describe, expect, it } from "vitest";
import { ERROR_CODES, httpStatusOf, type JwkGatewayError, KeyGenerationBusyError } from "../../src/errors.js";
import { isRsaAlgorithm } from "../../src/domain/algorithms.js";
import { GenerationLimiter } from "../../src/domain/generation-limiter.js";
import type { Jwk } from "../../src/domain/jwk.js";
import type { JsonWebKeyRepository } from "../../src/domain/repository.js";
import { JsonWebKeyService } from "../../src/domain/service.js";

/** A promise and the function that resolves it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A unit of work that records when it starts and runs until the test finishes it. */
class Job {
  started = false;
  private readonly gate = deferred();
  constructor(
    readonly name: string,
    private readonly log: string[],
  ) {}
  readonly work = async () => {
    this.started = true;
    this.log.push(this.name);
    await this.gate.promise;
    return this.name;
  };
  finish() {
    this.gate.resolve();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe("GenerationLimiter", () => {
  it("limits RSA only: RS* and PS*", () => {
    expect(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"].every(isRsaAlgorithm)).toBe(true);
    expect(["ES256", "ES384", "ES512", "EdDSA", "HS256", "RS1", "rs256", "", "RSA"].some(isRsaAlgorithm)).toBe(false);
  });

  it("KEY_GENERATION_BUSY is in the catalogue as a 503 (a bare 503 still reads as SERVICE_UNAVAILABLE)", () => {
    expect(httpStatusOf("KEY_GENERATION_BUSY")).toBe(503);
    const last503 = Object.entries(ERROR_CODES)
      .filter(([, status]) => status === 503)
      .at(-1)?.[0];
    expect(last503).toBe("SERVICE_UNAVAILABLE");
  });

  it("never runs more than N at once, lets M wait, and refuses the (N+M+1)th without running it", async () => {
    const N = 3;
    const M = 2;
    const limiter = new GenerationLimiter({ concurrency: N, queue: M });
    const log: string[] = [];
    const jobs = Array.from({ length: N + M }, (_, i) => new Job(`job${i}`, log));
    const results = jobs.map((job) => limiter.run(job.work));
    await settle();
    expect(jobs.filter((job) => job.started)).toHaveLength(N);
    expect(limiter.active).toBe(N);
    expect(limiter.waiting).toBe(M);

    let refusedRan = false;
    const refused = await rejection(limiter.run(async () => (refusedRan = true)));
    expect(refused).toBeInstanceOf(KeyGenerationBusyError);
    expect((refused as JwkGatewayError).code).toBe("KEY_GENERATION_BUSY");
    expect((refused as KeyGenerationBusyError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as Error).message).toMatch(/try again in a few seconds/i);
    expect((refused as Error).message).toMatch(/KEY_POOL_SIZE/);
    expect(refusedRan).toBe(false);

    // Finishing jobs one by one starts the waiters in arrival order, never exceeding N.
    for (const job of jobs) {
      job.finish();
      await settle();
      expect(limiter.active).toBeLessThanOrEqual(N);
    }
    expect(await Promise.all(results)).toEqual(jobs.map((job) => job.name));
    expect(log).toEqual(jobs.map((job) => job.name));
    expect(limiter.maxActive).toBe(N);
    expect(limiter.active).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it("with a queue of 0, refuses as soon as every slot is taken, and accepts again once one is free", async () => {
    const limiter = new GenerationLimiter({ concurrency: 1, queue: 0 });
    const job = new Job("only", []);
    const running = limiter.run(job.work);
    await settle();
    expect(await rejection(limiter.run(async () => "second"))).toBeInstanceOf(KeyGenerationBusyError);
    job.finish();
    await running;
    expect(await limiter.run(async () => "third")).toBe("third");
  });

  it("a failing job frees its slot", async () => {
    const limiter = new GenerationLimiter({ concurrency: 1, queue: 0 });
    expect(await rejection(limiter.run(async () => Promise.reject(new Error("boom"))))).toMatchObject({
      message: "boom",
    });
    expect(limiter.active).toBe(0);
    expect(await limiter.run(async () => "next")).toBe("next");
  });

  it("background work waits behind inline requests, one background job at a time", async () => {
    const limiter = new GenerationLimiter({ concurrency: 2, queue: 4 });
    const log: string[] = [];
    const inline = [new Job("inline0", log), new Job("inline1", log), new Job("inline2", log)];
    const background = [new Job("background0", log), new Job("background1", log)];
    const done = [limiter.run(inline[0].work), limiter.run(inline[1].work)];
    done.push(...background.map((job) => limiter.run(job.work, "background")));
    done.push(limiter.run(inline[2].work));
    await settle();
    expect(log).toEqual(["inline0", "inline1"]);

    inline[0].finish();
    await settle();
    expect(log).toEqual(["inline0", "inline1", "inline2"]); // the inline waiter first, though it came last

    inline[1].finish();
    await settle();
    expect(log.slice(3)).toEqual(["background0"]);
    expect(limiter.active).toBe(2);

    inline[2].finish();
    await settle();
    // A slot is free, but background0 still runs: at most one background job at a time.
    expect(log.slice(3)).toEqual(["background0"]);
    expect(limiter.active).toBe(1);

    // An inline request takes the free slot at once: it never waits behind more than one background job.
    const late = new Job("inline3", log);
    done.push(limiter.run(late.work));
    await settle();
    expect(log.slice(3)).toEqual(["background0", "inline3"]);

    background[0].finish();
    late.finish();
    await settle();
    expect(log.slice(3)).toEqual(["background0", "inline3", "background1"]);
    background[1].finish();
    await Promise.all(done);
    expect(limiter.maxActive).toBe(2);
  });

  it("background work does not count against the inline queue, and an aborted background waiter never runs", async () => {
    const limiter = new GenerationLimiter({ concurrency: 1, queue: 1 });
    const log: string[] = [];
    const first = new Job("inline0", log);
    const running = limiter.run(first.work);
    const stop = new AbortController();
    const background = new Job("background", log);
    const waiting = rejection(limiter.run(background.work, "background", stop.signal));
    const queued = new Job("inline1", log);
    const second = limiter.run(queued.work); // the one inline queue place is still free
    await settle();
    expect(limiter.waiting).toBe(1);
    expect(await rejection(limiter.run(async () => "refused"))).toBeInstanceOf(KeyGenerationBusyError);

    stop.abort(new Error("closed"));
    expect(await waiting).toMatchObject({ message: "closed" });
    first.finish();
    await settle();
    queued.finish();
    await Promise.all([running, second]);
    await settle();
    expect(log).toEqual(["inline0", "inline1"]);
    expect(background.started).toBe(false);
    expect(limiter.active).toBe(0);
  });
});

describe("JsonWebKeyService with a generation limiter", () => {
  /** A repository that only records what would be written. */
  function recordingRepository(): JsonWebKeyRepository & { added: Jwk[] } {
    const added: Jwk[] = [];
    return {
      added,
      getKeySet: async () => [],
      getKey: async () => undefined,
      addKey: async (_set, key) => void added.push(key),
      upsertKey: async () => {},
      replaceKeySet: async () => {},
      deleteKey: async () => false,
      deleteKeySet: async () => false,
      changeLifecycle: async () => {},
      getPolicy: async () => undefined,
      setPolicy: async () => false,
      dueSets: async () => [],
      listSets: async () => ({ sets: [], more: false }),
      countSets: async () => 0,
      listKeys: async () => ({ keys: [], more: false }),
      countKeys: async () => 0,
      ping: async () => {},
    };
  }

  it("refuses the RSA create beyond N running and M waiting with KEY_GENERATION_BUSY, writing nothing for it; EC is not limited", async () => {
    const limiter = new GenerationLimiter({ concurrency: 1, queue: 1 });
    const repository = recordingRepository();
    const generations: string[] = [];
    const service = new JsonWebKeyService({
      repository,
      generationLimiter: limiter,
      generate: { rsaModulusLength: 2048 },
      onKeyGenerated: (alg) => generations.push(alg),
    });
    // Hold the one slot, so that what follows does not depend on how long a generation takes.
    const hold = deferred();
    const holding = limiter.run(() => hold.promise);
    const queued = service.createJsonWebKeySet("s", { alg: "RS256", kid: "queued" });
    await settle();
    expect(limiter.waiting).toBe(1);

    const refused = await rejection(service.createJsonWebKeySet("s", { alg: "PS256", kid: "refused" }));
    expect(refused).toBeInstanceOf(KeyGenerationBusyError);
    expect(repository.added).toEqual([]);

    // EC keys do not go through the limiter.
    const ec = await service.createJsonWebKeySet("s", { alg: "ES256", kid: "ec" });
    expect(ec.keys[0]).toMatchObject({ kid: "ec", kty: "EC" });

    hold.resolve();
    await holding;
    const created = await queued;
    expect(created.keys[0]).toMatchObject({ kid: "queued", kty: "RSA", alg: "RS256" });
    expect(repository.added.map((key) => key.kid)).toEqual(["ec", "queued"]);
    expect(generations).toEqual(["ES256", "RS256"]);
  });

  it("takes a key from keySource when it has one (not reported as a generation), and generates when it has none", async () => {
    const repository = recordingRepository();
    const generations: string[] = [];
    const requests: unknown[] = [];
    const pooled = await new JsonWebKeyService({
      repository: recordingRepository(),
      generate: { rsaModulusLength: 2048 },
    }).createJsonWebKeySet("x", { alg: "RS256", kid: "x" });
    let available: Jwk | undefined = pooled.keys[0];
    const service = new JsonWebKeyService({
      repository,
      generate: { rsaModulusLength: 2048 },
      onKeyGenerated: (alg) => generations.push(alg),
      keySource: async (request) => {
        requests.push(request);
        const key = available && { ...available, ...request };
        available = undefined;
        return key;
      },
    });
    const first = await service.createJsonWebKeySet("s", { alg: "RS256", kid: "first", use: "sig" });
    const second = await service.createJsonWebKeySet("s", { alg: "RS256" });
    expect(first.keys[0]).toMatchObject({ kid: "first", use: "sig", alg: "RS256", n: pooled.keys[0].n });
    expect(second.keys[0].n).not.toBe(pooled.keys[0].n);
    expect(requests).toEqual([
      { alg: "RS256", kid: "first", use: "sig" },
      { alg: "RS256", kid: second.keys[0].kid, use: "sig" },
    ]);
    expect(generations).toEqual(["RS256"]);
  });
});
