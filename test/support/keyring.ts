/**
 * Fixed secrets for tests. Every store (stores.ts) and every gateway (gateway.ts) uses TEST_SECRET
 * unless a test says otherwise, so data written through one is readable through the other.
 * Derivations are cached per process: scrypt is deliberately slow.
 */
import { Keyring } from "../../src/persistence/sealing/keyring.js";
import { KeySealer } from "../../src/persistence/sealing/seal.js";

export const TEST_SECRET = "jwk-gateway test secret: 0123456789abcdef";
export const OTHER_SECRET = "jwk-gateway other secret: fedcba9876543210";
export const THIRD_SECRET = "jwk-gateway third secret: 00112233445566778899";

const cache = new Map<string, Promise<Keyring>>();

/** The keyring of these secrets, in this order (the first seals). */
export function testKeyring(...secrets: string[]): Promise<Keyring> {
  const list = secrets.length > 0 ? secrets : [TEST_SECRET];
  const id = JSON.stringify(list);
  let keyring = cache.get(id);
  if (!keyring) cache.set(id, (keyring = Keyring.fromSecrets(list)));
  return keyring;
}

export async function testSealer(...secrets: string[]): Promise<KeySealer> {
  return new KeySealer(await testKeyring(...secrets));
}
