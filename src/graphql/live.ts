/**
 * The fan-out behind `jsonWebKeySetChanged` (README, "Subscriptions"): one listener on the change
 * feed (domain/changes.ts: every change any process commits), and one stream per subscription, which
 * graphql-js reads as the subscription's source.
 *
 * The hub listens only while a subscription is open (on SQLite the feed polls while anyone listens).
 * Each stream buffers the changes its subscriber has not taken yet; one that falls more than
 * MAX_QUEUED behind (a client that does not read its socket) ends with an error rather than grow.
 *
 * Streams are plain iterators rather than async generators: `return()` (the client completes, the
 * socket closes) must end a stream at once, while it waits for a change that may never come; an
 * async generator would only see it after that change.
 */
import { BadInputError } from "../errors.js";
import type { KeySetChange, KeySetChanges } from "../domain/changes.js";

/** Changes a subscription may have waiting before it is ended as too slow. */
export const MAX_QUEUED = 1000;

export interface HubOptions {
  /** Told the number of open streams whenever it changes (metrics). */
  onOpen?: (open: number) => void;
}

export interface StreamOptions {
  /** Only this set's changes; undefined: every set. */
  set?: string;
  /**
   * Asked before each change is handed out: false means the subscriber may no longer see changes.
   * That change is still handed out (its resolution then refuses it, with the error the caller
   * sees), and the stream ends after it.
   */
  admit?: (change: KeySetChange) => Promise<boolean>;
}

export class KeySetChangeHub {
  private readonly streams = new Set<ChangeStream>();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly source: KeySetChanges,
    private readonly options: HubOptions = {},
  ) {}

  /** A new subscription's source. */
  stream(options: StreamOptions = {}): AsyncIterableIterator<KeySetChange> {
    const stream = new ChangeStream(options, () => this.remove(stream));
    this.streams.add(stream);
    this.unlisten ??= this.source.listen((change) => {
      for (const open of this.streams) open.offer(change);
    });
    this.options.onOpen?.(this.streams.size);
    return stream;
  }

  get open(): number {
    return this.streams.size;
  }

  /** Ends every stream (the server closes). */
  close(): void {
    for (const stream of [...this.streams]) void stream.return();
  }

  private remove(stream: ChangeStream): void {
    if (!this.streams.delete(stream)) return;
    if (this.streams.size === 0) {
      this.unlisten?.();
      this.unlisten = undefined;
    }
    this.options.onOpen?.(this.streams.size);
  }
}

class ChangeStream implements AsyncIterableIterator<KeySetChange> {
  private readonly queue: KeySetChange[] = [];
  private waiting: ((result: IteratorResult<KeySetChange>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private done = false;
  private failure: Error | undefined;

  constructor(
    private readonly options: StreamOptions,
    private readonly closed: () => void,
  ) {}

  offer(change: KeySetChange): void {
    if (this.done || (this.options.set !== undefined && change.set !== this.options.set)) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.fail(
        new BadInputError(
          `More than ${MAX_QUEUED} changes were waiting for this subscription, so it was ended; read the socket faster, then subscribe again`,
          "SUBSCRIBER_TOO_SLOW",
        ),
      );
      return;
    }
    this.queue.push(change);
    this.wake();
  }

  async next(): Promise<IteratorResult<KeySetChange>> {
    if (this.failure) throw this.failure;
    if (this.done) return { done: true, value: undefined };
    const change = this.queue.shift() ?? (await this.nextChange());
    if (change === undefined) return { done: true, value: undefined };
    if (this.options.admit && !(await this.options.admit(change))) await this.return();
    return { done: false, value: change };
  }

  async return(): Promise<IteratorResult<KeySetChange>> {
    this.finish();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<KeySetChange>> {
    this.finish();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<KeySetChange> {
    return this;
  }

  private nextChange(): Promise<KeySetChange | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting = (result) => resolve(result.done ? undefined : result.value);
      this.failWaiting = reject;
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = this.failWaiting = undefined;
    waiting({ done: false, value: this.queue.shift()! });
  }

  private fail(error: Error): void {
    this.failure = error;
    this.queue.length = 0;
    const failWaiting = this.failWaiting;
    this.waiting = this.failWaiting = undefined;
    this.finish();
    failWaiting?.(error);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.closed();
    const waiting = this.waiting;
    this.waiting = this.failWaiting = undefined;
    waiting?.({ done: true, value: undefined });
  }
}
