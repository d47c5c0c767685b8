/**
 * The gateway as a browser meets it, in headless Chromium: a frontend on another origin calling
 * /graphql with Apollo Client's client-awareness headers (allowed only when its origin is in
 * CORS_ORIGINS, refused otherwise with a preflight answer that names CORS_ORIGINS), and the
 * explorer page loading the schema by introspection and running an operation.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { chromiumPath, launchChromium } from "../support/browser.js";

const executable = chromiumPath();

/** A page server on its own port, so its origin is not the gateway's: a frontend's origin. */
async function frontend(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) =>
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>frontend</title>"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What Apollo Client sends once `name`/`version` are configured: a JSON POST with its two headers. */
const APOLLO_CLIENT_FETCH = async ({ url }: { url: string }) => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "apollographql-client-name": "admin-ui",
        "apollographql-client-version": "1.2.3",
      },
      body: JSON.stringify({ query: "query Typename { __typename }", operationName: "Typename" }),
    });
    return { ok: true, status: response.status, body: await response.json() };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
};

describe.runIf(executable)("in headless Chromium", () => {
  let browser: Browser;
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let allowed: Awaited<ReturnType<typeof frontend>>;
  let other: Awaited<ReturnType<typeof frontend>>;

  beforeAll(async () => {
    [allowed, other] = await Promise.all([frontend(), frontend()]);
    database = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url, env: { CORS_ORIGINS: allowed.origin } });
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await database?.cleanup();
    await allowed?.close();
    await other?.close();
  });

  async function pageAt(origin: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(origin);
    return page;
  }

  it("a frontend on an origin in CORS_ORIGINS calls /graphql with Apollo's client-awareness headers", async () => {
    const page = await pageAt(allowed.origin);
    expect(await page.evaluate(APOLLO_CLIENT_FETCH, { url: `${gateway.origin}/graphql` })).toEqual({
      ok: true,
      status: 200,
      body: { data: { __typename: "Query" } },
    });
    await page.close();
  });

  it("a frontend on any other origin is blocked, and the refused preflight names CORS_ORIGINS", async () => {
    const page = await pageAt(other.origin);
    const refusals: string[] = [];
    page.on("console", (message) => refusals.push(message.text()));
    const result = await page.evaluate(APOLLO_CLIENT_FETCH, { url: `${gateway.origin}/graphql` });
    expect(result.ok).toBe(false);
    expect(refusals.join("\n")).toMatch(/blocked by CORS policy/);
    await page.close();

    // The preflight Chromium sent for that call, byte for byte (headers lower-cased and sorted, as Chromium sends them).
    const preflight = await fetch(`${gateway.origin}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: other.origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "apollographql-client-name,apollographql-client-version,content-type",
        "sec-fetch-mode": "cors",
      },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect((await preflight.json()).message).toMatch(/not in CORS_ORIGINS/);
  });

  it("the explorer loads the schema by introspection and runs the default operation", async () => {
    const page = await browser.newPage();
    const introspections: number[] = [];
    page.on("response", async (response) => {
      if (response.request().method() === "POST" && (response.request().postData() ?? "").includes("__schema"))
        introspections.push(response.status());
    });
    await page.goto(`${gateway.origin}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 20_000 });
    await expect.poll(() => introspections, { timeout: 20_000 }).toEqual([200]);
    // The default document holds two operations, so GraphiQL asks which one to run.
    await page.click(".graphiql-execute-button");
    await page.getByRole("menuitem", { name: "Create" }).click();
    await expect
      .poll(
        async () =>
          (
            await page
              .locator(".result-window")
              .innerText()
              .catch(() => "")
          ).replace(/\s+/g, " "),
        { timeout: 20_000 },
      )
      .toContain('"set": "my-set"');
    await page.close();
  }, 60_000);
});
