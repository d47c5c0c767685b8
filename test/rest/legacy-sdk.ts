/**
 * Loads `ory-hydra-sdk@1.0.0-beta.8`, Hydra's first JavaScript SDK, unmodified.
 *
 * Its JsonWebKeyApi requires `../model/JsonWebKey` and `../model/JsonWebKeySet`, but the package
 * ships `JSONWebKey.js` and `JSONWebKeySet.js`; it only ever loaded on case-insensitive disks. On
 * this one, the two names are resolved to the shipped files for the duration of the `require`:
 * a fix to how the client is loaded, not to the client or the server.
 */
import Module, { createRequire } from "node:module";
import { sep } from "node:path";

type Callback<T> = (
  error: (Error & { status?: number; response?: { body: unknown } }) | null,
  data: T,
  response: unknown,
) => void;

/** The parts of the SDK these tests use (it ships no types). */
export interface LegacyJsonWebKeyApi {
  createJsonWebKeySet(set: string, opts: { body?: object }, callback: Callback<{ keys: object[] }>): void;
  getJsonWebKeySet(set: string, callback: Callback<{ keys: object[] }>): void;
  getJsonWebKey(kid: string, set: string, callback: Callback<{ keys: object[] }>): void;
  updateJsonWebKey(kid: string, set: string, opts: { body?: object }, callback: Callback<object>): void;
  updateJsonWebKeySet(set: string, opts: { body?: object }, callback: Callback<{ keys: object[] }>): void;
  deleteJsonWebKey(kid: string, set: string, callback: Callback<null>): void;
  deleteJsonWebKeySet(set: string, callback: Callback<null>): void;
}

interface LegacySdk {
  ApiClient: new () => { basePath: string };
  JsonWebKeyApi: new (client: { basePath: string }) => LegacyJsonWebKeyApi;
}

const MISCASED = new Map([
  ["JsonWebKey", "JSONWebKey"],
  ["JsonWebKeySet", "JSONWebKeySet"],
]);

type Resolve = (
  this: unknown,
  request: string,
  parent: { filename?: string } | undefined,
  ...rest: unknown[]
) => string;

function loadSdk(): LegacySdk {
  const loader = Module as unknown as { _resolveFilename: Resolve };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, ...rest) {
    const match = /^(.*\/)(JsonWebKey|JsonWebKeySet)$/.exec(request);
    const fromSdk = parent?.filename?.includes(`${sep}ory-hydra-sdk${sep}`) ?? false;
    return original.call(this, match && fromSdk ? `${match[1]}${MISCASED.get(match[2])}` : request, parent, ...rest);
  };
  try {
    // The SDK requires every model eagerly, so the hook is only needed while it loads.
    return createRequire(import.meta.url)("ory-hydra-sdk") as LegacySdk;
  } finally {
    loader._resolveFilename = original;
  }
}

export function legacyJsonWebKeyApi(origin: string): LegacyJsonWebKeyApi {
  const sdk = loadSdk();
  const client = new sdk.ApiClient();
  client.basePath = origin;
  return new sdk.JsonWebKeyApi(client);
}
