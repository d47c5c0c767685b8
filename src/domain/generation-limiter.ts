/**
 * Bounds how many RSA keys are generated at once (README, "RSA key pool and generation limits").
 *
 * RSA generation is CPU-bound (RSA-4096: about a second of one core, more under load); EC, OKP and
 * HMAC keys take well under a millisecond and are not limited. Without a bound, a burst of RSA
 * creates queues without limit, every caller waits for all the ones before it, and the event loop's
 * thread pool is saturated. With it:
 *
 * - at most `concurrency` generations run at once;
 * - at most `queue` inline requests (createJsonWebKeySet) wait for a slot, first come first served;
 * - any request beyond that fails at once with KEY_GENERATION_BUSY (HTTP 503, Retry-After), before
 *   anything is written: the caller retries later, or the operator enables or grows the key pool;
 * - background work (the key pool's fills) has lower priority: it starts only when a slot is free and
 *   no inline request waits, and at most one background generation runs at a time, so an inline
 *   request never waits behind more than one background generation. Background waiters are not
 *   bounded by `queue` (the pool has at most one waiting) and can be cancelled with an AbortSignal.
 *
 * Pure domain code: no I/O, no timers.
 */
import { KeyGenerationBusyError } from "../errors.js";

export interface GenerationLimits {
  /** Generations running at once, ≥ 1. */
  concurrency: number;
  /** Inline requests allowed to wait for a slot, ≥ 0. */
  queue: number;
}

/** Seconds a refused caller is told to wait (`Retry-After`): about one RSA-4096 generation, rounded up. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

export type GenerationPriority = "inline" | "background";

interface Waiter {
  start: () => void;
}

export class GenerationLimiter {
  readonly limits: GenerationLimits;
  private running = 0;
  private backgroundRunning = 0;
  private readonly inlineWaiters: Waiter[] = [];
  private readonly backgroundWaiters: Waiter[] = [];
  private peak = 0;

  constructor(limits: GenerationLimits) {
    if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1)
      throw new RangeError("GenerationLimiter: concurrency must be an integer ≥ 1");
    if (!Number.isInteger(limits.queue) || limits.queue < 0)
      throw new RangeError("GenerationLimiter: queue must be an integer ≥ 0");
    this.limits = Object.freeze({ ...limits });
  }

  /** Generations running now. */
  get active(): number {
    return this.running;
  }

  /** Inline requests waiting for a slot now. */
  get waiting(): number {
    return this.inlineWaiters.length;
  }

  /** The most generations that ever ran at once (tests, diagnostics). */
  get maxActive(): number {
    return this.peak;
  }

  /**
   * Runs `work` in a slot. Inline: rejects with KeyGenerationBusyError, without running `work`, when
   * every slot and queue place is taken. Background: waits as long as needed, unless
   * `signal` aborts first (then rejects with the signal's reason and `work` never runs).
   */
  async run<T>(work: () => Promise<T>, priority: GenerationPriority = "inline", signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (!this.startNow(priority)) {
      if (priority === "inline" && this.inlineWaiters.length >= this.limits.queue)
        throw new KeyGenerationBusyError(this.limits.concurrency, this.limits.queue, BUSY_RETRY_AFTER_SECONDS);
      await this.wait(priority, signal);
    }
    try {
      return await work();
    } finally {
      this.running--;
      if (priority === "background") this.backgroundRunning--;
      this.dispatch();
    }
  }

  /** Takes a slot now if this priority may have one; counts it as running. */
  private startNow(priority: GenerationPriority): boolean {
    if (this.running >= this.limits.concurrency) return false;
    if (priority === "background" && (this.backgroundRunning >= 1 || this.inlineWaiters.length > 0)) return false;
    if (priority === "inline" && this.inlineWaiters.length > 0) return false; // FIFO: never overtake a waiter
    this.take(priority);
    return true;
  }

  private take(priority: GenerationPriority): void {
    this.running++;
    if (priority === "background") this.backgroundRunning++;
    this.peak = Math.max(this.peak, this.running);
  }

  private wait(priority: GenerationPriority, signal?: AbortSignal): Promise<void> {
    const queue = priority === "inline" ? this.inlineWaiters : this.backgroundWaiters;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** Hands free slots to waiters: inline ones first, then at most one background one. */
  private dispatch(): void {
    while (this.running < this.limits.concurrency) {
      const inline = this.inlineWaiters.shift();
      if (inline) {
        this.take("inline");
        inline.start();
        continue;
      }
      if (this.backgroundRunning === 0) {
        const background = this.backgroundWaiters.shift();
        if (background) {
          this.take("background");
          background.start();
          continue;
        }
      }
      return;
    }
  }
}
