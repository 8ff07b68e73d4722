// Tunnel Encapsulation sub-TLVs (RFC 9012 §2, §3):
//
//   +-----------------+---------------------------------+-------------------+
//   | Sub-TLV Type (1)| Length (1 octet for types 0–127,| Value (variable)  |
//   |                 |  2 octets for types 128–255)    |                   |
//   +-----------------+---------------------------------+-------------------+
//
// Decoded here: 1 encapsulation (VXLAN, NVGRE, GRE, MPLS-in-GRE, L2TPv3
// layouts; others raw), 2 protocol type, 4 color, 6 tunnel egress endpoint,
// 7 DS field, 8 UDP destination port, 9 embedded label handling, 10 MPLS
// label stack; the SR Policy ones are in sr-policy-sub-tlvs.ts. Any other
// type is { type, hex }. A known sub-TLV of a length its syntax does not allow
// makes the attribute malformed (RFC 9012 §13).

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../../wire/ip.ts'
import { bytes, type Reader, rest, take, u8, u16, u24, u32 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w24, w32, wbytes } from '../../../wire/writer.ts'
import { decodeExtendedCommunity, encodeExtendedCommunity } from '../extended-communities/registry.ts'
import {
  formatMac,
  labelEntryOf,
  lengthIn,
  malformed,
  parseMac,
  readLabelEntry,
  reservedIf,
  writeLabelEntry,
} from './fields.ts'
import { SR_POLICY_SUB_TLVS } from './sr-policy-sub-tlvs.ts'
import type {
  ColorSubTlv,
  EncapsulationSubTlv,
  MplsLabelStackSubTlv,
  RawSubTlv,
  TunnelEgressEndpointSubTlv,
  TunnelSubTlv,
} from './types.ts'

/** How one sub-TLV's value is read and written; `r` holds exactly the value. */
export interface SubTlvCodec<T = TunnelSubTlv> {
  decode(r: Reader, tunnelType: number): T
  size(v: T): number
  encode(w: Writer, v: T): void
}

const encapsulation: SubTlvCodec<EncapsulationSubTlv> = {
  decode(r, tunnelType) {
    const len = r.end - r.pos
    if ((tunnelType === 8 || tunnelType === 9) && len === 12) {
      const flags = u8(r)
      const vnId = u24(r)
      const mac = formatMac(bytes(r, 6))
      return { type: 1, name: 'encapsulation', flags, vnId, mac, ...reservedIf(u16(r)) }
    }
    if ((tunnelType === 2 || tunnelType === 11) && len === 4) {
      return { type: 1, name: 'encapsulation', key: u32(r) }
    }
    if (tunnelType === 1 && len >= 4 && len <= 12) {
      return { type: 1, name: 'encapsulation', sessionId: u32(r), cookie: toHex(rest(r)) }
    }
    return { type: 1, name: 'encapsulation', hex: toHex(rest(r)) }
  },
  size(v) {
    if ('vnId' in v) return 12
    if ('key' in v) return 4
    if ('sessionId' in v) return 4 + v.cookie.length / 2
    return v.hex.length / 2
  },
  encode(w, v) {
    if ('vnId' in v) {
      w8(w, v.flags)
      w24(w, v.vnId)
      wbytes(w, parseMac(v.mac))
      w16(w, v.reserved ?? 0)
    } else if ('key' in v) w32(w, v.key)
    else if ('sessionId' in v) {
      w32(w, v.sessionId)
      wbytes(w, hexOrThrow(v.cookie, 'L2TPv3 cookie'))
    } else wbytes(w, hexOrThrow(v.hex, 'encapsulation sub-TLV'))
  },
}

/** A sub-TLV holding one unsigned number of a fixed width. */
function numberSubTlv<T extends TunnelSubTlv>(
  type: number,
  name: string,
  field: string,
  width: 1 | 2,
): SubTlvCodec<T> {
  return {
    decode(r) {
      lengthIn(r, [width], name)
      return { type, name, [field]: width === 1 ? u8(r) : u16(r) } as unknown as T
    },
    size: () => width,
    encode(w, v) {
      const n = (v as unknown as Record<string, number>)[field]!
      if (width === 1) w8(w, n)
      else w16(w, n)
    },
  }
}

const color: SubTlvCodec<ColorSubTlv> = {
  decode(r) {
    lengthIn(r, [8], 'color sub-TLV')
    const community = decodeExtendedCommunity(r.buf, r.pos)
    r.pos += 8
    return { type: 4, name: 'color', community }
  },
  size: () => 8,
  encode: (w, v) => wbytes(w, encodeExtendedCommunity(v.community)),
}

/** RFC 9012 §3.1: reserved (4), AFI (2), address (0 for AFI 0, 4 for AFI 1, 16 for AFI 2). */
const tunnelEgressEndpoint: SubTlvCodec<TunnelEgressEndpointSubTlv> = {
  decode(r) {
    if (r.end - r.pos < 6) throw malformed('tunnel egress endpoint shorter than 6 octets', r.pos)
    const reserved = u32(r)
    const afi = u16(r)
    const base = { type: 6 as const, name: 'tunnel-egress-endpoint' as const, afi }
    if (afi === 0 || afi === 1 || afi === 2) {
      const want = [0, 4, 16][afi]!
      if (r.end - r.pos !== want)
        throw malformed(`tunnel egress endpoint AFI ${afi} of ${r.end - r.pos} octets`, r.pos)
      const address = afi === 1 ? formatIPv4(bytes(r, 4)) : afi === 2 ? formatIPv6(bytes(r, 16)) : undefined
      return { ...base, ...(address ? { address } : {}), ...reservedIf(reserved) }
    }
    return { ...base, addressHex: toHex(rest(r)), ...reservedIf(reserved) }
  },
  size: (v) =>
    6 + (v.addressHex !== undefined ? v.addressHex.length / 2 : v.afi === 1 ? 4 : v.afi === 2 ? 16 : 0),
  encode(w, v) {
    w32(w, v.reserved ?? 0)
    w16(w, v.afi)
    if (v.addressHex !== undefined) wbytes(w, hexOrThrow(v.addressHex, 'tunnel egress endpoint'))
    else if (v.afi === 1 || v.afi === 2) {
      const b = v.afi === 1 ? parseIPv4(v.address ?? '') : parseIPv6(v.address ?? '')
      if (!b) throw malformed(`tunnel egress endpoint address ${v.address}`, w.pos)
      wbytes(w, b)
    }
  },
}

const mplsLabelStack: SubTlvCodec<MplsLabelStackSubTlv> = {
  decode(r) {
    if ((r.end - r.pos) % 4) throw malformed(`MPLS label stack of ${r.end - r.pos} octets`, r.pos)
    const labels = []
    while (r.pos < r.end) labels.push(readLabelEntry(r))
    return { type: 10, name: 'mpls-label-stack', labels }
  },
  size: (v) => 4 * v.labels.length,
  encode(w, v) {
    for (const e of v.labels) writeLabelEntry(w, labelEntryOf(e))
  },
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds codecs of every sub-TLV shape
const CODECS = new Map<number, SubTlvCodec<any>>([
  [1, encapsulation],
  [2, numberSubTlv(2, 'protocol-type', 'protocolType', 2)],
  [4, color],
  [6, tunnelEgressEndpoint],
  [7, numberSubTlv(7, 'ds-field', 'ds', 1)],
  [8, numberSubTlv(8, 'udp-destination-port', 'port', 2)],
  [9, numberSubTlv(9, 'embedded-label-handling', 'handling', 1)],
  [10, mplsLabelStack],
  ...SR_POLICY_SUB_TLVS,
])

function isRaw(v: TunnelSubTlv): v is RawSubTlv {
  return !('name' in v)
}

/** Reads the sub-TLVs filling r, for a TLV of the given tunnel type. */
export function decodeSubTlvs(r: Reader, tunnelType: number): TunnelSubTlv[] {
  const out: TunnelSubTlv[] = []
  while (r.pos < r.end) {
    const at = r.pos
    const type = u8(r)
    const len = type < 128 ? u8(r) : u16(r)
    if (r.pos + len > r.end) throw malformed(`sub-TLV ${type} of ${len} octets overruns its TLV`, at)
    const value = take(r, len)
    const codec = CODECS.get(type)
    if (!codec) {
      out.push({ type, hex: toHex(rest(value)) })
      continue
    }
    const v = codec.decode(value, tunnelType)
    if (value.pos !== value.end)
      throw malformed(`sub-TLV ${type}: ${value.end - value.pos} trailing octets`, value.pos)
    out.push(v)
  }
  return out
}

function valueSize(v: TunnelSubTlv): number {
  return isRaw(v) ? v.hex.length / 2 : CODECS.get(v.type)!.size(v)
}

export function subTlvsSize(list: readonly TunnelSubTlv[]): number {
  let n = 0
  for (const v of list) n += (v.type < 128 ? 2 : 3) + valueSize(v)
  return n
}

export function encodeSubTlvs(w: Writer, list: readonly TunnelSubTlv[]): void {
  for (const v of list) {
    const len = valueSize(v)
    w8(w, v.type)
    if (v.type < 128) {
      if (len > 0xff) throw malformed(`sub-TLV ${v.type} of ${len} octets needs a 2-octet length`, w.pos)
      w8(w, len)
    } else w16(w, len)
    if (isRaw(v)) wbytes(w, hexOrThrow(v.hex, 'sub-TLV'))
    else CODECS.get(v.type)!.encode(w, v)
  }
}
