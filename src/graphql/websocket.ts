/**
 * GraphQL subscriptions over WebSocket, on the Fastify server's own port and path (`/graphql`, an
 * upgrade of GET), with graphql-ws's protocol (graphql-transport-ws) and the schema Apollo serves
 * (README, "Subscriptions"). Queries and mutations stay on HTTP, where Apollo's plugins (limits,
 * metrics, CSRF prevention) apply; this transport serves subscription operations only.
 *
 * Access control, as on HTTP and by the same functions:
 * - the connection's credentials are `connectionParams.authorization` ("Bearer …"), checked when the
 *   connection is initialised: a connection that does not authenticate is closed with 4403 Forbidden;
 * - they are checked again before each change is delivered (a token revoked or expired since ends its
 *   subscriptions with the error the policy gives, then the connection), and whenever the token
 *   store changes (a revocation by any process closes the connection with 4403 at once);
 * - the schema's `@Authorized` and the service decide the rest, per operation and per field.
 *
 * Limits (config.ts, SubscriptionSettings): connections at once (beyond: HTTP 503 on the upgrade),
 * subscriptions per connection, message size (ws's maxPayload: a larger message closes with 1009),
 * the document limits of queries (graphql/hardening.ts), a ping every keepAliveMs (a connection that
 * did not answer the last one is dropped), connections without a subscription closed after
 * idleTimeoutMs, and graphql-ws's 3 s for the client to initialise. A browser page may only connect
 * from the gateway's own origin or one of CORS_ORIGINS: with open mode, any page could otherwise
 * subscribe on a developer's machine (the credentials are not cookies, so this is the only ambient
 * authority a WebSocket would carry).
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { CloseCode, handleProtocols, makeServer, type Context } from "graphql-ws";
import { WebSocketServer, type WebSocket } from "ws";
import { callerOf, type Caller, type Principal } from "../auth/caller.js";
import { authorizeOperation } from "../auth/policy.js";
import type { SubscriptionSettings } from "../config.js";
import type { KeySetChange, KeySetChanges } from "../domain/changes.js";
import { JwkGatewayError } from "../errors.js";
import type { Logger } from "../logging.js";
import type { Authenticate } from "../http/auth.js";
import type { GatewayMetrics } from "../http/metrics.js";
import type { GraphQLContext } from "./auth.js";
import { createFormatError } from "./errors.js";
import { documentLimits, GRAPHQL_LIMITS, protectMessage } from "./hardening.js";
import { KeySetChangeHub } from "./live.js";

export const GRAPHQL_PATH = "/graphql";

/** How often connections are looked at for keep-alive and idleness. */
const SWEEP_MS = 1000;

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  /** Every key-set change any process commits (the change feed). */
  changes: KeySetChanges;
  /** Calls its listener whenever API tokens may have changed (any process); returns the unsubscribe. */
  onTokensChanged?: (listener: () => void) => () => void;
  settings: SubscriptionSettings;
  production: boolean;
  introspection: boolean;
  /** Origins other than the gateway's own that browsers may connect from (CORS_ORIGINS). */
  corsOrigins: readonly string[];
  metrics?: GatewayMetrics;
}

interface ConnectionParams {
  authorization?: unknown;
  Authorization?: unknown;
  [key: string]: unknown;
}

/** One WebSocket connection: its credentials, its caller as of the latest check, its timers' state. */
class Connection {
  caller: Caller | undefined;
  authorization: string | undefined;
  ctx: Context<ConnectionParams, { connection: Connection }> | undefined;
  /** The check made for the change being delivered, shared by the connection's subscriptions. */
  private checked: { change: KeySetChange; allowed: Promise<boolean> } | undefined;
  lastActive = Date.now();
  awaitingPong = false;
  lastPing = Date.now();
  refused = false;

  constructor(
    readonly socket: WebSocket,
    private readonly authenticate: Authenticate,
  ) {}

  /** Authenticates the connection's credentials again; the caller every later resolution sees. */
  async check(): Promise<Principal> {
    const session = {};
    const principal = await this.authenticate(this.authorization, session);
    this.caller = callerOf(principal, "graphql", undefined, session);
    return principal;
  }

  /** Whether the connection may still see `change` (checked once per change for all its subscriptions). */
  admit(change: KeySetChange): Promise<boolean> {
    if (this.checked?.change !== change) {
      const allowed = this.check().then((principal) => {
        const ok = mayListen(principal);
        if (!ok) this.refused = true;
        return ok;
      });
      this.checked = { change, allowed };
    }
    return this.checked.allowed;
  }

  get subscriptions(): number {
    return this.ctx ? Object.keys(this.ctx.subscriptions).length : 0;
  }
}

function mayListen(principal: Principal): boolean {
  try {
    authorizeOperation(principal, "jsonWebKeySetChanged");
    return true;
  } catch {
    return false;
  }
}

/** Serves subscriptions on the app's HTTP server; closes every connection when the app closes. */
export function registerSubscriptions(app: FastifyInstance, options: SubscriptionServerOptions): KeySetChangeHub {
  const { settings, metrics } = options;
  const log: Logger = app.log;
  const hub = new KeySetChangeHub(options.changes, { onOpen: (open) => metrics?.observeSubscriptions(open) });
  const limits = documentLimits({ production: options.production, introspection: options.introspection });
  const rules = [...specifiedRules, ...limits.validationRules];
  const formatError = createFormatError(log);
  const format = (error: GraphQLError): GraphQLFormattedError => {
    const original = error.originalError instanceof JwkGatewayError ? error.originalError : error;
    const formatted = formatError(error.toJSON(), original);
    return { ...formatted, message: protectMessage(formatted.message, options) };
  };
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes, handleProtocols });

  const server = makeServer<ConnectionParams, { connection: Connection }>({
    schema: options.schema,
    onConnect: async (ctx) => {
      const connection = ctx.extra.connection;
      connection.ctx = ctx;
      const params = ctx.connectionParams ?? {};
      const authorization = params.authorization ?? params.Authorization;
      connection.authorization = typeof authorization === "string" ? authorization : undefined;
      const principal = await connection.check();
      // Refused: graphql-ws closes with 4403 Forbidden.
      return principal.authenticated && !principal.failure;
    },
    onSubscribe: (ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
      const connection = ctx.extra.connection;
      if (Object.keys(ctx.subscriptions).length > settings.perConnection) {
        return [
          requestError(
            `At most ${settings.perConnection} subscriptions may be open on one connection; complete one first or open another connection`,
            "BAD_USER_INPUT",
            "TOO_MANY_SUBSCRIPTIONS",
          ),
        ];
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query, limits.parseOptions);
      } catch (error) {
        return [requestError(error instanceof GraphQLError ? error.message : "Syntax Error", "GRAPHQL_PARSE_FAILED")];
      }
      const operation = getOperationAST(document, payload.operationName);
      if (operation && operation.operation !== "subscription") {
        return [
          requestError(
            `This WebSocket serves subscriptions only; send ${operation.operation === "query" ? "queries" : "mutations"} by HTTP (POST ${GRAPHQL_PATH})`,
            "BAD_REQUEST",
          ),
        ];
      }
      const invalid = validate(options.schema, document, rules);
      if (invalid.length > 0)
        return invalid.map((error) => requestError(error.message, "GRAPHQL_VALIDATION_FAILED", undefined, error));
      if (!operation) return [requestError("Unable to identify the operation to run", "OPERATION_RESOLUTION_FAILURE")];
      const variables = getVariableValues(options.schema, operation.variableDefinitions ?? [], payload.variables ?? {});
      if (variables.errors)
        return variables.errors.map((error) => requestError(error.message, "BAD_USER_INPUT", undefined, error));
      connection.lastActive = Date.now();
      const contextValue: GraphQLContext = {
        get caller(): Caller {
          return connection.caller!;
        },
        live: { stream: (set) => hub.stream({ set, admit: (change) => connection.admit(change) }) },
      };
      return {
        schema: options.schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue,
      };
    },
    onNext: (_ctx, _id, _payload, _args, result) => {
      metrics?.observeSubscriptionEvent();
      if (!result.errors) return undefined;
      return { ...result, errors: result.errors.map(format) };
    },
    onError: (_ctx, _id, _payload, errors) => errors.map(format),
    onComplete: (ctx) => {
      const connection = ctx.extra.connection;
      connection.lastActive = Date.now();
      // Its credentials were refused before a change: the subscription got that error, now the connection ends.
      if (connection.refused) setImmediate(() => connection.socket.close(CloseCode.Forbidden, "Forbidden"));
    },
  });

  const stopTokenWatch = options.onTokensChanged?.(() => {
    for (const connection of connections) {
      if (!connection.caller) continue; // not initialised yet: its check is still to come
      connection.check().then(
        (principal) => {
          if (!principal.authenticated || principal.failure) connection.socket.close(CloseCode.Forbidden, "Forbidden");
        },
        () => connection.socket.close(CloseCode.Forbidden, "Forbidden"),
      );
    }
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      if (now - connection.lastPing >= settings.keepAliveMs) {
        if (connection.awaitingPong) {
          connection.socket.terminate();
          continue;
        }
        connection.awaitingPong = true;
        connection.lastPing = now;
        connection.socket.ping();
      }
      if (connection.subscriptions > 0) connection.lastActive = now;
      else if (settings.idleTimeoutMs > 0 && now - connection.lastActive >= settings.idleTimeoutMs)
        connection.socket.close(1000, "Idle");
    }
  }, SWEEP_MS);
  sweep.unref();

  const opened = (socket: WebSocket, request: IncomingMessage) => {
    const connection = new Connection(socket, options.authenticate);
    connections.add(connection);
    metrics?.observeSubscriptionConnections(connections.size);
    socket.on("pong", () => (connection.awaitingPong = false));
    socket.on("error", (error) => {
      log.info({ err: { type: error.name, code: (error as { code?: unknown }).code } }, "WebSocket connection failed");
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", (data, isBinary) => {
            if (isBinary) return socket.close(CloseCode.BadRequest, "Messages must be text");
            handle(String(data)).catch((error: unknown) => {
              log.error({ err: { type: (error as Error)?.name } }, "a WebSocket message could not be handled");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            });
          }),
      },
      { connection, socket, request } as never,
    );
    socket.once("close", (code, reason) => {
      connections.delete(connection);
      metrics?.observeSubscriptionConnections(connections.size);
      void closed(code, String(reason));
    });
  };

  app.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? "").split("?", 1)[0];
    if (path !== GRAPHQL_PATH && path !== `${GRAPHQL_PATH}/`) return refuseUpgrade(socket, 404, "Not Found");
    if (!originAllowed(request, options.corsOrigins)) return refuseUpgrade(socket, 403, "Forbidden");
    if (connections.size >= settings.maxConnections)
      return refuseUpgrade(socket, 503, "Service Unavailable", { "retry-after": "5" });
    wss.handleUpgrade(request, socket, head, (ws) => opened(ws, request));
  });

  app.addHook("preClose", async () => {
    clearInterval(sweep);
    stopTokenWatch?.();
    for (const connection of connections) connection.socket.close(1001, "Going away");
    hub.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  log.debug(
    { limits: { ...settings, maxTokens: GRAPHQL_LIMITS.maxTokens } },
    "GraphQL subscriptions over WebSocket at /graphql",
  );
  return hub;
}

/** An error about the request itself, with the code Apollo gives the same problem on HTTP. */
function requestError(message: string, code: string, reason?: string, source?: GraphQLError): GraphQLError {
  return new GraphQLError(message, {
    nodes: source?.nodes,
    source: source?.source,
    positions: source?.positions,
    extensions: { code, ...(reason ? { reason } : {}) },
  });
}

/** Browsers send Origin: the gateway's own (same host), or one of CORS_ORIGINS. Other clients send none. */
function originAllowed(request: IncomingMessage, corsOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const lines = [`HTTP/1.1 ${status} ${text}`, "connection: close", "content-length: 0"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n`);
}
