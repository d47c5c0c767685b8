/**
 * Issues, lists and revokes API tokens (README, "Access control"):
 *
 *   npm run token -- create --name ci --scopes keys:read,keys:write [--expires-in 30d]
 *   npm run token -- list
 *   npm run token -- revoke <id|name>
 *
 * Reads DATABASE_URL like the gateway. The work is src/cli/token.ts.
 */
import { runToken } from "../src/cli/token.js";

runToken(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`token: FAILED: ${error instanceof Error ? error.message.split("\n", 1)[0] : String(error)}`);
    process.exit(1);
  },
);
