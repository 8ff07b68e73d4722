// L2VPN VPLS, AFI 25 SAFI 65. Two NLRI share the family, told apart by length:
//
// VPLS with BGP signalling (RFC 4761 §3.2.2), length 17:
//
//   +------------------------------------+
//   |  Length (2 octets)                 |  octets that follow
//   +------------------------------------+
//   |  Route Distinguisher  (8 octets)   |
//   +------------------------------------+
//   |  VE ID (2 octets)                  |
//   +------------------------------------+
//   |  VE Block Offset (2 octets)        |
//   +------------------------------------+
//   |  VE Block Size (2 octets)          |
//   +------------------------------------+
//   |  Label Base (3 octets)             |
//   +------------------------------------+
//
// BGP auto-discovery for LDP-signalled VPLS (RFC 6074 §3.2.2), length 12
// (IPv4 PE address; 24 is accepted for an IPv6 one):
//
//   +------------------------------------+
//   |  Length (2 octets)                 |
//   +------------------------------------+
//   |  Route Distinguisher  (8 octets)   |
//   +------------------------------------+
//   |  PE_addr (4 octets)                |
//   +------------------------------------+
//
// The Label Base is a label stack entry: `labelBase` is its 20-bit label,
// `labelBaseFlags` its low 4 bits (TC << 1 | S), given only when they are not
// the usual 1 (bottom of stack), as for labeled NLRI (types.ts). Any other
// length is a malformed NLRI (RFC 7606 §5.3; MP_REACH_NLRI makes it
// afi-safi-disable). The whole NLRI is the route's identity: a new label base
// is a new route, which is why the sender withdraws the old one.

import { take, u16, u24 } from '../../wire/reader.ts'
import { w16, w24, wbytes } from '../../wire/writer.ts'
import { addressBytes, addressOctets, invalid, readAddress } from './evpn/fields.ts'
import { readRd, writeRd } from './evpn/rd.ts'
import type { FamilyCodec } from './types.ts'

export interface VplsNlri {
  readonly rd: string
  readonly veId: number
  readonly veBlockOffset: number
  readonly veBlockSize: number
  readonly labelBase: number
  readonly labelBaseFlags?: number
  readonly pathId?: number
}

export interface VplsAdNlri {
  readonly rd: string
  /** The PE_addr of RFC 6074 (with the RD, the VSI-ID). */
  readonly peAddress: string
  readonly pathId?: number
}

export type L2vpnVplsNlri = VplsNlri | VplsAdNlri

function fits16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw invalid(`VPLS ${what} ${v} does not fit 2 octets`)
  return v
}

export const vplsFamily: FamilyCodec<L2vpnVplsNlri> = {
  afi: 25,
  safi: 65,
  name: 'l2vpn-vpls',
  nextHop: 'ip',
  decode(r, pathId) {
    const at = r.pos
    const length = u16(r)
    if (length !== 17 && length !== 12 && length !== 24) {
      throw invalid(`VPLS NLRI length ${length}, not 17 (RFC 4761) or 12/24 (RFC 6074)`, at)
    }
    if (r.pos + length > r.end) {
      throw invalid(`VPLS NLRI of length ${length} overruns the NLRI field (${r.end - r.pos} left)`, at)
    }
    const v = take(r, length)
    const rd = readRd(v)
    if (length !== 17) return { rd, peAddress: readAddress(v, length === 12 ? 4 : 16), pathId }
    const veId = u16(v)
    const veBlockOffset = u16(v)
    const veBlockSize = u16(v)
    const entry = u24(v)
    const labelBase = entry >>> 4
    const flags = entry & 0xf
    return flags === 1
      ? { rd, veId, veBlockOffset, veBlockSize, labelBase, pathId }
      : { rd, veId, veBlockOffset, veBlockSize, labelBase, labelBaseFlags: flags, pathId }
  },
  size: (n) => ('peAddress' in n ? 2 + 8 + addressOctets(n.peAddress) : 2 + 17),
  encode(w, n) {
    if ('peAddress' in n) {
      const pe = addressBytes(n.peAddress)
      w16(w, 8 + pe.length)
      writeRd(w, n.rd)
      wbytes(w, pe)
      return
    }
    if (!Number.isInteger(n.labelBase) || n.labelBase < 0 || n.labelBase > 0xfffff) {
      throw invalid(`VPLS label base ${n.labelBase} does not fit 20 bits`)
    }
    w16(w, 17)
    writeRd(w, n.rd)
    w16(w, fits16(n.veId, 'VE ID'))
    w16(w, fits16(n.veBlockOffset, 'VE block offset'))
    w16(w, fits16(n.veBlockSize, 'VE block size'))
    w24(w, ((n.labelBase << 4) | ((n.labelBaseFlags ?? 1) & 0xf)) >>> 0)
  },
  key: (n) =>
    'peAddress' in n
      ? `${n.rd}:${n.peAddress}`
      : `${n.rd}:${n.veId}:${n.veBlockOffset}:${n.veBlockSize}:${n.labelBase}`,
}
