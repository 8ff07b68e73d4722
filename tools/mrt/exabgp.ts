// `--format exabgp`: one JSON line per UPDATE in the form ExaBGP 4.x gives
// its API processes (`"exabgp": "4.0.1"`, checked against ExaBGP 4.2's own
// `--decode` output), so that programs written for ExaBGP can read MRT files:
//
//   { "exabgp": "4.0.1", "time": …, "host", "pid", "ppid", "counter", "type": "update",
//     "neighbor": { "address": { "local", "peer" }, "asn": { "local", "peer" },
//                   "direction": "in", "message": { "update": {
//       "attribute": { "origin", "as-path", "as-set", "confederation-path", "med", … },
//       "announce": { "ipv4 unicast": { "<next hop>": [ { "nlri": "10.0.0.0/8" } ] } },
//       "withdraw": { "ipv6 unicast": [ { "nlri": "2001:db8::/32" } ] } } } } }
//
// As ExaBGP does: attributes in type-code order; the AS path split into the
// sequence ASNs, set ASNs and confederation parts (AS4_PATH merged on 2-octet
// records); communities as [asn, value] pairs; path ids as "path-information"
// in dotted form; End-of-RIB as "eor". RIB entries (TABLE_DUMP, TABLE_DUMP_V2)
// are written as the update that would announce them; state changes to and
// from Established as ExaBGP's "state" messages (up, down). The time is the
// record's, the neighbor the record's peer and local end.

import { hostname } from 'node:os'
import {
  type Aggregator,
  type AsPathSegment,
  decodeMessage,
  type ExtendedCommunity,
  effectivePath,
  encodeExtendedCommunity,
  formatExtendedCommunity,
  type Nlri,
  type PathAttribute,
  parseCommunity,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import {
  BGP_STATE,
  type DecodedBgp4mpMessage,
  decodeRecord,
  decodeStoredAttributes,
  type MrtRecord,
  messageContext,
  parseRecord,
  ribGenericNlri,
  ribPrefixText,
  TABLE_DUMP_CONTEXT,
} from '../../collector/src/mrt/index.ts'
import { dotted, EXABGP_AFI, EXABGP_SAFI } from '../../collector/src/sinks/exabgp/format.ts'
import { toHex } from '../../collector/src/wire/hex.ts'
import { formatIP } from '../../collector/src/wire/ip.ts'
import type { MrtFilter } from './filter.ts'
import { recordRoutes } from './routes.ts'

const q = JSON.stringify

function familyText(afi: number, safi: number): string {
  return `${EXABGP_AFI[afi] ?? `afi-${afi}`} ${EXABGP_SAFI[safi] ?? `safi-${safi}`}`
}

function nlriText(n: Nlri): string {
  const x = n as Record<string, unknown>
  const parts: string[] = []
  if (typeof x.prefix === 'string') parts.push(`"nlri": ${q(x.prefix)}`)
  else if (typeof x.raw === 'string') parts.push(`"nlri": ${q(`0x${x.raw}`)}`)
  else parts.push(`"nlri": ${q(JSON.stringify(x))}`)
  if (Array.isArray(x.labels)) {
    const flags = (x.labelFlags as number[] | undefined) ?? []
    const labels = (x.labels as number[]).map(
      (l, i, all) => `[ ${l}, ${l * 16 + (flags[i] ?? (i === all.length - 1 ? 1 : 0))} ]`,
    )
    parts.push(`"label": [ ${labels.join(', ')} ]`)
  }
  if (typeof x.rd === 'string') parts.push(`"rd": ${q(x.rd)}`)
  if (typeof n.pathId === 'number') parts.push(`"path-information": ${q(dotted(n.pathId))}`)
  return `{ ${parts.join(', ')} }`
}

function asPathFields(segments: readonly AsPathSegment[]): string[] {
  if (!segments.length) return []
  const pick = (type: AsPathSegment['type']) => segments.filter((s) => s.type === type).flatMap((s) => s.asns)
  const list = (v: number[]) => `[ ${v.join(', ')} ]`.replace('[  ]', '[]')
  const out = [`"as-path": ${list(pick('AS_SEQUENCE'))}`]
  const set = pick('AS_SET')
  if (set.length) out.push(`"as-set": ${list(set)}`)
  out.push(`"confederation-path": ${list(pick('AS_CONFED_SEQUENCE'))}`)
  const cset = pick('AS_CONFED_SET')
  if (cset.length) out.push(`"confederation-set": ${list(cset)}`)
  return out
}

/** The "attribute" object of an UPDATE's (or RIB entry's) attributes. */
export function attributeFields(attributes: readonly PathAttribute[], asn4: boolean): string {
  const first = new Map<number, PathAttribute>()
  for (const a of attributes) if (!first.has(a.code)) first.set(a.code, a)
  const path = (code: number): readonly AsPathSegment[] | undefined => {
    const a = first.get(code)
    if (a && (a.name === 'AS_PATH' || a.name === 'AS4_PATH')) return a.value
    return undefined
  }
  const aggr = (code: number): Aggregator | undefined => {
    const a = first.get(code)
    if (a && (a.name === 'AGGREGATOR' || a.name === 'AS4_AGGREGATOR')) return a.value
    return undefined
  }
  const eff = effectivePath(asn4, path(2), aggr(7), path(17), aggr(18))
  const fields: string[] = []
  for (const code of [...first.keys()].sort((x, y) => x - y)) {
    const a = first.get(code)!
    switch (a.name) {
      case 'ORIGIN':
        fields.push(`"origin": ${q(a.value)}`)
        break
      case 'AS_PATH':
        fields.push(...asPathFields(eff.asPath))
        break
      case 'MULTI_EXIT_DISC':
        fields.push(`"med": ${a.value}`)
        break
      case 'LOCAL_PREF':
        fields.push(`"local-preference": ${a.value}`)
        break
      case 'ATOMIC_AGGREGATE':
        fields.push('"atomic-aggregate": true')
        break
      case 'AGGREGATOR':
        if (eff.aggregator)
          fields.push(`"aggregator": ${q(`${eff.aggregator.asn}:${eff.aggregator.address}`)}`)
        break
      case 'COMMUNITIES':
        fields.push(
          `"community": [ ${a.value
            .map((c) => {
              const v = parseCommunity(c) ?? 0
              return `[ ${v >>> 16}, ${v & 0xffff} ]`
            })
            .join(', ')} ]`,
        )
        break
      case 'ORIGINATOR_ID':
        fields.push(`"originator-id": ${q(a.value)}`)
        break
      case 'CLUSTER_LIST':
        fields.push(`"cluster-list": [ ${a.value.map((c) => q(c)).join(', ')} ]`)
        break
      case 'EXTENDED_COMMUNITIES':
        fields.push(
          `"extended-community": [ ${a.value
            .map((e) => {
              const b = encodeExtendedCommunity(e)
              const v = BigInt(`0x${toHex(b)}`)
              return `{ "value": ${v}, "string": ${q(exabgpEcText(e))} }`
            })
            .join(', ')} ]`,
        )
        break
      case 'LARGE_COMMUNITY':
        fields.push(
          `"large-community": [ ${a.value.map((c) => `[ ${c.split(':').join(', ')} ]`).join(', ')} ]`,
        )
        break
      case 'AIGP': {
        const m = a.value.find((t) => 'metric' in t)
        if (m && 'metric' in m) fields.push(`"aigp": ${m.metric}`)
        break
      }
      case 'NEXT_HOP':
      case 'MP_REACH_NLRI':
      case 'MP_UNREACH_NLRI':
      case 'AS4_PATH':
      case 'AS4_AGGREGATOR':
      case 'MALFORMED':
        break
      case 'UNKNOWN': {
        // ExaBGP shows the Partial bit it would set passing an unknown transitive attribute on.
        const flags = (a.flags & 0xc0) === 0xc0 ? a.flags | 0x20 : a.flags
        const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0')
        fields.push(`"attribute-0x${hex(a.code)}-0x${hex(flags)}": ${q(`0x${a.value}`)}`)
        break
      }
      default:
        break
    }
  }
  return `{ ${fields.join(', ')} }`
}

/** ExaBGP marks a 4-octet-AS administrator with an L whatever its value ("target:137967L:9001"). */
function exabgpEcText(e: ExtendedCommunity): string {
  const text = formatExtendedCommunity(e)
  if ((e.type & 0x3f) !== 0x02) return text
  const m = /^([a-z-]+):(\d+)(L?):(.*)$/.exec(text)
  return m ? `${m[1]}:${m[2]}L:${m[4]}` : text
}

interface Neighbor {
  readonly local: string
  readonly peer: string
  readonly localAs: number
  readonly peerAs: number
  readonly direction: 'in' | 'out'
}

interface Change {
  readonly afi: number
  readonly safi: number
  readonly nextHops: readonly string[]
  readonly nlri: readonly Nlri[]
}

export class ExabgpFormatter {
  readonly #host = hostname()
  readonly #counters = new Map<string, number>()
  readonly #filter: MrtFilter | undefined

  constructor(filter?: MrtFilter) {
    this.#filter = filter && !filter.empty ? filter : undefined
  }

  #head(time: number, type: string, n: Neighbor): string {
    // Python prints a whole float with ".0".
    const t = Number.isInteger(time) ? `${time}.0` : String(time)
    const key = `${n.peer} ${n.local}`
    const counter = (this.#counters.get(key) ?? 0) + 1
    this.#counters.set(key, counter)
    return (
      `{ "exabgp": "4.0.1", "time": ${t}, "host" : ${q(this.#host)}, "pid" : ${process.pid}, "ppid" : ${process.ppid}, ` +
      `"counter": ${counter}, "type": ${q(type)}, "neighbor": { "address": { "local": ${q(n.local)}, "peer": ${q(n.peer)} }, ` +
      `"asn": { "local": ${n.localAs}, "peer": ${n.peerAs} } `
    )
  }

  #update(time: number, n: Neighbor, attributes: string, announce: Change[], withdraw: Change[]): string {
    const parts: string[] = []
    if (announce.length) parts.push(`"attribute": ${attributes}`)
    if (announce.length) {
      const fams = new Map<string, Map<string, string[]>>()
      for (const c of announce) {
        const fam = familyText(c.afi, c.safi)
        const byHop = fams.get(fam) ?? new Map<string, string[]>()
        fams.set(fam, byHop)
        for (const hop of c.nextHops.length ? c.nextHops : ['null']) {
          const list = byHop.get(hop) ?? []
          byHop.set(hop, list)
          for (const x of c.nlri) list.push(nlriText(x))
        }
      }
      const text = [...fams]
        .map(
          ([fam, hops]) =>
            `${q(fam)}: { ${[...hops].map(([h, l]) => `${q(h)}: [ ${l.join(', ')} ]`).join(', ')} }`,
        )
        .join(', ')
      parts.push(`"announce": { ${text} }`)
    }
    if (withdraw.length) {
      const fams = new Map<string, string[]>()
      for (const c of withdraw) {
        const fam = familyText(c.afi, c.safi)
        const list = fams.get(fam) ?? []
        fams.set(fam, list)
        for (const x of c.nlri) list.push(nlriText(x))
      }
      parts.push(`"withdraw": { ${[...fams].map(([f, l]) => `${q(f)}: [ ${l.join(', ')} ]`).join(', ')} }`)
    }
    return `${this.#head(time, 'update', n)}, "direction": "${n.direction}", "message": { "update": { ${parts.join(', ')} } } } }`
  }

  #eor(time: number, n: Neighbor, afi: number, safi: number): string {
    const [a, s] = familyText(afi, safi).split(' ')
    return `${this.#head(time, 'update', n)}, "direction": "${n.direction}", "message": { "eor": { "afi" : ${q(a)}, "safi" : ${q(s)} } } } }`
  }

  /** The lines of one record (none for records ExaBGP has no message for). */
  record(rec: MrtRecord): string[] {
    const f = this.#filter
    if (f && !f.typeMatches(rec.type, rec.subtype)) return []
    const body = parseRecord(rec)
    const time = rec.timestamp + (rec.microseconds ?? 0) / 1e6
    // Which routes survive the filter: by RIB entry, and by NLRI object identity.
    const keepEntry = new Set<number>()
    const keepNlri = new Set<Nlri>()
    let message: UpdateMessage | undefined
    if (body.kind === 'BGP4MP_MESSAGE') {
      const d = decodeMessage(body.message.message, messageContext(body.message.as4, body.message.addPath))
      if (d.message?.type === 'UPDATE') message = d.message
    }
    if (f) {
      let any = false
      recordRoutes(rec, body, message, (r, entry) => {
        if (!f.route(r)) return
        any = true
        if (entry >= 0) keepEntry.add(entry)
      })
      if (!any) return []
      if (message) {
        // Second pass to know which NLRI objects matched.
        const nlriList = [
          ...message.withdrawn,
          ...message.nlri,
          ...message.attributes.flatMap((a) =>
            a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI' ? a.value.nlri : [],
          ),
        ]
        let i = 0
        recordRoutes(rec, body, message, (r) => {
          const n = nlriList[i++]
          if (n && f.route(r)) keepNlri.add(n)
        })
      }
    }
    const kept = (list: readonly Nlri[]) => (f ? list.filter((n) => keepNlri.has(n)) : list)
    switch (body.kind) {
      case 'BGP4MP_MESSAGE': {
        if (!message) return []
        const d = decodeRecord(rec) as DecodedBgp4mpMessage
        const n: Neighbor = {
          local: d.localAddress ?? '0.0.0.0',
          peer: d.peerAddress ?? '0.0.0.0',
          localAs: d.localAs,
          peerAs: d.peerAs,
          direction: body.message.local ? 'out' : 'in',
        }
        if (message.endOfRib && !f) {
          const [afi, safi] = message.endOfRib === 'ipv4-unicast' ? [1, 1] : eorFamily(message)
          return [this.#eor(time, n, afi, safi)]
        }
        const announce: Change[] = []
        const withdraw: Change[] = []
        let nextHop: string | undefined
        for (const a of message.attributes)
          if (a.name === 'NEXT_HOP' && nextHop === undefined) nextHop = a.value
        const w = kept(message.withdrawn)
        if (w.length) withdraw.push({ afi: 1, safi: 1, nextHops: [], nlri: w })
        const ann = kept(message.nlri)
        if (ann.length) announce.push({ afi: 1, safi: 1, nextHops: nextHop ? [nextHop] : [], nlri: ann })
        for (const a of message.attributes) {
          if (a.name === 'MP_REACH_NLRI') {
            const l = kept(a.value.nlri)
            const hops = a.value.nextHopRaw ? [`0x${a.value.nextHopRaw}`] : a.value.nextHop
            if (l.length) announce.push({ afi: a.value.afi, safi: a.value.safi, nextHops: hops, nlri: l })
          } else if (a.name === 'MP_UNREACH_NLRI') {
            const l = kept(a.value.nlri)
            if (l.length) withdraw.push({ afi: a.value.afi, safi: a.value.safi, nextHops: [], nlri: l })
          }
        }
        if (!announce.length && !withdraw.length) return []
        return [
          this.#update(time, n, attributeFields(message.attributes, body.message.as4), announce, withdraw),
        ]
      }
      case 'BGP4MP_STATE_CHANGE': {
        const s = body.state
        const up = s.newState === BGP_STATE.ESTABLISHED
        const down = s.oldState === BGP_STATE.ESTABLISHED && !up
        if (!up && !down) return []
        const width = s.afi === 2 ? 16 : 4
        const n: Neighbor = {
          local: s.afi ? formatIP(s.localAddress, 0, width) : '0.0.0.0',
          peer: s.afi ? formatIP(s.peerAddress, 0, width) : '0.0.0.0',
          localAs: s.localAs,
          peerAs: s.peerAs,
          direction: 'in',
        }
        const reason = down
          ? `, "reason": ${q(`state ${s.oldState} to ${s.newState} (MRT STATE_CHANGE)`)}`
          : ''
        return [`${this.#head(time, 'state', n)}, "state": ${q(up ? 'up' : 'down')}${reason} } }`]
      }
      case 'RIB': {
        const rib = body.rib
        const peers = rec.peers
        const lines: string[] = []
        const nlri: Nlri = rib.generic
          ? ribGenericNlri(rib)
          : ({ prefix: ribPrefixText(rib.nlri, rib.afi) } as Nlri)
        rib.entries.forEach((e, i) => {
          if (f && !keepEntry.has(i)) return
          const peer = peers?.peers[e.peerIndex]
          const d = decodeStoredAttributes(e.attributes, messageContext(true, rib.addPath), 0, rib)
          const hop = nextHopOf(d.attributes)
          const n: Neighbor = {
            local: peers?.collectorBgpId ?? '0.0.0.0',
            peer: peer?.address ?? '0.0.0.0',
            localAs: 0,
            peerAs: peer?.asn ?? 0,
            direction: 'in',
          }
          const withId = e.pathId !== undefined ? { ...nlri, pathId: e.pathId } : nlri
          lines.push(
            this.#update(
              time,
              n,
              attributeFields(d.attributes, true),
              [{ afi: rib.afi, safi: rib.safi, nextHops: hop, nlri: [withId] }],
              [],
            ),
          )
        })
        return lines
      }
      case 'TABLE_DUMP': {
        const t = body.entry
        const width = t.afi === 1 ? 4 : 16
        const d = decodeStoredAttributes(t.attributes, TABLE_DUMP_CONTEXT, 0, { afi: t.afi, safi: 1 })
        const n: Neighbor = {
          local: '0.0.0.0',
          peer: formatIP(t.peerAddress, 0, width),
          localAs: 0,
          peerAs: t.peerAs,
          direction: 'in',
        }
        const prefix = `${formatIP(t.prefix, 0, width)}/${t.prefixLength}`
        return [
          this.#update(
            time,
            n,
            attributeFields(d.attributes, false),
            [{ afi: t.afi, safi: 1, nextHops: nextHopOf(d.attributes), nlri: [{ prefix } as Nlri] }],
            [],
          ),
        ]
      }
      default:
        return []
    }
  }
}

function eorFamily(u: UpdateMessage): [number, number] {
  const a = u.attributes[0]
  return a?.name === 'MP_UNREACH_NLRI' ? [a.value.afi, a.value.safi] : [1, 1]
}

function nextHopOf(attributes: readonly PathAttribute[]): string[] {
  for (const a of attributes)
    if (a.name === 'MP_REACH_NLRI')
      return a.value.nextHopRaw ? [`0x${a.value.nextHopRaw}`] : [...a.value.nextHop]
  for (const a of attributes) if (a.name === 'NEXT_HOP') return [a.value]
  return []
}
