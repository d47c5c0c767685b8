/**
 * Turns an `Authorization` header into a Principal, and decides the access mode.
 *
 * Modes:
 * - `tokens`: at least one token is active (neither revoked nor expired). Requests need a valid
 *   bearer token; without one the caller is anonymous (UNAUTHENTICATED on every admin operation).
 * - `open`: no token is active and open access is allowed (HOST is a loopback address, or
 *   ALLOW_OPEN_ACCESS=true). Every request gets every scope, as the audit actor "open-mode". This is
 *   the development mode; the composition root warns about it at start.
 * - `closed`: no token is active and open access is not allowed. The composition root refuses to
 *   start in this mode; should it happen later (the store was emptied by hand), nothing is served.
 *
 * Leaving open mode needs no restart: whether a token is active is asked of the store at most once
 * per `recheckMs` (a token created by `npm run token -- create` in another process ends open mode
 * within that time), and a request carrying a valid token ends it at once. The switch is one way:
 * once a process has seen an active token it stays in `tokens` mode until it restarts, so revoking
 * or outliving the last token locks the gateway rather than opening it.
 *
 * In open mode a presented credential is still checked: a valid token is served as that token (and
 * ends open mode); anything else is ignored, as open mode ignores credentials.
 */
import { ANONYMOUS, invalidCredentials, OPEN_MODE, tokenPrincipal, unverified, type Principal } from "./caller.js";
import { parseToken, secretMatches, tokenStatus, type TokenStore } from "./tokens.js";

export type AccessMode = "open" | "tokens" | "closed";

/** How long "is any token active?" is trusted in open mode before the store is asked again. */
export const DEFAULT_OPEN_MODE_RECHECK_MS = 2_000;

/** Why a presented credential was refused; logged, never answered. */
export type RejectionReason = "malformed" | "unknown" | "wrong-secret" | "expired" | "revoked";

export interface AuthenticatorOptions {
  store: TokenStore;
  /** Whether open mode may serve when no token is active (loopback HOST, or ALLOW_OPEN_ACCESS=true). */
  openAccessAllowed: boolean;
  /** See DEFAULT_OPEN_MODE_RECHECK_MS. */
  recheckMs?: number;
  /** A clock, for tests. */
  now?: () => Date;
  /** Told once, when the process leaves open mode. */
  onOpenModeEnded?: () => void;
  /** Told about every refused credential (by token id when the id is known; never the secret). */
  onRejected?: (reason: RejectionReason, tokenId?: string) => void;
}

export class Authenticator {
  private readonly store: TokenStore;
  private readonly openAccessAllowed: boolean;
  private readonly recheckMs: number;
  private readonly now: () => Date;
  private readonly onOpenModeEnded: () => void;
  private readonly onRejected: (reason: RejectionReason, tokenId?: string) => void;
  /** Set for good once an active token has been seen. */
  private tokensSeen = false;
  /** Whether this process has been in open mode (so that its end is worth saying). */
  private servedOpen = false;
  private checked?: { at: number; active: Promise<boolean> };

  constructor(options: AuthenticatorOptions) {
    this.store = options.store;
    this.openAccessAllowed = options.openAccessAllowed;
    this.recheckMs = options.recheckMs ?? DEFAULT_OPEN_MODE_RECHECK_MS;
    this.now = options.now ?? (() => new Date());
    this.onOpenModeEnded = options.onOpenModeEnded ?? (() => {});
    this.onRejected = options.onRejected ?? (() => {});
  }

  /** The current mode; asks the store at most once per `recheckMs` until a token has been seen. */
  async mode(): Promise<AccessMode> {
    if (this.tokensSeen) return "tokens";
    const now = this.now().getTime();
    if (!this.checked || now - this.checked.at >= this.recheckMs) {
      const active = this.store.hasActiveTokens(new Date(now));
      this.checked = { at: now, active };
      // A failed check is not cached: the next request asks again.
      active.catch(() => {
        if (this.checked?.active === active) this.checked = undefined;
      });
    }
    if (await this.checked.active) {
      this.enterTokenMode();
      return "tokens";
    }
    if (!this.openAccessAllowed) return "closed";
    this.servedOpen = true;
    return "open";
  }

  /**
   * The principal of a request with this `Authorization` header value (`session`: the request's
   * ReadSession, domain/repository.ts). Never throws: when the store fails, the principal carries
   * the failure and every check refuses with it (fail closed).
   */
  async authenticate(authorization: string | undefined, session?: object): Promise<Principal> {
    try {
      const presented = bearerToken(authorization);
      const mode = await this.mode();
      if (mode === "open" && presented === undefined) return OPEN_MODE;
      if (presented === undefined) return authorization?.trim() ? this.reject("malformed") : ANONYMOUS;
      const verified = await this.verify(presented, session);
      if (verified.authenticated) {
        this.enterTokenMode();
        return verified;
      }
      return mode === "open" ? OPEN_MODE : verified;
    } catch (error) {
      return unverified(error instanceof Error ? error : new Error("the token store failed"));
    }
  }

  private async verify(token: string, session?: object): Promise<Principal> {
    const parsed = parseToken(token);
    if (!parsed) return this.reject("malformed");
    const stored = await this.store.findById(parsed.id, session);
    if (!stored) return this.reject("unknown");
    if (!secretMatches(parsed.secret, stored.secretHash)) return this.reject("wrong-secret", stored.id);
    const status = tokenStatus(stored, this.now());
    if (status !== "active") return this.reject(status, stored.id);
    return tokenPrincipal(stored.id, stored.name, stored.scopes);
  }

  /** A refused credential. A known id is kept as the actor, so the audit trail shows whose token failed. */
  private reject(reason: RejectionReason, tokenId?: string): Principal {
    this.onRejected(reason, tokenId);
    return invalidCredentials(tokenId);
  }

  private enterTokenMode(): void {
    if (this.tokensSeen) return;
    this.tokensSeen = true;
    this.checked = undefined;
    if (this.servedOpen) this.onOpenModeEnded();
  }
}

/** The token of `Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1), else undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match ? match[1] : undefined;
}

/** Loopback addresses and names: where open mode may listen without ALLOW_OPEN_ACCESS. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (bare === "localhost" || bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return /^127(\.\d{1,3}){3}$/.test(v4);
}
