// The BGP-LS families, AFI 16388 (RFC 9552 §5.2): SAFI 71 "bgpls" and SAFI 72
// "bgpls-vpn". Each NLRI is
//
//   +------------------------------------+
//   |  NLRI Type (2 octets)              |
//   +------------------------------------+
//   |  Total NLRI Length (2 octets)      |
//   +------------------------------------+
//   |  Route Distinguisher (8 octets)    |  SAFI 72 only, counted in the length
//   +------------------------------------+
//   |  Link-State NLRI (variable)        |  by NLRI type, one file each
//   +------------------------------------+
//
// and the NLRI types are one descriptor each in NLRI_TYPES. A type not listed
// (5 SR Policy Candidate Path, 7 Stub Link, …) keeps its octets: { nlriType, hex }.
//
// Next hop: SAFI 71 carries the speaker's IPv4 or IPv6 address (4 or 16
// octets, as in every capture we have); for SAFI 72 no capture confirms
// whether speakers put an RD before it, so its next hop is carried raw.
//
// RFC 7606 / RFC 9552 §8.2.2. A malformed NLRI (a length that overruns, a
// recognized TLV of the wrong length, node descriptors missing where the
// format puts them, octets left over) is an OPTIONAL_ATTRIBUTE_ERROR; the
// MP_REACH/MP_UNREACH decoder turns it into afi-safi-disable for the family.
// §8.2.2 allows treat-as-withdraw for an NLRI that can be skipped, but the
// family contract reports per attribute, not per NLRI, and the errors checked
// here are length errors, for which §8.2.2 itself says AFI/SAFI disable (or a
// session reset where the session carries BGP-LS alone: the session's call).
// The errors §8.2.2 gives as treat-as-withdraw (TLV order, repeated TLVs) are
// semantic to this codec: the TLVs are kept as sent, in wire order.

import { fromHex, toHex } from '../../../wire/hex.ts'
import { formatRD } from '../../../wire/rd.ts'
import { bytes, type Reader, rest, take, u16, WireError } from '../../../wire/reader.ts'
import { encodeWith, type Writer, w16, wbytes } from '../../../wire/writer.ts'
import { familyName } from '../../family.ts'
import type { FamilyCodec } from '../types.ts'
import { rdBytes } from '../vpn.ts'
import { malformed } from './tlv.ts'
import { nodeNlri } from './type-1-node.ts'
import { linkNlri } from './type-2-link.ts'
import { ipv4TopologyPrefixNlri } from './type-3-ipv4-topology-prefix.ts'
import { ipv6TopologyPrefixNlri } from './type-4-ipv6-topology-prefix.ts'
import { srv6SidNlri } from './type-6-srv6-sid.ts'
import type { BgpLsKnownNlri, BgpLsNlri, BgpLsNlriTypeCodec } from './types.ts'

export const AFI_BGP_LS = 16388
export const SAFI_BGP_LS = 71
export const SAFI_BGP_LS_VPN = 72

// biome-ignore lint/suspicious/noExplicitAny: the registry holds codecs of every NLRI type
type AnyNlriType = BgpLsNlriTypeCodec<any>

function build(list: readonly AnyNlriType[]): Map<number, AnyNlriType> {
  const m = new Map<number, AnyNlriType>()
  for (const c of list) {
    if (m.has(c.code)) throw new Error(`BGP-LS NLRI type ${c.code} registered twice`)
    m.set(c.code, c)
  }
  return m
}

const NLRI_TYPES = build([nodeNlri, linkNlri, ipv4TopologyPrefixNlri, ipv6TopologyPrefixNlri, srv6SidNlri])

export function bgpLsNlriType(code: number): BgpLsNlriTypeCodec | undefined {
  return NLRI_TYPES.get(code)
}

export function registeredBgpLsNlriTypes(): readonly BgpLsNlriTypeCodec[] {
  return [...NLRI_TYPES.values()]
}

function isUnknown(n: BgpLsNlri): n is Extract<BgpLsNlri, { hex: string }> {
  return 'hex' in n
}

function bodySize(n: BgpLsNlri): number {
  if (isUnknown(n)) return n.hex.length >> 1
  const codec = NLRI_TYPES.get(n.nlriType)
  if (!codec) throw malformed(`BGP-LS NLRI type ${n.nlriType} has no codec; give it as hex`)
  return codec.size(n)
}

function writeBody(w: Writer, n: BgpLsNlri): void {
  if (!isUnknown(n)) {
    ;(NLRI_TYPES.get(n.nlriType) as BgpLsNlriTypeCodec<BgpLsKnownNlri>).encode(w, n)
    return
  }
  const b = fromHex(n.hex)
  if (!b) throw malformed(`BGP-LS NLRI type ${n.nlriType}: hex is not hex`)
  wbytes(w, b)
}

function decodeOne(r: Reader, vpn: boolean, pathId: number | undefined): BgpLsNlri {
  const at = r.pos
  if (r.end - at < 4) throw malformed(`${r.end - at} octets left, too few for a BGP-LS NLRI header`, at)
  const nlriType = u16(r)
  const len = u16(r)
  if (r.pos + len > r.end) {
    throw malformed(`BGP-LS NLRI type ${nlriType} of length ${len} overruns the NLRI field`, at)
  }
  const body = take(r, len)
  let rd: string | undefined
  if (vpn) {
    if (len < 8) throw malformed(`BGP-LS-VPN NLRI of ${len} octets, too short for an RD`, at)
    rd = formatRD(bytes(body, 8), 0)
  }
  const codec = NLRI_TYPES.get(nlriType)
  const n = codec ? codec.decode(body) : { nlriType, hex: toHex(rest(body)) }
  if (body.pos !== body.end) {
    throw malformed(
      `${codec?.name ?? 'BGP-LS'} NLRI: ${body.end - body.pos} octets after its descriptors`,
      body.pos,
    )
  }
  if (rd === undefined) return { ...n, pathId } as BgpLsNlri
  return { nlriType, rd, ...n, pathId } as BgpLsNlri
}

export function bgpLsFamily(safi: typeof SAFI_BGP_LS | typeof SAFI_BGP_LS_VPN): FamilyCodec<BgpLsNlri> {
  const vpn = safi === SAFI_BGP_LS_VPN
  const rdSize = vpn ? 8 : 0
  const family: FamilyCodec<BgpLsNlri> = {
    afi: AFI_BGP_LS,
    safi,
    name: familyName(AFI_BGP_LS, safi),
    nextHop: vpn ? 'any' : 'ip',
    decode(r, pathId) {
      try {
        return decodeOne(r, vpn, pathId)
      } catch (e) {
        // Short reads inside an NLRI are malformations of the same kind as the rest.
        if (e instanceof WireError) throw malformed(`BGP-LS NLRI: ${e.message}`, e.offset)
        throw e
      }
    },
    size: (n) => 4 + rdSize + bodySize(n),
    encode(w, n) {
      const len = rdSize + bodySize(n)
      if (len > 0xffff) throw malformed(`BGP-LS NLRI of ${len} octets does not fit its length field`)
      w16(w, n.nlriType)
      w16(w, len)
      if (vpn) {
        if (n.rd === undefined) throw malformed('BGP-LS-VPN NLRI without an RD')
        wbytes(w, rdBytes(n.rd))
      } else if (n.rd !== undefined) {
        throw malformed('BGP-LS NLRI with an RD outside the VPN family')
      }
      writeBody(w, n)
    },
    key: (n) => toHex(encodeWith(n, family.size, family.encode)),
  }
  return family
}
