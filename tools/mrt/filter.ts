// `--filter`: which routes of an MRT file to show. A filter is a list of
// terms; a route must satisfy every term, and a term any of its values:
//
//   peer=ADDR[,ADDR…]        the peer's address (RIB entry peer, BGP4MP peer)
//   peer-as=ASN[,…]          the peer's AS
//   prefix=P[,…]             the prefix, exactly (host bits beyond the length ignored)
//   prefix=P+                P or any more-specific prefix
//   prefix=P-                P or any less-specific (covering) prefix
//   origin=ASN[,…]           the origin AS (last AS of the path, AS4_PATH merged)
//   path=ASN[,…]             an AS anywhere in the AS path
//   community=A:B[,…]        a standard community (or NO_EXPORT, …)
//   family=NAME[,…]          ipv4-unicast, ipv6-unicast, ipv4-vpn, … (DESIGN.md names)
//   type=KIND[,…]            rib, update (= announce + withdraw), announce, withdraw,
//                            state, message (any BGP4MP message), or an MRT type
//                            name, alone or with its subtype: BGP4MP_ET,
//                            TABLE_DUMP_V2/RIB_IPV6_UNICAST
//
// Terms are separated by spaces or ';' (or given as several --filter
// options): `--filter 'peer=192.0.2.1 prefix=10.0.0.0/8+ type=announce'`.
// A record matches when one of its routes does; the bgpdump format applies
// the filter line by line, the JSON forms keep the RIB entries that match.

import { familyByName, familyKey, parseCommunity } from '../../collector/src/bgp/index.ts'
import { mrtSubtypeName, mrtTypeName } from '../../collector/src/mrt/index.ts'
import { parseIP, parsePrefix } from '../../collector/src/wire/ip.ts'

export type RouteKind = 'rib' | 'announce' | 'withdraw' | 'state' | 'message' | 'peer-index' | 'other'

/** What a filter looks at: one route (or one non-route record) in wire terms. */
export interface RouteInfo {
  kind: RouteKind
  type: number
  subtype: number
  /** 4 or 16 octets. */
  peer: Uint8Array | undefined
  peerAs: number | undefined
  afi: number
  safi: number
  /** Prefix octets (at least ceil(length/8) of them) and length, for IP families. */
  prefix: Uint8Array | undefined
  prefixOffset: number
  prefixLength: number
  /** Path attribute octets and whether their ASNs are 4 octets. */
  attributes: Uint8Array | undefined
  attributesStart: number
  attributesEnd: number
  asn4: boolean
}

export function emptyRoute(): RouteInfo {
  return {
    kind: 'other',
    type: 0,
    subtype: 0,
    peer: undefined,
    peerAs: undefined,
    afi: 0,
    safi: 0,
    prefix: undefined,
    prefixOffset: 0,
    prefixLength: 0,
    attributes: undefined,
    attributesStart: 0,
    attributesEnd: 0,
    asn4: true,
  }
}

interface PrefixTerm {
  readonly address: Uint8Array
  readonly length: number
  readonly mode: 'exact' | 'more' | 'less'
}

interface Terms {
  peer?: Uint8Array[]
  peerAs?: Set<number>
  prefix?: PrefixTerm[]
  origin?: Set<number>
  path?: Set<number>
  community?: Set<number>
  family?: Set<number>
  kinds?: Set<string>
  types?: Set<string>
}

export class FilterError extends Error {}

function asn(v: string, key: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new FilterError(`${key}: not an AS number: ${v}`)
  return Number(v)
}

const KINDS = new Set(['rib', 'update', 'announce', 'withdraw', 'state', 'message', 'peer-index'])

export function parseFilter(specs: readonly string[]): MrtFilter {
  const t: Terms = {}
  for (const spec of specs) {
    for (const term of spec.split(/[\s;]+/).filter(Boolean)) {
      const eq = term.indexOf('=')
      if (eq <= 0) throw new FilterError(`not key=value: ${term}`)
      const key = term.slice(0, eq)
      const values = term
        .slice(eq + 1)
        .split(',')
        .filter(Boolean)
      if (!values.length) throw new FilterError(`${key}: no value`)
      switch (key) {
        case 'peer':
          t.peer = [
            ...(t.peer ?? []),
            ...values.map((v) => {
              const a = parseIP(v)
              if (!a) throw new FilterError(`peer: not an address: ${v}`)
              return a
            }),
          ]
          break
        case 'peer-as':
          t.peerAs = new Set([...(t.peerAs ?? []), ...values.map((v) => asn(v, key))])
          break
        case 'origin':
          t.origin = new Set([...(t.origin ?? []), ...values.map((v) => asn(v, key))])
          break
        case 'path':
          t.path = new Set([...(t.path ?? []), ...values.map((v) => asn(v, key))])
          break
        case 'community':
          t.community = new Set([
            ...(t.community ?? []),
            ...values.map((v) => {
              const c = parseCommunity(v)
              if (c === undefined) throw new FilterError(`community: not a community: ${v}`)
              return c
            }),
          ])
          break
        case 'family':
          t.family = new Set([
            ...(t.family ?? []),
            ...values.map((v) => {
              const k = familyByName(v)
              if (k === undefined) throw new FilterError(`family: unknown family: ${v}`)
              return k
            }),
          ])
          break
        case 'prefix':
          t.prefix = [
            ...(t.prefix ?? []),
            ...values.map((v): PrefixTerm => {
              const mode = v.endsWith('+') ? 'more' : v.endsWith('-') ? 'less' : 'exact'
              const p = parsePrefix(mode === 'exact' ? v : v.slice(0, -1))
              if (!p || !v.includes('/')) throw new FilterError(`prefix: not a prefix: ${v}`)
              return { address: p.address, length: p.length, mode }
            }),
          ]
          break
        case 'type':
          for (const v of values) {
            if (KINDS.has(v)) (t.kinds ??= new Set()).add(v)
            else (t.types ??= new Set()).add(v.toUpperCase())
          }
          break
        default:
          throw new FilterError(
            `unknown filter key '${key}' (peer, peer-as, prefix, origin, path, community, family, type)`,
          )
      }
    }
  }
  return new MrtFilter(t)
}

/** Do the first `bits` bits of a (from ao) and b (from bo) agree? Missing octets read as zero. */
function sameBits(a: Uint8Array, ao: number, aEnd: number, b: Uint8Array, bits: number): boolean {
  const full = bits >> 3
  for (let i = 0; i < full; i++) if ((ao + i < aEnd ? a[ao + i]! : 0) !== (b[i] ?? 0)) return false
  const rest = bits & 7
  if (!rest) return true
  const mask = (0xff00 >> rest) & 0xff
  return ((ao + full < aEnd ? a[ao + full]! : 0) & mask) === ((b[full] ?? 0) & mask)
}

function u32(b: Uint8Array, p: number): number {
  return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)
}

/** The value bounds of the first attribute of `code` in a[start..end). */
function findAttribute(
  a: Uint8Array,
  start: number,
  end: number,
  code: number,
): [number, number] | undefined {
  let p = start
  while (p + 3 <= end) {
    const ext = (a[p]! & 0x10) !== 0
    const len = ext ? (p + 4 <= end ? (a[p + 2]! << 8) | a[p + 3]! : 0) : a[p + 2]!
    const v = p + (ext ? 4 : 3)
    if (v + len > end) return undefined
    if (a[p + 1] === code) return [v, v + len]
    p = v + len
  }
  return undefined
}

function eachAsn(
  a: Uint8Array,
  span: [number, number] | undefined,
  width: number,
  f: (asn: number, last: boolean, set: boolean) => void,
): void {
  if (!span) return
  let p = span[0]
  const end = span[1]
  while (p + 2 <= end) {
    const type = a[p]!
    const n = a[p + 1]!
    if (p + 2 + n * width > end) return
    const lastSegment = p + 2 + n * width === end
    for (let i = 0; i < n; i++) {
      const q = p + 2 + i * width
      f(width === 4 ? u32(a, q) : (a[q]! << 8) | a[q + 1]!, lastSegment && i === n - 1, type !== 2)
    }
    p += 2 + n * width
  }
}

export class MrtFilter {
  readonly #t: Terms
  readonly empty: boolean
  /** The filter needs the path attributes (origin, path, community terms). */
  readonly needsAttributes: boolean

  constructor(t: Terms) {
    this.#t = t
    this.empty = Object.keys(t).length === 0
    this.needsAttributes = t.origin !== undefined || t.path !== undefined || t.community !== undefined
  }

  /** Can any route of a record of this type match (the type term alone)? */
  typeMatches(type: number, subtype: number): boolean {
    const types = this.#t.types
    if (!types) return true
    const name = mrtTypeName(type)
    return types.has(name) || types.has(`${name}/${mrtSubtypeName(type, subtype)}`)
  }

  #kind(kind: RouteKind): boolean {
    const k = this.#t.kinds
    if (!k) return true
    if (k.has(kind)) return true
    if ((kind === 'announce' || kind === 'withdraw') && (k.has('update') || k.has('message'))) return true
    return false
  }

  route(r: RouteInfo): boolean {
    const t = this.#t
    if (!this.typeMatches(r.type, r.subtype) || !this.#kind(r.kind)) return false
    if (t.peer) {
      const peer = r.peer
      if (!peer || !t.peer.some((a) => a.length === peer.length && a.every((x, i) => x === peer[i])))
        return false
    }
    if (t.peerAs && (r.peerAs === undefined || !t.peerAs.has(r.peerAs))) return false
    if (t.family && !t.family.has(familyKey(r.afi, r.safi))) return false
    if (t.prefix) {
      const b = r.prefix
      if (!b) return false
      const width = r.afi === 1 ? 4 : r.afi === 2 ? 16 : 0
      const end = r.prefixOffset + ((r.prefixLength + 7) >> 3)
      const ok = t.prefix.some((p) => {
        if (p.address.length !== width) return false
        if (p.mode === 'exact')
          return r.prefixLength === p.length && sameBits(b, r.prefixOffset, end, p.address, p.length)
        if (p.mode === 'more')
          return r.prefixLength >= p.length && sameBits(b, r.prefixOffset, end, p.address, p.length)
        return r.prefixLength <= p.length && sameBits(b, r.prefixOffset, end, p.address, r.prefixLength)
      })
      if (!ok) return false
    }
    if (this.needsAttributes) {
      const a = r.attributes
      if (!a) return false
      const asPath = findAttribute(a, r.attributesStart, r.attributesEnd, 2)
      const as4Path = r.asn4 ? undefined : findAttribute(a, r.attributesStart, r.attributesEnd, 17)
      if (t.origin) {
        let origin = -1
        eachAsn(a, asPath, r.asn4 ? 4 : 2, (n, last, set) => {
          if (last) origin = set ? -1 : n
        })
        // On 2-octet records the path ends in AS4_PATH (RFC 6793 §4.2.3).
        if (as4Path)
          eachAsn(a, as4Path, 4, (n, last, set) => {
            if (last) origin = set ? -1 : n
          })
        if (!t.origin.has(origin)) return false
      }
      if (t.path) {
        let found = false
        const want = t.path
        eachAsn(a, asPath, r.asn4 ? 4 : 2, (n) => {
          if (want.has(n)) found = true
        })
        eachAsn(a, as4Path, 4, (n) => {
          if (want.has(n)) found = true
        })
        if (!found) return false
      }
      if (t.community) {
        const span = findAttribute(a, r.attributesStart, r.attributesEnd, 8)
        let found = false
        if (span) for (let p = span[0]; p + 4 <= span[1]; p += 4) if (t.community.has(u32(a, p))) found = true
        if (!found) return false
      }
    }
    return true
  }
}
