/**
 * The exit status of `jwk-gateway keys …`, one per class of failure, so that a script can tell
 * "fix your input" from "fix your token" from "try again later" (README, "Command line").
 * The one table from the gateway's error codes (src/errors.ts) to an exit status.
 */
export const EXIT = {
  OK: 0,
  /** Bad usage: unknown command or option, missing argument (commander's own exit status). */
  USAGE: 1,
  /** The gateway refused the input (BAD_USER_INPUT, PAYLOAD_TOO_LARGE), or a local file or conversion failed. */
  BAD_INPUT: 2,
  /** UNAUTHENTICATED or FORBIDDEN: no token, a bad one, or one without the scope. */
  AUTH: 3,
  NOT_FOUND: 4,
  /** CONFLICT or FAILED_PRECONDITION: the set's state forbids it now. */
  CONFLICT: 5,
  /** The gateway cannot be reached, is busy, or failed (everything else). */
  UNAVAILABLE: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeOf(errorCode: string | undefined): ExitCode {
  switch (errorCode) {
    case "BAD_USER_INPUT":
    case "PAYLOAD_TOO_LARGE":
    case "NOT_ACCEPTABLE":
      return EXIT.BAD_INPUT;
    case "UNAUTHENTICATED":
    case "FORBIDDEN":
      return EXIT.AUTH;
    case "NOT_FOUND":
      return EXIT.NOT_FOUND;
    case "CONFLICT":
    case "FAILED_PRECONDITION":
      return EXIT.CONFLICT;
    default:
      return EXIT.UNAVAILABLE;
  }
}

/** A failure the command line reports in one line and ends with `exitCode`; never carries key material. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code?: string,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}
