/**
 * Lists as Relay cursor connections (README, "Listing sets and keys"): `jsonWebKeySets` and each
 * set's `keysConnection`, with `keyCount` and `updatedAt` on every set.
 *
 * A set in a list is a summary (name, key count, last change): nothing of its keys is read unless a
 * query selects `keys`, `signingKey` or `publicKeys`, which then read the set as getJsonWebKeySet
 * does (same scope, same per-member rule). `keysConnection` reads one page of keys. `totalCount`
 * counts the whole list, a cost in proportion to the store, so only when it is selected.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  GraphQLISODateTime,
  Info,
  InputType,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { OPERATION_SCOPES } from "../auth/policy.js";
import type { KeyState, KeyView } from "../domain/lifecycle.js";
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, type SetSummary } from "../domain/pages.js";
import type { JsonWebKeyService, KeySetView, Page } from "../domain/service.js";
import { requestedMembers, type GraphQLContext } from "./auth.js";
import { JsonWebKeySetType, JsonWebKeyState, JsonWebKeyType } from "./types.js";

/** A JsonWebKeySet's root: a set read whole (KeySetView), or a list's summary of one. */
export type SetRoot = KeySetView | ListedSet;

export interface ListedSet {
  set: string;
  summary: SetSummary;
}

const PAGE_SIZE_RULE = `1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}`;

@ObjectType("PageInfo", { description: "Where a page sits in its list (Relay)" })
export class PageInfoType {
  @Field(() => Boolean, { description: "Whether rows follow this page" })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description: "Whether rows come before this page; when paging forward: whether an `after` cursor was given",
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The first edge's cursor (null on an empty page)" })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "The last edge's cursor: pass it as `after` for the next page" })
  endCursor!: string | null;
}

@ObjectType("JsonWebKeySetEdge", { description: "A set in a list, with its cursor" })
export class JsonWebKeySetEdgeType {
  @Field(() => String, { description: "Opaque; pass it as `after` or `before`" })
  cursor!: string;

  @Field(() => JsonWebKeySetType)
  node!: ListedSet;
}

@ObjectType("JsonWebKeySetConnection", { description: "A page of sets, by name" })
export class JsonWebKeySetConnectionType {
  @Field(() => [JsonWebKeySetEdgeType])
  edges!: JsonWebKeySetEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  /** Resolves totalCount (CountResolver), only when selected. */
  count!: () => Promise<number>;
}

@ObjectType("JsonWebKeyEdge", { description: "A key in a list, with its cursor" })
export class JsonWebKeyEdgeType {
  @Field(() => String, { description: "Opaque; pass it as `after`" })
  cursor!: string;

  @Field(() => JsonWebKeyType)
  node!: KeyView;
}

@ObjectType("JsonWebKeyConnection", { description: "A page of a set's keys, in the set's order" })
export class JsonWebKeyConnectionType {
  @Field(() => [JsonWebKeyEdgeType])
  edges!: JsonWebKeyEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  /** Resolves totalCount (CountResolver), only when selected. */
  count!: () => Promise<number>;
}

@Resolver(() => JsonWebKeySetConnectionType)
export class SetCountResolver {
  @FieldResolver(() => Int, {
    description: "How many sets match the filter: counted when selected, at a cost that grows with the store",
  })
  totalCount(@Root() connection: JsonWebKeySetConnectionType): Promise<number> {
    return connection.count();
  }
}

@Resolver(() => JsonWebKeyConnectionType)
export class KeyCountResolver {
  @FieldResolver(() => Int, { description: "How many keys of the set match the filter" })
  totalCount(@Root() connection: JsonWebKeyConnectionType): Promise<number> {
    return connection.count();
  }
}

@InputType("JsonWebKeySetFilter", { description: "Which sets a list shows; all given conditions hold" })
export class JsonWebKeySetFilterInput {
  @Field(() => String, { nullable: true, description: "Sets whose name starts with this (case-sensitive)" })
  nameStartsWith?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Not available yet (BAD_USER_INPUT, reason UNSUPPORTED_FILTER): key algorithms are sealed at rest",
  })
  alg?: string | null;

  @Field(() => JsonWebKeyState, { nullable: true, description: "Sets holding at least one key in this state" })
  state?: KeyState | null;
}

@InputType("JsonWebKeyFilter", { description: "Which keys of a set a list shows" })
export class JsonWebKeyFilterInput {
  @Field(() => JsonWebKeyState, { nullable: true, description: "Keys in this state" })
  state?: KeyState | null;
}

@Resolver(() => JsonWebKeySetType)
export class ListResolver {
  constructor(private readonly service: JsonWebKeyService) {}

  @Authorized(OPERATION_SCOPES.jsonWebKeySets)
  @Query(() => JsonWebKeySetConnectionType, {
    description: `The sets, by name, a page at a time (first/after forward, last/before backward; ${PAGE_SIZE_RULE}). Needs keys:read`,
  })
  async jsonWebKeySets(
    @Arg("first", () => Int, { nullable: true, description: PAGE_SIZE_RULE }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("last", () => Int, { nullable: true, description: PAGE_SIZE_RULE }) last: number | null,
    @Arg("before", () => String, { nullable: true }) before: string | null,
    @Arg("filter", () => JsonWebKeySetFilterInput, { nullable: true }) filter: JsonWebKeySetFilterInput | null,
    @Ctx() { caller }: GraphQLContext,
  ) {
    const page = await this.service.listJsonWebKeySets({ first, after, last, before }, filter ?? {}, caller);
    return connection(page, (summary) => ({ set: summary.set, summary }));
  }

  @FieldResolver(() => Int, { description: "How many keys the set holds, in every state" })
  keyCount(@Root() root: SetRoot): number {
    return "summary" in root ? root.summary.keyCount : root.keys.length;
  }

  @FieldResolver(() => GraphQLISODateTime, {
    description: "The latest moment a key of the set was stored or changed state (deletions do not show)",
  })
  updatedAt(@Root() root: SetRoot): Date {
    if ("summary" in root) return root.summary.updatedAt;
    let latest = new Date(0);
    for (const key of root.keys) {
      for (const at of [key.createdAt, key.activatedAt, key.retiredAt, key.revokedAt])
        if (at && at > latest) latest = at;
    }
    return latest;
  }

  @FieldResolver(() => [JsonWebKeyType], {
    description:
      "The keys in the set's order: the signing key first, then ACTIVE, NEXT, RETIRED and REVOKED keys, newest first within each",
  })
  async keys(
    @Root() root: SetRoot,
    @Ctx() context: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<KeyView[]> {
    return (await this.whole(root, context, info)).keys;
  }

  @FieldResolver(() => JsonWebKeyType, { nullable: true, description: "The key that signs: the newest ACTIVE key" })
  async signingKey(
    @Root() root: SetRoot,
    @Ctx() context: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<KeyView | null> {
    return (await this.whole(root, context, info)).signingKey;
  }

  @FieldResolver(() => JsonWebKeyConnectionType, {
    description: `A page of the set's keys in the set's order (${PAGE_SIZE_RULE}); only the page's keys are read`,
  })
  async keysConnection(
    @Root() root: SetRoot,
    @Arg("first", () => Int, { nullable: true, description: PAGE_SIZE_RULE }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => JsonWebKeyFilterInput, { nullable: true }) filter: JsonWebKeyFilterInput | null,
    @Ctx() { caller }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const page = await this.service.listJsonWebKeys(root.set, { first, after }, filter?.state, caller, {
      members: requestedMembers(info),
    });
    return connection(page, (key) => key);
  }

  /** The whole set: a set read whole already has it; a listed one reads it as getJsonWebKeySet does. */
  private async whole(root: SetRoot, { caller, keySets }: GraphQLContext, info: GraphQLResolveInfo) {
    if (!("summary" in root)) return root;
    return this.service.getJsonWebKeySet(root.set, caller, { members: requestedMembers(info), keySets });
  }
}

/** The fields of JsonWebKeySet that need the whole set read. */
const WHOLE_SET_FIELDS = new Set(["keys", "signingKey", "publicKeys"]);
/** The fields a summary answers without reading a key. */
const SUMMARY_FIELDS = new Set(["keyCount", "updatedAt", "keysConnection"]);

/**
 * Whether getJsonWebKeySet may answer a summary: the query selects, on the set this field returns,
 * a field made for summaries (keyCount, updatedAt, keysConnection) and none that needs the whole set.
 * Other queries read the set whole, as before the lists existed (sharing the request's loader).
 */
export function answersWithSummary(info: GraphQLResolveInfo): boolean {
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        visit(info.fragments[selection.name.value]?.selectionSet, seen);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, new Set());
  const selected = [...names];
  return selected.some((name) => SUMMARY_FIELDS.has(name)) && !selected.some((name) => WHOLE_SET_FIELDS.has(name));
}

function connection<T, N>(page: Page<T>, node: (item: T) => N) {
  const edges = page.items.map((item) => ({ cursor: item.cursor, node: node(item.node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    count: page.totalCount,
  };
}
