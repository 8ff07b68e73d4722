// Test support for the RIB's tests: UPDATE messages built with the codec's
// encoder, then decoded and applied exactly as a session does (raw octets,
// decodeMessage, updateRoutes, apply). Used only by rib/*.test.ts.

import {
  ALL_FAMILIES,
  type CodecContext,
  codecContext,
  decodeMessage,
  encodeMessage,
  familyName,
  type IpPrefixNlri,
  type Nlri,
  type PathAttribute,
  type UpdateMessage,
  updateRoutes,
} from '../bgp/index.ts'
import type { ApplyResult, PeerId, Rib } from './index.ts'

export const CTX: CodecContext = codecContext()
export const ADD_PATH: CodecContext = codecContext({ addPath: ALL_FAMILIES })
export const CTX2: CodecContext = codecContext({ asn4: false })

export interface PathSpec {
  readonly asPath?: readonly number[]
  readonly communities?: readonly string[]
  readonly med?: number
  /** IPv4 NLRI field: NEXT_HOP; MP families: the next hop list. */
  readonly nextHop?: readonly string[]
}

export function p(prefix: string, pathId?: number): IpPrefixNlri {
  return pathId === undefined ? { prefix } : { prefix, pathId }
}

/** ORIGIN, AS_PATH, [NEXT_HOP], [MED], [COMMUNITIES], in that order. */
export function attributes(spec: PathSpec, nextHop?: string): PathAttribute[] {
  const list: PathAttribute[] = [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    {
      code: 2,
      flags: 0x40,
      name: 'AS_PATH',
      value: [{ type: 'AS_SEQUENCE', asns: [...(spec.asPath ?? [64500])] }],
    },
  ]
  if (nextHop !== undefined) list.push({ code: 3, flags: 0x40, name: 'NEXT_HOP', value: nextHop })
  if (spec.med !== undefined) list.push({ code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: spec.med })
  if (spec.communities?.length) {
    list.push({ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: [...spec.communities] })
  }
  return list
}

export function announce4(nlri: readonly IpPrefixNlri[], spec: PathSpec = {}): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: attributes(spec, spec.nextHop?.[0] ?? '192.0.2.1'),
    nlri,
  }
}

/** An MP_REACH_NLRI announcement; the MP attribute goes last, after the others. */
export function announceMp(
  afi: number,
  safi: number,
  nlri: readonly Nlri[],
  spec: PathSpec = {},
): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      ...attributes(spec),
      {
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: { afi, safi, family: familyName(afi, safi), nextHop: spec.nextHop ?? ['2001:db8::1'], nlri },
      },
    ],
    nlri: [],
  }
}

export function withdraw4(nlri: readonly IpPrefixNlri[]): UpdateMessage {
  return { type: 'UPDATE', withdrawn: nlri, attributes: [], nlri: [] }
}

export function withdrawMp(afi: number, safi: number, nlri: readonly Nlri[]): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 15,
        flags: 0x90,
        name: 'MP_UNREACH_NLRI',
        value: { afi, safi, family: familyName(afi, safi), nlri },
      },
    ],
    nlri: [],
  }
}

/** Encodes, decodes and applies one UPDATE as a session would; throws if the codec found problems. */
export function send(rib: Rib, peer: PeerId, m: UpdateMessage, ctx: CodecContext = CTX): ApplyResult {
  const raw = encodeMessage(m, ctx)
  const r = decodeMessage(raw, ctx)
  if (r.problems.length) throw new Error(`test UPDATE has problems: ${JSON.stringify(r.problems)}`)
  return rib.apply(peer, updateRoutes(r.message as UpdateMessage, r.problems, ctx), raw, ctx)
}

/** A seeded PRNG (mulberry32) for the RIB's randomised tests: the same tables on every run. */
export function seeded(seed: number): {
  next(): number
  int(lo: number, hi: number): number
  pick<T>(items: readonly T[]): T
  bytes(n: number): Uint8Array
} {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    bytes: (n) => Uint8Array.from({ length: n }, () => int(0, 255)),
  }
}
