// Capability negotiation: the OPEN we send, and what both OPENs together
// mean for the session (RFC 5492 §3: a capability is in force when both sides
// advertised it).
//
//   multiprotocol   RFC 4760 §8: the families both listed; a speaker that
//                   lists none has IPv4 unicast only
//   4-octet AS      RFC 6793 §4: both sent FOUR_OCTET_AS
//   ADD-PATH        RFC 7911 §5: path ids arrive for a family when we said
//                   receive (or both) and the peer said send (or both)
//   extended msg    RFC 8654 §3: both sent it
//   route refresh   RFC 2918 §3, RFC 7313 §3.1 (enhanced)
//   graceful rst    RFC 4724 §3 (we are a helper: no families of our own, N bit
//                   set as RFC 8538 allows), RFC 9494 (long-lived)
//   ext. next hop   RFC 8950: IPv4 NLRI with an IPv6 next hop
//   FQDN, version   draft-walton-bgp-hostname-capability, draft-ietf-idr-software-version
//
// The negotiated CodecContext is the one every UPDATE of the session is
// decoded with; `sendContext` is the one our own messages are encoded with.

import {
  AS_TRANS,
  BGP_VERSION,
  type Capability,
  type CapabilityCodec,
  type CapabilityOf,
  type CodecContext,
  capabilityCodec,
  type FamilyKey,
  familyAfi,
  familyKey,
  familyNameOfKey,
  familySafi,
  IPV4_UNICAST,
  type OpenMessage,
  openAsn,
  openCapabilities,
} from '../bgp/index.ts'

export interface LocalSpeaker {
  readonly asn: number
  readonly routerId: string
  /** Our name in the FQDN capability (the collector's `host`). */
  readonly hostname: string
  readonly domain: string
  /** The SOFTWARE_VERSION capability text. */
  readonly softwareVersion: string
}

export interface OfferPolicy {
  readonly families: readonly FamilyKey[]
  /** Offer ADD-PATH receive for every family. */
  readonly addPathReceive: boolean
  /** Offer ADD-PATH send (the replay speaker, never the collector). */
  readonly addPathSend?: boolean
  readonly holdTime: number
  /** Our GRACEFUL_RESTART restart time (we only ever help; see above). */
  readonly restartTime: number
  /** Offer graceful restart and long-lived GR (default true). */
  readonly gracefulRestart?: boolean
}

/** Octets of one classic optional parameter value (RFC 4271 §4.2: Opt Parm Len is one octet). */
const CLASSIC_PARAMETERS_MAX = 255

/** IPv4 families that may carry IPv6 next hops (RFC 8950 §2: unicast, multicast, VPN). */
const EXTENDED_NEXT_HOP_FAMILIES: readonly FamilyKey[] = [
  familyKey(1, 1),
  familyKey(1, 2),
  familyKey(1, 128),
  familyKey(1, 129),
]

function afiSafi(key: FamilyKey) {
  return { afi: familyAfi(key), safi: familySafi(key), family: familyNameOfKey(key) }
}

export function offeredCapabilities(local: LocalSpeaker, policy: OfferPolicy): Capability[] {
  const caps: Capability[] = []
  for (const f of policy.families) caps.push({ code: 1, name: 'MULTIPROTOCOL', value: afiSafi(f) })
  caps.push({ code: 2, name: 'ROUTE_REFRESH', value: true })
  caps.push({ code: 70, name: 'ENHANCED_ROUTE_REFRESH', value: true })
  const enh = EXTENDED_NEXT_HOP_FAMILIES.filter((f) => policy.families.includes(f))
  if (enh.length) {
    caps.push({
      code: 5,
      name: 'EXTENDED_NEXT_HOP',
      value: enh.map((f) => ({ ...afiSafi(f), nextHopAfi: 2 })),
    })
  }
  caps.push({ code: 6, name: 'EXTENDED_MESSAGE', value: true })
  const gr = policy.gracefulRestart ?? true
  if (gr) {
    caps.push({
      code: 64,
      name: 'GRACEFUL_RESTART',
      value: { restarting: false, notification: true, time: policy.restartTime & 0xfff, families: [] },
    })
  }
  caps.push({ code: 65, name: 'FOUR_OCTET_AS', value: { asn: local.asn } })
  const mode = policy.addPathReceive
    ? policy.addPathSend
      ? 'both'
      : 'receive'
    : policy.addPathSend
      ? 'send'
      : undefined
  if (mode) {
    caps.push({
      code: 69,
      name: 'ADD_PATH',
      value: policy.families.map((f) => ({ ...afiSafi(f), sendReceive: mode })),
    })
  }
  if (gr) caps.push({ code: 71, name: 'LONG_LIVED_GRACEFUL_RESTART', value: [] })
  if (local.hostname) {
    caps.push({ code: 73, name: 'FQDN', value: { hostname: local.hostname, domain: local.domain } })
  }
  if (local.softwareVersion) {
    caps.push({ code: 75, name: 'SOFTWARE_VERSION', value: { version: local.softwareVersion.slice(0, 64) } })
  }
  return caps
}

function capabilityOctets(c: Capability): number {
  if (c.name === 'UNKNOWN') return 2 + c.value.length / 2
  if (c.name === 'MALFORMED') return 2 + c.value.hex.length / 2
  return 2 + (capabilityCodec(c.code) as CapabilityCodec).size(c.value as never)
}

/**
 * Our OPEN. All capabilities go into one optional parameter; when they do not
 * fit the classic one-octet length (many families with ADD-PATH), the RFC 9072
 * extended optional parameters encoding is used.
 */
export function buildOpen(local: LocalSpeaker, policy: OfferPolicy): OpenMessage {
  const capabilities = offeredCapabilities(local, policy)
  const octets = capabilities.reduce((n, c) => n + capabilityOctets(c), 0)
  const open: OpenMessage = {
    type: 'OPEN',
    version: BGP_VERSION,
    asn: local.asn > 0xffff ? AS_TRANS : local.asn,
    holdTime: policy.holdTime,
    bgpId: local.routerId,
    parameters: [{ type: 2, capabilities }],
  }
  return octets + 2 > CLASSIC_PARAMETERS_MAX ? { ...open, extendedParameters: true } : open
}

/**
 * The families to offer a peer whose OPEN came first (DelayOpen): those both
 * configured and offered by it, so that our OPEN stays short enough for the
 * classic optional parameters. A peer without multiprotocol capabilities
 * talks IPv4 unicast (RFC 4760 §8). With nothing in common, the configured
 * list stands (and checkOpen refuses the peer).
 */
export function familiesFor(
  configured: readonly FamilyKey[],
  peerOpen: OpenMessage | undefined,
): readonly FamilyKey[] {
  if (!peerOpen) return configured
  const offered = mpFamilies(openCapabilities(peerOpen))
  const common = configured.filter((f) => offered.has(f))
  return common.length ? common : configured
}

export interface PeerGracefulRestart {
  /** Seconds the peer asks us to keep its routes after the session goes down. */
  readonly restartTime: number
  /** R bit: the peer has just restarted. */
  readonly restarting: boolean
  /** N bit on both sides: a NOTIFICATION (but Hard Reset) keeps routes too (RFC 8538). */
  readonly notification: boolean
  /** Families the peer preserves, with the F bit (forwarding state kept). */
  readonly families: ReadonlyMap<FamilyKey, { readonly forwarding: boolean }>
}

export interface Negotiated {
  readonly peerAsn: number
  readonly peerBgpId: string
  /** Seconds; 0 means no hold timer and no keepalives (RFC 4271 §4.2). */
  readonly holdTime: number
  /** Families both sides listed (after RFC 4760's implicit IPv4 unicast). */
  readonly families: readonly FamilyKey[]
  /** Context for decoding what the peer sends. */
  readonly context: CodecContext
  /** Context for encoding what we send. */
  readonly sendContext: CodecContext
  /** Families in which the peer sends path identifiers. */
  readonly addPathReceive: readonly FamilyKey[]
  readonly addPathSend: readonly FamilyKey[]
  readonly asn4: boolean
  readonly extendedMessage: boolean
  readonly routeRefresh: boolean
  readonly enhancedRouteRefresh: boolean
  /** IPv4 families the peer may send with IPv6 next hops. */
  readonly extendedNextHop: readonly FamilyKey[]
  /** The peer's graceful restart, when both sides advertised the capability. */
  readonly gracefulRestart?: PeerGracefulRestart
  /** The peer's long-lived stale time per family, when both sides advertised GR and LLGR (RFC 9494 §4). */
  readonly longLivedStale?: ReadonlyMap<FamilyKey, number>
  readonly peerHostname?: string
  readonly peerSoftwareVersion?: string
}

function find<K extends Capability['name']>(
  caps: readonly Capability[],
  name: K,
): Extract<Capability, { name: K }>[] {
  return caps.filter((c) => c.name === name) as Extract<Capability, { name: K }>[]
}

function mpFamilies(caps: readonly Capability[]): Set<FamilyKey> {
  const mp = find(caps, 'MULTIPROTOCOL') as CapabilityOf<'MULTIPROTOCOL'>[]
  // RFC 4760 §8 / RFC 4271: no multiprotocol capability at all means IPv4 unicast.
  if (mp.length === 0) return new Set([IPV4_UNICAST])
  return new Set(mp.map((c) => familyKey(c.value.afi, c.value.safi)))
}

function addPathModes(caps: readonly Capability[]): Map<FamilyKey, number> {
  const out = new Map<FamilyKey, number>()
  const modes: Record<string, number> = { receive: 1, send: 2, both: 3 }
  for (const c of find(caps, 'ADD_PATH') as CapabilityOf<'ADD_PATH'>[]) {
    for (const e of c.value) {
      const m = typeof e.sendReceive === 'number' ? e.sendReceive : modes[e.sendReceive]!
      out.set(familyKey(e.afi, e.safi), m)
    }
  }
  return out
}

/** Hold time negotiation (RFC 4271 §4.2): the smaller of the two; 0 only when either is 0. */
export function negotiateHoldTime(ours: number, theirs: number): number {
  return Math.min(ours, theirs)
}

/** What the session is, from the OPEN we sent and the one we received. */
export function negotiate(sent: OpenMessage, received: OpenMessage): Negotiated {
  const ours = openCapabilities(sent)
  const theirs = openCapabilities(received)
  const ourFamilies = mpFamilies(ours)
  const theirFamilies = mpFamilies(theirs)
  const families = [...ourFamilies].filter((f) => theirFamilies.has(f))
  const has = (caps: readonly Capability[], name: Capability['name']) => caps.some((c) => c.name === name)
  const both = (name: Capability['name']) => has(ours, name) && has(theirs, name)
  const asn4 = both('FOUR_OCTET_AS')
  const extendedMessage = both('EXTENDED_MESSAGE')
  const ourModes = addPathModes(ours)
  const theirModes = addPathModes(theirs)
  const addPathReceive = families.filter((f) => (ourModes.get(f) ?? 0) & 1 && (theirModes.get(f) ?? 0) & 2)
  const addPathSend = families.filter((f) => (ourModes.get(f) ?? 0) & 2 && (theirModes.get(f) ?? 0) & 1)
  const enhOurs = new Set(
    (find(ours, 'EXTENDED_NEXT_HOP') as CapabilityOf<'EXTENDED_NEXT_HOP'>[]).flatMap((c) =>
      c.value.filter((e) => e.nextHopAfi === 2).map((e) => familyKey(e.afi, e.safi)),
    ),
  )
  const extendedNextHop = [
    ...new Set(
      (find(theirs, 'EXTENDED_NEXT_HOP') as CapabilityOf<'EXTENDED_NEXT_HOP'>[]).flatMap((c) =>
        c.value
          .filter((e) => e.nextHopAfi === 2 && e.safi <= 0xff && enhOurs.has(familyKey(e.afi, e.safi)))
          .map((e) => familyKey(e.afi, e.safi)),
      ),
    ),
  ]
  const ourGr = find(ours, 'GRACEFUL_RESTART')[0] as CapabilityOf<'GRACEFUL_RESTART'> | undefined
  const theirGr = find(theirs, 'GRACEFUL_RESTART')[0] as CapabilityOf<'GRACEFUL_RESTART'> | undefined
  let gracefulRestart: PeerGracefulRestart | undefined
  if (ourGr && theirGr) {
    const fams = new Map<FamilyKey, { forwarding: boolean }>()
    for (const f of theirGr.value.families) {
      const key = familyKey(f.afi, f.safi)
      if (families.includes(key)) fams.set(key, { forwarding: f.forwarding })
    }
    gracefulRestart = {
      restartTime: theirGr.value.time,
      restarting: theirGr.value.restarting,
      notification: ourGr.value.notification && theirGr.value.notification,
      families: fams,
    }
  }
  let longLivedStale: Map<FamilyKey, number> | undefined
  const ourLl = find(ours, 'LONG_LIVED_GRACEFUL_RESTART')[0]
  const theirLl = find(theirs, 'LONG_LIVED_GRACEFUL_RESTART')[0] as
    | CapabilityOf<'LONG_LIVED_GRACEFUL_RESTART'>
    | undefined
  // RFC 9494 §4.2: LLGR is in force only together with GR.
  if (gracefulRestart && ourLl && theirLl) {
    longLivedStale = new Map()
    for (const e of theirLl.value) {
      const key = familyKey(e.afi, e.safi)
      if (families.includes(key) && e.staleTime > 0) longLivedStale.set(key, e.staleTime)
    }
  }
  const fqdn = find(theirs, 'FQDN')[0] as CapabilityOf<'FQDN'> | undefined
  const version = find(theirs, 'SOFTWARE_VERSION')[0] as CapabilityOf<'SOFTWARE_VERSION'> | undefined
  const receiveSet = new Set(addPathReceive)
  const sendSet = new Set(addPathSend)
  return {
    peerAsn: openAsn(received),
    peerBgpId: received.bgpId,
    holdTime: negotiateHoldTime(sent.holdTime, received.holdTime),
    families,
    context: { asn4, addPath: receiveSet, extendedMessage },
    sendContext: { asn4, addPath: sendSet, extendedMessage },
    addPathReceive,
    addPathSend,
    asn4,
    extendedMessage,
    routeRefresh: both('ROUTE_REFRESH'),
    enhancedRouteRefresh: both('ENHANCED_ROUTE_REFRESH'),
    extendedNextHop,
    ...(gracefulRestart ? { gracefulRestart } : {}),
    ...(longLivedStale ? { longLivedStale } : {}),
    ...(fqdn
      ? {
          peerHostname: fqdn.value.domain
            ? `${fqdn.value.hostname}.${fqdn.value.domain}`
            : fqdn.value.hostname,
        }
      : {}),
    ...(version ? { peerSoftwareVersion: version.value.version } : {}),
  }
}
