/**
 * The explorer runs subscriptions (README, "Subscriptions"), in headless Chromium: open GraphiQL at
 * /graphql, put a token in its Headers tab, start a subscription, create a key over HTTP, and see the
 * change arrive on the page over WebSocket. A screenshot of the page is saved under the system's temp
 * directory (its path is printed).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium } from "../support/browser.js";
import { freshDatabase, type FreshDatabase } from "../support/databases.js";
import { startGateway, type RunningGateway } from "../support/gateway.js";
import { issue } from "../support/tokens.js";

const executable = chromiumPath();

describe.runIf(executable)("the explorer in headless Chromium", () => {
  let browser: Browser;
  let database: FreshDatabase;
  let gateway: RunningGateway;
  let reader: string;
  let writer: string;

  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    gateway = await startGateway({ databaseUrl: database.url, openModeRecheckMs: 0 });
    reader = await issue(gateway.app.database, ["keys:read"]);
    writer = await issue(gateway.app.database, ["keys:read", "keys:write"]);
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await database?.cleanup();
  });

  it("runs a subscription with the Headers tab's token and shows a change made over HTTP", async () => {
    const directory = await mkdtemp(join(tmpdir(), "jwkgw-explorer-"));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    const subscription = `subscription Watch { jsonWebKeySetChanged(set: "explorer-set") { set kind kids } }`;
    await page.goto(`${gateway.origin}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
    // The subscription in place of the default document.
    await page.locator(".graphiql-query-editor").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(subscription);

    // The Headers tab: GraphiQL keeps it in localStorage, where the page's script reads it for the connection.
    await page.getByText("Headers", { exact: true }).click();
    const headers = page.locator(".graphiql-editor-tool .graphiql-editor").last();
    await headers.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${reader}` }));
    await page.waitForTimeout(500);

    await page.click(".graphiql-execute-button");
    await expect.poll(() => sockets, { timeout: 20_000 }).toEqual([`${gateway.origin.replace("http", "ws")}/graphql`]);
    // The subscription is open on the server once the gateway counts it.
    await expect
      .poll(
        async () => {
          const text = await (await fetch(`${gateway.origin}/metrics`)).text();
          return Number(/^jwkgw_subscriptions_open (\S+)$/m.exec(text)?.[1]);
        },
        { timeout: 20_000 },
      )
      .toBe(1);

    const created = await gateway.graphql(
      `mutation { createJsonWebKeySet(set: "explorer-set", input: { alg: "ES256", kid: "seen-in-the-browser" }) { set } }`,
      {},
      { authorization: `Bearer ${writer}` },
    );
    expect(created.body.errors).toBeUndefined();

    const result = () =>
      page
        .locator(".result-window")
        .innerText()
        .then((text) => text.replace(/\s+/g, " "))
        .catch(() => "");
    await expect.poll(result, { timeout: 20_000 }).toContain('"kind": "KEY_ADDED"');
    expect(await result()).toContain('"seen-in-the-browser"');
    expect(await result()).not.toContain("FORBIDDEN");

    const screenshot = join(directory, "explorer-subscription.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.info(`[screenshot] ${screenshot}`);
    await page.close();
  }, 90_000);
});
