import { PhloxError } from "@phlox/tensor";

/**
 * Stable codes of {@link CliError}:
 * - `missing-file`: a file named on the command line does not exist or cannot be read.
 * - `bad-json`: a JSON file (data, run) does not parse; the message gives the position.
 * - `bad-data`: the data JSON parses but is not an object of numbers and rectangular number arrays.
 * - `bad-model`: the model module cannot be imported, exports no model function, or its `args` fails.
 * - `bad-run`: an InferenceData file lacks what the command needs (a posterior, a log-likelihood).
 * - `bad-option`: an option value is out of range or malformed, or the arguments are wrong.
 */
export type CliErrorCode = "missing-file" | "bad-json" | "bad-data" | "bad-model" | "bad-run" | "bad-option";

/**
 * The error the `phlox` command line reports for a problem with its input: a stable `code` and a message that
 * names the file, option or export at fault and says how to fix it. The command exits with status 2.
 * @example
 * new CliError("missing-file", "phlox diagnose: no such file run.nc").code; // → "missing-file"
 */
export class CliError extends PhloxError {
  /**
   * @param code - the stable code.
   * @param message - what was wrong, where, and how to fix it.
   */
  constructor(code: CliErrorCode, message: string) {
    super(code, message);
  }
}
