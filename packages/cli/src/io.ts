/** Where a command writes: `out` for results (stdout), `err` for warnings and errors (stderr). */
export interface CliIO {
  /** Writes one line of results. */
  out(line: string): void;
  /** Writes one line of warnings or errors. */
  err(line: string): void;
}

/**
 * The process's stdout and stderr as a {@link CliIO}.
 * @returns the IO.
 * @example
 * processIO().out("hello"); // prints "hello"
 */
export function processIO(): CliIO {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}
