/**
 * A real graphql-ws client (with `ws` as its WebSocket) for the subscription tests: one connection per
 * `subscribeTo`, what it receives collected in order, and how it ended.
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Received {
  data?: any;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Subscription {
  client: Client;
  /** Every `next` payload, in order. */
  results: Received[];
  /** Resolves when the subscription ends: completed, errored (a protocol `error` message) or closed. */
  ended: Promise<{ how: "complete" | "error" | "closed"; errors?: unknown; code?: number; reason?: string }>;
  /** Resolves once the server acknowledged the connection (the subscription was sent then). */
  connected: Promise<void>;
  /** The first result that satisfies `match`, waiting up to `timeoutMs`. */
  waitFor(match: (result: Received) => boolean, timeoutMs?: number): Promise<Received>;
  dispose(): Promise<void>;
}

export function wsUrl(origin: string): string {
  return `${origin.replace(/^http/, "ws")}/graphql`;
}

export function subscribeTo(
  origin: string,
  query: string,
  options: {
    variables?: Record<string, unknown>;
    authorization?: string;
    connectionParams?: Record<string, unknown>;
  } = {},
): Subscription {
  let closedEvent: { code: number; reason: string } | undefined;
  let connectedResolve!: () => void;
  const connected = new Promise<void>((resolve) => (connectedResolve = resolve));
  const client = createClient({
    url: wsUrl(origin),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams:
      options.connectionParams ?? (options.authorization ? { authorization: options.authorization } : {}),
    on: {
      connected: () => connectedResolve(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closedEvent = { code, reason };
      },
    },
  });
  const results: Received[] = [];
  const waiters = new Set<() => void>();
  const ended = new Promise<{ how: "complete" | "error" | "closed"; errors?: unknown; code?: number; reason?: string }>(
    (resolve) => {
      client.subscribe(
        { query, variables: options.variables },
        {
          next: (value) => {
            results.push(value as Received);
            for (const wake of waiters) wake();
          },
          complete: () => resolve({ how: "complete" }),
          error: (error) => {
            // A CloseEvent-like object when the socket closed; an array of errors for a protocol error message.
            if (Array.isArray(error)) resolve({ how: "error", errors: error });
            else {
              const { code, reason } = (error as { code?: number; reason?: string }) ?? {};
              resolve({ how: "closed", code: code ?? closedEvent?.code, reason: reason ?? closedEvent?.reason });
            }
          },
        },
      );
    },
  );
  return {
    client,
    results,
    ended,
    connected,
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = results.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching result within ${timeoutMs} ms; got ${JSON.stringify(results)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async dispose() {
      await client.dispose();
    },
  };
}

/** Opens a raw WebSocket with the graphql-transport-ws subprotocol; resolves once open (or rejects with the HTTP refusal). */
export function rawSocket(origin: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(origin), "graphql-transport-ws", { headers });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_request, response) =>
      reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode })),
    );
    socket.once("error", reject);
  });
}

/** Resolves with the close code and reason of a raw socket. */
export function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
}
