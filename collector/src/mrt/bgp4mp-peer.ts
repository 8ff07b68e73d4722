// The fields BGP4MP and BGP4MP_ET STATE_CHANGE and MESSAGE records start with
// (RFC 6396 §4.4.1, §4.4.2):
//
//   +-------------------------------+-------------------------------+
//   |   Peer AS Number (2, AS4: 4)  |  Local AS Number (2, AS4: 4)  |
//   +-------------------------------+-------------------------------+
//   |        Interface Index        |        Address Family         |
//   +-------------------------------+-------------------------------+
//   |               Peer IP Address (4 or 16, by the AFI)           |
//   +---------------------------------------------------------------+
//   |               Local IP Address (4 or 16, by the AFI)          |
//   +---------------------------------------------------------------+
//
// The _LOCAL subtypes (messages the collector sent) keep this order; only the
// direction of the message differs.

import { formatIP, parseIP } from '../wire/ip.ts'
import { bytes, type Reader, u16, u32 } from '../wire/reader.ts'
import { type Writer, w16, w32, wbytes } from '../wire/writer.ts'
import { RecordFault } from './errors.ts'

export interface Bgp4mpPeer {
  /** Peer and Local AS are 4 octets (the *_AS4 subtypes). */
  readonly as4: boolean
  readonly peerAs: number
  readonly localAs: number
  readonly interfaceIndex: number
  /** 1 (IPv4) or 2 (IPv6); 0 for zebra's short state change, which has no addresses. */
  readonly afi: number
  /** 4 or 16 octets (a view). */
  readonly peerAddress: Uint8Array
  readonly localAddress: Uint8Array
}

export function parseBgp4mpPeer(r: Reader, as4: boolean): Bgp4mpPeer {
  const peerAs = as4 ? u32(r) : u16(r)
  const localAs = as4 ? u32(r) : u16(r)
  const interfaceIndex = u16(r)
  const afiAt = r.pos
  const afi = u16(r)
  if (afi !== 1 && afi !== 2)
    throw new RecordFault(afiAt, `address family ${afi} is neither IPv4 (1) nor IPv6 (2)`)
  const width = afi === 1 ? 4 : 16
  const peerAddress = bytes(r, width)
  const localAddress = bytes(r, width)
  return { as4, peerAs, localAs, interfaceIndex, afi, peerAddress, localAddress }
}

export function bgp4mpPeerSize(p: Bgp4mpPeer): number {
  return (p.as4 ? 8 : 4) + 4 + p.peerAddress.length + p.localAddress.length
}

export function encodeBgp4mpPeer(w: Writer, p: Bgp4mpPeer): void {
  const width = p.afi === 1 ? 4 : 16
  if (p.peerAddress.length !== width || p.localAddress.length !== width) {
    throw new RecordFault(
      0,
      `addresses of ${p.peerAddress.length} and ${p.localAddress.length} octets for AFI ${p.afi}`,
    )
  }
  if (p.as4) {
    w32(w, p.peerAs)
    w32(w, p.localAs)
  } else {
    if (p.peerAs > 0xffff || p.localAs > 0xffff) {
      throw new RecordFault(0, `AS ${Math.max(p.peerAs, p.localAs)} needs a 4-octet (AS4) subtype`)
    }
    w16(w, p.peerAs)
    w16(w, p.localAs)
  }
  w16(w, p.interfaceIndex)
  w16(w, p.afi)
  wbytes(w, p.peerAddress)
  wbytes(w, p.localAddress)
}

export interface DecodedBgp4mpPeer {
  readonly peerAs: number
  readonly localAs: number
  readonly interfaceIndex: number
  readonly afi: number
  readonly peerAddress?: string
  readonly localAddress?: string
}

export function decodeBgp4mpPeer(p: Bgp4mpPeer): DecodedBgp4mpPeer {
  const head = { peerAs: p.peerAs, localAs: p.localAs, interfaceIndex: p.interfaceIndex, afi: p.afi }
  if (p.afi !== 1 && p.afi !== 2) return head
  const width = p.afi === 1 ? 4 : 16
  return {
    ...head,
    peerAddress: formatIP(p.peerAddress, 0, width),
    localAddress: formatIP(p.localAddress, 0, width),
  }
}

/** The octets of an address text, for writers: 4 for IPv4, 16 for IPv6. */
export function addressBytes(text: string): Uint8Array {
  const b = parseIP(text)
  if (!b) throw new RecordFault(0, `not an IP address: ${text}`)
  return b
}
