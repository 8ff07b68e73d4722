// TABLE_DUMP, type 12 (RFC 6396 §4.2): one RIB entry per record, subtype
// 1 (AFI_IPv4) or 2 (AFI_IPv6):
//
//   +-------------------------------+-------------------------------+
//   |         View Number           |       Sequence Number         |
//   +-------------------------------+-------------------------------+
//   |                  Prefix (4 or 16 octets)                      |
//   +---------------+---------------+-------------------------------+
//   | Prefix Length |    Status     |
//   +---------------+---------------+-------------------------------+
//   |                       Originated Time                         |
//   +---------------------------------------------------------------+
//   |                Peer IP Address (4 or 16 octets)               |
//   +-------------------------------+-------------------------------+
//   |           Peer AS (2)         |       Attribute Length        |
//   +-------------------------------+-------------------------------+
//   |                   BGP Attributes (variable)                   |
//   +---------------------------------------------------------------+
//
// The AS numbers in the attributes are 2 octets (4-octet ASNs appear as
// AS_TRANS with AS4_PATH, as on an old session).

import { type CodecContext, codecContext, type PathAttribute, type Problem } from '../bgp/index.ts'
import { formatIP } from '../wire/ip.ts'
import { bytes, type Reader, u8, u16, u32 } from '../wire/reader.ts'
import { type Writer, w8, w16, w32, wbytes } from '../wire/writer.ts'
import { TABLE_DUMP_SUBTYPE } from './constants.ts'
import { RecordFault } from './errors.ts'
import { decodeStoredAttributes } from './rib.ts'

export interface TableDump {
  readonly afi: 1 | 2
  readonly viewNumber: number
  readonly sequence: number
  /** 4 or 16 octets, as stored (a view). */
  readonly prefix: Uint8Array
  readonly prefixLength: number
  readonly status: number
  readonly originatedTime: number
  readonly peerAddress: Uint8Array
  readonly peerAs: number
  readonly attributes: Uint8Array
}

export const TABLE_DUMP_CONTEXT: CodecContext = codecContext({ asn4: false })

export function parseTableDump(r: Reader, subtype: number): TableDump {
  const afi = subtype === TABLE_DUMP_SUBTYPE.AFI_IPv4 ? 1 : 2
  const width = afi === 1 ? 4 : 16
  const viewNumber = u16(r)
  const sequence = u16(r)
  const prefix = bytes(r, width)
  const lengthAt = r.pos
  const prefixLength = u8(r)
  if (prefixLength > width * 8)
    throw new RecordFault(lengthAt, `prefix length ${prefixLength} exceeds ${width * 8}`)
  const status = u8(r)
  const originatedTime = u32(r)
  const peerAddress = bytes(r, width)
  const peerAs = u16(r)
  const len = u16(r)
  const attributes = bytes(r, len)
  return {
    afi,
    viewNumber,
    sequence,
    prefix,
    prefixLength,
    status,
    originatedTime,
    peerAddress,
    peerAs,
    attributes,
  }
}

export function tableDumpSize(t: TableDump): number {
  const width = t.afi === 1 ? 4 : 16
  return 4 + width + 6 + width + 4 + t.attributes.length
}

export function encodeTableDump(w: Writer, t: TableDump): void {
  const width = t.afi === 1 ? 4 : 16
  if (t.prefix.length !== width || t.peerAddress.length !== width) {
    throw new RecordFault(0, `TABLE_DUMP AFI ${t.afi} needs ${width}-octet addresses`)
  }
  w16(w, t.viewNumber)
  w16(w, t.sequence)
  wbytes(w, t.prefix)
  w8(w, t.prefixLength)
  w8(w, t.status)
  w32(w, t.originatedTime)
  wbytes(w, t.peerAddress)
  w16(w, t.peerAs)
  w16(w, t.attributes.length)
  wbytes(w, t.attributes)
}

export interface DecodedTableDump {
  readonly viewNumber: number
  readonly sequence: number
  readonly prefix: string
  readonly status: number
  readonly originatedTime: number
  readonly peerAddress: string
  readonly peerAs: number
  readonly attributes: readonly PathAttribute[]
  readonly mpReachAbbreviated?: true
  readonly problems?: readonly Problem[]
}

export function decodeTableDump(t: TableDump, attributesAt: number): DecodedTableDump {
  const width = t.afi === 1 ? 4 : 16
  const d = decodeStoredAttributes(t.attributes, TABLE_DUMP_CONTEXT, attributesAt, { afi: t.afi, safi: 1 })
  return {
    viewNumber: t.viewNumber,
    sequence: t.sequence,
    prefix: `${formatIP(t.prefix, 0, width)}/${t.prefixLength}`,
    status: t.status,
    originatedTime: t.originatedTime,
    peerAddress: formatIP(t.peerAddress, 0, width),
    peerAs: t.peerAs,
    attributes: d.attributes,
    ...(d.mpReachAbbreviated ? { mpReachAbbreviated: true as const } : {}),
    ...(d.problems.length ? { problems: d.problems } : {}),
  }
}
