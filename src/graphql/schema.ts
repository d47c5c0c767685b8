/** Builds the code-first schema. The service is only needed to answer requests, not to print the schema. */
import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import type { JsonWebKeyService } from "../domain/service.js";
import { AuditResolver } from "./audit.js";
import { createAuthChecker } from "./auth.js";
import { KeyCountResolver, ListResolver, SetCountResolver } from "./lists.js";
import { JsonWebKeyResolver, type PublicKeySource } from "./resolver.js";
import { SubscriptionResolver } from "./subscription.js";
import { JsonWebKeyFormsResolver } from "./types.js";

export function createSchema(service?: JsonWebKeyService, publicKeys?: PublicKeySource): Promise<GraphQLSchema> {
  const resolvers = new Map<unknown, object>([
    [JsonWebKeyFormsResolver, new JsonWebKeyFormsResolver()],
    ...(service
      ? ([
          [JsonWebKeyResolver, new JsonWebKeyResolver(service, publicKeys)],
          [ListResolver, new ListResolver(service)],
          [SetCountResolver, new SetCountResolver()],
          [KeyCountResolver, new KeyCountResolver()],
          [AuditResolver, new AuditResolver(service)],
          [SubscriptionResolver, new SubscriptionResolver(service)],
        ] as const)
      : []),
  ]);
  return buildSchema({
    resolvers: [
      JsonWebKeyResolver,
      ListResolver,
      SetCountResolver,
      KeyCountResolver,
      JsonWebKeyFormsResolver,
      AuditResolver,
      SubscriptionResolver,
    ],
    container: {
      get: (resolverClass: unknown) => {
        const resolver = resolvers.get(resolverClass);
        if (!resolver)
          throw new TypeError("createSchema() was called without a service; this schema can only be printed");
        return resolver;
      },
    },
    // @Authorized fields (root operations and private members) are checked by auth.ts; a denied check throws.
    authChecker: createAuthChecker(service),
    authMode: "error",
    validate: false,
    // Every subscription brings its own source (subscription.ts); type-graphql insists on a PubSub anyway.
    pubSub: NO_PUBSUB,
  });
}

const NO_PUBSUB = {
  publish(): void {
    throw new TypeError("subscriptions read the change hub, not a PubSub");
  },
  subscribe(): AsyncIterable<unknown> {
    throw new TypeError("subscriptions read the change hub, not a PubSub");
  },
};
