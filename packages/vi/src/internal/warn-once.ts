const warned = new Set<string>();

/**
 * Prints `[phlox:<code>] <msg>` with `console.warn` the first time `code` is seen in this process; later calls
 * with the same code print nothing.
 */
export function warnOnce(code: string, msg: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  console.warn(`[phlox:${code}] ${msg}`);
}
