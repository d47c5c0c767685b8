/**
 * Tools load the schema the way they always do, from the running server: graphql-js's standard
 * introspection query with every option, GraphQL Code Generator's URL loader (the real CLI), and the
 * SDL at GET /graphql/schema.graphql. Each gives back exactly the committed schema.graphql while
 * introspection is on, and each is refused while it is off (README, "GraphQL hardening").
 */
import "reflect-metadata";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildClientSchema, lexicographicSortSchema, printSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_PATH } from "../../src/http/schema-route.js";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { FULL_INTROSPECTION } from "../support/introspection.js";

const root = process.cwd();

/** Runs GraphQL Code Generator's CLI with `schema: <url>`, printing the schema it loaded. */
async function codegenFromUrl(url: string): Promise<{ ok: true; sdl: string } | { ok: false; output: string }> {
  const workdir = await mkdtemp(join(tmpdir(), "jwkgw-codegen-url-"));
  try {
    const config = join(workdir, "codegen.yml");
    await writeFile(
      config,
      `schema: ${url}\ngenerates:\n  ${join(workdir, "schema.graphql")}:\n    plugins:\n      - schema-ast\n`,
    );
    await promisify(execFile)(join(root, "node_modules/.bin/graphql-codegen"), ["--config", config], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "" },
    });
    return { ok: true, sdl: await readFile(join(workdir, "schema.graphql"), "utf8") };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}

describe.each([
  ["on", {}],
  ["off", { GRAPHQL_INTROSPECTION: "false" }],
])(
  "introspection %s: the standard query, codegen's URL loader and the SDL route",
  (state, env: Record<string, string>) => {
    const on = state === "on";
    let database: FreshDatabase;
    let gateway: RunningGateway;
    let committed: string;

    beforeAll(async () => {
      committed = await readFile(join(root, "schema.graphql"), "utf8");
      database = await freshDatabase("sqlite");
      gateway = await startGateway({ databaseUrl: database.url, env });
    });
    afterAll(async () => {
      await gateway?.close();
      await database?.cleanup();
    });

    it(`getIntrospectionQuery() with every option is ${on ? "answered with the whole schema" : "refused (INTROSPECTION_DISABLED)"}`, async () => {
      const { status, body } = await gateway.graphql(FULL_INTROSPECTION);
      if (on) {
        expect(status).toBe(200);
        expect(body.errors).toBeUndefined();
        expect(printSchema(lexicographicSortSchema(buildClientSchema(body.data))).trim()).toBe(committed.trim());
      } else {
        expect(status).toBe(400);
        expect(body.data).toBeUndefined();
        expect(
          body.errors.map(
            (error: { extensions: { validationErrorCode?: string } }) => error.extensions.validationErrorCode,
          ),
        ).toContain("INTROSPECTION_DISABLED");
      }
    });

    it(`GraphQL Code Generator's URL loader ${on ? "loads the schema" : "is refused"}`, async () => {
      const result = await codegenFromUrl(`${gateway.origin}/graphql`);
      if (on) {
        expect(result.ok ? result.sdl : result.output).toBe(committed);
      } else {
        expect(result.ok).toBe(false);
        expect(result.ok ? "" : result.output).toMatch(/introspection is not allowed/);
      }
    }, 60_000);

    it(`GET ${SCHEMA_PATH} ${on ? "serves the SDL, revalidated by its ETag" : "is not there"}`, async () => {
      const response = await fetch(`${gateway.origin}${SCHEMA_PATH}`);
      if (!on) {
        expect(response.status).toBe(404);
        return;
      }
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toBe(committed);
      const etag = response.headers.get("etag")!;
      expect((await fetch(`${gateway.origin}${SCHEMA_PATH}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    });
  },
);
