// ExaBGP 4.x process-API JSON, as ExaBGP 4.2 (Debian's 4.2.21, which labels
// its lines `"exabgp": "4.0.1"`, the version of its API format) writes it to
// a `process` configured with `encoder json` and `receive { parsed; update;
// open; notification; }` plus `neighbor-changes`. One line per event:
//
//   { "exabgp": "4.0.1", "time": 1700000000.123456, "host" : "…", "pid" : …, "ppid" : …,
//     "counter": N, "type": "update" | "open" | "notification" | "state",
//     "neighbor": { "address": { "local": "…", "peer": "…" }, "asn": { "local": …, "peer": … },
//                   "direction": "receive", "message": { "update": { "attribute": {…},
//                   "announce": { "ipv4 unicast": { "<next hop>": [ { "nlri": "…" } ] } },
//                   "withdraw": { "ipv6 unicast": [ { "nlri": "…" } ] } } } } }
//
// Checked field by field against the installed ExaBGP 4.2 receiving the same
// messages (test/live/exabgp.test.ts). As ExaBGP does: attributes in type code
// order, the AS path split into as-path / as-set / confederation parts (AS4_PATH
// merged on 2-octet sessions), communities as [asn, value] pairs, path ids as
// dotted "path-information", End-of-RIB as "eor", attributes it does not render
// as "attribute-0xCODE-0xFLAGS" with their value in hex, NOTIFICATION data as
// "0x…" hex, capabilities ExaBGP 4.2 does not know (FQDN 73, software version
// 75, long-lived GR 71…) as its "unknown" entries. State: "connected" when the
// TCP session is there (before the peer's OPEN line), "up" at Established,
// "down" (with a reason) when a connected session ends. Families ExaBGP 4.2
// decodes into structures of its own (FlowSpec, EVPN, BGP-LS…) carry each NLRI
// as the codec's JSON form in a string; PMSI, BGP-LS and Prefix-SID attributes
// stay generic. Where ExaBGP 4.2 is wrong we are not: RFC 6793 §4.2.3 (AS4_PATH
// and AS4_AGGREGATOR ignored when AGGREGATOR is not AS_TRANS; ExaBGP merges
// them and writes `aggregator` twice), AIGP shown (ExaBGP drops it unless
// configured), no `refresh` lines (ExaBGP 4.2's are not valid JSON).

import {
  type AsPathSegment,
  attributeListSize,
  type Capability,
  type CodecContext,
  capabilityCodec,
  encodeAttributeList,
  encodeExtendedCommunity,
  formatExtendedCommunity,
  jsonReplacer,
  type Nlri,
  type OpenMessage,
  openCapabilities,
  type PathAttribute,
  parseCommunity,
  type RouteAttributes,
  type UpdateRoutes,
} from '../../bgp/index.ts'
import type { PeerStateEvent, SessionState, UpdateEvent } from '../../events/index.ts'
import { writer } from '../../wire/writer.ts'

/** The `exabgp` field of ExaBGP 4.x lines: its JSON API version. */
export const EXABGP_API_VERSION = '4.0.1'

/** A JSON value printed in ExaBGP's spacing: `{ "k": v, … }`, `[ a, b ]`. */
type Exa = string | number | bigint | boolean | null | readonly Exa[] | { readonly [k: string]: Exa } | Raw

/** Text put in the line as is (already JSON). */
class Raw {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

export function exaJson(v: Exa): string {
  if (v instanceof Raw) return v.text
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v)
    default:
      break
  }
  if (Array.isArray(v)) return v.length ? `[ ${v.map(exaJson).join(', ')} ]` : '[]'
  const entries = Object.entries(v as Record<string, Exa>)
  return entries.length
    ? `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${exaJson(x)}`).join(', ')} }`
    : '{ }'
}

/** Python prints a float with at least one decimal. */
function pythonFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x)
}

/** ExaBGP's AFI and SAFI names (also used by `routelake mrt --format exabgp`). */
export const EXABGP_AFI: Readonly<Record<number, string>> = {
  1: 'ipv4',
  2: 'ipv6',
  25: 'l2vpn',
  16388: 'bgp-ls',
}
export const EXABGP_SAFI: Readonly<Record<number, string>> = {
  1: 'unicast',
  2: 'multicast',
  4: 'nlri-mpls',
  5: 'mcast-vpn',
  65: 'vpls',
  70: 'evpn',
  71: 'bgp-ls',
  72: 'bgp-ls-vpn',
  73: 'sr-policy',
  85: 'mup',
  128: 'mpls-vpn',
  132: 'rtc',
  133: 'flow',
  134: 'flow-vpn',
}

export function afiName(afi: number): string {
  return EXABGP_AFI[afi] ?? `unknown afi ${afi}`
}

export function safiName(safi: number): string {
  return EXABGP_SAFI[safi] ?? `unknown safi ${safi}`
}

function familyText(afi: number, safi: number): string {
  return `${afiName(afi)} ${safiName(safi)}`
}

/** A 32-bit value as dotted quad (router ids, cluster ids). */
export function dotted(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`
}

function upperHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase()
}

/** One NLRI as ExaBGP writes it inside "announce" / "withdraw". */
export function nlriJson(n: Nlri): Exa {
  const x = n as Record<string, unknown>
  const out: Record<string, Exa> = {}
  if (typeof x.prefix === 'string' && Object.keys(x).every((k) => PREFIX_KEYS.has(k))) {
    out.nlri = x.prefix
  } else if (typeof x.raw === 'string' && Object.keys(x).every((k) => k === 'raw' || k === 'pathId')) {
    out.nlri = `0x${x.raw.toUpperCase()}`
  } else {
    // A family ExaBGP decodes into its own structure: the codec's JSON form, as a string.
    const { pathId: _, ...rest } = x
    out.nlri = JSON.stringify(rest, jsonReplacer)
  }
  if (typeof n.pathId === 'number') out['path-information'] = dotted(n.pathId)
  // Label values only: ExaBGP 4.2 keeps no raw label entries for what it decodes.
  if (Array.isArray(x.labels)) out.label = (x.labels as number[]).map((l) => [l])
  if (typeof x.rd === 'string') out.rd = x.rd
  return out
}

const PREFIX_KEYS = new Set(['prefix', 'pathId', 'labels', 'labelFlags', 'rd'])

function asPathFields(segments: readonly AsPathSegment[], out: Record<string, Exa>): void {
  const pick = (type: AsPathSegment['type']) => segments.filter((s) => s.type === type).flatMap((s) => s.asns)
  out['as-path'] = pick('AS_SEQUENCE')
  const set = pick('AS_SET')
  if (set.length) out['as-set'] = set
  out['confederation-path'] = pick('AS_CONFED_SEQUENCE')
  const cset = pick('AS_CONFED_SET')
  if (cset.length) out['confederation-set'] = cset
}

function rawValue(a: PathAttribute, ctx: CodecContext): { flags: number; hex: string } {
  const buf = new Uint8Array(attributeListSize([a], ctx))
  encodeAttributeList(writer(buf), [a], ctx)
  const header = buf[0]! & 0x10 ? 4 : 3
  return { flags: buf[0]!, hex: upperHex(buf.subarray(header)) }
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0')
}

/** The "attribute" object of an UPDATE: the first of each type code, in code order. */
export function attributeJson(
  attributes: readonly PathAttribute[],
  effective: RouteAttributes,
  ctx: CodecContext,
): Record<string, Exa> {
  const first = new Map<number, PathAttribute>()
  for (const a of attributes) if (!first.has(a.code)) first.set(a.code, a)
  const out: Record<string, Exa> = {}
  for (const code of [...first.keys()].sort((x, y) => x - y)) {
    const a = first.get(code)!
    switch (a.name) {
      case 'ORIGIN':
        out.origin = a.value
        break
      case 'AS_PATH':
        asPathFields(effective.asPath, out)
        break
      case 'MULTI_EXIT_DISC':
        out.med = a.value
        break
      case 'LOCAL_PREF':
        out['local-preference'] = a.value
        break
      case 'ATOMIC_AGGREGATE':
        out['atomic-aggregate'] = true
        break
      case 'AGGREGATOR':
        if (effective.aggregator)
          out.aggregator = `${effective.aggregator.asn}:${effective.aggregator.address}`
        break
      case 'COMMUNITIES':
        out.community = a.value.map((c) => {
          const v = parseCommunity(c) ?? 0
          return [Math.floor(v / 65536), v & 0xffff]
        })
        break
      case 'ORIGINATOR_ID':
        out['originator-id'] = a.value
        break
      case 'CLUSTER_LIST':
        out['cluster-list'] = a.value
        break
      case 'EXTENDED_COMMUNITIES':
        out['extended-community'] = a.value.map((e) => ({
          value: BigInt(`0x${upperHex(encodeExtendedCommunity(e))}`),
          string: formatExtendedCommunity(e),
        }))
        break
      case 'LARGE_COMMUNITY':
        out['large-community'] = a.value.map((c) => c.split(':').map(Number))
        break
      case 'AIGP': {
        const m = a.value.find((t) => 'metric' in t)
        if (m && 'metric' in m) out.aigp = m.metric
        break
      }
      case 'NEXT_HOP':
      case 'MP_REACH_NLRI':
      case 'MP_UNREACH_NLRI':
      case 'AS4_PATH':
      case 'AS4_AGGREGATOR':
      case 'MALFORMED':
        break
      default: {
        // ExaBGP shows the Partial bit it would set passing an optional transitive attribute on.
        const r = rawValue(a, ctx)
        const flags = (r.flags & 0xc0) === 0xc0 ? r.flags | 0x20 : r.flags
        out[`attribute-0x${hex2(a.code)}-0x${hex2(flags & 0xf0)}`] = `0x${r.hex}`
        break
      }
    }
  }
  return out
}

export interface Neighbor {
  readonly local: string
  readonly peer: string
  readonly localAs: number
  readonly peerAs: number
}

/** Builds the lines; keeps ExaBGP's per-neighbor counter. */
export class ExabgpFormatter {
  private readonly host: string
  private readonly pid: number
  private readonly ppid: number
  private readonly counters = new Map<string, number>()

  constructor(identity: { host: string; pid: number; ppid: number }) {
    this.host = identity.host
    this.pid = identity.pid
    this.ppid = identity.ppid
  }

  private line(micros: number, type: string, n: Neighbor, body: string): string {
    const counter = (this.counters.get(n.peer) ?? 0) + 1
    this.counters.set(n.peer, counter)
    return (
      `{ "exabgp": "${EXABGP_API_VERSION}", "time": ${pythonFloat(micros / 1e6)}, ` +
      `"host" : ${JSON.stringify(this.host)}, "pid" : ${this.pid}, "ppid" : ${this.ppid}, ` +
      `"counter": ${counter}, "type": "${type}", "neighbor": { "address": { "local": ${JSON.stringify(n.local)}, ` +
      `"peer": ${JSON.stringify(n.peer)} }, "asn": { "local": ${n.localAs}, "peer": ${n.peerAs} } ${body} } }`
    )
  }

  /** A neighbor state line; `reason` goes with "down". */
  state(micros: number, n: Neighbor, state: 'connected' | 'up' | 'down', reason?: string): string {
    const why = state === 'down' ? `, "reason": ${JSON.stringify(reason ?? '')}` : ''
    return this.line(micros, 'state', n, `, "state": "${state}"${why}`)
  }

  /** The line of a received message; undefined for those ExaBGP's API would not show. */
  message(e: UpdateEvent, n: Neighbor): string | undefined {
    const m = e.message
    const direction = e.direction === 'received' ? 'receive' : 'send'
    switch (m?.type) {
      case 'UPDATE': {
        if (!e.routes) return undefined
        const body = updateMessage(e.routes, m.attributes, e.context)
        return this.line(e.timestamp, 'update', n, `, "direction": "${direction}", "message": ${body}`)
      }
      case 'OPEN':
        return this.line(
          e.timestamp,
          'open',
          n,
          `, "direction": "${direction}", "open": ${exaJson({
            version: m.version,
            asn: m.asn,
            hold_time: m.holdTime,
            router_id: m.bgpId,
            capabilities: capabilitiesJson(m),
          })}`,
        )
      case 'NOTIFICATION':
        return this.line(
          e.timestamp,
          'notification',
          n,
          `, "direction": "${direction}", "notification": ${exaJson({
            code: m.code,
            subcode: m.subcode,
            data: `0x${m.data.toUpperCase()}`,
          })}`,
        )
      case 'KEEPALIVE':
        return this.line(e.timestamp, 'keepalive', n, `, "direction": "${direction}"`)
      default:
        return undefined
    }
  }
}

function updateMessage(
  routes: UpdateRoutes,
  attributes: readonly PathAttribute[],
  ctx: CodecContext,
): string {
  const eor = routes.endOfRib
  if (eor && !routes.announce.length && !routes.withdraw.length) {
    const [afi, safi] = eor === 'ipv4-unicast' ? [1, 1] : eorFamily(attributes)
    return `{ "eor": { "afi" : "${afiName(afi)}", "safi" : "${safiName(safi)}" } }`
  }
  const parts: Record<string, Exa> = {}
  const attr = attributeJson(attributes, routes.attributes, ctx)
  if (Object.keys(attr).length) parts.attribute = attr
  if (routes.announce.length) {
    const fams: Record<string, Record<string, Exa[]>> = {}
    for (const a of routes.announce) {
      const byHop = (fams[familyText(a.afi, a.safi)] ??= {})
      const hops = a.nextHop.length
        ? a.nextHop.map((h) => (/^[0-9a-f]+$/i.test(h) && !h.includes(':') ? `0x${h.toUpperCase()}` : h))
        : ['null']
      for (const h of hops) {
        const list = (byHop[h] ??= [])
        for (const x of a.nlri) list.push(nlriJson(x))
      }
    }
    parts.announce = fams
  }
  if (routes.withdraw.length) {
    const fams: Record<string, Exa[]> = {}
    for (const w of routes.withdraw) {
      const list = (fams[familyText(w.afi, w.safi)] ??= [])
      for (const x of w.nlri) list.push(nlriJson(x))
    }
    parts.withdraw = fams
  }
  return `{ "update": ${exaJson(parts)} }`
}

function eorFamily(attributes: readonly PathAttribute[]): [number, number] {
  const a = attributes.find((x) => x.name === 'MP_UNREACH_NLRI')
  return a?.name === 'MP_UNREACH_NLRI' ? [a.value.afi, a.value.safi] : [1, 1]
}

/** ExaBGP 4.2 knows these capability codes; others are its "unknown" entries. */
function capabilityJson(c: Capability): Exa | undefined {
  switch (c.name) {
    case 'ROUTE_REFRESH':
      return { name: 'route-refresh', variant: 'RFC' }
    case 'ENHANCED_ROUTE_REFRESH':
      return { name: 'enhanced-route-refresh' }
    case 'FOUR_OCTET_AS':
      return { name: 'asn4', asn4: c.value.asn }
    case 'EXTENDED_MESSAGE':
      return { name: 'extended-message', size: 65535 }
    case 'ADD_PATH':
      return {
        name: 'addpath',
        ...Object.fromEntries(
          c.value.map((f) => [
            `${afiName(f.afi)}/${safiName(f.safi)}`,
            f.sendReceive === 'both' ? 'send/receive' : String(f.sendReceive),
          ]),
        ),
      }
    case 'GRACEFUL_RESTART':
      return {
        name: 'graceful restart',
        time: c.value.time,
        'address-family-flags': Object.fromEntries(
          c.value.families.map((f) => [
            `${afiName(f.afi)}/${safiName(f.safi)}`,
            f.forwarding ? ['restart'] : [],
          ]),
        ),
        'restart-flags': c.value.restarting ? ['forwarding'] : [],
      }
    case 'EXTENDED_NEXT_HOP':
      return {
        name: 'nexthop',
        conversion: c.value.map((f) => `${afiName(f.afi)}/${safiName(f.safi)}/${afiName(f.nextHopAfi)}`),
      }
    default:
      return undefined
  }
}

const ASSIGNED_BY_EXABGP = new Set([1, 2, 5, 6, 64, 65, 66, 67, 68, 69, 70])

function unknownCapability(code: number, raw: string): Exa {
  const iana =
    code >= 128 ? 'reserved' : code >= 70 && !ASSIGNED_BY_EXABGP.has(code) ? 'unassigned' : 'unknown'
  return { name: 'unknown', iana, value: code, raw: raw.toUpperCase() }
}

function capabilitiesJson(open: OpenMessage): Record<string, Exa> {
  const out: Record<string, Exa> = {}
  const families: string[] = []
  for (const c of openCapabilities(open)) {
    if (c.name === 'MULTIPROTOCOL') {
      families.push(`${afiName(c.value.afi)}/${safiName(c.value.safi)}`)
      out['1'] = { name: 'multiprotocol', families }
      continue
    }
    const known = capabilityJson(c)
    if (known !== undefined) {
      out[String(c.code)] = known
      continue
    }
    out[String(c.code)] = unknownCapability(c.code, rawCapability(c))
  }
  return out
}

function rawCapability(c: Capability): string {
  if (c.name === 'UNKNOWN') return c.value
  if (c.name === 'MALFORMED') return c.value.hex
  return encodedCapabilityValue(c)
}

function encodedCapabilityValue(c: Capability): string {
  const codec = capabilityCodec(c.code)
  if (!codec) return ''
  const value = c.value as never
  const buf = new Uint8Array(codec.size(value))
  codec.encode(writer(buf), value)
  return upperHex(buf)
}

/** ExaBGP's neighbor state lines for a session state change; none for steps it does not report. */
export function exabgpState(
  e: PeerStateEvent,
  wasConnected: boolean,
): 'connected' | 'up' | 'down' | undefined {
  const to: SessionState = e.to
  if (to === 'Established') return 'up'
  if ((to === 'OpenSent' || to === 'OpenConfirm') && !wasConnected) return 'connected'
  if ((to === 'Idle' || to === 'Active' || to === 'Connect') && wasConnected) return 'down'
  return undefined
}
