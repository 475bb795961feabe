/** Minimal SVG string writer: escaping, number formatting and element strings. */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text and attribute values for SVG/HTML. */
const SPECIAL = /[&<>"']/;

export function esc(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESC[c] as string) : s;
}

/** A coordinate rounded to 2 decimals (keeps files small; sub-pixel exact enough for screens). */
export function n2(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * A path coordinate rounded to 0.1 px, formatted through integers (about 3× faster than formatting the
 * float: traces of 100 variables × 4 chains × 1000 draws write 800 000 of these).
 */
export function c1(v: number): string {
  const r = Math.round(v * 10);
  const i = (r / 10) | 0;
  const d = Math.abs(r - i * 10);
  if (d === 0) return String(i);
  return r < 0 && i === 0 ? `-0.${d}` : `${i}.${d}`;
}

/** Attribute values: numbers are written with {@link n2}; undefined attributes are skipped. */
export type Attrs = Record<string, string | number | undefined>;

/** Serialises attributes (leading space included). */
export function attrs(a: Attrs): string {
  let s = "";
  for (const k in a) {
    const v = a[k];
    if (v === undefined) continue;
    s += ` ${k}="${typeof v === "number" ? n2(v) : esc(v)}"`;
  }
  return s;
}

/** One element; `children` are already-serialised strings. */
export function el(tag: string, a: Attrs, children?: string | readonly string[]): string {
  if (children === undefined) return `<${tag}${attrs(a)}/>`;
  const inner = typeof children === "string" ? children : children.join("");
  return `<${tag}${attrs(a)}>${inner}</${tag}>`;
}

/**
 * Path data "M x,y L x,y …" written as bytes into one reused buffer and decoded once: the same characters
 * as building the string from {@link c1} pieces, without a temporary string per coordinate (a trace figure of
 * 100 variables × 4 chains × 1000 draws writes 800 000 coordinates). ASCII only.
 */
/** Writes tenths `r` (|r| < 10000) at `len` as {@link c1} would (e.g. -12.3, 5, 0.4); returns the new end. */
function small(buf: Uint8Array, len: number, r: number): number {
  let a = r;
  if (a < 0) {
    buf[len++] = 45; // "-"
    a = -a;
  }
  const ip = (a / 10) | 0;
  const dp = a - ip * 10;
  if (ip >= 100) {
    const h = (ip / 100) | 0;
    const t = ((ip - h * 100) / 10) | 0;
    buf[len++] = 48 + h;
    buf[len++] = 48 + t;
    buf[len++] = 48 + ip - h * 100 - t * 10;
  } else if (ip >= 10) {
    const t = (ip / 10) | 0;
    buf[len++] = 48 + t;
    buf[len++] = 48 + ip - t * 10;
  } else buf[len++] = 48 + ip;
  if (dp !== 0) {
    buf[len++] = 46; // "."
    buf[len++] = 48 + dp;
  }
  return len;
}

/** Size of a path arena chunk. */
const CHUNK = 1 << 20;

class PathWriter {
  // An arena: paths are appended one after another and handed out as views, so a figure's hundreds of
  // lines share a few large chunks instead of allocating one buffer each; a full chunk is left to its views.
  private buf = new Uint8Array(0);
  private start = 0;
  private len = 0;
  private decoder: TextDecoder | undefined;

  /** Starts a new path after the previous one. */
  reset(): void {
    this.start = this.len;
  }

  private room(k: number): void {
    if (this.len + k <= this.buf.length) return;
    // a new chunk, with the current path moved to its start
    const used = this.len - this.start;
    const next = new Uint8Array(Math.max(CHUNK, 2 * (used + k)));
    next.set(this.buf.subarray(this.start, this.len));
    this.buf = next;
    this.start = 0;
    this.len = used;
  }

  /** One character code. */
  char(code: number): void {
    this.room(1);
    this.buf[this.len++] = code;
  }

  /** `c1(v)`: v rounded to 0.1, trailing ".0" dropped. */
  c1(v: number): void {
    const r = Math.round(v * 10);
    if (!(r > -2147483648 && r < 2147483647)) {
      // beyond the int32 fast path (far outside any figure): the string formatter's characters
      const s = c1(v);
      this.room(s.length);
      for (let k = 0; k < s.length; k++) this.buf[this.len++] = s.charCodeAt(k);
      return;
    }
    this.tenths(r);
  }

  /**
   * `l` and the offset (dx, dy) in tenths, as {@link tenths} writes them ("," only before a non-negative dy);
   * offsets under 1000 px take a branch-only fast path.
   */
  offset(dx: number, dy: number): void {
    if (!(dx > -10000 && dx < 10000 && dy > -10000 && dy < 10000)) {
      this.char(108); // "l"
      this.tenths(dx);
      if (dy >= 0) this.char(44);
      this.tenths(dy);
      return;
    }
    this.room(16);
    const buf = this.buf;
    let len = this.len;
    buf[len++] = 108; // "l"
    len = small(buf, len, dx);
    if (dy >= 0) buf[len++] = 44; // ","
    this.len = small(buf, len, dy);
  }

  /** An int32 count of tenths `r` written as `c1(r / 10)` would write it. */
  tenths(r: number): void {
    this.room(16);
    const buf = this.buf;
    let len = this.len;
    let a = r;
    if (a < 0) {
      buf[len++] = 45; // "-"
      a = -a;
    }
    let ip = (a / 10) | 0;
    const dp = a - ip * 10;
    // integer digits, written backwards then reversed in place
    const start = len;
    do {
      const q = (ip / 10) | 0;
      buf[len++] = 48 + ip - q * 10;
      ip = q;
    } while (ip > 0);
    for (let i = start, j = len - 1; i < j; i++, j--) {
      const t = buf[i]!;
      buf[i] = buf[j]!;
      buf[j] = t;
    }
    if (dp !== 0) {
      buf[len++] = 46; // "."
      buf[len++] = 48 + dp;
    }
    this.len = len;
  }

  /** The characters written since {@link reset}. */
  text(): string {
    this.decoder ??= new TextDecoder();
    return this.decoder.decode(this.buf.subarray(this.start, this.len));
  }

  /** The bytes written since {@link reset} (a view that later paths never overwrite). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.len);
  }
}

const writer = new PathWriter();

function writePolyline(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  X: (v: number) => number,
  Y: (v: number) => number,
): void {
  writer.reset();
  let pen = false;
  let near = false;
  let px = 0;
  let py = 0;
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i]!;
    const b = ys[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      pen = false;
      continue;
    }
    const rx = Math.round(X(a) * 10);
    const ry = Math.round(Y(b) * 10);
    if (pen && near && rx > -LIM && rx < LIM && ry > -LIM && ry < LIM) {
      // relative to the previous rounded vertex: the same 0.1 px grid, fewer characters
      writer.offset(rx - px, ry - py);
    } else {
      writer.char(pen ? 76 : 77); // "L" / "M"
      writer.c1(X(a));
      writer.char(44); // ","
      writer.c1(Y(b));
    }
    near = rx > -LIM && rx < LIM && ry > -LIM && ry < LIM;
    px = rx;
    py = ry;
    pen = true;
  }
}

/** Rounded coordinates (tenths) below this size are written relative to the previous vertex. */
const LIM = 1 << 29;

/**
 * Path data of the polyline through (X(xs[i]), Y(ys[i])) with coordinates rounded to 0.1 px ({@link c1}):
 * "M" and the first vertex, then one "l" per vertex with the offset from the previous rounded vertex (so the
 * vertices are exactly the rounded absolute ones, without drift); a non-finite point lifts the pen (the next
 * finite point starts with "M"). Vertices far outside any figure are written absolute with "L".
 */
export function polylinePath(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  X: (v: number) => number,
  Y: (v: number) => number,
): string {
  writePolyline(xs, ys, X, Y);
  return writer.text();
}

/** {@link polylinePath} as ASCII bytes (kept as bytes until the whole figure is decoded once). */
export function polylinePathBytes(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  X: (v: number) => number,
  Y: (v: number) => number,
): Uint8Array {
  writePolyline(xs, ys, X, Y);
  return writer.bytes();
}

/**
 * Markup as pieces: strings, and ASCII bytes for the long path data of lines. Large figures are assembled
 * from pieces once ({@link joinMarkup}): writing megabytes of path data as bytes and decoding the figure
 * once avoids building, copying and garbage-collecting a string per line at every nesting level.
 */
export type Markup = string | Uint8Array;

let decoder: TextDecoder | undefined;
let encoder: TextEncoder | undefined;
let joinBuf = new Uint8Array(0);

/** The markup of pieces as one string. */
export function joinMarkup(parts: readonly Markup[]): string {
  let byteLen = 0;
  let strLen = 0;
  for (const p of parts) {
    if (typeof p === "string") strLen += p.length;
    else byteLen += p.length;
  }
  if (byteLen === 0) return (parts as readonly string[]).join("");
  encoder ??= new TextEncoder();
  decoder ??= new TextDecoder();
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; the buffer is kept for the next figure (the result is
  // a string copy), so large figures do not allocate and zero megabytes each time
  const need = byteLen + 3 * strLen;
  if (joinBuf.length < need) joinBuf = new Uint8Array(need + (need >> 3));
  const out = joinBuf;
  let len = 0;
  let ascii = true;
  let run: string[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const s = run.join("");
    const written = encoder!.encodeInto(s, out.subarray(len)).written;
    // more bytes than UTF-16 code units only where a character is not ASCII
    if (written !== s.length) ascii = false;
    len += written;
    run = [];
  };
  for (const p of parts) {
    if (typeof p === "string") run.push(p);
    else {
      flush();
      out.set(p, len);
      len += p.length;
    }
  }
  flush();
  // Node's Buffer turns ASCII bytes into a string about twice as fast as TextDecoder's UTF-8 path
  const NodeBuffer = (globalThis as unknown as { Buffer?: NodeBufferLike }).Buffer;
  if (ascii && NodeBuffer !== undefined) return NodeBuffer.from(out.buffer, 0, len).latin1Slice(0, len);
  return decoder.decode(out.subarray(0, len));
}

/** The part of Node's `Buffer` used by {@link joinMarkup} (absent in browsers). */
interface NodeBufferLike {
  from(
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): { latin1Slice(start: number, end: number): string };
}
