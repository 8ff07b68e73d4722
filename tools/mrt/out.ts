// A byte buffer for text output: lines are built as ASCII octets (numbers,
// addresses and field separators written digit by digit), never as JS strings,
// and handed to a sink in large blocks. Address text follows bgpdump's own
// formatting (util/inet_ntop in bgpdump 1.6), which differs from RFC 5952 in
// two ways that matter for byte-exact output: a single zero group is also
// compressed to "::", and IPv4-compatible addresses (::a.b.c.d) get dotted
// text like IPv4-mapped ones.

export type Sink = (block: Uint8Array) => void

const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102])

/** "00".."99" as digit pairs. */
const PAIRS = new Uint8Array(200)
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10)
  PAIRS[2 * i + 1] = 48 + (i % 10)
}

function digitCount(v: number): number {
  if (v < 100000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10000 ? 4 : 5
  if (v < 1e10) return v < 1e7 ? (v < 1e6 ? 6 : 7) : v < 1e8 ? 8 : v < 1e9 ? 9 : 10
  return String(v).length
}

export class Out {
  buf: Uint8Array
  pos = 0
  readonly #sink: Sink | undefined
  readonly #flushAt: number

  /** With a sink, full blocks go to it; without one, the buffer grows (scratch text). */
  constructor(sink: Sink | undefined, size = 1 << 20) {
    this.buf = new Uint8Array(size)
    this.#sink = sink
    this.#flushAt = size - (size >> 3)
  }

  /** Called after each line: hands out the block once it is mostly full. */
  lineDone(): void {
    if (this.pos >= this.#flushAt) this.flush()
  }

  flush(): void {
    if (this.pos === 0 || !this.#sink) return
    this.#sink(this.buf.slice(0, this.pos))
    this.pos = 0
  }

  /** Makes room for n more octets. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    if (this.#sink) {
      this.flush()
      if (n > this.buf.length) this.buf = new Uint8Array(n * 2)
      return
    }
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
    bigger.set(this.buf.subarray(0, this.pos))
    this.buf = bigger
  }

  /** The text written so far (scratch use). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }

  byte(c: number): void {
    if (this.pos >= this.buf.length) this.room(1)
    this.buf[this.pos++] = c
  }

  /** ASCII text (no check: callers pass ASCII). */
  ascii(s: string): void {
    const n = s.length
    if (this.pos + n > this.buf.length) this.room(n)
    const b = this.buf
    let p = this.pos
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i)
    this.pos = p
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start
    if (this.pos + n > this.buf.length) this.room(n)
    const b = this.buf
    if (n > 48) {
      b.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.pos)
      this.pos += n
      return
    }
    let p = this.pos
    for (let i = start; i < end; i++) b[p++] = src[i]!
    this.pos = p
  }

  /** An unsigned integer below 2^53, in decimal. */
  uint(v: number): void {
    if (this.pos + 20 > this.buf.length) this.room(20)
    const b = this.buf
    if (v < 10) {
      b[this.pos++] = 48 + v
      return
    }
    const digits = digitCount(v)
    let p = this.pos + digits
    this.pos = p
    if (v > 0x7fffffff) {
      while (v >= 10) {
        const q = Math.floor(v / 10)
        b[--p] = 48 + (v - q * 10)
        v = q
      }
      b[--p] = 48 + v
      return
    }
    while (v >= 100) {
      const q = (v / 100) | 0
      const r = 2 * (v - q * 100)
      b[--p] = PAIRS[r + 1]!
      b[--p] = PAIRS[r]!
      v = q
    }
    if (v >= 10) {
      b[--p] = PAIRS[2 * v + 1]!
      b[--p] = PAIRS[2 * v]!
    } else {
      b[--p] = 48 + v
    }
  }

  /** A 32-bit value as C's %d prints it (values ≥ 2^31 negative). */
  int32(v: number): void {
    const s = v | 0
    if (s < 0) {
      this.byte(45)
      this.uint(-s)
    } else this.uint(s)
  }

  /** Dotted quad of b[o..o+4). */
  ipv4(b: Uint8Array, o: number): void {
    if (this.pos + 16 > this.buf.length) this.room(16)
    this.uint(b[o]!)
    this.buf[this.pos++] = 46
    this.uint(b[o + 1]!)
    this.buf[this.pos++] = 46
    this.uint(b[o + 2]!)
    this.buf[this.pos++] = 46
    this.uint(b[o + 3]!)
  }

  /** Dotted quad of a 32-bit value (network order). */
  ipv4n(v: number): void {
    this.uint(v >>> 24)
    this.byte(46)
    this.uint((v >>> 16) & 0xff)
    this.byte(46)
    this.uint((v >>> 8) & 0xff)
    this.byte(46)
    this.uint(v & 0xff)
  }

  /** IPv6 text of b[o..o+16) as bgpdump writes it. */
  ipv6(b: Uint8Array, o: number): void {
    if (this.pos + 48 > this.buf.length) this.room(48)
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, not :: or ::1).
    let high = 0
    for (let i = 0; i < 10; i++) high |= b[o + i]!
    if (high === 0) {
      const g5 = (b[o + 10]! << 8) | b[o + 11]!
      const low = b[o + 12]! * 0x1000000 + ((b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!)
      if (g5 === 0xffff || (g5 === 0 && low > 1)) {
        this.byte(58)
        this.byte(58)
        if (g5 === 0xffff) this.ascii('ffff:')
        this.ipv4(b, o + 12)
        return
      }
    }
    // The longest run of zero groups (first of equals, length 1 counts) becomes "::".
    let best = -1
    let bestLen = 0
    for (let i = 0; i < 8; ) {
      if (b[o + 2 * i] !== 0 || b[o + 2 * i + 1] !== 0) {
        i++
        continue
      }
      let j = i
      while (j < 8 && b[o + 2 * j] === 0 && b[o + 2 * j + 1] === 0) j++
      if (j - i > bestLen) {
        best = i
        bestLen = j - i
      }
      i = j
    }
    const out = this.buf
    let p = this.pos
    for (let i = 0; i < 8; i++) {
      if (i === best) {
        if (i === 0) out[p++] = 58
        out[p++] = 58
        i += bestLen - 1
        continue
      }
      const g = (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!
      if (g >= 0x1000) out[p++] = HEX[g >> 12]!
      if (g >= 0x100) out[p++] = HEX[(g >> 8) & 15]!
      if (g >= 0x10) out[p++] = HEX[(g >> 4) & 15]!
      out[p++] = HEX[g & 15]!
      if (i !== 7) out[p++] = 58
    }
    this.pos = p
  }

  /** "MM/DD/YY HH:MM:SS" in UTC, as bgpdump -M writes times. */
  humanTime(seconds: number): void {
    const d = new Date(seconds * 1000)
    two(this, d.getUTCMonth() + 1)
    this.byte(47)
    two(this, d.getUTCDate())
    this.byte(47)
    two(this, d.getUTCFullYear() % 100)
    this.byte(32)
    two(this, d.getUTCHours())
    this.byte(58)
    two(this, d.getUTCMinutes())
    this.byte(58)
    two(this, d.getUTCSeconds())
  }
}

function two(o: Out, v: number): void {
  if (v < 10) o.byte(48)
  o.uint(v)
}
