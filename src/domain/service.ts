/**
 * The seven operations of Hydra's JSON Web Key API, named after the seed's operation ids.
 * GraphQL (and REST) are thin adapters over this class; it knows nothing of either, nor of Prisma.
 *
 * Access control and audit (README, "Access control") happen here, so that every transport gets the
 * same rules and no caller gets around them: each operation takes the Caller, asks the policy
 * (auth/policy.ts) whether it may run, and records what the audit trail must hold (audit.ts): every
 * mutation, with its outcome, in the same transaction as the write when it succeeds; every read that
 * hands out private members (no record, no keys); every refusal. Private members leave this class
 * only for callers the policy allows them; every other caller gets the public projection of each key
 * (jwk.ts, toPublicJwk), and GraphQL then refuses the private fields it selected.
 */
import { randomUUID } from "node:crypto";
import DataLoader from "dataloader";
import { INTERNAL_CALLER, type Caller } from "../auth/caller.js";
import { authorizeOperation, canReadPrivateMembers, type Operation } from "../auth/policy.js";
import { defaultUseOf, ENCRYPTION_ALGORITHMS, isRsaAlgorithm, SIGNATURE_ALGORITHMS } from "./algorithms.js";
import {
  AUDIT_OK,
  DEFAULT_AUDIT_LIMIT,
  MAX_AUDIT_LIMIT,
  type AuditEntry,
  type AuditEvent,
  type AuditLog,
} from "./audit.js";
import { BadInputError, InvalidKeyError, JwkGatewayError, NotFoundError } from "../errors.js";
import { generateJwk, type GenerateJwkRequest, type GenerateOptions } from "./generate.js";
import type { GenerationLimiter } from "./generation-limiter.js";
import { toPublicJwk, toPublicJwks, type Jwk, type JwkInput, type JwkSet, type SymmetricProjection } from "./jwk.js";
import { jwkThumbprint } from "./key-forms.js";
import { checkName } from "./names.js";
import { parsePem } from "./pem.js";
import { quote } from "../text.js";
import type { JsonWebKeyRepository, ReadSession } from "./repository.js";
import { useOfAlgorithm, validateJwk, validateKeySet } from "./validate.js";

export { MAX_NAME_LENGTH } from "./names.js";

export interface CreateJsonWebKeySetRequest {
  alg: string;
  /** Omitted or empty: a random UUID v4. */
  kid?: string | null;
  /** Omitted or empty: what `alg` is for, `"sig"` or `"enc"`. */
  use?: string | null;
  /** ECDH-ES keys: P-256 (omitted or empty), P-384, P-521 or X25519 (generate.ts, curveOf). */
  crv?: string | null;
}

export interface ImportJsonWebKeyRequest {
  /** PEM text: one key, certificates (leaf first), or a key and its certificates (domain/pem.ts). */
  pem: string;
  /** Required: a PEM says what the key is, not what it is for. */
  alg: string;
  /** Omitted or empty: what `alg` is for (`sig` or `enc`). */
  use?: string | null;
}

/** What a read hands out; see ReadOptions. */
export type MemberSelection = "as-allowed" | "private" | "public";

/** How a set is answered to a caller without keys:read-private. */
export interface AnswerOptions {
  /**
   * What the public projection makes of a symmetric key (jwk.ts, SymmetricProjection). Default
   * `describe` (GraphQL); REST's set answers ask for `omit`.
   */
  symmetric?: SymmetricProjection;
}

export interface ReadOptions extends AnswerOptions {
  /**
   * - `as-allowed` (default; REST, whose callers cannot choose members): the private members when
   *   the caller may see them, the public projection otherwise.
   * - `private` (GraphQL, when the query selects a private field): the same, but a caller without
   *   keys:read-private is recorded as refused (FORBIDDEN); the transport refuses the fields.
   * - `public` (GraphQL, when the query selects no private field): the public projection, and
   *   nothing to record.
   */
  members?: MemberSelection;
  /**
   * Where the set comes from: a per-request loader (keySetLoader()), so that one GraphQL document
   * naming a set many times (aliases, repeated fields) reads it once. Default: the repository.
   */
  keySets?: KeySetLoader;
}

/** Loads sets, each at most once per loader; see JsonWebKeyService.keySetLoader. */
export interface KeySetLoader {
  load(set: string): Promise<readonly Jwk[]>;
}

export interface AuditEventsQuery {
  /** 1 to MAX_AUDIT_LIMIT; default DEFAULT_AUDIT_LIMIT. */
  limit?: number | null;
  /** Only records older than this seq (the last seq of the previous page). */
  before?: number | null;
}

/** What an audit record says an operation was about. */
export interface AuditTarget {
  operation: Operation;
  set?: string;
  kid?: string;
}

export interface JsonWebKeyServiceOptions {
  repository: JsonWebKeyRepository;
  /** Where refusals, failures and private reads are recorded; successful writes go through the repository. Without it nothing is recorded (tests of other concerns); the composition root always gives one. */
  audit?: AuditLog;
  /** Told when a record of a refused or failed operation could not be written (the operation's own error still wins). */
  onAuditFailure?: (error: unknown) => void;
  generate?: GenerateOptions;
  /** Called after every write that may have changed `set` (caches, the public JWKS). */
  onKeySetChanged?: (set: string) => void;
  /** Called after each key generation with its algorithm and how long it took (metrics). */
  onKeyGenerated?: (alg: string, seconds: number) => void;
  /**
   * Keys generated ahead of time (the RSA key pool, persistence/pool/key-pool.ts): asked first, with the
   * request's defaulted kid and use; `undefined` means generate inline. A key it returns is never
   * handed out again, even when storing it fails. Not reported to onKeyGenerated.
   */
  keySource?: (request: GenerateJwkRequest) => Promise<Jwk | undefined>;
  /** Bounds inline RSA generations (KEY_GENERATION_BUSY when saturated); without it they are unbounded. */
  generationLimiter?: GenerationLimiter;
}

const NO_AUDIT: AuditLog = { record: async () => {}, list: async () => [] };

export class JsonWebKeyService {
  private readonly repository: JsonWebKeyRepository;
  private readonly audit: AuditLog;
  private readonly auditFailed: (error: unknown) => void;
  private readonly generateOptions: GenerateOptions;
  private readonly changed: (set: string) => void;
  private readonly generated: (alg: string, seconds: number) => void;
  private readonly keySource: (request: GenerateJwkRequest) => Promise<Jwk | undefined>;
  private readonly limiter: GenerationLimiter | undefined;

  constructor(options: JsonWebKeyServiceOptions) {
    this.repository = options.repository;
    this.audit = options.audit ?? NO_AUDIT;
    this.auditFailed = options.onAuditFailure ?? (() => {});
    this.generateOptions = options.generate ?? {};
    this.changed = options.onKeySetChanged ?? (() => {});
    this.generated = options.onKeyGenerated ?? (() => {});
    this.keySource = options.keySource ?? (async () => undefined);
    this.limiter = options.generationLimiter;
  }

  /** Generates one key and adds it to the set, creating the set if needed. Returns a set of just that key. */
  async createJsonWebKeySet(
    set: string,
    request: CreateJsonWebKeySetRequest,
    caller: Caller = INTERNAL_CALLER,
    options: AnswerOptions = {},
  ): Promise<JwkSet> {
    const target: AuditTarget = { operation: "createJsonWebKeySet", set, kid: request.kid || undefined };
    return this.mutation(caller, target, async (audit) => {
      checkName("set", set);
      const kid = (target.kid = request.kid || randomUUID());
      checkName("kid", kid);
      const use = request.use || defaultUseOf(request.alg);
      checkGeneratedUse(request.alg, use);
      const crv = request.crv || undefined;
      // Generation happens before any write; the generated key goes through the same validator as
      // imported keys, so everything stored can be read back and PUT again.
      // A pooled key (keySource) was already removed from its pool: if anything below fails, it is lost, never reused.
      // Pooled keys are RSA keys, which have no curve: a create naming one is refused by generate.
      const generated =
        (crv === undefined ? await this.keySource({ alg: request.alg, kid, use }) : undefined) ??
        (await this.generate({ alg: request.alg, kid, use, crv }));
      const key = validateJwk(generated);
      await this.repository.addKey(set, key, audit());
      this.changed(set);
      return { set, keys: this.reveal(caller, [key], options) };
    });
  }

  /** Generates inline, RSA within the limiter's bounds; times the generation itself (not the wait) for onKeyGenerated. */
  private async generate(request: GenerateJwkRequest): Promise<Jwk> {
    const work = async () => {
      const started = performance.now();
      const generated = await generateJwk(request, this.generateOptions);
      this.generated(request.alg, (performance.now() - started) / 1000);
      return generated;
    };
    return this.limiter && isRsaAlgorithm(request.alg) ? this.limiter.run(work) : work();
  }

  /** Every key of the set, newest first. A missing or empty set is not found. */
  async getJsonWebKeySet(set: string, caller: Caller = INTERNAL_CALLER, options: ReadOptions = {}): Promise<JwkSet> {
    const keys = await this.read(caller, { operation: "getJsonWebKeySet", set }, options, async () => {
      checkName("set", set);
      const keys = options.keySets
        ? [...(await options.keySets.load(set))]
        : await this.repository.getKeySet(set, caller.session);
      if (keys.length === 0) throw new NotFoundError(`JSON Web Key Set ${quote(set)} does not exist`);
      return keys;
    });
    return { set, keys };
  }

  /**
   * A loader for one request (GraphQL's context): each set is read at most once through it, and the
   * sets named in one tick are read together. Access checks and audit records still happen per
   * operation; only the storage read is shared.
   */
  keySetLoader(session?: ReadSession): KeySetLoader {
    return new DataLoader<string, readonly Jwk[]>(async (sets) => {
      const settled = await Promise.allSettled(sets.map((set) => this.repository.getKeySet(set, session)));
      return settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : asError(outcome.reason)));
    });
  }

  /** A set holding the one key `kid`. */
  async getJsonWebKey(
    set: string,
    kid: string,
    caller: Caller = INTERNAL_CALLER,
    options: ReadOptions = {},
  ): Promise<JwkSet> {
    const keys = await this.read(caller, { operation: "getJsonWebKey", set, kid }, options, async () => {
      checkName("set", set);
      checkName("kid", kid);
      const key = await this.repository.getKey(set, kid, caller.session);
      if (!key) throw new NotFoundError(`JSON Web Key ${quote(kid)} does not exist in set ${quote(set)}`);
      return [key];
    });
    return { set, keys };
  }

  /**
   * Stores a caller-supplied key under `kid`, replacing any key there (upsert). A body `kid` that
   * differs from `kid` is refused: Hydra silently stores under the body's kid, we refuse the ambiguity.
   */
  async updateJsonWebKey(set: string, kid: string, input: JwkInput, caller: Caller = INTERNAL_CALLER): Promise<Jwk> {
    return this.mutation(caller, { operation: "updateJsonWebKey", set, kid }, async (audit) => {
      checkName("set", set);
      checkName("kid", kid);
      const bodyKid = input.kid;
      if (bodyKid !== undefined && bodyKid !== null && bodyKid !== "" && bodyKid !== kid) {
        throw new BadInputError(
          `The key's kid ${typeof bodyKid === "string" ? quote(bodyKid) : "member"} differs from the kid argument ${quote(kid)}; leave it out or make them equal`,
          "KID_MISMATCH",
        );
      }
      const key = validateJwk({ ...input, kid });
      await this.repository.upsertKey(set, key, audit());
      this.changed(set);
      // One key, not a set: an answer cannot leave it out, so a symmetric key is described.
      return canReadPrivateMembers(caller) ? key : toPublicJwk(key, "describe");
    });
  }

  /**
   * Stores a key given as PEM (README, "Bring your own keys") under `kid`, replacing any key there
   * (upsert, as updateJsonWebKey). The PEM becomes JWK members (domain/pem.ts, which checks the
   * PEM form and the certificate chain), then goes through the same validator as a JWK import.
   * `kid` omitted or empty: the key's RFC 7638 thumbprint, so importing the same key twice stores it once.
   */
  async importJsonWebKey(
    set: string,
    kid: string | null | undefined,
    request: ImportJsonWebKeyRequest,
    caller: Caller = INTERNAL_CALLER,
  ): Promise<Jwk> {
    const target: AuditTarget = { operation: "importJsonWebKey", set, kid: kid || undefined };
    return this.mutation(caller, target, async (audit) => {
      checkName("set", set);
      if (kid) checkName("kid", kid);
      const { alg } = request;
      if (typeof alg !== "string" || alg === "")
        throw new BadInputError(
          'A PEM import needs "alg": the PEM says what the key is, not which algorithm it is for (e.g. RS256, ES256, RSA-OAEP-256)',
          "MISSING_ALG",
        );
      const members = parsePem(request.pem);
      const use = request.use || useOfAlgorithm(alg);
      // Through the same validator as a JWK import; a placeholder kid until the thumbprint is known.
      const checked = validateJwk({ ...members, alg, use, kid: kid || "pending" });
      const storedKid = (target.kid = kid || jwkThumbprint(checked));
      if (storedKid === undefined) throw new TypeError("a validated PEM key has no thumbprint");
      checkName("kid", storedKid);
      const key = { ...checked, kid: storedKid };
      await this.repository.upsertKey(set, key, audit());
      this.changed(set);
      return canReadPrivateMembers(caller) ? key : toPublicJwk(key, "describe");
    });
  }

  /** Replaces the whole set atomically; every key is validated before anything is written. */
  async updateJsonWebKeySet(
    set: string,
    input: { keys: readonly JwkInput[] },
    caller: Caller = INTERNAL_CALLER,
    options: AnswerOptions = {},
  ): Promise<JwkSet> {
    return this.mutation(caller, { operation: "updateJsonWebKeySet", set }, async (audit) => {
      checkName("set", set);
      if (!Array.isArray(input.keys)) throw new BadInputError('The key set must have a "keys" array', "BAD_KEY_SET");
      const keys = validateKeySet(input.keys);
      for (const key of keys) checkName("kid", key.kid);
      await this.repository.replaceKeySet(set, keys, audit());
      this.changed(set);
      return { set, keys: this.reveal(caller, keys, options) };
    });
  }

  /** Idempotent: true when a key was removed, false when nothing matched. */
  async deleteJsonWebKey(set: string, kid: string, caller: Caller = INTERNAL_CALLER): Promise<boolean> {
    return this.mutation(caller, { operation: "deleteJsonWebKey", set, kid }, async (audit) => {
      checkName("set", set);
      checkName("kid", kid);
      const removed = await this.repository.deleteKey(set, kid, audit());
      if (removed) this.changed(set);
      return removed;
    });
  }

  /** Idempotent: true when keys were removed, false when nothing matched. */
  async deleteJsonWebKeySet(set: string, caller: Caller = INTERNAL_CALLER): Promise<boolean> {
    return this.mutation(caller, { operation: "deleteJsonWebKeySet", set }, async (audit) => {
      checkName("set", set);
      const removed = await this.repository.deleteKeySet(set, audit());
      if (removed) this.changed(set);
      return removed;
    });
  }

  /** The audit trail, newest first (needs audit:read). */
  async auditEvents(query: AuditEventsQuery = {}, caller: Caller = INTERNAL_CALLER): Promise<AuditEvent[]> {
    await this.authorize(caller, { operation: "auditEvents" });
    const limit = query.limit ?? DEFAULT_AUDIT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
      throw new BadInputError(`limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}`, "BAD_LIMIT");
    }
    const before = query.before ?? undefined;
    if (before !== undefined && (!Number.isInteger(before) || before < 1))
      throw new BadInputError("before must be a positive integer, the seq of a record", "BAD_CURSOR");
    return this.audit.list({ limit, before });
  }

  /**
   * Throws UNAUTHENTICATED or FORBIDDEN unless the policy lets the caller run `target.operation`, and
   * records the refusal. Every operation calls it first; the transports call it once per request
   * before that (REST before the body is read, GraphQL from `@Authorized` on root fields, before
   * the resolver runs), so that the refusal comes first and is recorded once.
   */
  async authorize(caller: Caller, target: AuditTarget): Promise<void> {
    try {
      authorizeOperation(caller, target.operation);
    } catch (error) {
      if (error instanceof JwkGatewayError && (error.code === "UNAUTHENTICATED" || error.code === "FORBIDDEN")) {
        await this.recordQuietly(this.entry(caller, target, error.code));
      }
      throw error;
    }
  }

  /**
   * A write: authorised first; `work` hands `audit()`'s entry to the repository, which inserts it in
   * the write's transaction; a failure is recorded on its own, with its code.
   */
  private async mutation<T>(
    caller: Caller,
    target: AuditTarget,
    work: (audit: () => AuditEntry) => Promise<T>,
  ): Promise<T> {
    await this.authorize(caller, target);
    try {
      return await work(() => this.entry(caller, target, AUDIT_OK));
    } catch (error) {
      await this.recordQuietly(this.entry(caller, target, outcomeOf(error)));
      throw error;
    }
  }

  /** A read: authorised first; private members only for callers allowed them, recorded before they are returned. */
  private async read(
    caller: Caller,
    target: AuditTarget,
    options: ReadOptions,
    load: () => Promise<Jwk[]>,
  ): Promise<Jwk[]> {
    await this.authorize(caller, target);
    const members = options.members ?? "as-allowed";
    const allowed = canReadPrivateMembers(caller);
    if (members === "private" && !allowed) await this.recordQuietly(this.entry(caller, target, "FORBIDDEN"));
    if (members === "public" || !allowed) return toPublicJwks(await load(), options.symmetric ?? "describe");
    let keys: Jwk[];
    try {
      keys = await load();
    } catch (error) {
      await this.recordQuietly(this.entry(caller, target, outcomeOf(error)));
      throw error;
    }
    // Fail closed (README, "Audit trail"): private members are not handed out unless their record is stored.
    await this.audit.record(this.entry(caller, target, AUDIT_OK));
    return keys;
  }

  /** The keys of a set answer as this caller may see them. */
  private reveal(caller: Caller, keys: Jwk[], options: AnswerOptions): Jwk[] {
    return canReadPrivateMembers(caller) ? keys : toPublicJwks(keys, options.symmetric ?? "describe");
  }

  private entry(caller: Caller, target: AuditTarget, outcome: string): AuditEntry {
    return {
      at: new Date(),
      actor: caller.actor,
      transport: caller.transport,
      operation: target.operation,
      set: typeof target.set === "string" ? target.set : undefined,
      kid: typeof target.kid === "string" && target.kid !== "" ? target.kid : undefined,
      outcome,
      requestId: caller.requestId,
    };
  }

  /** For records of refused and failed operations: the operation's own error is what the caller must see. */
  private async recordQuietly(entry: AuditEntry): Promise<void> {
    try {
      await this.audit.record(entry);
    } catch (error) {
      this.auditFailed(error);
    }
  }
}

/**
 * A create whose `use` contradicts its algorithm is refused before anything is generated, with the
 * validator's reason (USE_ALG_MISMATCH) and the algorithms that would do what was asked.
 */
function checkGeneratedUse(alg: string, use: string): void {
  const algUse = (ENCRYPTION_ALGORITHMS as readonly string[]).includes(alg)
    ? "enc"
    : (SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)
      ? "sig"
      : undefined;
  if (algUse === undefined || use === algUse || (use !== "sig" && use !== "enc")) return; // the validator says why
  const instead =
    use === "enc"
      ? `to generate an encryption key (use "enc"), choose ${ENCRYPTION_ALGORITHMS.join(", ")}`
      : `to generate a signature key (use "sig"), choose ${SIGNATURE_ALGORITHMS.join(", ")}`;
  throw new InvalidKeyError(
    "USE_ALG_MISMATCH",
    `alg ${quote(alg)} is ${algUse === "sig" ? "a signature" : "an encryption or key-management"} algorithm, so "use" must be "${algUse}"; ${instead}`,
  );
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** An audit outcome: the error's code, or INTERNAL_SERVER_ERROR for anything unexpected. */
function outcomeOf(error: unknown): string {
  return error instanceof JwkGatewayError ? error.code : "INTERNAL_SERVER_ERROR";
}
