/**
 * schema.graphql and the typed client in client/gql/ are generated and committed. These tests fail
 * when either no longer matches the code: run `npm run codegen` and commit the result.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { lexicographicSortSchema, printSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSchema } from "../../src/graphql/schema.js";

const root = process.cwd();
const FIX = "run `npm run codegen` and commit the result";

describe("generated files", () => {
  let workdir: string;

  beforeAll(async () => {
    // Run the real codegen config on a copy of the sources, so the committed files stay untouched.
    workdir = await mkdtemp(join(tmpdir(), "jwkgw-codegen-"));
    for (const path of ["codegen.yml", "package.json", "tsconfig.json", "scripts", "client/operations"]) {
      await cp(join(root, path), join(workdir, path), { recursive: true });
    }
    await cp(join(root, "src"), join(workdir, "src"), {
      recursive: true,
      filter: (source) => !source.includes(join("src", "generated")),
    });
    await symlink(join(root, "node_modules"), join(workdir, "node_modules"), "dir");
    await promisify(execFile)(
      join(root, "node_modules/.bin/graphql-codegen"),
      ["--config", "codegen.yml", "--silent"],
      { cwd: workdir },
    );
  }, 120_000);

  afterAll(async () => {
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  it("schema.graphql matches the code-first schema", async () => {
    const committed = await readFile(join(root, "schema.graphql"), "utf8");
    expect(await readFile(join(workdir, "schema.graphql"), "utf8"), FIX).toBe(committed);
    // Independent of codegen: the schema the server builds prints to the same SDL.
    expect(printSchema(lexicographicSortSchema(await createSchema())).trim(), FIX).toBe(committed.trim());
  });

  it("the typed client in client/gql/ matches the schema and the operations", async () => {
    const files = await readdir(join(root, "client/gql"));
    expect(files.sort()).toEqual((await readdir(join(workdir, "client/gql"))).sort());
    for (const file of files) {
      expect(await readFile(join(workdir, "client/gql", file), "utf8"), `client/gql/${file}: ${FIX}`).toBe(
        await readFile(join(root, "client/gql", file), "utf8"),
      );
    }
  });

  it("there is one operation document per seed operation, and every document names a root field", async () => {
    const operations = (await readdir(join(root, "client/operations"))).filter((f) => f !== "fragments.graphql").sort();
    const seed = [
      "createJsonWebKeySet",
      "deleteJsonWebKey",
      "deleteJsonWebKeySet",
      "getJsonWebKey",
      "getJsonWebKeySet",
      "updateJsonWebKey",
      "updateJsonWebKeySet",
    ];
    expect(operations).toEqual(expect.arrayContaining(seed.map((name) => `${name}.graphql`)));
    // Additions (e.g. discoverJsonWebKeys) are welcome, named after the field they call.
    const schema = await createSchema();
    const rootFields = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()!.getFields()),
      ...Object.keys(schema.getSubscriptionType()!.getFields()),
    ];
    for (const file of operations)
      expect(rootFields, `client/operations/${file}`).toContain(file.replace(/\.graphql$/, ""));
  });
});
