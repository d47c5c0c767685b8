/**
 * The `jwk-gateway` command (bin/jwk-gateway.js): `keys …` talks to a running gateway over GraphQL;
 * `token …`, `secrets rotate` and `migrate …` work on the database like the gateway does (they read
 * DATABASE_URL and SECRETS_SYSTEM) and keep their own arguments, output and exit status, so the npm
 * scripts `token`, `keys:rotate` and `db:migrate*` are aliases of them (README, "Command line").
 */
import { Command, CommanderError } from "commander";
import { CliFailure, EXIT } from "./keys/exit-codes.js";
import { defineKeysCommand } from "./keys/commands.js";

export interface CliIo {
  /** One block of standard output (a line, or several joined by newlines). */
  out(text: string): void;
  err(text: string): void;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Runs one command line; resolves to its exit status (never throws). */
export async function runCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  let status: number = EXIT.OK;
  const program = new Command("jwk-gateway")
    .description(
      "jwk-gateway's command line: keys on a running gateway; tokens, secrets and migrations on its database",
    )
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, "")),
      writeErr: (text) => io.err(text.replace(/\n$/, "")),
    })
    .exitOverride();

  defineKeysCommand(program.command("keys"), { env, io });

  // The database commands keep the arguments they always had; commander only adds --help. They are
  // loaded when run: `keys` commands need neither Prisma nor the sealing code, and start faster without.
  const passThrough = (command: Command, usage: string, run: (args: string[]) => Promise<number>) =>
    command
      .argument("[args...]")
      .helpOption("-h, --help", "show this help")
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText("after", `\n${usage}`)
      .action(async (args: string[]) => {
        status = await run(args);
      });

  passThrough(
    program.command("token").description("issue, list and revoke API tokens (on DATABASE_URL)"),
    [
      "Commands:",
      "  token create --name <name> --scopes <scope,...> [--expires-in <n>s|m|h|d]",
      "  token list",
      "  token revoke <id|name>",
      "Exit status: 0 ok, 1 failure, 2 bad usage.",
    ].join("\n"),
    async (args) => (await import("./token.js")).runToken(args, env, io),
  );
  const secrets = program.command("secrets").description("the secrets that seal keys at rest (SECRETS_SYSTEM)");
  passThrough(
    secrets.command("rotate").description("re-seal every stored key under SECRETS_SYSTEM's first secret"),
    [
      "Options:",
      "  --status            rows per kek id, and which secret opens them",
      "  --batch-size <n>    rows per transaction (default 100)",
      "Exit status: 0 when every key is sealed by the first secret, 1 failure, 2 bad usage.",
    ].join("\n"),
    async (args) => (await import("./rotate.js")).runRotate(args, env, io),
  );
  passThrough(
    program.command("migrate").description("database migrations (on DATABASE_URL)"),
    [
      "Commands:",
      "  migrate deploy           apply pending migrations",
      "  migrate status           list pending, edited and failed migrations (exit 1 unless up to date)",
      "  migrate create <name>    write a migration for DATABASE_URL's provider from prisma/models",
      "Exit status: 0 ok, 1 failure or not up to date, 2 bad usage.",
    ].join("\n"),
    async (args) => (await import("./migrate.js")).runMigrate(args, env, io),
  );

  try {
    await program.parseAsync([...argv], { from: "user" });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof CliFailure) {
      io.err(`jwk-gateway: ${error.message}${error.code ? ` [${error.code}]` : ""}`);
      return error.exitCode;
    }
    io.err(
      `jwk-gateway: ${error instanceof Error ? `${error.name}: ${error.message.split("\n", 1)[0]}` : String(error)}`,
    );
    return EXIT.UNAVAILABLE;
  }
}
