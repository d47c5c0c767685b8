/** The audit trail as GraphQL: the AuditEvent type and the `auditEvents` query (needs audit:read). */
import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import { OPERATION_SCOPES } from "../auth/policy.js";
import { DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT, type AuditEvent } from "../domain/audit.js";
import type { JsonWebKeyService } from "../domain/service.js";
import type { GraphQLContext } from "./auth.js";

@ObjectType("AuditEvent", {
  description:
    "One record of the audit trail: a key mutation, a read of private members, or a refused operation. Never key material",
})
export class AuditEventType {
  @Field(() => Int, { description: "Increases with every record; pass it as `before` to page" })
  seq!: number;

  @Field(() => String, { description: "When, ISO 8601 (UTC)" })
  at!: string;

  @Field(() => String, { description: 'Who: the token id, "open-mode", "anonymous", "invalid-token" or "internal"' })
  actor!: string;

  @Field(() => String, { description: "graphql, rest or internal" })
  transport!: string;

  @Field(() => String, { description: "The operation, e.g. createJsonWebKeySet" })
  operation!: string;

  @Field(() => String, { nullable: true })
  set?: string;

  @Field(() => String, { nullable: true })
  kid?: string;

  @Field(() => String, { description: '"ok", or the error code the caller got (e.g. FORBIDDEN, CONFLICT)' })
  outcome!: string;

  @Field(() => String, { nullable: true, description: "The HTTP request id" })
  requestId?: string;
}

@Resolver(() => AuditEventType)
export class AuditResolver {
  constructor(private readonly service: JsonWebKeyService) {}

  @Authorized(OPERATION_SCOPES.auditEvents)
  @Query(() => [AuditEventType], { description: `The audit trail, newest first. Needs audit:read` })
  async auditEvents(
    @Arg("limit", () => Int, {
      nullable: true,
      defaultValue: DEFAULT_AUDIT_LIMIT,
      description: `1 to ${MAX_AUDIT_LIMIT}`,
    })
    limit: number | null,
    @Arg("before", () => Int, { nullable: true, description: "Only records with a smaller seq" }) before: number | null,
    @Ctx() { caller }: GraphQLContext,
  ): Promise<AuditEventType[]> {
    return (await this.service.auditEvents({ limit, before }, caller)).map(toGraphQL);
  }
}

function toGraphQL(event: AuditEvent): AuditEventType {
  return { ...event, at: event.at.toISOString() };
}
