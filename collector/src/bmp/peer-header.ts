// The per-peer header (RFC 7854 §4.2) that every message about one monitored
// peer carries (Route Monitoring, Statistics Report, Peer Down, Peer Up,
// Route Mirroring):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   Peer Type   |  Peer Flags   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Peer Distinguisher (present based on peer type)       |
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 Peer Address (16 bytes)                       |
//   ~                                                               ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           Peer AS                             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Peer BGP ID                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Timestamp (seconds)                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  Timestamp (microseconds)                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The distinguisher is always 8 octets on the wire (zero for a global
// instance peer) and is kept as route distinguisher text (wire/rd.ts), which
// maps back to the same octets whatever they are. Flags are kept as the octet
// (constants.ts names the bits; peerFlags() reads them). An address is IPv4
// in the last 4 octets with 12 zero octets before (the V flag clear), IPv6
// otherwise; it is written as IPv4 text only when both hold, so that any
// octets read encode back unchanged.

import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../wire/ip.ts'
import { formatRD, parseRD } from '../wire/rd.ts'
import { bytes, type Reader, u8, u32 } from '../wire/reader.ts'
import { type Writer, w8, w32, wbytes } from '../wire/writer.ts'
import { BMP_PEER_FLAG, BMP_PEER_HEADER_LENGTH, BMP_PEER_TYPE } from './constants.ts'
import { BmpError } from './errors.ts'

export interface BmpPeerHeader {
  /** 0 global instance, 1 RD instance, 2 local instance, 3 Loc-RIB instance (constants.ts). */
  readonly peerType: number
  readonly flags: number
  /** The Peer Distinguisher as route distinguisher text ("0:0" when zero). */
  readonly distinguisher: string
  readonly address: string
  readonly asn: number
  readonly bgpId: string
  /** Seconds since the epoch (0: unknown). */
  readonly timestamp: number
  readonly microseconds: number
}

export interface PeerFlags {
  readonly ipv6: boolean
  readonly postPolicy: boolean
  /** The BGP PDUs use 2-octet AS numbers in AS_PATH (the A flag). */
  readonly asn2: boolean
  readonly adjRibOut: boolean
  /** Loc-RIB peers: the Loc-RIB is filtered (the F flag). */
  readonly filtered: boolean
}

/** The flag bits by name; for a Loc-RIB peer only `filtered` (its one defined flag) is read. */
export function peerFlags(h: Pick<BmpPeerHeader, 'peerType' | 'flags'>): PeerFlags {
  const f = h.flags
  if (h.peerType === BMP_PEER_TYPE.LOC_RIB_INSTANCE) {
    return {
      ipv6: false,
      postPolicy: false,
      asn2: false,
      adjRibOut: false,
      filtered: (f & BMP_PEER_FLAG.F) !== 0,
    }
  }
  return {
    ipv6: (f & BMP_PEER_FLAG.V) !== 0,
    postPolicy: (f & BMP_PEER_FLAG.L) !== 0,
    asn2: (f & BMP_PEER_FLAG.A) !== 0,
    adjRibOut: (f & BMP_PEER_FLAG.O) !== 0,
    filtered: false,
  }
}

/** A 16-octet address field: IPv4 text when `v4` allows it and the first 12 octets are zero. */
export function readAddress16(r: Reader, v4: boolean): string {
  const b = bytes(r, 16)
  if (v4) {
    let zero = true
    for (let i = 0; i < 12; i++) if (b[i] !== 0) zero = false
    if (zero) return formatIPv4(b, 12)
  }
  return formatIPv6(b)
}

export function writeAddress16(w: Writer, address: string, at: number): void {
  const v4 = parseIPv4(address)
  if (v4) {
    wbytes(w, new Uint8Array(12))
    wbytes(w, v4)
    return
  }
  const v6 = parseIPv6(address)
  if (!v6) throw new BmpError('BMP.MALFORMED', `not an IP address: ${address}`, at)
  wbytes(w, v6)
}

export function decodePeerHeader(r: Reader): BmpPeerHeader {
  const peerType = u8(r)
  const flags = u8(r)
  const distinguisher = formatRD(bytes(r, 8), 0)
  const v4 = peerType === BMP_PEER_TYPE.LOC_RIB_INSTANCE || (flags & BMP_PEER_FLAG.V) === 0
  const address = readAddress16(r, v4)
  const asn = u32(r)
  const bgpId = formatIPv4(bytes(r, 4))
  const timestamp = u32(r)
  const microseconds = u32(r)
  return { peerType, flags, distinguisher, address, asn, bgpId, timestamp, microseconds }
}

export function peerHeaderSize(): number {
  return BMP_PEER_HEADER_LENGTH
}

export function encodePeerHeader(w: Writer, h: BmpPeerHeader): void {
  const at = w.pos
  w8(w, h.peerType)
  w8(w, h.flags)
  const rd = parseRD(h.distinguisher)
  if (!rd) throw new BmpError('BMP.MALFORMED', `not a peer distinguisher: ${h.distinguisher}`, at + 2)
  wbytes(w, rd)
  writeAddress16(w, h.address, at + 10)
  w32(w, h.asn)
  const id = parseIPv4(h.bgpId)
  if (!id) throw new BmpError('BMP.MALFORMED', `not a BGP identifier: ${h.bgpId}`, at + 30)
  wbytes(w, id)
  w32(w, h.timestamp)
  w32(w, h.microseconds)
}
