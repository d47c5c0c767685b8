/**
 * The README's REST examples run as written: each ```sh block is run with curl (through `sh -c`, after pointing
 * its URLs at a real gateway), in order, and its output must match the ```http block that follows
 * it: the status, every header listed, and the body, where "…" stands for any value and a "…"
 * member for any other members.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";

const DOC = new URL("../../README.md", import.meta.url);
/** The examples live in this section of the README. */
const SECTION = "## REST API (Hydra-compatible)";
/** The origin the examples are written for: `npm start` with the default HOST and PORT. */
const DOC_ORIGIN = "http://127.0.0.1:4000";
const ANY = "…";

interface Example {
  command: string;
  expected: { status: number; headers: [string, string][]; body?: unknown };
}

/** Pairs each ```sh block with the ```http block right after it. */
function examplesOf(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(([, lang, text]) => ({ lang, text }));
  return blocks.flatMap((block, i) => {
    if (block.lang !== "sh") return [];
    const next = blocks[i + 1];
    if (next?.lang !== "http")
      throw new Error(`README.md: the example ${JSON.stringify(block.text)} has no \`\`\`http block after it`);
    return [{ command: block.text.trim(), expected: parseHttp(next.text) }];
  });
}

function parseHttp(text: string): Example["expected"] {
  const [head, ...rest] = text.replace(/\r\n/g, "\n").split("\n\n");
  const [statusLine, ...headerLines] = head.trim().split("\n");
  const body = rest.join("\n\n").trim();
  return {
    status: Number(statusLine.split(" ")[1]),
    headers: headerLines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
    body: body ? JSON.parse(body) : undefined,
  };
}

/** The documented body as a vitest matcher: "…" is any value, a "…" member allows other members. */
function matcherOf(expected: unknown): unknown {
  if (expected === ANY) return expect.anything();
  if (Array.isArray(expected)) return expected.map(matcherOf);
  if (expected && typeof expected === "object") {
    const { [ANY]: open, ...members } = expected as Record<string, unknown>;
    const matchers = Object.fromEntries(Object.entries(members).map(([name, value]) => [name, matcherOf(value)]));
    return open === undefined ? matchers : expect.objectContaining(matchers);
  }
  return expected;
}

/** Splits `curl -i` output into status, headers and body. */
function parseCurlOutput(output: string) {
  const separator = output.indexOf("\r\n\r\n");
  const head = separator === -1 ? output : output.slice(0, separator);
  const [statusLine, ...headerLines] = head.split("\r\n");
  const headers = new Map(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(":")).toLowerCase(),
      line.slice(line.indexOf(":") + 1).trim(),
    ]),
  );
  const body = separator === -1 ? "" : output.slice(separator + 4);
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

function sectionOf(markdown: string): string {
  const start = markdown.indexOf(`\n${SECTION}\n`);
  if (start === -1) throw new Error(`README.md has no "${SECTION}" section`);
  const end = markdown.indexOf("\n## ", start + SECTION.length + 2);
  return markdown.slice(start, end === -1 ? undefined : end);
}

const examples = examplesOf(sectionOf(await readFile(DOC, "utf8")));

describe("README.md REST examples", () => {
  let database: FreshDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.cleanup();
  });

  it("has a curl example for each of the seven routes", () => {
    const routes = new Set(
      examples.map(({ command }) => {
        const method = /-X (\w+)/.exec(command)?.[1] ?? "GET";
        const path = new URL(/http:\/\/\S+/.exec(command)![0]).pathname.replace(/^\/admin/, "");
        return `${method} ${path.replace(/^\/keys\/[^/]+\/[^/]+$/, "/keys/{set}/{kid}").replace(/^\/keys\/[^/]+$/, "/keys/{set}")}`;
      }),
    );
    for (const method of ["POST", "GET", "PUT", "DELETE"]) expect(routes).toContain(`${method} /keys/{set}`);
    for (const method of ["GET", "PUT", "DELETE"]) expect(routes).toContain(`${method} /keys/{set}/{kid}`);
  });

  // One test: the examples build on each other (create, read, replace, delete), in document order.
  it("every example gives the documented status, headers and body when run as written", async () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const { command, expected } of examples) {
      const run = command.replaceAll(DOC_ORIGIN, gateway.origin);
      const { stdout } = await promisify(execFile)("sh", ["-c", run], { encoding: "utf8" });
      const actual = parseCurlOutput(stdout);
      expect(actual.status, command).toBe(expected.status);
      for (const [name, value] of expected.headers) expect(actual.headers.get(name), `${command}\n${name}`).toBe(value);
      if (expected.body === undefined) expect(actual.body, command).toBe("");
      else expect(JSON.parse(actual.body), command).toEqual(matcherOf(expected.body));
    }
  });
});
