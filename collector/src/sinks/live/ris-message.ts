// The `data` of a ris_message, derived from a bus event (docs/live.md
// "ris_message"). The default form is RIS Live's: common fields, then per type
// the fields RIS clients read (UPDATE: path with AS_SETs nested, community
// pairs, origin, med, aggregator "ASN:IP", announcements grouped per next hop
// for IPv4 and IPv6 unicast, withdrawals; OPEN; NOTIFICATION; KEEPALIVE;
// RIS_PEER_STATE). With `includeAll` the same object gains what RIS leaves
// out: every attribute and every family in the codec's JSON form
// (docs/json.md), the other communities, LOCAL_PREF, path ids, the RFC 7606
// problems, and the messages RIS does not show (ROUTE-REFRESH, what we send,
// UPDATEs of other families alone, every FSM step of a session).

import {
  type Capability,
  flattenPath,
  formatExtendedCommunity,
  formatIpv6ExtendedCommunity,
  type IpPrefixNlri,
  type OpenMessage,
  openAsn,
  openCapabilities,
  parseCommunity,
  type UpdateRoutes,
} from '../../bgp/index.ts'
import type { BusEvent, PeerStateEvent, UpdateEvent } from '../../events/index.ts'
import type { RisType } from './subscription.ts'

type Data = Record<string, unknown>

const HEX16 = '0000000000000000'

/** `<peer>-<16 hex digits of the per-peer sequence>`: unique and increasing per peer. */
export function messageId(peer: string, sequence: number): string {
  const h = sequence.toString(16)
  return `${peer}-${HEX16.slice(h.length)}${h}`
}

/** Float Unix seconds with millisecond precision, as RIS writes them. */
export function risTimestamp(micros: number): number {
  return Math.round(micros / 1000) / 1000
}

export function upperHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase()
}

const TYPE_BY_CODE: Readonly<Record<number, RisType>> = {
  1: 'OPEN',
  2: 'UPDATE',
  3: 'NOTIFICATION',
  4: 'KEEPALIVE',
  5: 'ROUTE_REFRESH',
}

/**
 * What RIS type an event is and whether only includeAll sockets see it
 * (undefined: never shown; no event is, today). Of the session's FSM
 * changes, RIS Live's RIS_PEER_STATE knows two: reaching Established
 * ("connected") and leaving it ("down"); every socket gets those. The other
 * steps (Idle → Active → OpenSent → OpenConfirm) go to includeAll sockets only.
 */
export function classify(e: BusEvent): { readonly type: RisType; readonly allOnly: boolean } | undefined {
  if (e.type === 'state') return { type: 'RIS_PEER_STATE', allOnly: !e.risState }
  const type: RisType = e.message
    ? e.message.type === 'UNKNOWN'
      ? 'UNKNOWN'
      : e.message.type
    : (TYPE_BY_CODE[e.raw[18] ?? 0] ?? 'UNKNOWN')
  if (!e.message) return { type, allOnly: true }
  if (type === 'ROUTE_REFRESH' || type === 'UNKNOWN') return { type, allOnly: true }
  // An UPDATE that reset the session carries no routes: nothing of it was applied.
  if (type === 'UPDATE' && !e.routes) return { type, allOnly: true }
  // RIS Live carries unicast only: an UPDATE of other families alone (EVPN, FlowSpec, VPN,
  // BGP-LS…, or their End-of-RIB) would reach a RIS client as an empty UPDATE.
  if (type === 'UPDATE' && otherFamiliesOnly(e.routes!)) return { type, allOnly: true }
  if (e.direction === 'sent') return { type, allOnly: type !== 'OPEN' && type !== 'NOTIFICATION' }
  return { type, allOnly: false }
}

function isUnicast(family: string): boolean {
  return family === 'ipv4-unicast' || family === 'ipv6-unicast'
}

/** Routes (or an End-of-RIB) of families other than IPv4/IPv6 unicast, and nothing of those two. */
function otherFamiliesOnly(r: UpdateRoutes): boolean {
  let other = r.endOfRib !== undefined && !isUnicast(r.endOfRib)
  for (const list of [r.announce, r.withdraw]) {
    for (const f of list) {
      if (!f.nlri.length) continue
      if (isUnicast(f.family)) return false
      other = true
    }
  }
  return other
}

function prefixesOf(nlri: readonly object[], dedupe: boolean): string[] {
  const out: string[] = []
  for (const n of nlri) out.push((n as IpPrefixNlri).prefix)
  return dedupe ? [...new Set(out)] : out
}

function hasPathIds(nlri: readonly object[]): boolean {
  return nlri.length > 0 && (nlri[0] as IpPrefixNlri).pathId !== undefined
}

/** RIS announcements: one entry per next hop, IPv4 and IPv6 unicast only. */
function announcements(routes: UpdateRoutes): { next_hop: string; prefixes: string[] }[] {
  const out: { next_hop: string; prefixes: string[] }[] = []
  for (const a of routes.announce) {
    if (!isUnicast(a.family) || !a.nlri.length) continue
    const prefixes = prefixesOf(a.nlri, hasPathIds(a.nlri))
    const hops = a.nextHop.length ? a.nextHop : ['']
    for (const nh of hops) {
      const same = out.find((x) => x.next_hop === nh)
      if (same) same.prefixes.push(...prefixes)
      else out.push({ next_hop: nh, prefixes: [...prefixes] })
    }
  }
  return out
}

function withdrawals(routes: UpdateRoutes): string[] {
  const out: string[] = []
  let ids = false
  for (const w of routes.withdraw) {
    if (!isUnicast(w.family)) continue
    ids ||= hasPathIds(w.nlri)
    for (const n of w.nlri) out.push((n as IpPrefixNlri).prefix)
  }
  return ids ? [...new Set(out)] : out
}

/** "asn:value" (or a well-known name) as RIS's [asn, value] pair. */
export function communityPair(text: string): [number, number] {
  const colon = text.indexOf(':')
  if (colon > 0) {
    const hi = Number(text.slice(0, colon))
    const lo = Number(text.slice(colon + 1))
    if (Number.isInteger(hi) && Number.isInteger(lo)) return [hi, lo]
  }
  const v = parseCommunity(text) ?? 0
  return [Math.floor(v / 65536), v & 0xffff]
}

function updateData(e: UpdateEvent, d: Data): void {
  const routes = e.routes
  if (!routes) return
  const ann = announcements(routes)
  const a = routes.attributes
  if (ann.length) {
    d.path = flattenPath(a.asPath)
    d.community = a.communities.map(communityPair)
    if (a.origin !== undefined) d.origin = a.origin
    if (a.med !== undefined) d.med = a.med
    if (a.aggregator) d.aggregator = `${a.aggregator.asn}:${a.aggregator.address}`
  } else {
    d.path = []
    d.community = []
  }
  d.announcements = ann
  const wd = withdrawals(routes)
  if (wd.length) d.withdrawals = wd
  if (e.synthetic) d.synthetic = true
}

function updateExtras(e: UpdateEvent, d: Data): void {
  if (e.direction === 'sent') d.direction = 'sent'
  const routes = e.routes
  if (!routes) return
  const a = routes.attributes
  if (a.localPref !== undefined) d.local_pref = a.localPref
  if (a.atomicAggregate) d.atomic_aggregate = true
  if (a.largeCommunities.length) d.large_community = a.largeCommunities.map((c) => c.split(':').map(Number))
  if (a.extendedCommunities.length) d.extended_community = a.extendedCommunities.map(formatExtendedCommunity)
  if (a.ipv6ExtendedCommunities.length) {
    d.ipv6_extended_community = a.ipv6ExtendedCommunities.map(formatIpv6ExtendedCommunity)
  }
  if (a.originatorId !== undefined) d.originator_id = a.originatorId
  if (a.clusterList) d.cluster_list = a.clusterList
  if (a.otc !== undefined) d.otc = a.otc
  if (a.aigp !== undefined) d.aigp = a.aigp.toString()
  const m = e.message
  if (m?.type === 'UPDATE') {
    d.attributes = m.attributes.filter((x) => x.code !== 14 && x.code !== 15)
  }
  d.routes = {
    announce: routes.announce.map((x) => ({ family: x.family, next_hop: x.nextHop, nlri: x.nlri })),
    withdraw: routes.withdraw.map((x) => ({ family: x.family, nlri: x.nlri })),
  }
  if (routes.endOfRib) d.end_of_rib = routes.endOfRib
  if (routes.treatedAsWithdraw) d.treated_as_withdraw = true
  if (routes.disabled.length) d.disabled_families = routes.disabled
}

const AFI_WORD: Readonly<Record<string, true>> = { ipv4: true, ipv6: true, l2vpn: true, bgpls: true }

/** "ipv4/unicast", "l2vpn/evpn": RIS's way of writing a family in OPENs. */
export function risFamily(family: string): string {
  const dash = family.indexOf('-')
  return dash > 0 && AFI_WORD[family.slice(0, dash)]
    ? `${family.slice(0, dash)}/${family.slice(dash + 1)}`
    : family
}

type CapabilityEntry = { name: string } & Data

function capabilityEntry(c: Capability, into: CapabilityEntry | undefined): CapabilityEntry | undefined {
  switch (c.name) {
    case 'MULTIPROTOCOL': {
      const e = into ?? { name: 'multiprotocol', families: [] as string[] }
      ;(e.families as string[]).push(risFamily(c.value.family))
      return e
    }
    case 'ADD_PATH': {
      const e = into ?? { name: 'add-path', families: {} as Data }
      for (const f of c.value) (e.families as Data)[risFamily(f.family)] = f.sendReceive
      return e
    }
    case 'EXTENDED_NEXT_HOP': {
      const e = into ?? { name: 'extended-next-hop', families: [] as Data[] }
      for (const f of c.value) {
        ;(e.families as Data[]).push({
          family: risFamily(f.family),
          next_hop_afi: f.nextHopAfi === 2 ? 'ipv6' : f.nextHopAfi === 1 ? 'ipv4' : f.nextHopAfi,
        })
      }
      return e
    }
    default:
      break
  }
  if (into) return into // of a repeated capability the first counts
  switch (c.name) {
    case 'ROUTE_REFRESH':
      return { name: 'route-refresh' }
    case 'ENHANCED_ROUTE_REFRESH':
      return { name: 'enhanced-route-refresh' }
    case 'EXTENDED_MESSAGE':
      return { name: 'extended-message' }
    case 'BGP_ROLE':
      return { name: 'role', role: c.value }
    case 'FOUR_OCTET_AS':
      return { name: 'asn4', asn4: c.value.asn }
    case 'GRACEFUL_RESTART':
      return {
        name: 'graceful-restart',
        restart_time: c.value.time,
        restarting: c.value.restarting,
        notification: c.value.notification,
        families: c.value.families.map((f) => ({ family: risFamily(f.family), forwarding: f.forwarding })),
      }
    case 'LONG_LIVED_GRACEFUL_RESTART':
      return {
        name: 'long-lived-graceful-restart',
        families: c.value.map((f) => ({
          family: risFamily(f.family),
          forwarding: f.forwarding,
          stale_time: f.staleTime,
        })),
      }
    case 'FQDN':
      return {
        name: 'fqdn',
        hostname: c.value.hostname,
        ...(c.value.domain ? { domain: c.value.domain } : {}),
      }
    case 'SOFTWARE_VERSION':
      return { name: 'software-version', version: c.value.version }
    case 'UNKNOWN':
      return { name: 'unknown', value: c.value.toUpperCase() }
    case 'MALFORMED':
      return { name: 'malformed', error: c.value.error, value: c.value.hex.toUpperCase() }
    default:
      return undefined
  }
}

/** RIS's OPEN capabilities: an object keyed by capability code, each with a name and its values. */
export function risCapabilities(open: OpenMessage): Record<string, CapabilityEntry> {
  const out: Record<string, CapabilityEntry> = {}
  for (const c of openCapabilities(open)) {
    const key = String(c.code)
    const e = capabilityEntry(c, out[key])
    if (e) out[key] = e
  }
  return out
}

function stateExtras(e: PeerStateEvent, d: Data): void {
  d.fsm_from = e.from
  d.fsm_to = e.to
  if (e.reason) d.reason = e.reason
}

/** The RIS fields of an event: its data without `raw` and without what includeAll adds. */
function baseData(e: BusEvent, type: RisType): Data {
  const d: Data = {
    timestamp: risTimestamp(e.timestamp),
    peer: e.peerAddress,
    // A peer configured with any AS has none until its OPEN is handled: that OPEN says it.
    peer_asn: String(
      e.peerAsn === 0 && e.type === 'message' && e.message?.type === 'OPEN' && e.direction === 'received'
        ? openAsn(e.message)
        : e.peerAsn,
    ),
    id: messageId(e.peerAddress, e.sequence),
    host: e.host,
    type,
  }
  if (e.type === 'state') {
    // RIS's two values: Established after the change, or not (the FSM names are in fsm_from/fsm_to).
    d.state = e.risState ?? (e.to === 'Established' ? 'connected' : 'down')
    return d
  }
  const m = e.message
  switch (m?.type) {
    case 'UPDATE':
      updateData(e, d)
      break
    case 'OPEN':
      d.direction = e.direction
      d.version = m.version
      d.asn = m.asn
      d.hold_time = m.holdTime
      d.router_id = m.bgpId
      d.capabilities = risCapabilities(m)
      break
    case 'NOTIFICATION':
      d.direction = e.direction
      d.notification = { code: m.code, subcode: m.subcode, data: m.data.toUpperCase() }
      break
    case 'KEEPALIVE':
      break
    case 'ROUTE_REFRESH':
      d.direction = e.direction
      d.route_refresh = {
        family: m.family,
        subtype: m.subtypeName ?? m.subtype,
        ...(m.orf ? { orf: m.orf.toUpperCase() } : {}),
      }
      break
    default:
      d.direction = e.direction
      break
  }
  return d
}

/**
 * What includeAll adds to the RIS fields, as keys that come after them — so
 * that its JSON can be appended to theirs (outgoing.ts) — except for
 * NOTIFICATION, whose additions go inside `notification` (see risData).
 */
export function risExtras(e: BusEvent): Data {
  const d: Data = {}
  if (e.type === 'state') {
    stateExtras(e, d)
    return d
  }
  const m = e.message
  if (m?.type === 'UPDATE') updateExtras(e, d)
  else if (m?.type === 'KEEPALIVE') d.direction = e.direction
  if (e.problems.length) d.problems = e.problems
  return d
}

/**
 * The ris_message data for an event (with `raw` when includeRaw), or
 * undefined when the live feed does not show it.
 */
export function risData(
  e: BusEvent,
  options: { includeRaw: boolean; includeAll: boolean },
): Data | undefined {
  const c = classify(e)
  if (!c || (c.allOnly && !options.includeAll)) return undefined
  const d = baseData(e, c.type)
  if (options.includeAll) {
    Object.assign(d, risExtras(e))
    const m = e.type === 'message' ? e.message : undefined
    if (m?.type === 'NOTIFICATION') {
      d.notification = {
        ...(d.notification as Data),
        ...(m.codeName ? { code_name: m.codeName } : {}),
        ...(m.subcodeName ? { subcode_name: m.subcodeName } : {}),
        ...(m.shutdownMessage !== undefined ? { shutdown_message: m.shutdownMessage } : {}),
      }
    }
  }
  if (options.includeRaw && e.type === 'message') d.raw = upperHex(e.raw)
  return d
}
