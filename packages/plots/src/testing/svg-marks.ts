/** Helpers for tests that read marks back out of plot SVG. */

/** Number of elements with exactly this class. */
export function count(svg: string, cls: string): number {
  return svg.split(`class="${cls}"`).length - 1;
}

/** Values of one attribute of every element with this class, in document order. */
export function attrValues(svg: string, cls: string, attr: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<[a-z]+ class="${cls}"[^>]*>`, "g");
  for (const m of svg.matchAll(re)) {
    const a = new RegExp(` ${attr}="([^"]*)"`).exec(m[0]);
    if (a) out.push(a[1]!);
  }
  return out;
}

/** Whether the markup is well-formed XML with an `<svg>` root (checked with a small tag-balance parser). */
export function isWellFormedSvg(svg: string): boolean {
  if (!svg.startsWith("<svg ") || !svg.includes('xmlns="http://www.w3.org/2000/svg"')) return false;
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of svg.matchAll(re)) {
    const between = svg.slice(last, m.index);
    if (between.includes("<") || /&(?!amp;|lt;|gt;|quot;|#39;)/.test(between)) return false;
    last = m.index + m[0].length;
    const [, close, tag, , self] = m;
    if (close) {
      if (stack.pop() !== tag) return false;
    } else if (!self) stack.push(tag!);
  }
  return stack.length === 0 && last === svg.length;
}
