// A common "meaning" of a BGP message that both our decode and an independent
// decoder's output (TShark) can be reduced to, so that conformance tests
// compare what the message says — prefixes, next hops, paths, communities,
// capabilities — and not how each tool spells it.

import {
  type BgpMessage,
  type Capability,
  type ExtendedCommunity,
  familyKey,
  formatExtendedCommunity,
  type Nlri,
  openCapabilities,
  type PathAttribute,
  parseCommunity,
} from '../../collector/src/bgp/index.ts'
import { child, code, findAll, type TsharkMessage, type TsharkNode } from './tshark.ts'

/** Families of the core codec; NLRI of others are compared once their codecs land (issue 3). */
export const CORE_FAMILIES = new Set([
  familyKey(1, 1),
  familyKey(2, 1),
  familyKey(1, 2),
  familyKey(2, 2),
  familyKey(1, 4),
  familyKey(2, 4),
  familyKey(1, 128),
  familyKey(2, 128),
  familyKey(1, 132),
])

export type AttrMeaning = { readonly code: number } & Record<string, unknown>

export type Meaning =
  | {
      type: 'UPDATE'
      withdrawn: string[]
      nlri: string[]
      attributes: AttrMeaning[]
    }
  | {
      type: 'OPEN'
      version: number
      asn: number
      holdTime: number
      bgpId: string
      capabilities: Record<string, unknown>[]
    }
  | { type: 'NOTIFICATION'; code: number; subcode: number; detail: string }
  | { type: 'KEEPALIVE' }
  | { type: 'ROUTE_REFRESH'; afi: number; safi: number }

// ---------- our side ----------

function nlriText(n: Nlri): string {
  const x = n as Record<string, unknown>
  const parts: string[] = []
  if (typeof x.rd === 'string') parts.push(`rd=${x.rd}`)
  if (Array.isArray(x.labels)) {
    // RFC 8277 §2.4: the compatibility value 0x800000 in a withdrawal is no
    // label (and some speakers send 0x000000); TShark says "withdrawn" for both.
    const compat =
      x.labels.length === 1 &&
      (x.labels[0] === 0x80000 || x.labels[0] === 0) &&
      (x.labelFlags as number[] | undefined)?.[0] === 0
    parts.push(compat ? 'labels=withdrawn' : `labels=${(x.labels as number[]).join(',')}`)
  }
  if (typeof x.prefix === 'string') parts.push(x.prefix)
  if (typeof x.length === 'number') {
    // Route target membership, as tcpdump writes it: origin AS, the route target
    // with absent octets as zero, and the length of the route target part.
    const rt = x.routeTarget === '0x' ? '0:0' : x.routeTarget
    parts.push(x.length === 0 ? 'rtc=default' : `rtc=${x.originAs} ${rt}/${(x.length as number) - 32}`)
  }
  if (x.pathId !== undefined) parts.push(`#${x.pathId}`)
  return parts.join(' ')
}

function pathText(segments: readonly { type: string; asns: readonly number[] }[]): string {
  return segments
    .map((s) =>
      s.type === 'AS_SET'
        ? `{${s.asns.join(', ')}}`
        : s.type === 'AS_CONFED_SEQUENCE'
          ? `(${s.asns.join(' ')})`
          : s.type === 'AS_CONFED_SET'
            ? `[${s.asns.join(' ')}]`
            : s.asns.join(' '),
    )
    .join(' ')
}

function communityPair(c: string): string {
  const v = parseCommunity(c)!
  return `${Math.floor(v / 65536)}:${v & 0xffff}`
}

function ecMeaning(e: ExtendedCommunity): string {
  const base = `0x${e.type.toString(16).padStart(2, '0')}/0x${e.subtype.toString(16).padStart(2, '0')}`
  if (e.name === 'route-target' || e.name === 'route-origin') return `${base} ${formatExtendedCommunity(e)}`
  if (e.name === 'link-bandwidth') return `${base} asn=${e.asn} mbps=${((e.bandwidth * 8) / 1e6).toFixed(3)}`
  return base
}

function ourAttribute(a: PathAttribute): AttrMeaning {
  switch (a.name) {
    case 'ORIGIN':
      return { code: 1, origin: a.value.toUpperCase() }
    case 'AS_PATH':
      return { code: 2, path: pathText(a.value) }
    case 'NEXT_HOP':
      return { code: 3, nextHop: a.value }
    case 'MULTI_EXIT_DISC':
      return { code: 4, med: a.value }
    case 'LOCAL_PREF':
      return { code: 5, localPref: a.value }
    case 'AGGREGATOR':
      return { code: 7, aggregator: `${a.value.asn} ${a.value.address}` }
    case 'COMMUNITIES':
      return { code: 8, communities: a.value.map(communityPair) }
    case 'ORIGINATOR_ID':
      return { code: 9, originatorId: a.value }
    case 'CLUSTER_LIST':
      return { code: 10, clusterList: [...a.value] }
    case 'MP_REACH_NLRI': {
      const v = a.value
      const core = CORE_FAMILIES.has(familyKey(v.afi, v.safi))
      return {
        code: 14,
        afi: v.afi,
        safi: v.safi,
        ...(core ? { nextHops: [...v.nextHop], nlri: v.nlri.map(nlriText) } : {}),
      }
    }
    case 'MP_UNREACH_NLRI': {
      const v = a.value
      const core = CORE_FAMILIES.has(familyKey(v.afi, v.safi))
      return { code: 15, afi: v.afi, safi: v.safi, ...(core ? { nlri: v.nlri.map(nlriText) } : {}) }
    }
    case 'EXTENDED_COMMUNITIES':
      return { code: 16, extended: a.value.map(ecMeaning) }
    case 'AS4_PATH':
      return { code: 17, path: pathText(a.value) }
    case 'AIGP':
      return { code: 26, aigp: a.value.map((t) => ('metric' in t ? String(t.metric) : t.hex)) }
    case 'LARGE_COMMUNITY':
      return { code: 32, large: [...a.value] }
    case 'ATTR_SET':
      return { code: 128, originAs: a.value.originAs, attributes: a.value.attributes.map(ourAttribute) }
    default:
      return { code: a.code }
  }
}

function capMeaning(c: Capability): Record<string, unknown> {
  switch (c.name) {
    case 'MULTIPROTOCOL':
      return { code: 1, afi: c.value.afi, safi: c.value.safi }
    case 'FOUR_OCTET_AS':
      return { code: 65, asn: c.value.asn }
    case 'ADD_PATH':
      return { code: 69, families: c.value.map((f) => `${f.afi}/${f.safi}/${f.sendReceive}`) }
    case 'GRACEFUL_RESTART':
      return { code: 64, time: c.value.time, families: c.value.families.map((f) => `${f.afi}/${f.safi}`) }
    default:
      return { code: c.code }
  }
}

export function ourMeaning(m: BgpMessage): Meaning {
  switch (m.type) {
    case 'UPDATE':
      return {
        type: 'UPDATE',
        withdrawn: m.withdrawn.map(nlriText),
        nlri: m.nlri.map(nlriText),
        attributes: m.attributes.map(ourAttribute),
      }
    case 'OPEN':
      return {
        type: 'OPEN',
        version: m.version,
        asn: m.asn,
        holdTime: m.holdTime,
        bgpId: m.bgpId,
        capabilities: openCapabilities(m).map(capMeaning),
      }
    case 'NOTIFICATION': {
      // What the data says: a shutdown communication, the bad peer AS, or the octets.
      const detail =
        m.shutdownMessage ??
        (m.code === 2 && m.subcode === 2 && m.data.length === 4
          ? String(Number.parseInt(m.data, 16))
          : m.data)
      return { type: 'NOTIFICATION', code: m.code, subcode: m.subcode, detail }
    }
    case 'KEEPALIVE':
      return { type: 'KEEPALIVE' }
    case 'ROUTE_REFRESH':
      return { type: 'ROUTE_REFRESH', afi: m.afi, safi: m.safi }
    default:
      throw new Error(`no meaning for ${m.type}`)
  }
}

// ---------- TShark's side ----------

const TSHARK_COMMUNITY_NAMES: Record<string, string> = {
  NO_EXPORT: '65535:65281',
  NO_ADVERTISE: '65535:65282',
  NO_EXPORT_SUBCONFED: '65535:65283',
  NOPEER: '65535:65284',
}

/** What an NLRI TShark printed but could not render becomes (see `acceptUnreadable`). */
export const UNREADABLE = '<unreadable by TShark>'

/**
 * Where TShark could not render an NLRI (TShark 4.0 prints nothing but the
 * label for a VPN-IPv6 route with a type 2 RD), our NLRI at that place is not
 * compared with it; callers check those against another reference.
 */
export function acceptUnreadable(ours: Meaning, theirs: Meaning): Meaning {
  if (ours.type !== 'UPDATE' || theirs.type !== 'UPDATE') return ours
  const attributes = ours.attributes.map((a, i) => {
    const t = theirs.attributes[i]
    if (!Array.isArray(a.nlri) || !t || !Array.isArray(t.nlri)) return a
    return {
      ...a,
      nlri: (a.nlri as string[]).map((n, j) => ((t.nlri as string[])[j] === UNREADABLE ? UNREADABLE : n)),
    }
  })
  return { ...ours, attributes }
}

/** One NLRI node of TShark's tree (a summary line, with or without leaves) as our nlriText. */
function tsharkNlri(n: TsharkNode, safi: number): string {
  const leaves = n.children
  const leaf = (re: RegExp) => leaves.find((c) => re.test(c.key))?.value
  const text = n.text
  const pathId = leaf(/path id$/i) ?? /PathId (\d+)/.exec(text)?.[1]
  const rd = leaf(/^Route Distinguisher$/) ?? /RD=([^,\s]+)/.exec(text)?.[1]
  const labelText = leaf(/Label Stack/) ?? /Label Stack=([\d,]+)/.exec(text)?.[1]
  const withdrawnLabel = labelText?.includes('(withdrawn)')
  const labels = labelText
    ? labelText
        .replace(/\(.*\)/, '')
        .split(',')
        .map((x) => Number(x.trim()))
        .filter((x) => !Number.isNaN(x))
    : undefined
  const parts: string[] = []
  if (rd) parts.push(`rd=${rd}`)
  if (labels) parts.push(withdrawnLabel ? 'labels=withdrawn' : `labels=${labels.join(',')}`)
  const inline = /(?:IPv[46]=)?([0-9a-fA-F:.]+)\/(\d+)/.exec(text)
  const addr = leaf(/prefix$/i)
  if (inline) parts.push(`${inline[1]}/${inline[2]}`)
  else if (addr === undefined) return UNREADABLE
  else {
    const bits = Number(leaf(/prefix length$/i) ?? leaf(/^Prefix Length$/i))
    parts.push(`${addr}/${bits - (labels ? labels.length * 24 : 0) - (rd ? 64 : 0)}`)
  }
  if (pathId !== undefined) parts.push(`#${pathId}`)
  void safi
  return parts.join(' ')
}

function nlriSection(n: TsharkNode | undefined, safi: number): string[] {
  return n ? n.children.map((c) => tsharkNlri(c, safi)) : []
}

function tsharkEc(n: TsharkNode): string {
  const type = n.children.find((c) => c.key === 'Type')?.value ?? ''
  const sub = n.children.find((c) => c.key.startsWith('Subtype'))?.value ?? ''
  const hex = (v: string) => /\((0x[0-9a-f]+)\)/.exec(v)?.[1] ?? '?'
  const base = `${hex(type)}/${hex(sub)}`
  if (n.key === 'Route Target') return `${base} target:${n.value.replace(/ \[.*$/, '')}`
  if (n.key === 'Route Origin') return `${base} origin:${n.value.replace(/ \[.*$/, '')}`
  if (n.key === 'Link Bandwidth') {
    const m = /ASN (\d+), ([\d.]+) Mbps/.exec(n.value)!
    return `${base} asn=${m[1]} mbps=${Number(m[2]).toFixed(3)}`
  }
  return base
}

function tsharkAttribute(a: TsharkNode): AttrMeaning {
  const c = code(child(a, 'Type Code')?.value ?? '')
  const summary = a.value
  switch (c) {
    case 1:
      return { code: 1, origin: summary }
    case 2:
    case 17:
      return { code: c, path: summary.trim() === 'empty' ? '' : summary.trim() }
    case 3:
      // TShark prints no address for a NEXT_HOP it finds malformed.
      return summary.trim() ? { code: 3, nextHop: summary.trim() } : { code: 3 }
    case 4:
      return { code: 4, med: Number(summary) }
    case 5:
      return { code: 5, localPref: Number(summary) }
    case 7: {
      const m = /AS: (\d+) origin: (\S+)/.exec(summary)!
      return { code: 7, aggregator: `${m[1]} ${m[2]}` }
    }
    case 8:
      return {
        code: 8,
        communities: summary
          .split(/\s+/)
          .filter(Boolean)
          .map((x) => TSHARK_COMMUNITY_NAMES[x] ?? x),
      }
    case 9:
      return { code: 9, originatorId: summary.trim() }
    case 10:
      return { code: 10, clusterList: findAll(a, 'Cluster ID').map((x) => x.value) }
    case 14: {
      const afi = code(child(a, /^Address family identifier/)?.value ?? '')
      const safi = code(child(a, /^Subsequent address family identifier/)?.value ?? '')
      const nh = child(a, 'Next hop')
      const nextHops = nh
        ? nh.children.filter((x) => /(IPv4|IPv6|Link-local) Address$/.test(x.key)).map((x) => x.value)
        : []
      const core = CORE_FAMILIES.has(familyKey(afi, safi))
      const nlri = nlriSection(child(a, /^Network Layer Reachability Information/), safi)
      return { code: 14, afi, safi, ...(core ? { nextHops, nlri } : {}) }
    }
    case 15: {
      const afi = code(child(a, /^Address family identifier/)?.value ?? '')
      const safi = code(child(a, /^Subsequent address family identifier/)?.value ?? '')
      const core = CORE_FAMILIES.has(familyKey(afi, safi))
      return {
        code: 15,
        afi,
        safi,
        ...(core ? { nlri: nlriSection(child(a, 'Withdrawn Routes'), safi) } : {}),
      }
    }
    case 16: {
      const carried = child(a, 'Carried extended communities')
      return { code: 16, extended: (carried?.children ?? []).map(tsharkEc) }
    }
    case 26:
      return { code: 26, aigp: findAll(a, 'AIGP Accumulated IGP Metric').map((x) => x.value) }
    case 32:
      return { code: 32, large: summary.split(/\s+/).filter(Boolean) }
    case 128: {
      const attrs = child(a, 'Path attributes')?.children ?? []
      return {
        code: 128,
        originAs: Number(child(a, 'Origin AS')?.value),
        attributes: attrs.filter((x) => x.key.startsWith('Path Attribute')).map(tsharkAttribute),
      }
    }
    default:
      return { code: c }
  }
}

function tsharkCapability(n: TsharkNode): Record<string, unknown> {
  const c = code(child(n, 'Type')?.value ?? '')
  const num = (key: string) => code(child(n, key)?.value ?? '')
  switch (c) {
    case 1:
      return { code: 1, afi: num('AFI'), safi: num('SAFI') }
    case 65:
      return { code: 65, asn: Number(child(n, 'AS Number')?.value) }
    case 69: {
      // One AFI/SAFI/Send-Receive triple per entry, in order.
      const out: string[] = []
      const kids = n.children
      for (let i = 0; i < kids.length; i++) {
        if (kids[i]!.key !== 'AFI') continue
        const mode = code(kids[i + 2]!.value)
        out.push(
          `${code(kids[i]!.value)}/${code(kids[i + 1]!.value)}/${['', 'receive', 'send', 'both'][mode]}`,
        )
      }
      return { code: 69, families: out }
    }
    case 64: {
      const timers = Number.parseInt(findAll(n, 'Restart Timers')[0]?.value ?? '', 16)
      const time = timers & 0xfff
      const afis = findAll(n, 'AFI').map((x) => code(x.value))
      const safis = findAll(n, 'SAFI').map((x) => code(x.value))
      return { code: 64, time, families: afis.map((a, i) => `${a}/${safis[i]}`) }
    }
    default:
      return { code: c }
  }
}

export function tsharkMeaning(t: TsharkMessage): Meaning {
  const r = t.root
  const val = (key: string) => child(r, key)?.value ?? ''
  switch (t.type) {
    case 'UPDATE': {
      const attrs = child(r, 'Path attributes')?.children ?? []
      return {
        type: 'UPDATE',
        withdrawn: nlriSection(child(r, 'Withdrawn Routes'), 1),
        nlri: nlriSection(child(r, /^Network Layer Reachability Information/), 1),
        attributes: attrs.filter((x) => x.key.startsWith('Path Attribute')).map(tsharkAttribute),
      }
    }
    case 'OPEN':
      return {
        type: 'OPEN',
        version: Number(val('Version')),
        asn: Number.parseInt(val('My AS'), 10),
        holdTime: Number(val('Hold Time')),
        bgpId: val('BGP Identifier'),
        capabilities: findAll(r, 'Capability').map(tsharkCapability),
      }
    case 'NOTIFICATION':
      return {
        type: 'NOTIFICATION',
        code: code(val('Major error Code')),
        subcode: code(child(r, /^Minor error Code/)?.value ?? ''),
        detail:
          child(r, 'Shutdown Communication')?.value ??
          child(r, 'Bad Peer AS')?.value ??
          (child(r, 'Data')?.value ?? '').toLowerCase(),
      }
    case 'KEEPALIVE':
      return { type: 'KEEPALIVE' }
    case 'ROUTE-REFRESH':
      return {
        type: 'ROUTE_REFRESH',
        afi: code(child(r, /^Address family identifier/)?.value ?? ''),
        safi: code(child(r, /^Subsequent address family identifier/)?.value ?? ''),
      }
    default:
      throw new Error(`TShark message type ${t.type}`)
  }
}
