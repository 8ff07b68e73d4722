// What the BMP exporter knows of each peer, from the events alone (and, when
// a session comes up, from the session's view: addresses, ports, terms): the
// OPENs as sent and received (a Peer Up carries both, so that a station
// knows 4-octet AS and ADD-PATH), whether the session is up and which
// session it is (a generation number), the last NOTIFICATION each way (a
// Peer Down carries the one that ended the session), and the counters a
// Statistics Report gives.

import {
  DEFAULT_CONTEXT,
  encodeMessage,
  type FamilyKey,
  familyByName,
  type UpdateMessage,
} from '../../bgp/index.ts'
import {
  BMP_PEER_DOWN_REASON,
  BMP_PEER_FLAG,
  BMP_PEER_HEADER_LENGTH,
  BMP_PEER_TYPE,
  type BmpPeerHeader,
  encodePeerHeader,
} from '../../bmp/index.ts'
import type { PeerStateEvent, UpdateEvent } from '../../events/index.ts'
import type { PeerView } from '../../session/index.ts'
import { parseIP } from '../../wire/ip.ts'
import { writer } from '../../wire/writer.ts'

export interface TrackedPeer {
  readonly address: string
  readonly v6: boolean
  asn: number
  bgpId: string
  /** The session negotiated 4-octet AS numbers. */
  asn4: boolean
  sentOpen: Uint8Array | undefined
  receivedOpen: Uint8Array | undefined
  up: boolean
  /** Increases with every session that comes up: a station's Peer Up names the one it announced. */
  generation: number
  /** µs since the epoch. */
  upAt: number
  localAddress: string
  localPort: number
  remotePort: number
  /** Negotiated families (End-of-RIB markers after the initial dump). */
  families: FamilyKey[]
  /** Families whose received NLRI carry path ids (ADD-PATH receive negotiated). */
  addPath: Set<FamilyKey>
  lastSent: { readonly raw: Uint8Array; readonly at: number } | undefined
  lastReceived: { readonly raw: Uint8Array; readonly at: number } | undefined
  /** RFC 7854 §4.8 types 11 and 12, for this session. */
  treatAsWithdrawUpdates: number
  treatAsWithdrawPrefixes: number
  /** The per-peer header with timestamp 0 and the A flag clear: copied and patched per message. */
  header: Uint8Array
}

export interface PeerDownInfo {
  readonly reason: number
  readonly notification?: Uint8Array
  readonly fsmEvent?: number
}

/** RFC 4271 §8.1 event numbers, by the FSM's event names (session/fsm.ts). */
const FSM_EVENT: Readonly<Record<string, number>> = {
  ManualStart: 1,
  ManualStop: 2,
  AutomaticStart: 3,
  AutomaticStop: 8,
  ConnectRetryTimerExpires: 9,
  HoldTimerExpires: 10,
  KeepaliveTimerExpires: 11,
  DelayOpenTimerExpires: 12,
  IdleHoldTimerExpires: 13,
  TcpConnectionFails: 18,
  BGPHeaderErr: 21,
  BGPOpenMsgErr: 22,
  OpenCollisionDump: 23,
  NotifMsgVerErr: 24,
  NotifMsg: 25,
  UpdateMsgErr: 28,
}

function isV6(address: string): boolean {
  return parseIP(address)?.length === 16
}

function headerTemplate(p: TrackedPeer): Uint8Array {
  const h: BmpPeerHeader = {
    peerType: BMP_PEER_TYPE.GLOBAL_INSTANCE,
    flags: p.v6 ? BMP_PEER_FLAG.V : 0,
    distinguisher: '0:0',
    address: p.address,
    asn: p.asn,
    bgpId: p.bgpId,
    timestamp: 0,
    microseconds: 0,
  }
  const b = new Uint8Array(BMP_PEER_HEADER_LENGTH)
  encodePeerHeader(writer(b), h)
  return b
}

/** Announced NLRI in an UPDATE (NLRI field and MP_REACH_NLRI). */
function announcedCount(m: UpdateMessage): number {
  let n = m.nlri.length
  for (const a of m.attributes) if (a.name === 'MP_REACH_NLRI') n += a.value.nlri.length
  return n
}

export class PeerTracker {
  readonly peers = new Map<string, TrackedPeer>()
  private readonly view: (address: string) => PeerView | undefined

  constructor(view: (address: string) => PeerView | undefined) {
    this.view = view
  }

  private get(address: string, asn: number): TrackedPeer {
    let p = this.peers.get(address)
    if (!p) {
      const v6 = isV6(address)
      p = {
        address,
        v6,
        asn,
        bgpId: '0.0.0.0',
        asn4: true,
        sentOpen: undefined,
        receivedOpen: undefined,
        up: false,
        generation: 0,
        upAt: 0,
        localAddress: v6 ? '::' : '0.0.0.0',
        localPort: 0,
        remotePort: 0,
        families: [],
        addPath: new Set(),
        lastSent: undefined,
        lastReceived: undefined,
        treatAsWithdrawUpdates: 0,
        treatAsWithdrawPrefixes: 0,
        header: new Uint8Array(BMP_PEER_HEADER_LENGTH),
      }
      this.peers.set(address, p)
    }
    return p
  }

  /** Records OPENs and NOTIFICATIONs; counts treat-as-withdraw. Returns the peer for a received UPDATE of an up session. */
  message(e: UpdateEvent): TrackedPeer | undefined {
    const type = e.raw[18]
    if (type === 2) {
      const p = this.peers.get(e.peerAddress)
      if (!p?.up || e.direction !== 'received' || e.synthetic) return undefined
      // Only an UPDATE that left the fast path has its problems and routes as plain fields
      // (session/received-update.ts): a fast-path one is clean, and reading its getters would decode it.
      const d = Object.getOwnPropertyDescriptor(e, 'routes')
      if (d && 'value' in d && e.routes?.treatedAsWithdraw) {
        p.treatAsWithdrawUpdates++
        if (e.message?.type === 'UPDATE') p.treatAsWithdrawPrefixes += announcedCount(e.message)
      }
      return p
    }
    const p = this.get(e.peerAddress, e.peerAsn)
    if (type === 1) {
      if (e.direction === 'sent') p.sentOpen = e.raw
      else p.receivedOpen = e.raw
    } else if (type === 3) {
      const n = { raw: e.raw, at: e.timestamp }
      if (e.direction === 'sent') p.lastSent = n
      else p.lastReceived = n
    }
    return undefined
  }

  /** The session came up: its terms, from the session's view. */
  up(e: PeerStateEvent): TrackedPeer {
    const p = this.get(e.peerAddress, e.peerAsn)
    const v = this.view(e.peerAddress)
    p.up = true
    p.generation++
    p.upAt = e.timestamp
    p.asn = e.peerAsn
    p.bgpId = v?.routerId ?? '0.0.0.0'
    p.asn4 = v?.negotiated?.asn4 ?? true
    p.localAddress = v?.localAddress ?? (p.v6 ? '::' : '0.0.0.0')
    if (isV6(p.localAddress) !== p.v6) p.localAddress = p.v6 ? '::' : '0.0.0.0'
    p.localPort = v?.localPort ?? 0
    p.remotePort = v?.remotePort ?? 0
    p.families = (v?.negotiated?.families ?? []).map((f) => familyByName(f)!).filter((k) => k !== undefined)
    p.addPath = new Set((v?.negotiated?.addPath ?? []).map((f) => familyByName(f)!))
    // The OPENs as the events carried them; from the view (encoded again) if an event was missed.
    if (!p.sentOpen && v?.openSent) p.sentOpen = encodeMessage(v.openSent, DEFAULT_CONTEXT)
    if (!p.receivedOpen && v?.openReceived) p.receivedOpen = encodeMessage(v.openReceived, DEFAULT_CONTEXT)
    p.treatAsWithdrawUpdates = 0
    p.treatAsWithdrawPrefixes = 0
    p.header = headerTemplate(p)
    return p
  }

  /**
   * The session went down: why, as a Peer Down says it (RFC 7854 §4.9): we
   * sent a NOTIFICATION (1, with it), the peer sent one (3, with it), the
   * connection closed under us (4), or we closed it without one (2, with the
   * RFC 4271 FSM event).
   */
  down(e: PeerStateEvent): { peer: TrackedPeer; info: PeerDownInfo } | undefined {
    const p = this.peers.get(e.peerAddress)
    if (!p?.up) return undefined
    p.up = false
    const err = this.view(e.peerAddress)?.lastError
    const since = p.upAt / 1000
    const recent = err && err.at >= since - 1 ? err : undefined
    let info: PeerDownInfo
    if (recent?.direction === 'sent') {
      const raw =
        p.lastSent && p.lastSent.at >= p.upAt
          ? p.lastSent.raw
          : recent.notification && encodeMessage(recent.notification, DEFAULT_CONTEXT)
      info = raw
        ? { reason: BMP_PEER_DOWN_REASON.LOCAL_NOTIFICATION, notification: raw }
        : { reason: BMP_PEER_DOWN_REASON.LOCAL_NO_NOTIFICATION, fsmEvent: FSM_EVENT[e.reason ?? ''] ?? 0 }
    } else if (recent?.direction === 'received') {
      const raw =
        p.lastReceived && p.lastReceived.at >= p.upAt
          ? p.lastReceived.raw
          : recent.notification && encodeMessage(recent.notification, DEFAULT_CONTEXT)
      info = raw
        ? { reason: BMP_PEER_DOWN_REASON.REMOTE_NOTIFICATION, notification: raw }
        : { reason: BMP_PEER_DOWN_REASON.REMOTE_NO_DATA }
    } else if (recent && /collision/.test(recent.reason)) {
      info = { reason: BMP_PEER_DOWN_REASON.LOCAL_NO_NOTIFICATION, fsmEvent: FSM_EVENT.OpenCollisionDump! }
    } else if (
      !recent &&
      e.reason !== undefined &&
      FSM_EVENT[e.reason] !== undefined &&
      e.reason !== 'TcpConnectionFails'
    ) {
      info = { reason: BMP_PEER_DOWN_REASON.LOCAL_NO_NOTIFICATION, fsmEvent: FSM_EVENT[e.reason]! }
    } else {
      // The TCP connection closed or failed under the session: the remote side went away.
      info = { reason: BMP_PEER_DOWN_REASON.REMOTE_NO_DATA }
    }
    return { peer: p, info }
  }
}
