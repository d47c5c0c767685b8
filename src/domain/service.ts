/**
 * The seven operations of Hydra's JSON Web Key API, named after the seed's operation ids.
 * GraphQL (and REST) are thin adapters over this class; it knows nothing of either, nor of Prisma.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_KEY_USE } from "./algorithms.js";
import { BadInputError, NotFoundError } from "./errors.js";
import { generateJwk, type GenerateOptions } from "./generate.js";
import type { Jwk, JwkInput, JwkSet } from "./jwk.js";
import type { JsonWebKeyRepository } from "./repository.js";
import { validateJwk, validateKeySet } from "./validate.js";

/** Longest `set` or `kid` accepted (Hydra's columns are varchar(255)). */
export const MAX_NAME_LENGTH = 255;

export interface CreateJsonWebKeySetRequest {
  alg: string;
  /** Omitted or empty: a random UUID v4. */
  kid?: string | null;
  /** Omitted or empty: `"sig"`. */
  use?: string | null;
}

export interface JsonWebKeyServiceOptions {
  repository: JsonWebKeyRepository;
  generate?: GenerateOptions;
  /** Called after every write that may have changed `set` (caches, the public JWKS). */
  onKeySetChanged?: (set: string) => void;
}

export class JsonWebKeyService {
  private readonly repository: JsonWebKeyRepository;
  private readonly generateOptions: GenerateOptions;
  private readonly changed: (set: string) => void;

  constructor(options: JsonWebKeyServiceOptions) {
    this.repository = options.repository;
    this.generateOptions = options.generate ?? {};
    this.changed = options.onKeySetChanged ?? (() => {});
  }

  /** Generates one key and adds it to the set, creating the set if needed. Returns a set of just that key. */
  async createJsonWebKeySet(set: string, request: CreateJsonWebKeySetRequest): Promise<JwkSet> {
    checkName("set", set);
    const kid = request.kid || randomUUID();
    checkName("kid", kid);
    const use = request.use || DEFAULT_KEY_USE;
    // Generation happens before any write (security.md R5.5); the generated key goes through the
    // same validator as imported keys, so everything stored can be read back and PUT again.
    const key = validateJwk(await generateJwk({ alg: request.alg, kid, use }, this.generateOptions));
    await this.repository.addKey(set, key);
    this.changed(set);
    return { set, keys: [key] };
  }

  /** Every key of the set, newest first. A missing or empty set is not found. */
  async getJsonWebKeySet(set: string): Promise<JwkSet> {
    checkName("set", set);
    const keys = await this.repository.getKeySet(set);
    if (keys.length === 0) throw new NotFoundError(`JSON Web Key Set ${quote(set)} does not exist`);
    return { set, keys };
  }

  /** A set holding the one key `kid`. */
  async getJsonWebKey(set: string, kid: string): Promise<JwkSet> {
    checkName("set", set);
    checkName("kid", kid);
    const key = await this.repository.getKey(set, kid);
    if (!key) throw new NotFoundError(`JSON Web Key ${quote(kid)} does not exist in set ${quote(set)}`);
    return { set, keys: [key] };
  }

  /**
   * Stores a caller-supplied key under `kid`, replacing any key there (upsert). A body `kid` that
   * differs from `kid` is refused: Hydra silently stores under the body's kid, we refuse the ambiguity.
   */
  async updateJsonWebKey(set: string, kid: string, input: JwkInput): Promise<Jwk> {
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
    await this.repository.upsertKey(set, key);
    this.changed(set);
    return key;
  }

  /** Replaces the whole set atomically; every key is validated before anything is written. */
  async updateJsonWebKeySet(set: string, input: { keys: readonly JwkInput[] }): Promise<JwkSet> {
    checkName("set", set);
    if (!Array.isArray(input.keys)) throw new BadInputError("The key set must have a \"keys\" array", "BAD_KEY_SET");
    const keys = validateKeySet(input.keys);
    for (const key of keys) checkName("kid", key.kid);
    await this.repository.replaceKeySet(set, keys);
    this.changed(set);
    return { set, keys };
  }

  /** Idempotent: true when a key was removed, false when nothing matched. */
  async deleteJsonWebKey(set: string, kid: string): Promise<boolean> {
    checkName("set", set);
    checkName("kid", kid);
    const removed = await this.repository.deleteKey(set, kid);
    if (removed) this.changed(set);
    return removed;
  }

  /** Idempotent: true when keys were removed, false when nothing matched. */
  async deleteJsonWebKeySet(set: string): Promise<boolean> {
    checkName("set", set);
    const removed = await this.repository.deleteKeySet(set);
    if (removed) this.changed(set);
    return removed;
  }
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function checkName(what: "set" | "kid", value: unknown): asserts value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new BadInputError(`${what} must be 1 to ${MAX_NAME_LENGTH} characters long`, what === "set" ? "BAD_SET" : "BAD_KID");
  }
  if (CONTROL_CHARACTERS.test(value)) {
    throw new BadInputError(`${what} must not contain control characters`, what === "set" ? "BAD_SET" : "BAD_KID");
  }
}

/** Quotes a caller-chosen name for a message, cut short so a message stays readable. */
function quote(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}
