// TABLE_DUMP_V2 PEER_INDEX_TABLE, subtype 1 (RFC 6396 §4.3.1):
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      Collector BGP ID                         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       View Name Length        |     View Name (variable)      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Peer Count           |    Peer Entries (variable)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Each peer entry:
//
//   +-+-+-+-+-+-+-+-+
//   |   Peer Type   |   bit 0x01: IPv6 address, bit 0x02: 4-octet AS
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Peer BGP ID                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                   Peer IP Address (4 or 16)                   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                        Peer AS (2 or 4)                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The RIB records that follow name peers by their index in this table.

import { formatIP, formatIPv4, parseIP } from '../wire/ip.ts'
import { bytes, type Reader, u8, u16, u32 } from '../wire/reader.ts'
import { type Writer, w8, w16, w32, wbytes } from '../wire/writer.ts'
import { PEER_TYPE } from './constants.ts'
import { RecordFault } from './errors.ts'

export interface PeerEntry {
  /** The Peer Type octet as written (PEER_TYPE bits). */
  readonly peerType: number
  readonly bgpId: string
  readonly address: string
  readonly asn: number
}

export interface PeerIndexTable {
  readonly collectorBgpId: string
  readonly viewName: string
  readonly peers: readonly PeerEntry[]
}

const utf8 = new TextDecoder('utf-8', { fatal: false })
const utf8Encoder = new TextEncoder()

export function parsePeerIndexTable(r: Reader): PeerIndexTable {
  const collectorBgpId = formatIPv4(bytes(r, 4))
  const nameLength = u16(r)
  const viewName = utf8.decode(bytes(r, nameLength))
  const count = u16(r)
  const peers = new Array<PeerEntry>(count)
  for (let i = 0; i < count; i++) {
    const peerType = u8(r)
    const bgpId = formatIPv4(bytes(r, 4))
    const width = peerType & PEER_TYPE.IPV6 ? 16 : 4
    const address = formatIP(bytes(r, width), 0, width)
    const asn = peerType & PEER_TYPE.AS4 ? u32(r) : u16(r)
    peers[i] = { peerType, bgpId, address, asn }
  }
  return { collectorBgpId, viewName, peers }
}

function ipBytes(text: string, width: 4 | 16, what: string): Uint8Array {
  const b = parseIP(text)
  if (!b || b.length !== width)
    throw new RecordFault(0, `${what}: not an IPv${width === 4 ? 4 : 6} address: ${text}`)
  return b
}

export function peerIndexTableSize(t: PeerIndexTable): number {
  let n = 8 + utf8Encoder.encode(t.viewName).length
  for (const p of t.peers)
    n += 5 + (p.peerType & PEER_TYPE.IPV6 ? 16 : 4) + (p.peerType & PEER_TYPE.AS4 ? 4 : 2)
  return n
}

export function encodePeerIndexTable(w: Writer, t: PeerIndexTable): void {
  wbytes(w, ipBytes(t.collectorBgpId, 4, 'collector BGP ID'))
  const name = utf8Encoder.encode(t.viewName)
  w16(w, name.length)
  wbytes(w, name)
  w16(w, t.peers.length)
  for (const p of t.peers) {
    w8(w, p.peerType)
    wbytes(w, ipBytes(p.bgpId, 4, 'peer BGP ID'))
    wbytes(w, ipBytes(p.address, p.peerType & PEER_TYPE.IPV6 ? 16 : 4, 'peer address'))
    if (p.peerType & PEER_TYPE.AS4) w32(w, p.asn)
    else w16(w, p.asn)
  }
}

/** The Peer Type a writer uses for a peer: IPv6 by its address, AS4 when the AS needs it (or always, if asked). */
export function peerTypeFor(address: string, asn: number, alwaysAs4 = false): number {
  return (address.includes(':') ? PEER_TYPE.IPV6 : 0) | (alwaysAs4 || asn > 0xffff ? PEER_TYPE.AS4 : 0)
}
