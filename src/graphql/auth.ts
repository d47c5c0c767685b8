/**
 * Access control in the GraphQL schema: the request context (who is calling), the authChecker
 * behind every `@Authorized(scope)`, and which members a query selects.
 *
 * `@Authorized` sits on every root field but the anonymous ones (auth/policy.ts) and on every
 * private member of JsonWebKey. Checks run per field as it resolves, so no fragment, alias or
 * nesting reaches a private member without the check: a query selecting only public members needs
 * keys:read, and each selected private member of a caller without keys:read-private is refused
 * with FORBIDDEN (null in `data`, one error per field).
 */
import { getNamedType, isObjectType, Kind, type GraphQLNamedType, type GraphQLResolveInfo, type SelectionNode } from "graphql";
import type { AuthChecker } from "type-graphql";
import { ANONYMOUS, callerOf, type Caller } from "../auth/caller.js";
import { authorize, isOperation } from "../auth/policy.js";
import { isScope, type Scope } from "../auth/scopes.js";
import { PRIVATE_MEMBERS } from "../domain/jwk.js";
import type { JsonWebKeyService, KeySetLoader, MemberSelection } from "../domain/service.js";

export interface GraphQLContext {
  caller: Caller;
  /** This request's set loader (JsonWebKeyService.keySetLoader): a set named twice is read once. */
  keySets?: KeySetLoader;
}

/** The GraphQL type whose private members are checked (types.ts). */
export const JSON_WEB_KEY_TYPE = "JsonWebKey";

/** A request without a context (e.g. `executeOperation` without one) is nobody: fail closed. */
const NOBODY = callerOf(ANONYMOUS, "graphql");

/**
 * Root fields are checked through the service, which records refusals in the audit trail with the
 * field's set and kid; other fields (the private members) are checked in place: the read that
 * returned their key already recorded the attempt.
 */
export function createAuthChecker(service?: JsonWebKeyService): AuthChecker<GraphQLContext> {
  return async ({ context, args, info }, roles) => {
    const scope = onlyScope(roles, info);
    const caller = context?.caller ?? NOBODY;
    const root = info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType();
    if (root && isOperation(info.fieldName)) {
      if (!service) throw new TypeError("createSchema() was called without a service; this schema can only be printed");
      const input = args.input as { kid?: unknown } | undefined;
      await service.authorize(caller, scope, { operation: info.fieldName, set: text(args.set), kid: text(args.kid) ?? text(input?.kid) });
    } else {
      authorize(caller, scope);
    }
    return true;
  };
}

/** `public` unless the field's selection reaches a private member of a JsonWebKey, through any fragment or nesting. */
export function requestedMembers(info: GraphQLResolveInfo): MemberSelection {
  const type = getNamedType(info.returnType);
  const reaches = info.fieldNodes.some((node) => node.selectionSet && selectsPrivateMember(node.selectionSet.selections, type, info, new Set()));
  return reaches ? "private" : "public";
}

function selectsPrivateMember(selections: readonly SelectionNode[], type: GraphQLNamedType, info: GraphQLResolveInfo, seen: Set<string>): boolean {
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      if (!isObjectType(type)) continue;
      const field = type.getFields()[selection.name.value];
      if (!field) continue; // __typename
      if (type.name === JSON_WEB_KEY_TYPE && (PRIVATE_MEMBERS as readonly string[]).includes(field.name)) return true;
      if (selection.selectionSet && selectsPrivateMember(selection.selectionSet.selections, getNamedType(field.type), info, seen)) return true;
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

/** Each `@Authorized` names exactly one scope: a typo must fail loudly, not deny or allow quietly. */
function onlyScope(roles: readonly string[], info: GraphQLResolveInfo): Scope {
  if (roles.length !== 1 || !isScope(roles[0])) {
    throw new TypeError(`@Authorized on ${info.parentType.name}.${info.fieldName} must name exactly one scope, got ${JSON.stringify(roles)}`);
  }
  return roles[0];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
