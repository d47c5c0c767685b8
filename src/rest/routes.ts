/**
 * The seven seed operations as Hydra's REST routes, each a thin adapter over JsonWebKeyService:
 * read the request, call the service with the caller, reply. Registered once per path prefix ("" for
 * the seed's `/keys/...`, "/admin" for current Hydra's `/admin/keys/...`) by `restApi`.
 *
 * REST has no field selection, so a caller without keys:read-private gets the public projection of
 * every set it is answered (toPublicJwks: private members dropped, oct keys left out); the one answer
 * that is a single key (PUT /keys/{set}/{kid}) is the key without its private members, as the
 * service returns it.
 */
import type { FastifyPluginAsync } from "fastify";
import type { Caller } from "../auth/caller.js";
import { canReadPrivateMembers } from "../auth/policy.js";
import type { CreateJsonWebKeySetRequest, JsonWebKeyService } from "../domain/service.js";
import { toPublicJwks, type JwkInput, type JwkSet } from "../domain/jwk.js";
import { requestCaller as caller } from "../http/auth.js";
import { routeSchemas } from "./schemas.js";

export interface KeyRoutesOptions {
  service: JsonWebKeyService;
  /** Leaves these routes out of /openapi.json (the /admin aliases would repeat every operation id). */
  hidden?: boolean;
}

type SetParams = { Params: { set: string } };
type KeyParams = { Params: { set: string; kid: string } };

/** Hydra's set envelope is `{"keys": [...]}` (the set's name is in the path), projected for callers without keys:read-private. */
const envelope = (result: JwkSet, to: Caller) => ({ keys: canReadPrivateMembers(to) ? result.keys : toPublicJwks(result.keys) });

export const keyRoutes: FastifyPluginAsync<KeyRoutesOptions> = async (app, { service, hidden = false }) => {
  const schema = <T extends object>(routeSchema: T) => (hidden ? { ...routeSchema, hide: true } : routeSchema);

  app.post<SetParams & { Body: CreateJsonWebKeySetRequest }>("/keys/:set", { schema: schema(routeSchemas.createJsonWebKeySet) }, async (request, reply) => {
    const { set } = request.params;
    const { alg, kid, use } = request.body;
    const created = await service.createJsonWebKeySet(set, { alg, kid, use }, caller(request));
    return reply.code(201).header("location", `${app.prefix}/keys/${encodeURIComponent(set)}`).send(envelope(created, caller(request)));
  });

  app.get<SetParams>("/keys/:set", { schema: schema(routeSchemas.getJsonWebKeySet) }, async (request) =>
    envelope(await service.getJsonWebKeySet(request.params.set, caller(request)), caller(request)),
  );

  app.put<SetParams & { Body: { keys: JwkInput[] } }>("/keys/:set", { schema: schema(routeSchemas.updateJsonWebKeySet) }, async (request) =>
    envelope(await service.updateJsonWebKeySet(request.params.set, request.body, caller(request)), caller(request)),
  );

  app.delete<SetParams>("/keys/:set", { schema: schema(routeSchemas.deleteJsonWebKeySet) }, async (request, reply) => {
    await service.deleteJsonWebKeySet(request.params.set, caller(request));
    return reply.code(204).send();
  });

  app.get<KeyParams>("/keys/:set/:kid", { schema: schema(routeSchemas.getJsonWebKey) }, async (request) =>
    envelope(await service.getJsonWebKey(request.params.set, request.params.kid, caller(request)), caller(request)),
  );

  app.put<KeyParams & { Body: JwkInput }>("/keys/:set/:kid", { schema: schema(routeSchemas.updateJsonWebKey) }, async (request) =>
    service.updateJsonWebKey(request.params.set, request.params.kid, request.body, caller(request)),
  );

  app.delete<KeyParams>("/keys/:set/:kid", { schema: schema(routeSchemas.deleteJsonWebKey) }, async (request, reply) => {
    await service.deleteJsonWebKey(request.params.set, request.params.kid, caller(request));
    return reply.code(204).send();
  });
};
