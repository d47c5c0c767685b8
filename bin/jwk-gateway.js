#!/usr/bin/env node
// The `jwk-gateway` command (package.json "bin"): runs src/cli/main.ts through tsx, as `npm start`
// runs src/main.ts, with the package's own tsconfig from any working folder.
/* global process, console, URL */
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { runCli } = await import("../src/cli/main.ts");
const code = await runCli(process.argv.slice(2), process.env, {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
// Exit explicitly: the migration engine can leave a timer pending after a Postgres deploy.
process.exit(code);
