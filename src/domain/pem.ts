/**
 * PEM text as operators hold it (README, "Bring your own keys"), read into the members of a JWK for
 * the import validator: a key (SPKI `PUBLIC KEY`, PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` /
 * `RSA PUBLIC KEY`, SEC1 `EC PRIVATE KEY`), X.509 `CERTIFICATE`s (one, or a chain leaf first), or a
 * key followed by its certificates. Node's crypto parses; this module only decides what it accepts.
 *
 * It checks what only the PEM form has: the blocks themselves, encryption, and the certificate
 * chain (each certificate issued and signed by the next, issuers that are CAs, every certificate
 * within its dates). Everything about the key itself (size, curve, points, the leaf holding the
 * key: X5C_MISMATCH) is the validator's, so a PEM import and a JWK import refuse the same key for
 * the same reason with the same words.
 *
 * Messages name block labels and positions, never block contents: they may be private keys.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { InvalidKeyError } from "../errors.js";
import type { JwkInput } from "./jwk.js";
import { MAX_X5C_CERTIFICATES } from "./validate.js";

/** Largest PEM text accepted: a private RSA-8192 key and a chain of MAX_X5C_CERTIFICATES fit easily. */
export const MAX_PEM_BYTES = 64 * 1024;

/** What to do with an encrypted key; quoted by the refusal. */
export const DECRYPT_HINT =
  "decrypt it first with `openssl pkey -in key.pem -out plain.pem` (it asks for the passphrase), import plain.pem, then delete it";

const KEY_LABELS = {
  "PRIVATE KEY": "private",
  "RSA PRIVATE KEY": "private",
  "EC PRIVATE KEY": "private",
  "PUBLIC KEY": "public",
  "RSA PUBLIC KEY": "public",
} as const;
type KeyLabel = keyof typeof KEY_LABELS;

/** Blocks openssl writes next to a key that carry nothing the key needs (`openssl ecparam -genkey`). */
const IGNORED_LABELS = new Set(["EC PARAMETERS"]);

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([\s\S]*?)-----END \1-----/g;

interface Block {
  label: string;
  text: string;
}

/**
 * The JWK members of the PEM text: the key's (private members included when it is private), `x5c`
 * and `x5t#S256` when it holds certificates. Without a key block, the key is the first
 * certificate's public key. `kid`, `alg` and `use` are the caller's to add.
 */
export function parsePem(pem: string): JwkInput {
  if (typeof pem !== "string" || pem.trim() === "") throw refusal("PEM_INVALID", "The PEM text is empty");
  if (Buffer.byteLength(pem) > MAX_PEM_BYTES)
    throw refusal("PEM_TOO_LARGE", `The PEM text must be at most ${MAX_PEM_BYTES / 1024} KiB`);
  const blocks = readBlocks(pem);
  const keys = blocks.filter((block) => block.label in KEY_LABELS);
  const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
  if (keys.length > 1)
    throw refusal(
      "PEM_TOO_MANY_KEYS",
      `The PEM text holds ${keys.length} keys (${keys.map((key) => key.label).join(", ")}); import one key at a time`,
    );
  if (certificates.length > MAX_X5C_CERTIFICATES)
    throw refusal(
      "BAD_X5C",
      `The PEM text holds ${certificates.length} certificates; a key's chain has at most ${MAX_X5C_CERTIFICATES}`,
    );

  const chain = certificates.map((block, index) => readCertificate(block, index));
  checkChain(chain);
  const key = keys.length === 1 ? readKey(keys[0]) : chain[0].publicKey;
  const members = exportMembers(key);
  if (chain.length === 0) return members;
  const x5c = chain.map((certificate) => certificate.raw.toString("base64"));
  // The validator checks x5t#S256 against x5c[0] and keeps it; x5c[0] must hold this very key (X5C_MISMATCH).
  return { ...members, x5c, "x5t#S256": chain[0].fingerprint256Base64url };
}

function readBlocks(pem: string): Block[] {
  const blocks: Block[] = [];
  for (const match of pem.matchAll(BLOCK)) {
    const [text, label, body] = match;
    if (label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type:\s*4\s*,\s*ENCRYPTED/im.test(body)) {
      throw refusal("PEM_ENCRYPTED", `The ${label} is encrypted with a passphrase: ${DECRYPT_HINT}`);
    }
    if (IGNORED_LABELS.has(label)) continue;
    if (!(label in KEY_LABELS) && label !== "CERTIFICATE") {
      throw refusal(
        "PEM_UNSUPPORTED",
        `A "${label}" block cannot be imported; the PEM text may hold one key (PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY) and CERTIFICATE blocks`,
      );
    }
    blocks.push({ label, text });
  }
  if (blocks.length === 0) {
    throw refusal(
      "PEM_INVALID",
      /-----BEGIN [A-Z0-9 ]+-----/.test(pem)
        ? "The PEM text has a BEGIN line without its matching END line"
        : "The text holds no PEM block (-----BEGIN …----- … -----END …-----)",
    );
  }
  return blocks;
}

function readKey(block: Block): KeyObject {
  const kind = KEY_LABELS[block.label as KeyLabel];
  try {
    return kind === "private" ? createPrivateKey({ key: block.text, format: "pem" }) : createPublicKey(block.text);
  } catch {
    throw refusal("PEM_INVALID", `The ${block.label} block does not decode to a key (damaged or truncated base64?)`);
  }
}

interface Certificate {
  certificate: X509Certificate;
  raw: Buffer;
  publicKey: KeyObject;
  fingerprint256Base64url: string;
}

function readCertificate(block: Block, index: number): Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(block.text);
  } catch {
    throw refusal("PEM_INVALID", `Certificate ${index + 1} does not decode to an X.509 certificate`);
  }
  return {
    certificate,
    raw: certificate.raw,
    publicKey: certificate.publicKey,
    fingerprint256Base64url: Buffer.from(certificate.fingerprint256.replaceAll(":", ""), "hex").toString("base64url"),
  };
}

/**
 * Each certificate must be issued (names) and signed (signature) by the next, which must be a CA; the
 * last one, when it names itself as issuer, must carry a valid self-signature. Every certificate must
 * be within its validity dates now.
 */
function checkChain(chain: readonly Certificate[]): void {
  const now = Date.now();
  chain.forEach(({ certificate }, index) => {
    const from = new Date(certificate.validFrom);
    const to = new Date(certificate.validTo);
    const which = index === 0 ? "Certificate 1 (the key's own)" : `Certificate ${index + 1}`;
    const dates = `valid from ${from.toISOString()} to ${to.toISOString()}`;
    if (now > to.getTime()) throw refusal("X5C_EXPIRED", `${which} has expired: it was ${dates}`);
    if (now < from.getTime()) throw refusal("X5C_NOT_YET_VALID", `${which} is not valid yet: it is ${dates}`);
  });
  for (let index = 0; index + 1 < chain.length; index++) {
    const subject = chain[index].certificate;
    const issuer = chain[index + 1].certificate;
    const link = `certificate ${index + 1} is not issued by certificate ${index + 2}`;
    const order = "list the key's own certificate first, then each certificate's issuer";
    if (!subject.checkIssued(issuer) || !subject.verify(issuer.publicKey))
      throw refusal("X5C_CHAIN_BROKEN", `The chain is broken: ${link} (${order})`);
    if (!issuer.ca)
      throw refusal("X5C_CHAIN_BROKEN", `The chain is broken: certificate ${index + 2} is not a CA certificate`);
  }
  const last = chain.at(-1)?.certificate;
  if (last && last.checkIssued(last) && !last.verify(last.publicKey)) {
    throw refusal(
      "X5C_CHAIN_BROKEN",
      `Certificate ${chain.length} names itself as issuer but its signature is not its own`,
    );
  }
}

function exportMembers(key: KeyObject): JwkInput {
  try {
    return key.export({ format: "jwk" });
  } catch {
    throw refusal(
      "PEM_UNSUPPORTED",
      `A ${String(key.asymmetricKeyType).toUpperCase()} key cannot be imported; jwk-gateway keeps RSA, EC (P-256, P-384, P-521), Ed25519 and X25519 keys`,
    );
  }
}

function refusal(reason: string, message: string): InvalidKeyError {
  return new InvalidKeyError(reason, message);
}
