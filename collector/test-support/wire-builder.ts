// A tiny byte-by-byte builder of BGP messages for tests that need exact wire
// octets, malformed ones included: nothing here validates anything, every
// length can be overridden, and offsets are easy to count (the header is 19
// octets, an UPDATE's attributes start at 23 + withdrawn length).

export type Bytes = readonly number[]

export const MARKER: Bytes = new Array<number>(16).fill(0xff)

export function be16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff]
}

export function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]
}

/** The octets of hex text (spaces and ':' ignored). */
export function hx(s: string): number[] {
  const t = s.replace(/[\s:]/g, '')
  if (t.length % 2 || /[^0-9a-fA-F]/.test(t)) throw new Error(`not hex: ${s}`)
  const out: number[] = []
  for (let i = 0; i < t.length; i += 2) out.push(Number.parseInt(t.slice(i, i + 2), 16))
  return out
}

/** A whole message: marker, length (the real one unless given), type, body. */
export function message(
  type: number,
  body: Bytes,
  opts: { length?: number; marker?: Bytes } = {},
): Uint8Array {
  const length = opts.length ?? 19 + body.length
  return Uint8Array.from([...(opts.marker ?? MARKER), ...be16(length), type, ...body])
}

/** A path attribute: flags, code, a 1-octet length (2 with the Extended Length flag), value. */
export function attr(flags: number, code: number, value: Bytes, length = value.length): number[] {
  return [flags, code, ...(flags & 0x10 ? be16(length) : [length & 0xff]), ...value]
}

export interface UpdateParts {
  readonly withdrawn?: Bytes
  readonly attributes?: Bytes
  readonly nlri?: Bytes
  /** Overrides of the two length fields and of the header length. */
  readonly withdrawnLength?: number
  readonly attributesLength?: number
  readonly length?: number
}

export function updateBody(p: UpdateParts): number[] {
  const w = p.withdrawn ?? []
  const a = p.attributes ?? []
  return [
    ...be16(p.withdrawnLength ?? w.length),
    ...w,
    ...be16(p.attributesLength ?? a.length),
    ...a,
    ...(p.nlri ?? []),
  ]
}

export function update(p: UpdateParts): Uint8Array {
  return message(2, updateBody(p), p.length === undefined ? {} : { length: p.length })
}

/** An IPv4/IPv6 <length, prefix> NLRI from "a.b.c.d/len" style text given as octets. */
export function prefix(bits: number, ...octets: number[]): number[] {
  return [bits, ...octets]
}

// Well-formed attributes most tests need.
export const ORIGIN_IGP = attr(0x40, 1, [0])
export const AS_PATH_4 = attr(0x40, 2, [2, 1, ...be32(65001)])
export const AS_PATH_2 = attr(0x40, 2, [2, 1, ...be16(65001)])
export const NEXT_HOP = attr(0x40, 3, [192, 0, 2, 1])
/** ORIGIN, AS_PATH (4-octet), NEXT_HOP: 4 + 9 + 7 = 20 octets. */
export const MANDATORY = [...ORIGIN_IGP, ...AS_PATH_4, ...NEXT_HOP]
/** 10.0.0.0/8 */
export const NLRI_10 = prefix(8, 10)

/** An OPEN body: version 4, My AS, hold time, BGP identifier, optional parameters. */
export function openBody(params: Bytes, opts: { asn?: number; hold?: number; id?: Bytes } = {}): number[] {
  return [
    4,
    ...be16(opts.asn ?? 65001),
    ...be16(opts.hold ?? 180),
    ...(opts.id ?? [192, 0, 2, 1]),
    params.length,
    ...params,
  ]
}

/** Optional parameter of type 2 holding the given capabilities ([code, value] pairs). */
export function capabilityParameter(...caps: (readonly [number, Bytes])[]): number[] {
  const v = caps.flatMap(([code, value]) => [code, value.length, ...value])
  return [2, v.length, ...v]
}
