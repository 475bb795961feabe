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
    if (between.includes("<") || /&(?!amp;|lt;|gt;|quot;|#\d+;)/.test(between)) return false;
    last = m.index + m[0].length;
    const [, close, tag, , self] = m;
    if (close) {
      if (stack.pop() !== tag) return false;
    } else if (!self) stack.push(tag!);
  }
  return stack.length === 0 && last === svg.length;
}

/**
 * The vertices of path data made of "M"/"L" (absolute) and "m"/"l" (relative) commands, each command
 * letter followed by one x,y pair (the form the plots write); `start` marks a vertex that lifts the pen.
 * Throws on any other command or on a command without exactly one pair, so a test counting vertices fails.
 */
export function pathVertices(d: string): { x: number; y: number; start: boolean }[] {
  const out: { x: number; y: number; start: boolean }[] = [];
  const re = /([MLml])([^MLml]*)/gy;
  let x = 0;
  let y = 0;
  let m: RegExpExecArray | null = re.exec(d);
  let end = 0;
  while (m !== null) {
    const nums = m[2]!.match(/-?\d*\.?\d+(?:e[-+]?\d+)?/g) ?? [];
    if (nums.length !== 2 || m[2]!.replace(/-?\d*\.?\d+(?:e[-+]?\d+)?|,/g, "").trim() !== "")
      throw new Error(`path command ${m[1]} without exactly one x,y pair: "${m[0]}"`);
    const a = Number(nums[0]);
    const b = Number(nums[1]);
    const rel = m[1] === "m" || m[1] === "l";
    x = rel ? x + a : a;
    y = rel ? y + b : b;
    out.push({ x, y, start: m[1] === "M" || m[1] === "m" });
    end = re.lastIndex;
    m = re.exec(d);
  }
  if (end !== d.length) throw new Error(`unparsed path data at ${end}: "${d.slice(end, end + 20)}"`);
  return out;
}
