/**
 * Re-seals stored keys under SECRETS_SYSTEM's first secret (README, "Encryption at rest"):
 *
 *   npm run keys:rotate                       re-seal every key not sealed by the first secret
 *   npm run keys:rotate -- --status           rows per kek id
 *   npm run keys:rotate -- --batch-size 500   rows per transaction (default 100)
 *
 * Reads DATABASE_URL and SECRETS_SYSTEM like the gateway. The work is src/cli/rotate.ts.
 */
import { runRotate } from "../src/cli/rotate.js";

runRotate(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`keys:rotate: FAILED: ${error instanceof Error ? error.message.split("\n", 1)[0] : String(error)}`);
    process.exit(1);
  },
);
