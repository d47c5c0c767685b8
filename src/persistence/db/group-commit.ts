/**
 * Group commit: concurrent writes that arrive together are committed together, each caller's
 * promise settling with its batch (the audit records of private reads, and the keys of concurrent
 * creates on SQLite).
 *
 * - A batch starts in the check phase (setImmediate), after the event loop has handled every request
 *   that is ready, so their writes share it. Not a microtask: better-sqlite3 writes synchronously,
 *   so a flush started at once would block the other requests of its turn and every batch would
 *   hold one write (measured: 1,000 concurrent private reads, 1,000 batches).
 * - The batch is taken when the store's queue reaches it (`run`: SQLite runs one statement at a
 *   time), so writes that arrive while earlier work runs join it.
 * - It takes every write waiting, at most `max`; the rest go with the next batch, at once. (Its
 *   statements are raw multi-row INSERTs, raw-inserts.ts: Prisma's createMany compiled afresh for
 *   every batch size.)
 * - A batch is all or nothing (`commit`); when it fails, `failed` settles each of its writes (retry
 *   them one by one, or reject them all); the next batch goes on regardless.
 */

export interface Pending<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions<T> {
  /** The store's queue: work runs alone, in order, perhaps more than once when it failed and wrote nothing (storeRunner). */
  run: <R>(work: () => Promise<R>) => Promise<R>;
  /** Most writes per batch. */
  max: number;
  /** Writes a batch atomically: all of it, or nothing. */
  commit(items: readonly T[]): Promise<void>;
  /** A batch failed with `error` and wrote nothing: settle each of its writes. */
  failed(batch: readonly Pending<T>[], error: unknown): Promise<void>;
}

export class GroupCommit<T> {
  /** Writes waiting for the next batch, oldest first. */
  private pending: Pending<T>[] = [];
  /** Whether a flush loop runs (it drains `pending` before it stops). */
  private flushing = false;

  constructor(private readonly options: GroupCommitOptions<T>) {}

  /** Resolves once `item` is committed with its batch; rejects as `failed` decides. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.flush();
    } finally {
      this.flushing = false;
    }
  }

  private async flush(): Promise<void> {
    let batch: Pending<T>[] = [];
    let taken = false;
    const take = () => this.pending.splice(0, this.options.max);
    try {
      await this.options.run(async () => {
        // Taken on the first run only: the queue runs the work again after a busy failure (storeRunner).
        if (!taken) {
          batch = take();
          taken = true;
        }
        if (batch.length > 0) await this.options.commit(batch.map((write) => write.item));
      });
    } catch (error) {
      if (!taken) batch = take(); // the queue failed before the work ran
      try {
        await this.options.failed(batch, error);
      } catch (unexpected) {
        for (const write of batch) write.reject(unexpected); // no effect on those already settled
      }
      return;
    }
    for (const write of batch) write.resolve();
  }
}
