// The deprecated BGP type 5 (RFC 6396 Appendix B.2.1; the MRT programmer's
// guide before it), still found in RIPE RIS files from 1999–2001:
//
//   BGP_UPDATE (1), BGP_OPEN (5), BGP_NOTIFY (6), BGP_KEEPALIVE (7):
//   +-------------------------------+-------------------------------+
//   |          Peer AS (2)          |                               |
//   +-------------------------------+   Peer IP Address (4)         |
//   |                               +-------------------------------+
//   +-------------------------------+         Local AS (2)          |
//   |                     Local IP Address (4)                      |
//   +---------------------------------------------------------------+
//   |        BGP message body, without marker/length/type           |
//   +---------------------------------------------------------------+
//
//   BGP_STATE_CHANGE (3): Peer AS (2), Peer IP (4), Old State (2), New State (2)
//
// Other subtypes (BGP_NULL, BGP_PREF_UPDATE, BGP_SYNC) are carried raw.

import {
  type BgpMessage,
  codecContext,
  decodeMessage,
  type ErrorAction,
  MESSAGE_TYPE,
  type Problem,
  writeHeader,
} from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'
import { formatIPv4 } from '../wire/ip.ts'
import { bytes, type Reader, rest, u16 } from '../wire/reader.ts'
import { type Writer, w16, wbytes } from '../wire/writer.ts'
import { BGP_SUBTYPE, bgpStateName } from './constants.ts'
import { RecordFault } from './errors.ts'

export type LegacyBgp =
  | {
      readonly kind: 'message'
      readonly peerAs: number
      readonly peerAddress: Uint8Array
      readonly localAs: number
      readonly localAddress: Uint8Array
      /** The message body without its 19-octet header (a view). */
      readonly body: Uint8Array
    }
  | {
      readonly kind: 'state'
      readonly peerAs: number
      readonly peerAddress: Uint8Array
      readonly oldState: number
      readonly newState: number
    }
  | { readonly kind: 'raw'; readonly data: Uint8Array }

const MESSAGE_OF_SUBTYPE: Readonly<Record<number, number>> = {
  [BGP_SUBTYPE.BGP_UPDATE]: MESSAGE_TYPE.UPDATE,
  [BGP_SUBTYPE.BGP_OPEN]: MESSAGE_TYPE.OPEN,
  [BGP_SUBTYPE.BGP_NOTIFY]: MESSAGE_TYPE.NOTIFICATION,
  [BGP_SUBTYPE.BGP_KEEPALIVE]: MESSAGE_TYPE.KEEPALIVE,
}

export function parseLegacyBgp(r: Reader, subtype: number): LegacyBgp {
  if (MESSAGE_OF_SUBTYPE[subtype] !== undefined) {
    const peerAs = u16(r)
    const peerAddress = bytes(r, 4)
    const localAs = u16(r)
    const localAddress = bytes(r, 4)
    return { kind: 'message', peerAs, peerAddress, localAs, localAddress, body: rest(r) }
  }
  if (subtype === BGP_SUBTYPE.BGP_STATE_CHANGE) {
    const peerAs = u16(r)
    const peerAddress = bytes(r, 4)
    const oldState = u16(r)
    const newState = u16(r)
    return { kind: 'state', peerAs, peerAddress, oldState, newState }
  }
  return { kind: 'raw', data: rest(r) }
}

export function legacyBgpSize(b: LegacyBgp): number {
  if (b.kind === 'message') return 12 + b.body.length
  if (b.kind === 'state') return 10
  return b.data.length
}

export function encodeLegacyBgp(w: Writer, b: LegacyBgp): void {
  if (b.kind === 'raw') {
    wbytes(w, b.data)
    return
  }
  if (b.peerAddress.length !== 4) throw new RecordFault(0, 'the BGP type carries IPv4 addresses only')
  w16(w, b.peerAs)
  wbytes(w, b.peerAddress)
  if (b.kind === 'state') {
    w16(w, b.oldState)
    w16(w, b.newState)
    return
  }
  w16(w, b.localAs)
  wbytes(w, b.localAddress)
  wbytes(w, b.body)
}

export type DecodedLegacyBgp =
  | {
      readonly peerAs: number
      readonly peerAddress: string
      readonly localAs: number
      readonly localAddress: string
      readonly message?: BgpMessage
      readonly problems?: readonly Problem[]
      readonly action?: ErrorAction
    }
  | {
      readonly peerAs: number
      readonly peerAddress: string
      readonly oldState: number
      readonly newState: number
      readonly oldStateName: string
      readonly newStateName: string
    }
  | { readonly data: string }

// The BGP type predates 4-octet ASNs and ADD-PATH.
const LEGACY_CONTEXT = codecContext({ asn4: false })

/** The whole message a legacy body stands for (header rebuilt), for the codec. */
export function legacyMessage(subtype: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(19 + body.length)
  writeHeader(m, 0, m.length, MESSAGE_OF_SUBTYPE[subtype] ?? 0)
  m.set(body, 19)
  return m
}

export function decodeLegacyBgp(b: LegacyBgp, subtype: number): DecodedLegacyBgp {
  if (b.kind === 'raw') return { data: toHex(b.data) }
  if (b.kind === 'state') {
    return {
      peerAs: b.peerAs,
      peerAddress: formatIPv4(b.peerAddress),
      oldState: b.oldState,
      newState: b.newState,
      oldStateName: bgpStateName(b.oldState),
      newStateName: bgpStateName(b.newState),
    }
  }
  const d = decodeMessage(legacyMessage(subtype, b.body), LEGACY_CONTEXT)
  return {
    peerAs: b.peerAs,
    peerAddress: formatIPv4(b.peerAddress),
    localAs: b.localAs,
    localAddress: formatIPv4(b.localAddress),
    ...(d.message ? { message: d.message } : {}),
    ...(d.problems.length ? { problems: d.problems, action: d.action } : {}),
  }
}
