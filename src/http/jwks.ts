/**
 * The public JSON Web Key Set at `GET /.well-known/jwks.json` (README, "Operations"; a JWK Set,
 * RFC 7517 §5, at Hydra's well-known path): the public halves of the asymmetric keys of the broadcast
 * sets, in configured order, each set once, each set's published keys (domain/lifecycle.ts: NEXT,
 * ACTIVE and RETIRED until publishedUntil, never REVOKED) in the set's order, its signing key first
 * (verifiers that take the first key, as oathkeeper does, pick the signer). Symmetric (`oct`) keys are
 * skipped, private keys are published as their public half under the same kid, and the projection is
 * `toPublicJwk`'s allowlist (through `toPublicJwks`), so no private member can reach this document
 * (test/http/jwks.test.ts checks every answer for private members and values).
 *
 * The body is computed once and answered from memory; the composition root calls `invalidate(set)`
 * from the service's `onKeySetChanged`, so a write through this process shows on the next request,
 * and the document is computed again when a RETIRED key's publishedUntil passes.
 * Missing sets contribute nothing: unlike Hydra v2 the gateway does not generate them on a read.
 * A stored key that fails to open (its integrity check) is left out, logged and counted
 * (`loadReadable`): the other keys stay published, so one damaged row cannot stop every verifier.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { httpStatusOf, JwkGatewayError, type KeyIntegrityError } from "../errors.js";
import { toPublicJwk } from "../domain/jwk.js";
import {
  isPublished,
  nextUnpublishAt,
  signingKeyOf,
  viewOf,
  type KeyRecord,
  type KeyView,
} from "../domain/lifecycle.js";
import { describeError } from "../logging.js";

export const JWKS_PATH = "/.well-known/jwks.json";

/**
 * Public, because the document holds public keys only and is the same for every caller, so shared
 * caches (CDNs, proxies) may keep it. Short, because a deleted key (a compromised one, say) stays
 * trusted by whoever cached the document until max-age runs out: one minute bounds that window while
 * sparing the gateway a request per token verification. must-revalidate forbids serving it stale
 * after that; revalidating costs a 304 thanks to the ETag. Rotation needs no shorter age: verifiers
 * such as jose's createRemoteJWKSet refetch when they meet an unknown kid. (Hydra sends
 * `private, no-cache, no-store, must-revalidate`, which makes every verifier download it every time.)
 */
export const JWKS_CACHE_CONTROL = "public, max-age=60, must-revalidate";

/**
 * How long a computed body is trusted without a change notice. Writes through this process
 * invalidate it at once; this bounds how long writes made by *other* gateway processes sharing the
 * database go unseen.
 */
export const DEFAULT_JWKS_REFRESH_MS = 30_000;

export interface PublicJwksOptions {
  /** The broadcast sets, in publishing order (repeats are ignored). */
  sets: readonly string[];
  /** A set's keys in the set's order, with their lifecycle; empty when the set does not exist. */
  load: (set: string) => Promise<readonly KeyRecord[]>;
  /**
   * When `load` fails for any reason but an unavailable store (a row that does not open fails the
   * whole set): the set's keys that open, and the rows that do not, which are left out of the
   * document and reported to `onUnreadable`. Without it, such a failure fails the document.
   */
  loadReadable?: (set: string) => Promise<{ keys: readonly KeyRecord[]; unreadable: readonly KeyIntegrityError[] }>;
  /** Told about every key left out of the document (log and count it; never its material). */
  onUnreadable?: (error: KeyIntegrityError) => void;
  /**
   * Whether what is in memory may still be served: the change feed's sync, which answers false when
   * it cannot vouch that no other process changed a set (a partitioned database). The document is
   * then reloaded, which fails fast with SERVICE_UNAVAILABLE (README, "Timeouts and outages").
   */
  isFresh?: () => Promise<boolean>;
  /** See DEFAULT_JWKS_REFRESH_MS. */
  refreshAfterMs?: number;
  /** The clock of publication and refreshes (the service's, so that tests can move it). */
  now?: () => number;
}

/** One computed JWKS document. */
export interface JwksSnapshot {
  /** The published keys (public members and lifecycle), in publishing order. */
  readonly keys: readonly KeyView[];
  /** `{"keys":[…]}`, exactly the bytes sent. */
  readonly body: string;
  /** A strong ETag: the quoted base64url SHA-256 of `body`. */
  readonly etag: string;
  /** When a key of the document stops being published (its publishedUntil), if any: the document is stale then. */
  readonly staleAt?: number;
}

/** The public keys of the broadcast sets, computed on demand and kept until a broadcast set changes. */
export class PublicJwks {
  readonly sets: readonly string[];
  private readonly load: PublicJwksOptions["load"];
  private readonly loadReadable: PublicJwksOptions["loadReadable"];
  private readonly onUnreadable: NonNullable<PublicJwksOptions["onUnreadable"]>;
  private readonly isFresh: PublicJwksOptions["isFresh"];
  private readonly refreshAfterMs: number;
  private readonly now: () => number;
  /** Bumped by every invalidation; a load started under an older generation is not kept. */
  private generation = 0;
  private cached?: { generation: number; loadedAt: number; snapshot: JwksSnapshot };
  private pending?: { generation: number; promise: Promise<JwksSnapshot> };

  constructor(options: PublicJwksOptions) {
    this.sets = [...new Set(options.sets)];
    this.load = options.load;
    this.loadReadable = options.loadReadable;
    this.onUnreadable = options.onUnreadable ?? (() => {});
    this.isFresh = options.isFresh;
    this.refreshAfterMs = options.refreshAfterMs ?? DEFAULT_JWKS_REFRESH_MS;
    this.now = options.now ?? Date.now;
  }

  /** The current document; loads it when nothing valid is cached. Concurrent callers share one load. */
  async current(): Promise<JwksSnapshot> {
    if (this.isFresh && !(await this.isFresh())) this.invalidate();
    return this.fromMemoryOrLoad();
  }

  private fromMemoryOrLoad(): Promise<JwksSnapshot> {
    const { cached, generation } = this;
    const now = this.now();
    if (
      cached &&
      cached.generation === generation &&
      now - cached.loadedAt < this.refreshAfterMs &&
      (cached.snapshot.staleAt === undefined || now < cached.snapshot.staleAt)
    ) {
      return Promise.resolve(cached.snapshot);
    }
    if (this.pending?.generation === generation) return this.pending.promise;

    const startedAt = this.now();
    const promise = this.compute().then((snapshot) => {
      // A write during the load may or may not be in it: keep it only if nothing changed since.
      if (this.generation === generation) this.cached = { generation, loadedAt: startedAt, snapshot };
      return snapshot;
    });
    const pending = { generation, promise };
    this.pending = pending;
    const clear = () => {
      if (this.pending === pending) this.pending = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }

  /** Drops the cached document if `set` is broadcast (any set when omitted). */
  invalidate(set?: string): void {
    if (set !== undefined && !this.sets.includes(set)) return;
    this.generation++;
    this.cached = undefined;
  }

  private async compute(): Promise<JwksSnapshot> {
    const perSet = await Promise.all(this.sets.map((set) => this.loadSet(set)));
    return jwksSnapshot(perSet, new Date(this.now()));
  }

  /** One set's keys; one key that does not open costs that key only, never the document. */
  private async loadSet(set: string): Promise<readonly KeyRecord[]> {
    try {
      return await this.load(set);
    } catch (error) {
      const unavailable = error instanceof JwkGatewayError && error.code === "SERVICE_UNAVAILABLE";
      if (unavailable || !this.loadReadable) throw error;
      const { keys, unreadable } = await this.loadReadable(set);
      for (const failure of unreadable) this.onUnreadable(failure);
      return keys;
    }
  }
}

/** The document of the sets' keys (each in the set's order) published at `now`. */
export function jwksSnapshot(sets: readonly (readonly KeyRecord[])[], now: Date): JwksSnapshot {
  const views: KeyView[] = [];
  const published: unknown[] = [];
  let staleAt: number | undefined;
  for (const records of sets) {
    const signer = signingKeyOf(records);
    for (const record of records) {
      if (!isPublished(record, now)) continue;
      const key = toPublicJwk(record.key);
      if (!key) continue;
      published.push(key);
      views.push(viewOf(key, record, record === signer));
    }
    const unpublishAt = nextUnpublishAt(records, now)?.getTime();
    if (unpublishAt !== undefined && (staleAt === undefined || unpublishAt < staleAt)) staleAt = unpublishAt;
  }
  const body = JSON.stringify({ keys: published });
  const etag = `"${createHash("sha256").update(body).digest("base64url")}"`;
  return { keys: views, body, etag, ...(staleAt !== undefined ? { staleAt } : {}) };
}

/**
 * True when `If-None-Match` names `etag` (RFC 9110 §13.1.2: weak comparison, a list, or `*`).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = opaque(etag);
  return header.split(",").some((tag) => opaque(tag) === wanted);
}

/** Registers `GET` (and so `HEAD`) `/.well-known/jwks.json`. */
export function registerJwksRoute(app: FastifyInstance, jwks: PublicJwks): void {
  // cors: false, so @fastify/cors (src/http/cors.ts) neither adds nor varies on Origin here.
  app.get(JWKS_PATH, { config: { operationId: "discoverJsonWebKeys", cors: false } }, async (request, reply) => {
    // Public keys for any origin, as Hydra's public port does; no credentials are involved.
    reply.header("access-control-allow-origin", "*");
    let snapshot: JwksSnapshot;
    try {
      snapshot = await jwks.current();
    } catch (error) {
      const known = error instanceof JwkGatewayError && error.code === "SERVICE_UNAVAILABLE";
      if (!known) request.log.error({ err: describeError(error) }, "the public JWKS could not be loaded");
      const code = known ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR";
      return reply
        .status(httpStatusOf(code))
        .header("cache-control", "no-store")
        .type("application/json")
        .send({
          error: known ? "Service Unavailable" : "error",
          error_description: known ? error.message : "The error is unrecognizable",
        });
    }
    reply.header("cache-control", JWKS_CACHE_CONTROL).header("etag", snapshot.etag);
    if (ifNoneMatchHits(request.headers["if-none-match"], snapshot.etag)) return reply.status(304).send();
    return reply.type("application/json; charset=utf-8").send(snapshot.body);
  });
}
