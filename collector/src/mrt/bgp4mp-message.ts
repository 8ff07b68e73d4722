// BGP4MP / BGP4MP_ET MESSAGE records (RFC 6396 §4.4.2–§4.4.6, RFC 8050 §3):
//
//   +---------------------------------------------------------------+
//   |    peer fields (bgp4mp-peer.ts: ASes, ifindex, AFI, addresses) |
//   +---------------------------------------------------------------+
//   |          BGP Message, header (marker) included (variable)     |
//   +---------------------------------------------------------------+
//
//   subtype                        ASN octets  direction  ADD-PATH
//   1  MESSAGE                      2           received   no
//   4  MESSAGE_AS4                  4           received   no
//   6  MESSAGE_LOCAL                2           sent       no
//   7  MESSAGE_AS4_LOCAL            4           sent       no
//   8  MESSAGE_ADDPATH              2           received   yes
//   9  MESSAGE_AS4_ADDPATH          4           received   yes
//   10 MESSAGE_LOCAL_ADDPATH        2           sent       yes
//   11 MESSAGE_AS4_LOCAL_ADDPATH    4           sent       yes
//
// The subtype is also the message's decode context: AS_PATH carries 4-octet
// ASNs in the AS4 subtypes (the session negotiated them), and the ADDPATH
// subtypes put a path identifier before every NLRI of every family (RFC 8050
// §3). The message octets are kept as a view and decoded on demand.

import {
  ADD_PATH_ALL_CONTEXT,
  type BgpMessage,
  type CodecContext,
  codecContext,
  decodeMessage,
  type ErrorAction,
  NO_FAMILIES,
  type Problem,
  strongestAction,
} from '../bgp/index.ts'
import { bytes, type Reader, rest, u16, u32 } from '../wire/reader.ts'
import { type Writer, w16, w32, wbytes } from '../wire/writer.ts'
import {
  type Bgp4mpPeer,
  bgp4mpPeerSize,
  type DecodedBgp4mpPeer,
  decodeBgp4mpPeer,
  encodeBgp4mpPeer,
} from './bgp4mp-peer.ts'
import { BGP4MP_SUBTYPE } from './constants.ts'
import { RecordFault } from './errors.ts'

export interface Bgp4mpMessage extends Bgp4mpPeer {
  /** A *_LOCAL subtype: the collector sent this message to the peer. */
  readonly local: boolean
  /** An *_ADDPATH subtype: NLRI carry path identifiers. */
  readonly addPath: boolean
  /** The BGP message octets, marker included (a view). */
  readonly message: Uint8Array
}

interface Flavour {
  readonly as4: boolean
  readonly local: boolean
  readonly addPath: boolean
}

const FLAVOURS: Readonly<Record<number, Flavour>> = {
  [BGP4MP_SUBTYPE.MESSAGE]: { as4: false, local: false, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_AS4]: { as4: true, local: false, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_LOCAL]: { as4: false, local: true, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_AS4_LOCAL]: { as4: true, local: true, addPath: false },
  [BGP4MP_SUBTYPE.MESSAGE_ADDPATH]: { as4: false, local: false, addPath: true },
  [BGP4MP_SUBTYPE.MESSAGE_AS4_ADDPATH]: { as4: true, local: false, addPath: true },
  [BGP4MP_SUBTYPE.MESSAGE_LOCAL_ADDPATH]: { as4: false, local: true, addPath: true },
  [BGP4MP_SUBTYPE.MESSAGE_AS4_LOCAL_ADDPATH]: { as4: true, local: true, addPath: true },
}

export function messageFlavour(subtype: number): Flavour | undefined {
  return FLAVOURS[subtype]
}

/** The subtype a message record with these properties is written with. */
export function messageSubtype(as4: boolean, local: boolean, addPath: boolean): number {
  for (const [sub, f] of Object.entries(FLAVOURS)) {
    if (f.as4 === as4 && f.local === local && f.addPath === addPath) return Number(sub)
  }
  throw new Error('unreachable: every combination has a subtype')
}

const NO_ADDRESS = new Uint8Array(0)

export function parseBgp4mpMessage(r: Reader, subtype: number): Bgp4mpMessage {
  const f = FLAVOURS[subtype]!
  const asEnd = r.pos + (f.as4 ? 8 : 4)
  const b = r.buf
  if (
    asEnd + 4 <= r.end &&
    b[asEnd] === 0xff &&
    b[asEnd + 1] === 0xff &&
    b[asEnd + 2] === 0xff &&
    b[asEnd + 3] === 0xff
  ) {
    // Zebra wrote some messages (OPENs) without interface, AFI and addresses:
    // the marker follows the AS numbers. Kept as AFI 0, written back the same.
    const peerAs = f.as4 ? u32(r) : u16(r)
    const localAs = f.as4 ? u32(r) : u16(r)
    return {
      as4: f.as4,
      peerAs,
      localAs,
      interfaceIndex: 0,
      afi: 0,
      peerAddress: NO_ADDRESS,
      localAddress: NO_ADDRESS,
      local: f.local,
      addPath: f.addPath,
      message: rest(r),
    }
  }
  // Built in one go (no spread): this runs for every record of an updates file.
  const peerAs = f.as4 ? u32(r) : u16(r)
  const localAs = f.as4 ? u32(r) : u16(r)
  const interfaceIndex = u16(r)
  const afiAt = r.pos
  const afi = u16(r)
  if (afi !== 1 && afi !== 2)
    throw new RecordFault(afiAt, `address family ${afi} is neither IPv4 (1) nor IPv6 (2)`)
  const width = afi === 1 ? 4 : 16
  const peerAddress = bytes(r, width)
  const localAddress = bytes(r, width)
  return {
    as4: f.as4,
    peerAs,
    localAs,
    interfaceIndex,
    afi,
    peerAddress,
    localAddress,
    local: f.local,
    addPath: f.addPath,
    message: rest(r),
  }
}

export function bgp4mpMessageSize(m: Bgp4mpMessage): number {
  return (m.afi === 0 ? (m.as4 ? 8 : 4) : bgp4mpPeerSize(m)) + m.message.length
}

export function encodeBgp4mpMessage(w: Writer, m: Bgp4mpMessage): void {
  if (m.afi === 0) {
    if (m.as4) {
      w32(w, m.peerAs)
      w32(w, m.localAs)
    } else {
      w16(w, m.peerAs)
      w16(w, m.localAs)
    }
  } else {
    encodeBgp4mpPeer(w, m)
  }
  wbytes(w, m.message)
}

const CONTEXTS: readonly CodecContext[] = [
  codecContext({ asn4: false, addPath: NO_FAMILIES, extendedMessage: true }),
  codecContext({ asn4: true, addPath: NO_FAMILIES, extendedMessage: true }),
  { ...ADD_PATH_ALL_CONTEXT, asn4: false, extendedMessage: true },
  { ...ADD_PATH_ALL_CONTEXT, asn4: true, extendedMessage: true },
]

/** The codec context a record's subtype implies (extended messages allowed: MRT does not say). */
export function messageContext(as4: boolean, addPath: boolean): CodecContext {
  return CONTEXTS[(addPath ? 2 : 0) + (as4 ? 1 : 0)]!
}

export interface DecodedBgp4mpMessage extends DecodedBgp4mpPeer {
  /** Present for the *_LOCAL subtypes. */
  readonly direction?: 'sent'
  /** The decoded message (absent when its header is unusable; see problems). */
  readonly message?: BgpMessage
  readonly problems?: readonly Problem[]
  readonly action?: ErrorAction
}

export function decodeBgp4mpMessage(m: Bgp4mpMessage): DecodedBgp4mpMessage {
  const d = decodeMessage(m.message, messageContext(m.as4, m.addPath))
  const problems = [...d.problems]
  if (d.message && d.length < m.message.length) {
    problems.push({
      kind: 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
      action: 'session-reset',
      offset: d.length,
      reason: `${m.message.length - d.length} octets after the message`,
    })
  }
  return {
    ...decodeBgp4mpPeer(m),
    ...(m.local ? { direction: 'sent' as const } : {}),
    ...(d.message ? { message: d.message } : {}),
    ...(problems.length ? { problems, action: strongestAction(problems) } : {}),
  }
}
