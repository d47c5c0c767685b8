/**
 * GET /graphql/schema.graphql: the schema as SDL, sorted like the committed `schema.graphql`, for
 * tools that load SDL (codegen's file loaders, Apollo Sandbox's "upload a schema", IDE plugins)
 * rather than run the introspection query. Served only while introspection is enabled, since it says
 * exactly what introspection says. An ETag lets clients revalidate without downloading it again.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";

export const SCHEMA_PATH = "/graphql/schema.graphql";

export function registerSchemaRoute(app: FastifyInstance, schema: GraphQLSchema): void {
  const sdl = printSchema(lexicographicSortSchema(schema));
  const etag = `"${createHash("sha256").update(sdl).digest("base64url").slice(0, 27)}"`;
  app.get(SCHEMA_PATH, async (request, reply) => {
    reply.header("etag", etag).header("cache-control", "no-cache");
    if (request.headers["if-none-match"] === etag) return reply.status(304).send();
    return reply.type("text/plain; charset=utf-8").send(sdl);
  });
}
