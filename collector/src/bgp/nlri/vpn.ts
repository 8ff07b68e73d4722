// MPLS VPN, SAFI 128 (RFC 4364 §4.3.4, RFC 4659 §3.2) and SAFI 129:
//
//   +---------------------------+
//   |   Length (1 octet, bits)  |  covers labels, RD and prefix
//   +---------------------------+
//   |   Label(s) (3 octets each)|
//   +---------------------------+
//   |   Route Distinguisher (8) |
//   +---------------------------+
//   |   Prefix (variable)       |
//   +---------------------------+

import { formatRD, parseRD } from '../../wire/rd.ts'
import { bytes, u8 } from '../../wire/reader.ts'
import { w8, wbytes } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import { labelsSize, nlriLengthOctet, readLabels, writeLabels } from './labels.ts'
import { prefixBits, prefixOctets, readPrefixBits, writePrefixBytes } from './prefix.ts'
import type { FamilyCodec, VpnNlri } from './types.ts'

export function rdBytes(rd: string): Uint8Array {
  const b = parseRD(rd)
  if (!b) throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `not a route distinguisher: ${rd}`, 0)
  return b
}

export function vpnFamily(afi: 1 | 2, safi: number, name: string): FamilyCodec<VpnNlri> {
  const width = afi === 1 ? 4 : 16
  return {
    afi,
    safi,
    name,
    nextHop: 'vpn',
    decode(r, pathId, withdraw) {
      const total = u8(r)
      const { labels, bits } = readLabels(r, total, withdraw)
      if (bits < 64) {
        throw new CodecError(
          'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
          `VPN NLRI too short for an RD (${bits} bits)`,
          r.pos,
        )
      }
      const rdb = bytes(r, 8)
      const rd = formatRD(rdb, 0)
      const prefix = readPrefixBits(r, bits - 64, width)
      return labels.labelFlags
        ? { labels: labels.labels, labelFlags: labels.labelFlags, rd, prefix, pathId }
        : { labels: labels.labels, rd, prefix, pathId }
    },
    size: (n) => 1 + labelsSize(n) + 8 + prefixOctets(n.prefix),
    encode(w, n) {
      w8(w, nlriLengthOctet(labelsSize(n) * 8 + 64 + prefixBits(n.prefix, width).bits))
      writeLabels(w, n)
      wbytes(w, rdBytes(n.rd))
      writePrefixBytes(w, n.prefix, width)
    },
    key: (n) => `${n.rd} ${n.prefix}`,
  }
}
