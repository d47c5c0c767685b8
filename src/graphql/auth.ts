/**
 * Access control in the GraphQL schema: the request context (who is calling), the authChecker
 * behind every `@Authorized(scope)`, and which members a query selects.
 *
 * The authChecker is the one place GraphQL asks the policy (auth/policy.ts). `@Authorized` marks the
 * fields it checks: every root field but the anonymous ones, and every private member of JsonWebKey;
 * the scope it names must be the one the policy names, or the request fails loudly. Checks run per
 * field as it resolves, so no fragment, alias or nesting reaches a private member without the
 * check: a query selecting only public members needs keys:read, and each selected private member of
 * a caller without keys:read-private is refused with FORBIDDEN (null in `data`, one error per field).
 */
import {
  getNamedType,
  isObjectType,
  Kind,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type SelectionNode,
} from "graphql";
import type { AuthChecker } from "type-graphql";
import { ANONYMOUS, callerOf, type Caller } from "../auth/caller.js";
import { authorizePrivateMembers, isOperation, OPERATION_SCOPES, type Operation } from "../auth/policy.js";
import { PRIVATE_MEMBERS_SCOPE } from "../auth/scopes.js";
import { PRIVATE_MEMBERS } from "../domain/jwk.js";
import type { KeySetChange } from "../domain/changes.js";
import type { JsonWebKeyService, KeySetLoader, MemberSelection } from "../domain/service.js";

export interface GraphQLContext {
  /** Over WebSocket (graphql/websocket.ts), the connection's caller as of its latest check. */
  readonly caller: Caller;
  /** This request's set loader (JsonWebKeyService.keySetLoader): a set named twice is read once. */
  keySets?: KeySetLoader;
  /** Over WebSocket (graphql/websocket.ts): the changes a subscription reads, the connection's credentials checked again before each. */
  live?: { stream(set: string | undefined): AsyncIterable<KeySetChange> };
}

/** The GraphQL type whose private members are checked (types.ts). */
export const JSON_WEB_KEY_TYPE = "JsonWebKey";

/** A request without a context (e.g. `executeOperation` without one) is nobody: fail closed. */
const NOBODY = callerOf(ANONYMOUS, "graphql");

/**
 * Root fields ask whether the caller may call their operation, through the service, which records
 * refusals in the audit trail with the field's set and kid; private members ask whether it may see
 * them, in place: the read that returned their key already recorded the attempt.
 */
export function createAuthChecker(service?: JsonWebKeyService): AuthChecker<GraphQLContext> {
  return async ({ context, args, info }, roles) => {
    const question = questionOf(roles, info);
    const caller = context?.caller ?? NOBODY;
    if (question === "private-members") {
      authorizePrivateMembers(caller);
    } else {
      if (!service) throw new TypeError("createSchema() was called without a service; this schema can only be printed");
      const input = args.input as { kid?: unknown } | undefined;
      await service.authorize(caller, {
        operation: question,
        set: text(args.set),
        kid: text(args.kid) ?? text(input?.kid),
      });
    }
    return true;
  };
}

/** `public` unless the field's selection reaches a private member of a JsonWebKey, through any fragment or nesting. */
export function requestedMembers(info: GraphQLResolveInfo): MemberSelection {
  const type = getNamedType(info.returnType);
  const reaches = info.fieldNodes.some(
    (node) => node.selectionSet && selectsPrivateMember(node.selectionSet.selections, type, info, new Set()),
  );
  return reaches ? "private" : "public";
}

function selectsPrivateMember(
  selections: readonly SelectionNode[],
  type: GraphQLNamedType,
  info: GraphQLResolveInfo,
  seen: Set<string>,
): boolean {
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      if (!isObjectType(type)) continue;
      const field = type.getFields()[selection.name.value];
      if (!field) continue; // __typename
      if (type.name === JSON_WEB_KEY_TYPE && (PRIVATE_MEMBERS as readonly string[]).includes(field.name)) return true;
      if (
        selection.selectionSet &&
        selectsPrivateMember(selection.selectionSet.selections, getNamedType(field.type), info, seen)
      )
        return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = selection.typeCondition ? info.schema.getType(selection.typeCondition.name.value) : type;
      if (inner && selectsPrivateMember(selection.selectionSet.selections, inner, info, seen)) return true;
    } else {
      const fragment = info.fragments[selection.name.value];
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      const inner = info.schema.getType(fragment.typeCondition.name.value);
      if (inner && selectsPrivateMember(fragment.selectionSet.selections, inner, info, seen)) return true;
    }
  }
  return false;
}

/**
 * The policy question an `@Authorized` field asks: a root field's operation, or a private member.
 * Its one scope must be the policy's for that question: a typo or a field the policy does not know
 * must fail loudly, not deny or allow quietly.
 */
function questionOf(roles: readonly string[], info: GraphQLResolveInfo): Operation | "private-members" {
  const root =
    info.parentType === info.schema.getQueryType() ||
    info.parentType === info.schema.getMutationType() ||
    info.parentType === info.schema.getSubscriptionType();
  const question =
    root && isOperation(info.fieldName) ? info.fieldName : isPrivateMember(info) ? "private-members" : undefined;
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (question === undefined) {
    throw new TypeError(
      `@Authorized on ${field}: auth/policy.ts decides only root operations and the private members of ${JSON_WEB_KEY_TYPE}`,
    );
  }
  const scope = question === "private-members" ? PRIVATE_MEMBERS_SCOPE : OPERATION_SCOPES[question];
  if (roles.length !== 1 || roles[0] !== scope) {
    throw new TypeError(
      `@Authorized on ${field} must name exactly the policy's scope ${JSON.stringify(scope)}, got ${JSON.stringify(roles)}`,
    );
  }
  return question;
}

function isPrivateMember(info: GraphQLResolveInfo): boolean {
  return info.parentType.name === JSON_WEB_KEY_TYPE && (PRIVATE_MEMBERS as readonly string[]).includes(info.fieldName);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
