/**
 * GET /openapi.json: the OpenAPI document @fastify/swagger builds from the REST route schemas,
 * served by the real gateway (offline: nothing is fetched to build or serve it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";

/** The seed's seven operations (seed/JsonWebKeyApi.md): method, path, operationId. */
const SEED_OPERATIONS = [
  ["post", "/keys/{set}", "createJsonWebKeySet"],
  ["delete", "/keys/{set}/{kid}", "deleteJsonWebKey"],
  ["delete", "/keys/{set}", "deleteJsonWebKeySet"],
  ["get", "/keys/{set}/{kid}", "getJsonWebKey"],
  ["get", "/keys/{set}", "getJsonWebKeySet"],
  ["put", "/keys/{set}/{kid}", "updateJsonWebKey"],
  ["put", "/keys/{set}", "updateJsonWebKeySet"],
];
/** Beyond the seed: the lifecycle operations (README, "Key rotation") and the list of sets. */
const OTHER_OPERATIONS = [
  ["post", "/keys/{set}/rotate", "rotateJsonWebKeySet"],
  ["post", "/keys/{set}/{kid}/revoke", "revokeJsonWebKey"],
  ["get", "/keys", "jsonWebKeySets"],
];

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: { $ref?: string } }> }
  >;
}

describe("GET /openapi.json", () => {
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  let response: Response;

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url });
    response = await fetch(`${gateway.origin}/openapi.json`);
    document = await response.json();
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  it("is an OpenAPI 3.0 document served as JSON", () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(document.openapi).toBe("3.0.3");
  });

  it("lists exactly the seven seed operations on the seed's paths with the seed's operationIds, and the others", () => {
    const listed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => [method, path, operation.operationId]),
    );
    expect(listed.sort()).toEqual([...SEED_OPERATIONS, ...OTHER_OPERATIONS].sort());
  });

  it("documents path parameters, request bodies and responses through named schemas", () => {
    for (const [method, path] of SEED_OPERATIONS) {
      const operation = document.paths[path][method];
      const names = path.match(/\{(\w+)\}/g)!.map((name) => name.slice(1, -1));
      expect(
        operation.parameters
          ?.filter((p) => p.in === "path" && p.required)
          .map((p) => p.name)
          .sort(),
      ).toEqual(names.sort());
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
    }
    const body = (method: string, path: string) =>
      document.paths[path][method].requestBody?.content["application/json"].schema.$ref;
    expect(body("post", "/keys/{set}")).toBe("#/components/schemas/JsonWebKeySetGeneratorRequest");
    expect(body("put", "/keys/{set}")).toBe("#/components/schemas/JsonWebKeySet");
    expect(body("put", "/keys/{set}/{kid}")).toBe("#/components/schemas/JsonWebKey");
    expect(document.paths["/keys/{set}"].post.responses["201"].headers).toHaveProperty("Location");
    expect(Object.keys(document.paths["/keys/{set}/{kid}"].delete.responses)).toContain("204");
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      "ErrorEnvelope",
      "JsonWebKey",
      "JsonWebKeySet",
      "JsonWebKeySetGeneratorRequest",
      "RotateJsonWebKeySetRequest",
    ]);
  });

  it("every $ref points at a schema in the document", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)"$/.exec(ref)?.[1];
      expect(name, ref).toBeDefined();
      expect(document.components.schemas, ref).toHaveProperty(name!);
    }
  });
});
