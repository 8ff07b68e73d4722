// IP addresses and prefixes: text forms (IPv4 dotted quad, IPv6 per RFC 5952)
// from wire bytes and back. Prefix text keeps the bits exactly as sent (host
// bits beyond the length are not masked) so that re-encoding reproduces the
// received bytes; `maskPrefix` is there for consumers that need canonical keys.

export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`
}

/** IPv6 text per RFC 5952: lowercase, no leading zeros, longest zero run (≥ 2 groups, leftmost) as `::`, IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const g = new Array<number>(8)
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, off + 12)}`
  }
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':')
  const head = g
    .slice(0, bestStart)
    .map((x) => x.toString(16))
    .join(':')
  const tail = g
    .slice(bestStart + bestLen)
    .map((x) => x.toString(16))
    .join(':')
  return `${head}::${tail}`
}

export function formatIP(b: Uint8Array, off: number, len: 4 | 16): string {
  return len === 4 ? formatIPv4(b, off) : formatIPv6(b, off)
}

export function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!
    if (!/^\d{1,3}$/.test(p)) return undefined
    const v = Number(p)
    if (v > 255) return undefined
    out[i] = v
  }
  return out
}

export function parseIPv6(s: string): Uint8Array | undefined {
  let text = s
  const zone = text.indexOf('%')
  if (zone >= 0) text = text.slice(0, zone)
  const out = new Uint8Array(16)
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const lastColon = text.lastIndexOf(':')
  let tailV4: Uint8Array | undefined
  if (text.indexOf('.', lastColon) > lastColon) {
    tailV4 = parseIPv4(text.slice(lastColon + 1))
    if (!tailV4) return undefined
    text = `${text.slice(0, lastColon + 1)}0:0`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups = part.split(':')
    const vals: number[] = []
    for (const grp of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(grp)) return undefined
      vals.push(Number.parseInt(grp, 16))
    }
    return vals
  }
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  if (!head || !tail) return undefined
  if (halves.length === 1 && head.length !== 8) return undefined
  if (halves.length === 2 && head.length + tail.length > 7) return undefined
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >>> 8
    out[2 * i + 1] = groups[i]! & 0xff
  }
  if (tailV4) out.set(tailV4, 12)
  return out
}

/** Parses either family; the result's length (4 or 16) says which. */
export function parseIP(s: string): Uint8Array | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s)
}

/** Text of a prefix whose significant bytes are b[off .. off+ceil(len/8)). */
export function formatPrefix(b: Uint8Array, off: number, len: number, width: 4 | 16): string {
  const nb = (len + 7) >> 3
  if (width === 4) {
    // Fast path: the hot loop of every IPv4 UPDATE.
    const a = nb > 0 ? b[off]! : 0
    const c1 = nb > 1 ? b[off + 1]! : 0
    const c2 = nb > 2 ? b[off + 2]! : 0
    const c3 = nb > 3 ? b[off + 3]! : 0
    return `${a}.${c1}.${c2}.${c3}/${len}`
  }
  const full = new Uint8Array(16)
  for (let i = 0; i < nb; i++) full[i] = b[off + i]!
  return `${formatIPv6(full, 0)}/${len}`
}

export interface ParsedPrefix {
  readonly address: Uint8Array // 4 or 16 bytes
  readonly length: number
}

export function parsePrefix(s: string): ParsedPrefix | undefined {
  const slash = s.lastIndexOf('/')
  const addr = parseIP(slash < 0 ? s : s.slice(0, slash))
  if (!addr) return undefined
  const max = addr.length * 8
  if (slash < 0) return { address: addr, length: max }
  const lenText = s.slice(slash + 1)
  if (!/^\d{1,3}$/.test(lenText)) return undefined
  const length = Number(lenText)
  if (length > max) return undefined
  return { address: addr, length }
}

/**
 * <length octet, prefix octets> of a prefix text, as NLRI carry it; undefined for
 * anything but a prefix of the given width. IPv4 is read by hand: RIB dumps and BMP
 * route monitoring do it once per prefix of a full table.
 */
export function prefixTextNlri(prefix: string, width: 4 | 16): Uint8Array | undefined {
  if (width === 16) {
    const p = parsePrefix(prefix)
    if (p?.address.length !== 16) return undefined
    const n = (p.length + 7) >> 3
    const out = new Uint8Array(1 + n)
    out[0] = p.length
    out.set(p.address.subarray(0, n), 1)
    return out
  }
  const out = new Uint8Array(5)
  let octet = 0
  let value = 0
  let digits = 0
  let i = 0
  for (; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i)
    if (c === 46 || c === 47) {
      if (digits === 0 || value > 255 || octet === 4) return undefined
      out[++octet] = value
      value = 0
      digits = 0
      if (c === 47) break
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48)
      digits++
    } else return undefined
  }
  if (octet !== 4 || i === prefix.length) return undefined
  let len = 0
  for (i++; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i)
    if (c < 48 || c > 57 || ++digits > 2) return undefined
    len = len * 10 + (c - 48)
  }
  if (digits === 0 || len > 32) return undefined
  out[0] = len
  return out.subarray(0, 1 + ((len + 7) >> 3))
}

/** Zeroes the host bits of a prefix address in place and returns it. */
export function maskPrefix(address: Uint8Array, length: number): Uint8Array {
  for (let bit = length; bit < address.length * 8; bit++) {
    address[bit >> 3]! &= ~(0x80 >> (bit & 7))
  }
  return address
}
