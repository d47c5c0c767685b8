/**
 * The limit each read is compared with: a bare Fastify 5 app, in its own process, whose routes
 * answer from memory with exactly the bytes (and content type and caching headers) the gateway
 * sent for the same request. Same paths and methods as the gateway (POST /graphql parses its JSON
 * body, as Fastify does by default), no logger, no plugins, no database.
 *
 * The bodies are set over IPC (`set`) after the gateway has been asked once, so the routes exist
 * from the start and only the bytes change.
 *
 * A second app on its own port is a diagnostic, not a limit: Apollo Server alone, on the same
 * Fastify integration, with the gateway's printed schema (schema.graphql) and a resolver that returns
 * the gateway's answer from memory: no authentication, no plugins, no storage. What it reaches is
 * what any gateway built on Apollo Server can reach here.
 */
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify from "fastify";
import type { FastifyReply } from "fastify";
import { buildSchema } from "graphql";
import { serveChild } from "./rpc.js";

export interface BareResponse {
  body: string;
  headers: Record<string, string>;
}

export type BareRoute = "graphql" | "rest" | "restPublic" | "jwks";

serveChild(async () => {
  const responses = new Map<BareRoute, { body: Buffer; headers: Record<string, string> }>();
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 1000 } });
  const answer = (route: BareRoute) => async (_request: unknown, reply: FastifyReply) => {
    const response = responses.get(route);
    if (!response) return reply.status(404).send();
    return reply.headers(response.headers).send(response.body);
  };
  app.post("/graphql", answer("graphql"));
  app.get("/keys/:set", answer("rest"));
  app.get("/public/keys/:set", answer("restPublic"));
  app.get("/.well-known/jwks.json", answer("jwks"));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no TCP address");

  let answer_: unknown = null;
  const apolloApp = Fastify({ logger: false });
  const schema = buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));
  const apollo = new ApolloServer({
    schema,
    rootValue: { getJsonWebKeySet: () => answer_ },
    // As the gateway configures it, minus everything the gateway adds (auth, limits, metrics).
    plugins: [fastifyApolloDrainPlugin(apolloApp), ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();
  await apolloApp.register(fastifyApollo(apollo));
  await apolloApp.listen({ port: 0, host: "127.0.0.1" });
  const apolloAddress = apolloApp.server.address();
  if (!apolloAddress || typeof apolloAddress === "string") throw new Error("no TCP address");

  return {
    port: address.port,
    handlers: {
      set(args: { route: BareRoute; response: BareResponse }) {
        responses.set(args.route, { body: Buffer.from(args.response.body), headers: args.response.headers });
        if (args.route === "graphql") answer_ = (JSON.parse(args.response.body) as { data: { getJsonWebKeySet: unknown } }).data.getJsonWebKeySet;
      },
      apolloOrigin() {
        return `http://127.0.0.1:${apolloAddress.port}`;
      },
      cpu() {
        const usage = process.cpuUsage();
        return usage.user + usage.system;
      },
      async close() {
        await apolloApp.close();
        await app.close();
      },
    },
  };
});
