/** Minimal SVG string writer: escaping, number formatting and element strings. */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const SPECIAL = /[&<>"'\u0080-\uffff]/;

/**
 * Escapes text and attribute values for SVG/HTML; characters outside ASCII (d3's "−" in negative tick
 * labels, Greek variable names) become numeric character references, so markup is ASCII: a figure of
 * megabytes then becomes a string by a plain byte copy instead of UTF-8 decoding into a two-byte string.
 */
export function esc(s: string): string {
  if (!SPECIAL.test(s)) return s;
  let out = "";
  for (const ch of s) {
    const e = ESC[ch];
    if (e !== undefined) out += e;
    else {
      const cp = ch.codePointAt(0)!;
      out += cp < 128 ? ch : `&#${cp};`;
    }
  }
  return out;
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
 * Writes tenths `r` (|r| < 10000) at `len` as {@link c1} would, without the leading zero of a magnitude under
 * 1 (e.g. -12.3, 5, .4, -.4: SVG path numbers need no integer digit); returns the new end.
 */
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
  } else if (ip !== 0 || dp === 0) buf[len++] = 48 + ip;
  if (dp !== 0) {
    buf[len++] = 46; // "."
    buf[len++] = 48 + dp;
  }
  return len;
}

/** Writes the digits of a non-negative int32 `v` at `len`; returns the new end. */
function digits(buf: Uint8Array, len: number, v: number): number {
  let n = 1;
  for (let p = 10; p <= v && n < 10; p *= 10) n++;
  let q = v;
  for (let k = len + n - 1; k >= len; k--) {
    const d = (q / 10) | 0;
    buf[k] = 48 + q - d * 10;
    q = d;
  }
  return len + n;
}

/** Characters outside ASCII as numeric character references (the same text in XML and HTML). */
function charRefs(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp < 128 ? ch : `&#${cp};`;
  }
  return out;
}

/** Size of a markup arena chunk. */
const CHUNK = 1 << 20;

/**
 * Markup written as ASCII bytes into an arena: pieces are appended one after another and handed out as
 * views, so a figure's thousands of marks share a few large chunks instead of building a string each
 * (strings built piece by piece are trees of small strings that survive until the figure is joined, and
 * copying them in every young-generation collection cost more than writing them). A full chunk is left to
 * its views. Characters outside ASCII are written as numeric character references.
 */
class ByteWriter {
  /** The current chunk and the write position in it (read and advanced by tight loops in this module). */
  buf = new Uint8Array(0);
  private start = 0;
  len = 0;
  private decoder: TextDecoder | undefined;

  /** Starts a new piece after the previous one. */
  reset(): void {
    this.start = this.len;
  }

  /** Makes room for `k` more bytes after `len` (possibly moving the current piece to a new chunk). */
  room(k: number): void {
    if (this.len + k <= this.buf.length) return;
    // a new chunk, with the current piece moved to its start
    const used = this.len - this.start;
    const next = new Uint8Array(Math.max(CHUNK, 2 * (used + k)));
    next.set(this.buf.subarray(this.start, this.len));
    this.buf = next;
    this.start = 0;
    this.len = used;
  }

  /** One character code (ASCII). */
  char(code: number): void {
    this.room(1);
    this.buf[this.len++] = code;
  }

  /** Markup written as is (tags, attribute names, escaped values); non-ASCII as `&#N;`. */
  raw(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        this.len = len;
        this.raw(charRefs(s.slice(i)));
        return;
      }
      buf[len++] = c;
    }
    this.len = len;
  }

  /** An attribute or text value, escaped as {@link esc}. */
  text(s: string): void {
    this.raw(SPECIAL.test(s) ? esc(s) : s);
  }

  /** `n2(v)`: v rounded to 0.01, written as `String` writes that number. */
  n2(v: number): void {
    const r = Math.round(v * 100);
    if (!(r > -2147483648 && r < 2147483647)) {
      this.raw(n2(v));
      return;
    }
    this.room(16);
    const buf = this.buf;
    let len = this.len;
    let a = r;
    if (a < 0) {
      buf[len++] = 45; // "-"
      a = -a;
    }
    const ip = (a / 100) | 0;
    const f = a - ip * 100;
    len = digits(buf, len, ip);
    if (f !== 0) {
      const t = (f / 10) | 0;
      const u = f - t * 10;
      buf[len++] = 46; // "."
      buf[len++] = 48 + t;
      if (u !== 0) buf[len++] = 48 + u;
    }
    this.len = len;
  }

  /** A non-negative integer below 2^31 (counts, indices); others as `String(v)`. */
  int(v: number): void {
    if (!(v >= 0 && v < 2147483647 && v === Math.floor(v)) || Object.is(v, -0)) {
      this.raw(String(v));
      return;
    }
    this.room(11);
    this.len = digits(this.buf, this.len, v);
  }

  /** `c1(v)`: v rounded to 0.1, trailing ".0" dropped. */
  c1(v: number): void {
    const r = Math.round(v * 10);
    if (!(r > -2147483648 && r < 2147483647)) {
      // beyond the int32 fast path (far outside any figure): the string formatter's characters
      this.raw(c1(v));
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
    const ip = (a / 10) | 0;
    const dp = a - ip * 10;
    len = digits(buf, len, ip);
    if (dp !== 0) {
      buf[len++] = 46; // "."
      buf[len++] = 48 + dp;
    }
    this.len = len;
  }

  /** The characters written since {@link reset}. */
  string(): string {
    this.decoder ??= new TextDecoder();
    return this.decoder.decode(this.buf.subarray(this.start, this.len));
  }

  /** The bytes written since {@link reset} (a view that later pieces never overwrite). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.len);
  }
}

/** The shared writer of path data and marks (one figure is built at a time; pieces are views). */
export const writer = new ByteWriter();

/** An affine map v ↦ o + (v − v0)·k per axis, from data to pixel coordinates. */
export interface Affine {
  /** Pixel offset, data origin and pixels per data unit of x. */
  ox: number;
  x0: number;
  kx: number;
  /** The same for y. */
  oy: number;
  y0: number;
  ky: number;
}

/** Rounded coordinates (tenths) below this size are written relative to the previous vertex. */
const LIM = 1 << 29;

/** Writes the path data of {@link polylinePath} at the writer's end (without starting a new piece). */
export function writePolyline(xs: ArrayLike<number>, ys: ArrayLike<number>, m: Affine): void {
  const { ox, x0, kx, oy, y0, ky } = m;
  const n = xs.length;
  let pen = false;
  let near = false;
  let px = 0;
  let py = 0;
  // room for every vertex written relative (at most 1 + 2·6 characters) at once; absolute ones ask for more
  writer.room(13 * n + 16);
  let buf = writer.buf;
  let len = writer.len;
  for (let i = 0; i < n; i++) {
    const a = xs[i]!;
    const b = ys[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      pen = false;
      continue;
    }
    const X = ox + (a - x0) * kx;
    const Y = oy + (b - y0) * ky;
    const rx = Math.round(X * 10);
    const ry = Math.round(Y * 10);
    const inside = rx > -LIM && rx < LIM && ry > -LIM && ry < LIM;
    const dx = rx - px;
    const dy = ry - py;
    if (pen && near && dx > -10000 && dx < 10000 && dy > -10000 && dy < 10000) {
      // relative to the previous rounded vertex: the same 0.1 px grid, fewer characters
      buf[len++] = 108; // "l"
      len = small(buf, len, dx);
      if (dy >= 0) buf[len++] = 44; // ","
      len = small(buf, len, dy);
    } else {
      writer.len = len;
      if (pen && near && inside) writer.offset(dx, dy);
      else {
        writer.char(pen ? 76 : 77); // "L" / "M"
        writer.c1(X);
        writer.char(44); // ","
        writer.c1(Y);
      }
      writer.room(13 * (n - i) + 16);
      buf = writer.buf;
      len = writer.len;
    }
    near = inside;
    px = rx;
    py = ry;
    pen = true;
  }
  writer.len = len;
}

/**
 * Path data of the polyline through (X(xs[i]), Y(ys[i])) for the affine map `m`, with coordinates rounded
 * to 0.1 px ({@link c1}): "M" and the first vertex, then one "l" per vertex with the offset from the previous
 * rounded vertex (so the vertices are exactly the rounded absolute ones, without drift); a non-finite point
 * lifts the pen (the next finite point starts with "M"). Vertices far outside any figure are written
 * absolute with "L".
 */
export function polylinePath(xs: ArrayLike<number>, ys: ArrayLike<number>, m: Affine): string {
  writer.reset();
  writePolyline(xs, ys, m);
  return writer.string();
}

/** {@link polylinePath} as ASCII bytes (kept as bytes until the whole figure is decoded once). */
export function polylinePathBytes(xs: ArrayLike<number>, ys: ArrayLike<number>, m: Affine): Uint8Array {
  writer.reset();
  writePolyline(xs, ys, m);
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
