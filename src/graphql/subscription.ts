/**
 * `Subscription.jsonWebKeySetChanged` (README, "Subscriptions"): the key-set changes of every process
 * on the database, served over WebSocket (graphql/websocket.ts), whose context brings the stream of
 * changes (`live`, from the hub of graphql/live.ts).
 *
 * Authorization is the same as for queries: `@Authorized` asks the policy when the subscription
 * starts and again as each change resolves, with the connection's caller as of its latest check
 * (the transport checks the credentials again before each change), and `keySet` reads the set through
 * the service, so its private members are refused per field as everywhere.
 */
import type { GraphQLResolveInfo } from "graphql";
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Info,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
  Subscription,
} from "type-graphql";
import { OPERATION_SCOPES } from "../auth/policy.js";
import { KEY_SET_CHANGE_KINDS, type KeySetChange, type KeySetChangeKind } from "../domain/changes.js";
import type { JwkSet } from "../domain/jwk.js";
import { checkName } from "../domain/names.js";
import type { JsonWebKeyService } from "../domain/service.js";
import { BadInputError, NotFoundError } from "../errors.js";
import { requestedMembers, type GraphQLContext } from "./auth.js";
import { JsonWebKeySetType } from "./types.js";

const JsonWebKeySetChangeKind = Object.fromEntries(KEY_SET_CHANGE_KINDS.map((kind) => [kind, kind])) as {
  [K in KeySetChangeKind]: K;
};

registerEnumType(JsonWebKeySetChangeKind, {
  name: "JsonWebKeySetChangeKind",
  description: "What a write did to a key set",
  valuesConfig: {
    KEY_ADDED: { description: "A key was added (created, or stored under a kid the set did not hold)" },
    KEY_UPDATED: { description: "A key was stored under a kid the set held" },
    KEY_REMOVED: { description: "A key was deleted" },
    SET_REPLACED: { description: "The whole set was replaced; kids are the keys it holds now" },
    SET_DELETED: { description: "The whole set was deleted; kids are the keys it held" },
    ROTATED: { description: "The set was rotated; kids are the keys activated, retired or published ahead" },
    STATE_CHANGED: { description: "Keys changed state without a rotation (revoked, or a NEXT key promoted)" },
  },
});

@ObjectType("JsonWebKeySetChange", {
  description:
    "One change to a key set, by any gateway or process on the database. A change naming many kids may arrive as several changes of the same set, kind and time",
})
export class JsonWebKeySetChangeType {
  @Field(() => String, { description: "The set that changed" })
  set!: string;

  @Field(() => JsonWebKeySetChangeKind)
  kind!: KeySetChangeKind;

  @Field(() => [String], { description: "The kids concerned (see the kind)" })
  kids!: string[];

  @Field(() => String, { description: "When the write happened, ISO 8601 (UTC)" })
  at!: string;
}

@Resolver(() => JsonWebKeySetChangeType)
export class SubscriptionResolver {
  constructor(private readonly service: JsonWebKeyService) {}

  @Authorized(OPERATION_SCOPES.jsonWebKeySetChanged)
  @Subscription(() => JsonWebKeySetChangeType, {
    description:
      "Changes to key sets as they are committed, by any gateway or process on the database (over WebSocket, graphql-transport-ws). Needs keys:read",
    subscribe: ({ args, context }) => {
      const { live } = context as GraphQLContext;
      const set = (args as { set?: unknown }).set;
      if (set !== undefined && set !== null) checkName("set", set);
      if (!live) throw new BadInputError("Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql");
      return live.stream(set ?? undefined);
    },
  })
  jsonWebKeySetChanged(
    @Root() change: KeySetChange,
    @Arg("set", () => String, { nullable: true, description: "Only this set's changes; omitted: every set" })
    _set: string | null,
  ): JsonWebKeySetChangeType {
    return { set: change.set, kind: change.kind, kids: [...change.kids], at: change.at.toISOString() };
  }

  @FieldResolver(() => JsonWebKeySetType, {
    nullable: true,
    description:
      "The set as it is when the change is delivered (null once it holds no key), read like getJsonWebKeySet",
  })
  async keySet(
    @Root() change: JsonWebKeySetChangeType,
    @Ctx() { caller }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<JwkSet | null> {
    if (change.kind === "SET_DELETED") return null;
    try {
      return await this.service.getJsonWebKeySet(change.set, caller, {
        members: requestedMembers(info),
      });
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }
}
