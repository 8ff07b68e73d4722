// The effective AS path and aggregator of an UPDATE (RFC 6793 §4.2.3).
//
// On a 4-octet-AS session AS_PATH is already exact, and AS4_PATH and
// AS4_AGGREGATOR must be ignored. On a 2-octet session, ASNs above 65535 appear
// as AS_TRANS in AS_PATH and AGGREGATOR, and the real ones in AS4_PATH and
// AS4_AGGREGATOR:
//  - if AGGREGATOR is present with an AS other than AS_TRANS, AS4_PATH and
//    AS4_AGGREGATOR are ignored (an old speaker aggregated after a new one);
//  - otherwise AS4_AGGREGATOR (if any) is the aggregator, and if AS_PATH has
//    at least as many ASes as AS4_PATH, the path is the leading ASes of AS_PATH
//    (with a leading or adjacent confederation segment) followed by AS4_PATH;
//    if fewer, AS4_PATH is ignored.
// "Number of ASes" counts an AS_SET as one and confederation segments as none
// (the path length of RFC 4271 §9.1.2.2). Confederation segments inside
// AS4_PATH are not allowed there and are dropped (RFC 6793 §6).

import { AS_TRANS } from '../constants.ts'
import type { Aggregator, AsPathSegment } from './types.ts'

function isConfed(s: AsPathSegment): boolean {
  return s.type === 'AS_CONFED_SEQUENCE' || s.type === 'AS_CONFED_SET'
}

export function pathLength(segments: readonly AsPathSegment[]): number {
  let n = 0
  for (const s of segments) {
    if (s.type === 'AS_SEQUENCE') n += s.asns.length
    else if (s.type === 'AS_SET') n += 1
  }
  return n
}

function leading(asPath: readonly AsPathSegment[], hops: number): AsPathSegment[] {
  const out: AsPathSegment[] = []
  let left = hops
  let previousTaken = true
  for (const s of asPath) {
    if (isConfed(s)) {
      if (!previousTaken) break
      out.push(s)
      continue
    }
    if (left === 0) break
    if (s.type === 'AS_SET') {
      out.push(s)
      left -= 1
    } else {
      const n = Math.min(left, s.asns.length)
      out.push(n === s.asns.length ? s : { type: s.type, asns: s.asns.slice(0, n) })
      left -= n
    }
    previousTaken = true
  }
  return out
}

function concat(a: readonly AsPathSegment[], b: readonly AsPathSegment[]): AsPathSegment[] {
  const out = [...a]
  for (const s of b) {
    const last = out[out.length - 1]
    if (last && last.type === 'AS_SEQUENCE' && s.type === 'AS_SEQUENCE') {
      out[out.length - 1] = { type: 'AS_SEQUENCE', asns: [...last.asns, ...s.asns] }
    } else {
      out.push(s)
    }
  }
  return out
}

export interface EffectivePath {
  readonly asPath: readonly AsPathSegment[]
  readonly aggregator: Aggregator | undefined
}

export function effectivePath(
  asn4: boolean,
  asPath: readonly AsPathSegment[] | undefined,
  aggregator: Aggregator | undefined,
  as4Path: readonly AsPathSegment[] | undefined,
  as4Aggregator: Aggregator | undefined,
): EffectivePath {
  const path = asPath ?? []
  if (asn4) return { asPath: path, aggregator }
  if (aggregator && aggregator.asn !== AS_TRANS) return { asPath: path, aggregator }
  const aggr = aggregator && as4Aggregator ? as4Aggregator : aggregator
  if (!as4Path) return { asPath: path, aggregator: aggr }
  const as4 = as4Path.filter((s) => !isConfed(s))
  const hops = pathLength(path) - pathLength(as4)
  if (hops < 0) return { asPath: path, aggregator: aggr }
  return { asPath: concat(leading(path, hops), as4), aggregator: aggr }
}

/** The path as RIS Live writes it: ASNs in order, each AS_SET (or confederation set) as a nested array. */
export function flattenPath(segments: readonly AsPathSegment[]): (number | number[])[] {
  const out: (number | number[])[] = []
  for (const s of segments) {
    if (s.type === 'AS_SET' || s.type === 'AS_CONFED_SET') out.push([...s.asns])
    else for (const a of s.asns) out.push(a)
  }
  return out
}

/** The origin AS: the last ASN of the path when it ends in a sequence; undefined for an AS_SET or empty path. */
export function originAs(segments: readonly AsPathSegment[]): number | undefined {
  const last = segments[segments.length - 1]
  if (last?.type !== 'AS_SEQUENCE') return undefined
  return last.asns[last.asns.length - 1]
}
