/**
 * The real `openssl` command, for tests that bring keys the way operators do: generated and
 * converted by openssl, in a temporary folder of their own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface OpensslDir {
  dir: string;
  /** Runs `openssl ...args` in the folder; returns its stdout. Throws with stderr when it fails. */
  run(...args: string[]): string;
  read(file: string): string;
  write(file: string, text: string): void;
  remove(): void;
}

export function opensslDir(prefix = "jwkgw-openssl-"): OpensslDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    run: (...args) => execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    read: (file) => readFileSync(path.join(dir, file), "utf8"),
    write: (file, text) => writeFileSync(path.join(dir, file), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `openssl pkey -pubout` of a PEM key text: the SPKI PEM openssl makes of it. */
export function opensslPublicPem(openssl: OpensslDir, pem: string): string {
  openssl.write("in.pem", pem);
  return openssl.run("pkey", "-in", "in.pem", "-pubout");
}
