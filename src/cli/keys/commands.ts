/**
 * `jwk-gateway keys …`: the key commands, each one GraphQL operation (or two) on a running gateway
 * through the typed client (client/operations/cli.graphql). Public members only, unless `keys export
 * --private` asks for the private ones, which needs a token with keys:read-private.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import {
  CliCreateKeyDocument,
  CliImportKeyDocument,
  CliKeyDocument,
  CliKeySetDocument,
  CliRevokeDocument,
  CliRotateDocument,
  CliSetPolicyDocument,
  DeleteJsonWebKeyDocument,
  DeleteJsonWebKeySetDocument,
  GetJsonWebKeyDocument,
  GetJsonWebKeySetDocument,
  JsonWebKeySetsDocument,
  type CliKeyFragment,
  type JsonWebKeyState,
  type CliKeySetQuery,
  type RotationPolicyFieldsFragment,
} from "../../../client/gql/graphql.js";
import { parseDuration } from "../../auth/tokens.js";
import { CliFailure, EXIT } from "./exit-codes.js";
import { exportKeys, type ExportFormat, type KeyMembers } from "./forms.js";
import { connect, DEFAULT_ENDPOINT, type Gateway } from "./gateway.js";
import { fields, json, table, type Printer } from "./output.js";

interface GlobalOptions {
  endpoint: string;
  token?: string;
  json?: boolean;
}

export interface KeysContext {
  env: Readonly<Record<string, string | undefined>>;
  io: Printer;
}

/**
 * Fills `keys` (made by its parent, whose output and exit settings it inherits) with its
 * subcommands; each action throws a CliFailure or returns normally (exit 0).
 */
export function defineKeysCommand(keys: Command, context: KeysContext): Command {
  keys
    .description("manage the keys of a running gateway over GraphQL")
    .addOption(
      new Option("--endpoint <url>", "the gateway's GraphQL endpoint")
        .env("JWKGW_ENDPOINT")
        .default(context.env.JWKGW_ENDPOINT ?? DEFAULT_ENDPOINT),
    )
    .addOption(new Option("--token <token>", "API token (prefer the JWKGW_TOKEN environment variable)"))
    .option("--json", "print JSON instead of tables");

  const run =
    <A extends unknown[]>(action: (gateway: Gateway, options: GlobalOptions, ...args: A) => Promise<void>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
      const token = options.token ?? context.env.JWKGW_TOKEN ?? undefined;
      const gateway = connect({ endpoint: options.endpoint, token: token === "" ? undefined : token });
      await action(gateway, options, ...(args.slice(0, -1) as A));
    };
  const { io } = context;

  keys
    .command("list")
    .description("the keys of a set: state, signing key, algorithm, dates")
    .argument("[set]", "the set (every set: with a gateway that answers jsonWebKeySets)")
    .action(
      run(async (gateway, options, set: string | undefined) => {
        if (set === undefined) return io.out(await listSets(gateway, options.json === true));
        const { getJsonWebKeySet: found } = await gateway.request(CliKeySetDocument, { set });
        if (options.json) return io.out(json(found));
        io.out(describeSet(found));
      }),
    );

  keys
    .command("get")
    .description("one key: public members, state, thumbprints, public PEM")
    .argument("<set>")
    .argument("<kid>")
    .action(
      run(async (gateway, options, set: string, kid: string) => {
        const key = await oneKey(gateway, set, kid);
        io.out(options.json ? json({ set, ...key }) : describeKey(set, key));
      }),
    );

  keys
    .command("create")
    .description("generate a key in the set (the set is created if needed)")
    .argument("<set>")
    .requiredOption("--alg <alg>", "e.g. ES256, RS256, EdDSA, HS256, RSA-OAEP-256, ECDH-ES")
    .option("--kid <kid>", "the key's id (default: generated)")
    .option("--use <use>", "sig or enc (default: what alg is for)")
    .option("--crv <crv>", "curve of an ECDH-ES key: P-256 (default), P-384, P-521, X25519")
    .option(
      "--state <state>",
      "ACTIVE (default: signs at once) or NEXT (published ahead; signs after the next rotation)",
    )
    .action(
      run(async (gateway, options, set: string) => {
        const { alg, kid, use, crv, state } = options as GlobalOptions & Record<string, string | undefined>;
        const { createJsonWebKeySet: result } = await gateway.request(CliCreateKeyDocument, {
          set,
          input: { alg: alg!, kid, use, crv, state: state?.toUpperCase() as JsonWebKeyState | undefined },
        });
        const created = kid
          ? result.keys.find((key) => key.kid === kid)!
          : result.keys.reduce((newest, key) => (key.createdAt > newest.createdAt ? key : newest));
        io.out(options.json ? json({ set, ...created }) : `created\n${describeKey(set, created)}`);
      }),
    );

  keys
    .command("import")
    .description("store a PEM file (SPKI, PKCS#8, PKCS#1, SEC1 or X.509 certificates) as a key of the set")
    .argument("<set>")
    .argument("<file>", "the PEM file (not encrypted)")
    .requiredOption("--alg <alg>", "the algorithm the key is for, e.g. RS256, ES256, EdDSA")
    .option("--kid <kid>", "the key's id (default: its RFC 7638 thumbprint)")
    .option("--use <use>", "sig or enc (default: what alg is for)")
    .action(
      run(async (gateway, options, set: string, file: string) => {
        const { alg, kid, use } = options as GlobalOptions & Record<string, string | undefined>;
        const pem = readPem(file);
        const { importJsonWebKey: key } = await gateway.request(CliImportKeyDocument, {
          set,
          kid,
          input: { pem, alg: alg!, use },
        });
        io.out(options.json ? json({ set, ...key }) : `imported\n${describeKey(set, key)}`);
      }),
    );

  keys
    .command("export")
    .description("write a key (or the whole set) as JWK, JWK Set or PEM; public unless --private")
    .argument("<set>")
    .argument("[kid]", "the key (default: the set's signing key; the whole set for jwks)")
    .addOption(
      new Option("--format <format>", "jwk, jwks or pem (default: jwks without kid, else jwk)").choices([
        "jwk",
        "jwks",
        "pem",
      ]),
    )
    .option("--private", "include the private key (needs keys:read-private); pem: PKCS#8")
    .option("-o, --output <file>", "write to a new file (mode 0600) instead of stdout")
    .action(
      run(async (gateway, options, set: string, kid: string | undefined) => {
        const {
          format: asked,
          private: wantsPrivate,
          output,
        } = options as GlobalOptions & {
          format?: ExportFormat;
          private?: boolean;
          output?: string;
        };
        const format: ExportFormat = asked ?? (kid === undefined ? "jwks" : "jwk");
        const keys = await keysToExport(gateway, set, kid, format, wantsPrivate === true);
        const text = exportKeys(keys, format, { private: wantsPrivate === true });
        if (output === undefined) return io.out(text.replace(/\n$/, ""));
        try {
          writeFileSync(output, text, { mode: 0o600, flag: "wx" });
        } catch (error) {
          throw new CliFailure(
            `cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
            EXIT.BAD_INPUT,
          );
        }
        io.err(`wrote ${output}`);
      }),
    );

  keys
    .command("rotate")
    .description("rotate the set now: its NEXT key (or a new key) signs, the ACTIVE keys retire")
    .argument("<set>")
    .option("--alg <alg>", "algorithm of a generated key (default: the policy's, else the signing key's)")
    .option("--kid <kid>", "a NEXT key to activate, or the kid of the generated key")
    .action(
      run(async (gateway, options, set: string) => {
        const { alg, kid } = options as GlobalOptions & Record<string, string | undefined>;
        const input = alg === undefined && kid === undefined ? undefined : { alg, kid };
        const { rotateJsonWebKeySet: result } = await gateway.request(CliRotateDocument, { set, input });
        if (options.json) return io.out(json(result));
        const signing = result.keys.find((key) => key.isSigningKey);
        io.out(`rotated: ${signing ? `${signing.kid} signs` : "no signing key"}\n${keyTable(result.keys)}`);
      }),
    );

  keys
    .command("revoke")
    .description("revoke a key: never published again, never signs, its kid never reused")
    .argument("<set>")
    .argument("<kid>")
    .action(
      run(async (gateway, options, set: string, kid: string) => {
        const { revokeJsonWebKey: key } = await gateway.request(CliRevokeDocument, { set, kid });
        io.out(options.json ? json({ set, ...key }) : `revoked ${key.kid} of ${set} at ${key.revokedAt}`);
      }),
    );

  keys
    .command("delete")
    .description("delete one key, or the whole set when no kid is given")
    .argument("<set>")
    .argument("[kid]")
    .action(
      run(async (gateway, options, set: string, kid: string | undefined) => {
        const removed =
          kid === undefined
            ? (await gateway.request(DeleteJsonWebKeySetDocument, { set })).deleteJsonWebKeySet
            : (await gateway.request(DeleteJsonWebKeyDocument, { set, kid })).deleteJsonWebKey;
        const what =
          kid === undefined ? `set ${JSON.stringify(set)}` : `key ${JSON.stringify(kid)} of ${JSON.stringify(set)}`;
        if (!removed) throw new CliFailure(`nothing to delete: no ${what}`, EXIT.NOT_FOUND, "NOT_FOUND");
        io.out(options.json ? json({ set, kid: kid ?? null, deleted: true }) : `deleted ${what}`);
      }),
    );

  keys
    .command("policy")
    .description("set or remove the set's rotation policy")
    .argument("<set>")
    .option("--alg <alg>", "algorithm of the keys rotations generate")
    .option("--period <duration>", "time between scheduled rotations, e.g. 90d; 0: by hand only")
    .option("--publish-ahead <duration>", "how long a NEXT key is published before it signs, e.g. 14d")
    .option("--retirement <duration>", "how long a retired key stays published, e.g. 30d")
    .option("--remove", "remove the policy (rotation by hand only)")
    .action(
      run(async (gateway, options, set: string) => {
        const chosen = options as GlobalOptions & Record<string, string | boolean | undefined>;
        let policy;
        if (chosen.remove) {
          if (chosen.alg ?? chosen.period ?? chosen.publishAhead ?? chosen.retirement)
            throw new CliFailure("--remove takes no other policy option", EXIT.USAGE);
          policy = null;
        } else {
          if (typeof chosen.alg !== "string") throw new CliFailure("a policy needs --alg (or --remove)", EXIT.USAGE);
          policy = {
            alg: chosen.alg,
            rotationPeriodSeconds: seconds("--period", chosen.period),
            publishAheadSeconds: seconds("--publish-ahead", chosen.publishAhead),
            retirementPeriodSeconds: seconds("--retirement", chosen.retirement),
          };
        }
        const { setJsonWebKeySetRotationPolicy: result } = await gateway.request(CliSetPolicyDocument, { set, policy });
        io.out(options.json ? json(result) : `${set}: ${describePolicy(result.rotationPolicy)}`);
      }),
    );

  return keys;
}

/** `keys list` without a set: every set, a page of 100 at a time (jsonWebKeySets), with its key count. */
async function listSets(gateway: Gateway, asJson: boolean): Promise<string> {
  const sets: { set: string; keyCount: number; updatedAt?: unknown }[] = [];
  for (let after: string | undefined; ;) {
    const { jsonWebKeySets: page } = await gateway.request(JsonWebKeySetsDocument, { first: 100, after });
    sets.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  if (asJson) return json(sets);
  return table(
    ["set", "keys", "updated"],
    sets.map((entry) => [entry.set, String(entry.keyCount), String(entry.updatedAt ?? "-")]),
  );
}

async function oneKey(gateway: Gateway, set: string, kid: string): Promise<CliKeyFragment> {
  const { getJsonWebKey: found } = await gateway.request(CliKeyDocument, { set, kid });
  return found.keys[0];
}

/** The keys `keys export` writes: public members from the CLI's read, private ones from the private documents. */
async function keysToExport(
  gateway: Gateway,
  set: string,
  kid: string | undefined,
  format: ExportFormat,
  wantsPrivate: boolean,
): Promise<KeyMembers[]> {
  if (format !== "jwks" && kid === undefined) {
    const { getJsonWebKeySet: found } = await gateway.request(CliKeySetDocument, { set });
    const signing = found.keys.find((key) => key.isSigningKey);
    if (!signing)
      throw new CliFailure(`set ${JSON.stringify(set)} has no signing key: name the key to export`, EXIT.CONFLICT);
    kid = signing.kid;
  }
  try {
    if (!wantsPrivate) {
      if (kid === undefined) return (await gateway.request(CliKeySetDocument, { set })).getJsonWebKeySet.keys;
      return [await oneKey(gateway, set, kid)];
    }
    if (kid === undefined) return (await gateway.request(GetJsonWebKeySetDocument, { set })).getJsonWebKeySet.keys;
    return (await gateway.request(GetJsonWebKeyDocument, { set, kid })).getJsonWebKey.keys;
  } catch (error) {
    if (wantsPrivate && error instanceof CliFailure && error.code === "FORBIDDEN")
      throw new CliFailure(
        `--private needs a token with the keys:read-private scope (${error.message})`,
        EXIT.AUTH,
        error.code,
      );
    throw error;
  }
}

function readPem(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CliFailure(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, EXIT.BAD_INPUT);
  }
}

/** A duration option in seconds: 0, a number of seconds, or 90s / 15m / 12h / 30d. */
function seconds(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (/^\d{1,10}$/.test(text)) return Number(text);
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new CliFailure(
      `${flag} takes seconds or a duration such as 15m, 12h or 90d, got ${JSON.stringify(text)}`,
      EXIT.USAGE,
    );
  return ms / 1000;
}

function keyTable(keys: readonly CliKeyFragment[]): string {
  return table(
    ["KID", "ALG", "USE", "STATE", "SIGNS", "CREATED", "PUBLISHED UNTIL"],
    keys.map((key) => [
      key.kid,
      key.alg ?? "-",
      key.use ?? "-",
      key.state,
      key.isSigningKey ? "yes" : "",
      key.createdAt,
      key.publishedUntil ?? "",
    ]),
  );
}

function describeSet(found: CliKeySetQuery["getJsonWebKeySet"]): string {
  const signing = found.keys.find((key) => key.isSigningKey);
  return [
    `set ${found.set}: ${found.keys.length} key(s), ${signing ? `signing key ${signing.kid}` : "no signing key"}, ${describePolicy(found.rotationPolicy)}`,
    keyTable(found.keys),
  ].join("\n");
}

function describePolicy(policy: RotationPolicyFieldsFragment | null | undefined): string {
  if (!policy) return "no rotation policy (rotation by hand)";
  const every =
    policy.rotationPeriodSeconds === 0
      ? "by hand"
      : `every ${policy.rotationPeriodSeconds}s, next ${policy.nextRotationAt ?? "-"}`;
  return `rotation policy ${policy.alg} ${every}, published ahead ${policy.publishAheadSeconds}s, retired keys published ${policy.retirementPeriodSeconds}s`;
}

function describeKey(set: string, key: CliKeyFragment): string {
  const text = fields([
    ["set", set],
    ["kid", key.kid],
    ["kty", key.kty],
    ["alg", key.alg],
    ["use", key.use],
    ["crv", key.crv],
    ["state", key.state],
    ["signing key", key.isSigningKey ? "yes" : "no"],
    ["created", key.createdAt],
    ["activated", key.activatedAt],
    ["retired", key.retiredAt],
    ["published until", key.publishedUntil],
    ["revoked", key.revokedAt],
    ["thumbprint", key.thumbprint],
    ["thumbprint URI", key.thumbprintUri],
    ["x5t#S256", key.x5tS256],
    ["certificates", key.x5c ? String(key.x5c.length) : undefined],
  ]);
  return key.publicKeyPem ? `${text}\n${key.publicKeyPem.trimEnd()}` : text;
}
