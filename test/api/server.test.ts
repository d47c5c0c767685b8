/**
 * The gateway as an operator meets it: production error masking, the offline explorer, readiness
 * when the database breaks.
 */
import { execSql } from "../support/rows.js";
import { afterEach, describe, expect, it } from "vitest";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { postgresAvailable } from "../support/postgres.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";

let database: FreshDatabase | undefined;
let gateway: RunningGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  await database?.cleanup();
  gateway = database = undefined;
});

async function start(env: Record<string, string> = {}) {
  database = await freshDatabase("sqlite");
  gateway = await startGateway({ databaseUrl: database.url, env });
  return gateway;
}

/** Breaks the store behind the server's back, as a corrupted or foreign-modified database would. */
function dropKeyTable(url: string) {
  return execSql(url, "DROP TABLE json_web_key");
}

describe("errors in production", () => {
  it("with NODE_ENV=production an unexpected error is INTERNAL_SERVER_ERROR with no stack trace, SQL or file path", async () => {
    const { graphql } = await start({ NODE_ENV: "production" });
    await graphql('mutation { createJsonWebKeySet(set: "s", input: { alg: "ES256" }) { set } }');
    await dropKeyTable(database!.url);

    for (const query of [
      '{ getJsonWebKeySet(set: "s") { set } }',
      'mutation { createJsonWebKeySet(set: "s", input: { alg: "ES256" }) { set } }',
    ]) {
      const { body } = await graphql(query);
      expect(body.errors).toEqual([
        expect.objectContaining({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }),
      ]);
      const text = JSON.stringify(body);
      expect(text).not.toMatch(/stack|json_web_key|SELECT|INSERT|\.ts|\/tmp|node_modules|prisma/i);
    }
  });

  it("with NODE_ENV=production request errors carry their code and no stack trace", async () => {
    const { graphql } = await start({ NODE_ENV: "production" });
    const parse = await graphql("{ getJsonWebKeySet(");
    expect(parse.body.errors[0].extensions).toEqual({ code: "GRAPHQL_PARSE_FAILED" });
    const validation = await graphql("{ getJsonWebKeySet { set } }");
    expect(validation.body.errors[0].extensions).toEqual({ code: "GRAPHQL_VALIDATION_FAILED" });
    const domain = await graphql('{ getJsonWebKeySet(set: "missing") { set } }');
    expect(domain.body.errors[0].extensions).toEqual({ code: "NOT_FOUND" });
  });

  it("outside production an unexpected error is masked the same way", async () => {
    const { graphql } = await start();
    await dropKeyTable(database!.url);
    const { body } = await graphql('{ getJsonWebKeySet(set: "s") { set } }');
    expect(body.errors[0]).toMatchObject({
      message: "Internal server error",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(JSON.stringify(body)).not.toMatch(/stack|json_web_key|SELECT/i);
  });
});

describe("explorer", () => {
  it("outside production GET /graphql in a browser shows GraphiQL, self-contained (no CDN)", async () => {
    const { origin } = await start();
    const response = await fetch(`${origin}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("graphiql");
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(html).not.toMatch(/<link[^>]+href="https?:\/\//);
  });

  it("with NODE_ENV=production there is no explorer", async () => {
    const { origin } = await start({ NODE_ENV: "production" });
    const response = await fetch(`${origin}/graphql`, { headers: { accept: "text/html" } });
    expect(await response.text()).not.toContain("graphiql");
  });
});

describe.runIf(await postgresAvailable())("readiness", () => {
  it("/health/ready answers 503 when the database does not answer, /health/alive stays 200", async () => {
    database = await freshDatabase("postgres");
    const { origin } = (gateway = await startGateway({ databaseUrl: database.url }));
    expect((await fetch(`${origin}/health/ready`)).status).toBe(200);
    await database.cleanup(); // DROP DATABASE … WITH (FORCE): the server's connections die with it
    const ready = await fetch(`${origin}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "unavailable" });
    expect((await fetch(`${origin}/health/alive`)).status).toBe(200);
  });
});
