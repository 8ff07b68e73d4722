// Hex is how raw bytes appear in every JSON form (lowercase, no separators), and
// how tests and the decode tool take bytes in.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = ''
  for (let i = start; i < end; i++) s += HEX[b[i]!]
  return s
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Parses hex, ignoring whitespace and ':' separators; undefined when not hex. */
export function fromHex(s: string): Uint8Array | undefined {
  const clean = s.replace(/[\s:]/g, '')
  const t = clean.startsWith('0x') || clean.startsWith('0X') ? clean.slice(2) : clean
  if (t.length % 2 !== 0) return undefined
  const out = new Uint8Array(t.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(t.charCodeAt(2 * i))
    const lo = nibble(t.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) return undefined
    out[i] = (hi << 4) | lo
  }
  return out
}

export function hexOrThrow(s: string, what = 'hex'): Uint8Array {
  const b = fromHex(s)
  if (!b) throw new Error(`${what}: not hex: ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`)
  return b
}
