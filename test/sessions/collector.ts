// An in-process collector built by the composition root (createCollector), on
// a free loopback port, and a compact, comparable form of what its RIB holds.

import { type AsPathSegment, formatExtendedCommunity } from '../../collector/src/bgp/index.ts'
import { allFamilies, type CollectorConfig, type PeerConfig } from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { type Collector, createCollector } from '../../collector/src/main.ts'
import type { Rib, RibRoute } from '../../collector/src/rib/index.ts'
import { systemClock } from '../../collector/src/session/index.ts'

export interface TestCollector {
  readonly collector: Collector
  readonly port: number
  readonly logs: string[]
  stop(): Promise<void>
}

export function peer(address: string, asn: number, over: Partial<PeerConfig> = {}): PeerConfig {
  return {
    address,
    asn,
    families: allFamilies(),
    addPath: true,
    holdTime: 90,
    gracefulRestart: true,
    ...over,
  }
}

export async function startCollector(peers: PeerConfig[]): Promise<TestCollector> {
  const config: CollectorConfig = {
    host: 'rl-test',
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [{ host: '127.0.0.1', port: 0 }],
    httpListen: undefined,
    dataDir: '/nonexistent',
    peers,
    logLevel: 'debug',
    logFormat: 'text',
  }
  const logger = memoryLogger()
  const collector = createCollector(config, { clock: systemClock(), logger })
  const { bgp } = await collector.start()
  return { collector, port: bgp[0]!.port, logs: logger.lines, stop: () => collector.stop('test over') }
}

export function formatPath(segments: readonly AsPathSegment[]): string {
  return segments.map((s) => (s.type === 'AS_SET' ? `{${s.asns.join(',')}}` : s.asns.join(' '))).join(' ')
}

export interface RouteSummary {
  readonly family: string
  readonly key: string
  readonly pathId?: number
  readonly nextHop: readonly string[]
  readonly asPath: string
  readonly communities?: readonly string[]
  readonly largeCommunities?: readonly string[]
  readonly med?: number
  readonly stale?: true
  readonly llgrStale?: true
}

function summary(r: RibRoute): RouteSummary {
  const a = r.attributes.attributes
  return {
    family: r.family,
    key: r.key,
    ...(r.pathId !== undefined ? { pathId: r.pathId } : {}),
    nextHop: r.attributes.nextHop,
    asPath: formatPath(a.asPath),
    ...(a.communities.length ? { communities: a.communities } : {}),
    ...(a.largeCommunities.length ? { largeCommunities: a.largeCommunities } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    ...(r.stale ? { stale: true as const } : {}),
    ...(r.llgrStale ? { llgrStale: true as const } : {}),
  }
}

/** Every route the RIB holds from a peer, in the RIB's listing order. */
export function ribOf(rib: Rib, address: string): RouteSummary[] {
  const id = rib.peer(address)
  const out: RouteSummary[] = []
  let cursor: string | undefined
  do {
    const page = rib.list(id, { limit: 1000, ...(cursor ? { cursor } : {}) })
    out.push(...page.routes.map(summary))
    cursor = page.cursor
  } while (cursor)
  return out
}

/**
 * Every route of one family the RIB holds from a peer, whole: the decoded NLRI
 * (labels, RD, EVPN fields, FlowSpec components…), the next hop, the AS path
 * and the extended communities (route targets, encapsulation, FlowSpec actions)
 * as text.
 */
export function routesOf(rib: Rib, address: string, family: string) {
  const id = rib.peer(address)
  const out: {
    key: string
    nlri: unknown
    nextHop: readonly string[]
    asPath: string
    extendedCommunities: string[]
  }[] = []
  let cursor: string | undefined
  do {
    const page = rib.list(id, { limit: 1000, family, ...(cursor ? { cursor } : {}) })
    for (const r of page.routes) {
      const a = r.attributes.attributes
      out.push({
        key: r.key,
        nlri: r.nlri,
        nextHop: r.attributes.nextHop,
        asPath: formatPath(a.asPath),
        extendedCommunities: a.extendedCommunities.map(formatExtendedCommunity),
      })
    }
    cursor = page.cursor
  } while (cursor)
  return out
}

/** The same without path ids (daemons number their paths as they like), plus the ids apart. */
export function withoutPathIds(routes: readonly RouteSummary[]): {
  routes: RouteSummary[]
  pathIds: number[]
} {
  return {
    routes: routes.map(({ pathId: _, ...r }) => r),
    pathIds: routes.map((r) => r.pathId ?? 0),
  }
}
