/**
 * The seven seed operations as Hydra's REST routes, and the lifecycle operations rotate and revoke
 * (README, "Key rotation"; POST only, so they shadow no seed route), each a thin adapter over JsonWebKeyService:
 * read the request, call the service with the caller, reply. Registered once per path prefix ("" for
 * the seed's `/keys/...`, "/admin" for current Hydra's `/admin/keys/...`) by `restApi`.
 *
 * No access decision is made here: the onRequest hook of rest/api.ts asked the policy, and the
 * service asks it again and answers each key as the caller may see it. REST has no field selection,
 * so a caller without keys:read-private is answered the public projection (domain/jwk.ts,
 * toPublicJwk): in a set, symmetric keys are left out (HYDRA_SET); the one answer that is a single
 * key (PUT /keys/{set}/{kid}) describes a symmetric key by its public members. A Hydra client is
 * never handed a REVOKED key: set and key reads leave them out (a revoked key is not found).
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { BadInputError, NotAcceptableError } from "../errors.js";
import { publicKeyPem } from "../domain/key-forms.js";
import type {
  CreateJsonWebKeySetRequest,
  JsonWebKeyService,
  KeySetView,
  ReadOptions,
  RotateRequest,
} from "../domain/service.js";
import type { JwkInput, JwkSet } from "../domain/jwk.js";
import { requestCaller as caller } from "../http/auth.js";
import { quote } from "../text.js";
import { DEFAULT_PAGE_SIZE } from "../domain/pages.js";
import { PEM_MEDIA_TYPE, routeSchemas } from "./schemas.js";

export interface KeyRoutesOptions {
  service: JsonWebKeyService;
  /** Leaves these routes out of /openapi.json (the /admin aliases would repeat every operation id). */
  hidden?: boolean;
}

type SetParams = { Params: { set: string } };
type KeyParams = { Params: { set: string; kid: string } };

/** Hydra's set envelope is `{"keys": [...]}` (the set's name is in the path). */
const envelope = (result: JwkSet) => ({ keys: result.keys });

/** Hydra's public view of a set leaves symmetric keys out (README, "Private members"), and never shows a revoked key. */
const HYDRA_SET: ReadOptions = { symmetric: "omit", hideRevoked: true };

/** A set answer without the revoked keys (a mutation's answer holds the whole set). */
const unrevoked = (result: KeySetView) => ({
  keys: result.keys.filter((key) => key.state !== "REVOKED"),
});

export const keyRoutes: FastifyPluginAsync<KeyRoutesOptions> = async (app, { service, hidden = false }) => {
  const schema = <T extends object>(routeSchema: T) => (hidden ? { ...routeSchema, hide: true } : routeSchema);

  app.post<SetParams & { Body: CreateJsonWebKeySetRequest }>(
    "/keys/:set",
    { schema: schema(routeSchemas.createJsonWebKeySet) },
    async (request, reply) => {
      const { set } = request.params;
      const { alg, kid, use, crv, state } = request.body;
      const created = await service.createJsonWebKeySet(set, { alg, kid, use, crv, state }, caller(request), HYDRA_SET);
      return reply
        .code(201)
        .header("location", `${app.prefix}/keys/${encodeURIComponent(set)}`)
        .send(envelope(created));
    },
  );

  app.get<{ Querystring: { page_size?: string; page_token?: string } }>(
    "/keys",
    { schema: schema(routeSchemas.jsonWebKeySets) },
    async (request, reply) => {
      const { page_size: text, page_token: token } = request.query;
      const size = text === undefined ? undefined : Number(text);
      const page = await service.listJsonWebKeySets(
        { first: size, after: token, names: { first: "page_size", after: "page_token" } },
        {},
        caller(request),
      );
      const link = (after?: string) =>
        `<${app.prefix}/keys?${new URLSearchParams({ page_size: String(size ?? DEFAULT_PAGE_SIZE), ...(after ? { page_token: after } : {}) }).toString()}>`;
      const links = [`${link()}; rel="first"`];
      const next = page.items.at(-1)?.cursor;
      if (page.hasNextPage && next) links.push(`${link(next)}; rel="next"`);
      return reply.header("link", links.join(", ")).send(
        page.items.map(({ node }) => ({
          set: node.set,
          key_count: node.keyCount,
          updated_at: node.updatedAt.toISOString(),
        })),
      );
    },
  );

  app.get<SetParams>("/keys/:set", { schema: schema(routeSchemas.getJsonWebKeySet) }, async (request) =>
    envelope(await service.getJsonWebKeySet(request.params.set, caller(request), HYDRA_SET)),
  );

  app.put<SetParams & { Body: { keys: JwkInput[] } }>(
    "/keys/:set",
    { schema: schema(routeSchemas.updateJsonWebKeySet) },
    async (request) =>
      envelope(await service.updateJsonWebKeySet(request.params.set, request.body, caller(request), HYDRA_SET)),
  );

  app.delete<SetParams>("/keys/:set", { schema: schema(routeSchemas.deleteJsonWebKeySet) }, async (request, reply) => {
    await service.deleteJsonWebKeySet(request.params.set, caller(request));
    return reply.code(204).send();
  });

  app.get<KeyParams>("/keys/:set/:kid", { schema: schema(routeSchemas.getJsonWebKey) }, async (request, reply) => {
    const { set, kid } = request.params;
    if (!prefersPem(request)) return envelope(await service.getJsonWebKey(set, kid, caller(request), HYDRA_SET));
    // The public key only: keys:read is enough, and nothing private is read or recorded.
    const [key] = (await service.getJsonWebKey(set, kid, caller(request), { members: "public" })).keys;
    const pem = publicKeyPem(key);
    if (pem === undefined)
      throw new NotAcceptableError(
        `Key ${quote(kid)} is a symmetric (oct) key: it has no public key to answer as PEM; ask for application/json`,
      );
    return reply.type(PEM_MEDIA_TYPE).send(pem);
  });

  app.put<KeyParams & { Body: JwkInput | string; Querystring: { alg?: string; use?: string } }>(
    "/keys/:set/:kid",
    { schema: schema(routeSchemas.updateJsonWebKey) },
    async (request) => {
      const { set, kid } = request.params;
      const { alg, use } = request.query;
      if (isPemBody(request)) {
        const pem = typeof request.body === "string" ? request.body : "";
        return service.importJsonWebKey(set, kid, { pem, alg: alg ?? "", use }, caller(request));
      }
      if (alg !== undefined || use !== undefined)
        throw new BadInputError(
          "The alg and use query parameters are for PEM bodies (Content-Type: application/x-pem-file); a JSON key carries its own alg and use",
          "QUERY_WITH_JSON_BODY",
        );
      return service.updateJsonWebKey(set, kid, request.body as JwkInput, caller(request));
    },
  );

  app.delete<KeyParams>(
    "/keys/:set/:kid",
    { schema: schema(routeSchemas.deleteJsonWebKey) },
    async (request, reply) => {
      await service.deleteJsonWebKey(request.params.set, request.params.kid, caller(request));
      return reply.code(204).send();
    },
  );

  app.post<SetParams & { Body: RotateRequest | null | undefined }>(
    "/keys/:set/rotate",
    { schema: schema(routeSchemas.rotateJsonWebKeySet) },
    async (request) => {
      const { alg, kid } = request.body ?? {};
      return unrevoked(await service.rotateJsonWebKeySet(request.params.set, { alg, kid }, caller(request), HYDRA_SET));
    },
  );

  app.post<KeyParams>("/keys/:set/:kid/revoke", { schema: schema(routeSchemas.revokeJsonWebKey) }, async (request) =>
    service.revokeJsonWebKey(request.params.set, request.params.kid, caller(request)),
  );
};

/** True when the request body is PEM text (Content-Type: application/x-pem-file). */
function isPemBody(request: FastifyRequest): boolean {
  const type = request.headers["content-type"];
  return typeof type === "string" && type.split(";")[0].trim().toLowerCase() === PEM_MEDIA_TYPE;
}

/**
 * True when the Accept header names application/x-pem-file with a weight at least that of
 * application/json (so `Accept: application/x-pem-file` and `application/x-pem-file, *\/*` get PEM;
 * no Accept, `*\/*` or anything else gets Hydra's JSON).
 */
export function prefersPem(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (typeof accept !== "string") return false;
  let pem = 0;
  let json = 0;
  for (const entry of accept.split(",")) {
    const [type, ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight)) continue;
    if (type === PEM_MEDIA_TYPE) pem = Math.max(pem, weight);
    if (type === "application/json") json = Math.max(json, weight);
  }
  return pem > 0 && pem >= json;
}
