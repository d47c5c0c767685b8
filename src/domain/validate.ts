/**
 * The import validator's API, where its callers import it from. The rules live in
 * src/domain/validation/, one module per key type plus the shared shape, algorithm and certificate
 * checks; docs/validation-rules.md lists them.
 */
export * from "./validation/index.js";
