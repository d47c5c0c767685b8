/**
 * Logging helpers. Fastify's pino logger is the only logger; this module keeps what reaches it safe:
 * an unexpected error is logged by name, code and first message line (Prisma puts query arguments,
 * which may hold key material, after the first line), plus its stack outside production.
 */
import type { FastifyBaseLogger } from "fastify";

export type Logger = FastifyBaseLogger;

export interface DescribedError {
  type: string;
  code?: string;
  message: string;
  stack?: string;
}

export function describeError(error: unknown): DescribedError {
  if (!(error instanceof Error)) return { type: typeof error, message: "a non-Error value was thrown" };
  const code = (error as { code?: unknown }).code;
  const firstLine = error.message.split("\n", 1)[0].slice(0, 300);
  const stackFrames = error.stack
    ?.split("\n")
    .filter((line) => line.trimStart().startsWith("at "))
    .join("\n");
  return {
    type: error.name,
    ...(typeof code === "string" ? { code } : {}),
    message: firstLine,
    ...(stackFrames ? { stack: stackFrames } : {}),
  };
}

/** Paths and headers pino must never print. */
export const REDACT_PATHS = ["req.headers.authorization", "req.headers.cookie"];
