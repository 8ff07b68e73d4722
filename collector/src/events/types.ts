// The events that flow from sessions to sinks (DESIGN.md "Data flow"). One
// shape per kind, the same for every sink: who (collector host, peer address,
// peer ASN, our ASN), when (microseconds since the Unix epoch), and what.
//
// UpdateEvent carries every BGP message of a session — received, and the few
// we send (our OPEN, NOTIFICATION, ROUTE-REFRESH, End-of-RIB) — with its raw
// octets and its decoded form, so sinks never decode again and MRT/BMP exports
// re-emit exactly what was on the wire. Withdrawals the RIB makes when a
// session is lost without graceful restart are UpdateEvents too, encoded as
// real UPDATEs and marked `synthetic`, so sinks stay consistent with the RIB.

import type { BgpMessage, CodecContext, Problem, UpdateRoutes } from '../bgp/index.ts'

/** RFC 4271 §8.2.2 state names. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established'

export interface EventOrigin {
  /** The collector's name (`host` in the config, RIS Live's `host`). */
  readonly host: string
  /** The peer's address, canonical text (RFC 5952 for IPv6). */
  readonly peerAddress: string
  /** The peer's AS (from its OPEN; the configured one before the OPEN). */
  readonly peerAsn: number
  readonly localAsn: number
  /** Microseconds since the Unix epoch. */
  readonly timestamp: number
  /** Increases by one with every event of this peer (RIS Live's `id`). */
  readonly sequence: number
}

export interface UpdateEvent extends EventOrigin {
  readonly type: 'message'
  readonly direction: 'received' | 'sent'
  /** The whole message as on the wire, header included. Owned by the event (a copy). */
  readonly raw: Uint8Array
  /** The decoded message; undefined when its syntax allowed none (see problems). */
  readonly message: BgpMessage | undefined
  /** The context the message was decoded (or encoded) with. */
  readonly context: CodecContext
  /** UPDATEs: what it means, RFC 7606 applied (announcements, withdrawals, attributes). */
  readonly routes?: UpdateRoutes
  readonly problems: readonly Problem[]
  /** Made by the collector (withdrawals of a lost session), not received. */
  readonly synthetic?: true
  /**
   * Received UPDATEs: families the session had switched off (RFC 7606 AFI/SAFI
   * disable) when the message came, as family keys; their NLRI are not in
   * `routes` nor in the RIB. Absent when none.
   */
  readonly disabledFamilies?: readonly number[]
}

export interface PeerStateEvent extends EventOrigin {
  readonly type: 'state'
  readonly from: SessionState
  readonly to: SessionState
  /** RIS Live's RIS_PEER_STATE: "connected" when Established, "down" when leaving it, else undefined. */
  readonly risState?: 'connected' | 'down'
  /** Why, in words (a NOTIFICATION, a timer, a TCP failure…). */
  readonly reason?: string
}

export type BusEvent = UpdateEvent | PeerStateEvent
