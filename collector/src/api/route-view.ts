// A path of the Adj-RIB-In as the API shows it (RouteDto): the attribute set
// decoded once by the RIB and written the way looking glasses do (AS path as
// text, communities as "a:b", extended communities in their registry's text
// form). Attribute handles must be read before the RIB changes, so this runs
// at once on every route a query returns.

import {
  type AsPathSegment,
  formatExtendedCommunity,
  formatIpv6ExtendedCommunity,
  originAs,
  toJson,
} from '../bgp/index.ts'
import type { RibEntry, RibRoute } from '../rib/index.ts'
import type { RibEntryDto, RouteDto } from './dto.ts'

/** The AS path as text: "64500 64501 {64502,64503}" (confederation segments in parentheses). */
export function asPathText(segments: readonly AsPathSegment[]): string {
  const parts: string[] = []
  for (const s of segments) {
    switch (s.type) {
      case 'AS_SEQUENCE':
        parts.push(...s.asns.map(String))
        break
      case 'AS_SET':
        parts.push(`{${s.asns.join(',')}}`)
        break
      case 'AS_CONFED_SEQUENCE':
        parts.push(`(${s.asns.join(' ')})`)
        break
      case 'AS_CONFED_SET':
        parts.push(`[${s.asns.join(',')}]`)
        break
    }
  }
  return parts.join(' ')
}

/** Families whose NLRI is just the prefix: the DTO leaves `nlri` out for them. */
const PLAIN = new Set(['ipv4-unicast', 'ipv6-unicast', 'ipv4-multicast', 'ipv6-multicast'])

export interface PeerNames {
  /** A RIB peer id's address and AS. */
  of(peer: number): { readonly address: string; readonly asn: number | null }
}

export interface RouteAge {
  /** µs since the epoch of the path's last announcement, if known. */
  since(route: RibRoute, peerAddress: string): number | undefined
}

const plain = (v: unknown): unknown => JSON.parse(toJson(v))

export function routeDto(r: RibRoute, names: PeerNames): RouteDto {
  const peer = names.of(r.peer)
  const set = r.attributes
  const a = set.attributes
  const originAsn = originAs(a.asPath)
  return {
    peer: peer.address,
    peerAsn: peer.asn,
    family: r.family,
    key: r.key,
    ...(r.prefix !== undefined ? { prefix: r.prefix } : {}),
    ...(r.rd !== undefined ? { rd: r.rd } : {}),
    ...(r.pathId !== undefined ? { pathId: r.pathId } : {}),
    ...(PLAIN.has(r.family) ? {} : { nlri: plain(r.nlri) }),
    nextHop: set.nextHop,
    asPath: asPathText(a.asPath),
    asPathSegments: a.asPath,
    ...(originAsn !== undefined ? { originAsn } : {}),
    ...(a.origin !== undefined ? { origin: a.origin } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    atomicAggregate: a.atomicAggregate,
    ...(a.aggregator ? { aggregator: { asn: a.aggregator.asn, address: a.aggregator.address } } : {}),
    communities: a.communities,
    extendedCommunities: a.extendedCommunities.map(formatExtendedCommunity),
    ipv6ExtendedCommunities: a.ipv6ExtendedCommunities.map(formatIpv6ExtendedCommunity),
    largeCommunities: a.largeCommunities,
    ...(a.originatorId !== undefined ? { originatorId: a.originatorId } : {}),
    ...(a.clusterList !== undefined ? { clusterList: a.clusterList } : {}),
    ...(a.otc !== undefined ? { otc: a.otc } : {}),
    ...(a.aigp !== undefined ? { aigp: a.aigp.toString() } : {}),
    otherAttributes: a.other.length ? (plain(a.other) as unknown[]) : [],
    stale: r.stale,
    llgrStale: r.llgrStale,
  }
}

/** The DTO with `since` and `age` when the ages know the route. */
export function withAge(d: RouteDto, r: RibRoute, ages: RouteAge | undefined, nowUs: number): RouteDto {
  const since = ages?.since(r, d.peer)
  if (since === undefined) return d
  return {
    ...d,
    since: new Date(Math.floor(since / 1000)).toISOString(),
    age: Math.max(0, Math.floor((nowUs - since) / 1e6)),
  }
}

/** An entry's routes (those `keep` accepts) as DTOs, attribute handles read at once. */
export function entryDto(e: RibEntry, names: PeerNames, keep: (r: RibRoute) => boolean): RibEntryDto {
  return {
    family: e.family,
    key: e.key,
    ...(e.prefix !== undefined ? { prefix: e.prefix } : {}),
    ...(e.rd !== undefined ? { rd: e.rd } : {}),
    routes: e.routes.filter(keep).map((r) => routeDto(r, names)),
  }
}

/** Peer names from the RIB's registry and the sessions' views (the RIB names peers by address). */
export function peerNames(
  ribName: (peer: number) => string | undefined,
  asnOf: (address: string) => number | null | undefined,
): PeerNames {
  const cache = new Map<number, { address: string; asn: number | null }>()
  return {
    of(peer) {
      let v = cache.get(peer)
      if (!v) {
        const address = ribName(peer) ?? `peer-${peer}`
        v = { address, asn: asnOf(address) ?? null }
        cache.set(peer, v)
      }
      return v
    },
  }
}
