import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql@16 ships CJS and ESM entries; type-graphql and Apollo load the CJS one, so tests must too,
  // or every schema fails with "Cannot use GraphQLSchema from another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Two files at a time: most of a suite's time is spent waiting (on Postgres, child processes,
    // Chromium, timers), so two workers on two cores finish in about three quarters of the time of
    // one (vitest's default here is one worker: the core count minus one).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
