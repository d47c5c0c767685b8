/** Builds the code-first schema. The service is only needed to answer requests, not to print the schema. */
import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import type { JsonWebKeyService } from "../domain/service.js";
import { JsonWebKeyResolver } from "./resolver.js";

export function createSchema(service?: JsonWebKeyService): Promise<GraphQLSchema> {
  const resolver = service ? new JsonWebKeyResolver(service) : undefined;
  return buildSchema({
    resolvers: [JsonWebKeyResolver],
    container: {
      get: () => {
        if (!resolver) throw new TypeError("createSchema() was called without a service; this schema can only be printed");
        return resolver;
      },
    },
    validate: false,
  });
}
