// The IGP types of RFC 6396: OSPFv2 (11, §4.1), ISIS and ISIS_ET (32/33, §4.5)
// and OSPFv3 and OSPFv3_ET (48/49, §4.6). Routelake collects BGP only; these
// are read so that a mixed file never stops the reader, with their addresses
// decoded and the protocol message kept as octets.
//
//   OSPFv2                              OSPFv3 / OSPFv3_ET
//   +---------------------------+       +---------------------------+
//   | Remote IP Address (4)     |       | Address Family (2)        |
//   | Local IP Address (4)      |       | Remote IP Address (4/16)  |
//   | OSPF Message (variable)   |       | Local IP Address (4/16)   |
//   +---------------------------+       | OSPF Message (variable)   |
//                                       +---------------------------+
//   ISIS / ISIS_ET: the IS-IS PDU (variable).

import { toHex } from '../wire/hex.ts'
import { formatIP } from '../wire/ip.ts'
import { bytes, type Reader, rest, u16 } from '../wire/reader.ts'
import { type Writer, w16, wbytes } from '../wire/writer.ts'
import { MRT_TYPE } from './constants.ts'
import { RecordFault } from './errors.ts'

export type IgpRecord =
  | {
      readonly kind: 'ospf'
      /** 0 for OSPFv2 (no AFI field), else the AFI of OSPFv3. */
      readonly afi: number
      readonly remoteAddress: Uint8Array
      readonly localAddress: Uint8Array
      readonly message: Uint8Array
    }
  | { readonly kind: 'isis'; readonly pdu: Uint8Array }

export function parseIgp(r: Reader, type: number): IgpRecord {
  if (type === MRT_TYPE.ISIS || type === MRT_TYPE.ISIS_ET) return { kind: 'isis', pdu: rest(r) }
  let afi = 0
  let width = 4
  if (type !== MRT_TYPE.OSPFV2) {
    const at = r.pos
    afi = u16(r)
    if (afi !== 1 && afi !== 2) throw new RecordFault(at, `OSPFv3 address family ${afi}`)
    width = afi === 1 ? 4 : 16
  }
  const remoteAddress = bytes(r, width)
  const localAddress = bytes(r, width)
  return { kind: 'ospf', afi, remoteAddress, localAddress, message: rest(r) }
}

export function igpSize(g: IgpRecord): number {
  if (g.kind === 'isis') return g.pdu.length
  return (g.afi ? 2 : 0) + g.remoteAddress.length + g.localAddress.length + g.message.length
}

export function encodeIgp(w: Writer, g: IgpRecord): void {
  if (g.kind === 'isis') {
    wbytes(w, g.pdu)
    return
  }
  if (g.afi) w16(w, g.afi)
  wbytes(w, g.remoteAddress)
  wbytes(w, g.localAddress)
  wbytes(w, g.message)
}

export type DecodedIgp =
  | {
      readonly afi?: number
      readonly remoteAddress: string
      readonly localAddress: string
      readonly message: string
    }
  | { readonly pdu: string }

export function decodeIgp(g: IgpRecord): DecodedIgp {
  if (g.kind === 'isis') return { pdu: toHex(g.pdu) }
  const width = g.remoteAddress.length === 16 ? 16 : 4
  return {
    ...(g.afi ? { afi: g.afi } : {}),
    remoteAddress: formatIP(g.remoteAddress, 0, width),
    localAddress: formatIP(g.localAddress, 0, width),
    message: toHex(g.message),
  }
}
