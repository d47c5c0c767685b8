/**
 * Headless Chromium for the tests that need a real browser (CORS preflights, the explorer page),
 * through playwright-core with the system's Chromium (Debian's `chromium` package; no browser
 * download). When it is missing the suite is skipped with a printed reason, except under CI=true,
 * where it is mandatory (.ci/run installs it).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
  (path): path is string => !!path,
);

/** The Chromium executable, or undefined (printed once) when there is none and CI is not set. */
export function chromiumPath(): string | undefined {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  const why = `no Chromium found (looked at ${CANDIDATES.join(", ")}); install Debian's chromium package or set CHROMIUM_PATH`;
  if (process.env.CI === "true") throw new Error(`browser tests are mandatory under CI=true: ${why}`);
  console.warn(`skipping browser tests: ${why}`);
  return undefined;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
