/**
 * The rotation scheduler (README, "Key rotation"): every `intervalMs` it asks the service to run the
 * scheduled steps that are due (JsonWebKeyService.runScheduledSteps). It runs once as soon as it
 * starts, so a gateway that was down catches up at once: one rotation per set, not one per missed
 * period (lifecycle.ts, rotationAfter).
 *
 * Any number of gateways may run it on one database: each step commits only if the policy's next
 * step is still the one it planned (a compare-and-set in the set's transaction, behind the set's
 * advisory lock on Postgres), so every step happens exactly once; the others find nothing to do.
 * No leader is elected and nothing is coordinated outside the database.
 */
import type { JsonWebKeyService, ScheduledSteps } from "./service.js";

export interface RotationSchedulerOptions {
  /** Time between runs; the first run starts at once. */
  intervalMs: number;
  /** Told about each set whose step failed (it is tried again at the next run). */
  onFailure?: (set: string, error: unknown) => void;
  /** Told about each run that did something. */
  onSteps?: (steps: ScheduledSteps) => void;
}

export class RotationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ScheduledSteps> | undefined;
  private closed = false;

  constructor(
    private readonly service: JsonWebKeyService,
    private readonly options: RotationSchedulerOptions,
  ) {}

  /** Runs now, then every intervalMs until close(). */
  start(): void {
    if (this.closed || this.timer) return;
    const tick = () => {
      void this.runOnce()
        .catch(() => undefined)
        .finally(() => {
          if (!this.closed) this.timer = setTimeout(tick, this.options.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** One run; a run already going is joined rather than doubled. */
  runOnce(): Promise<ScheduledSteps> {
    this.running ??= this.service.runScheduledSteps().then(
      (steps) => {
        this.running = undefined;
        for (const { set, error } of steps.failed) this.options.onFailure?.(set, error);
        if (steps.rotated.length + steps.published.length > 0) this.options.onSteps?.(steps);
        return steps;
      },
      (error: unknown) => {
        this.running = undefined;
        this.options.onFailure?.("*", error);
        throw error;
      },
    );
    return this.running;
  }

  /** Stops the timer and waits for a run in progress. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
