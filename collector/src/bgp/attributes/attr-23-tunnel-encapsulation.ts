// TUNNEL_ENCAPSULATION, type 23, optional transitive (RFC 9012 §2):
//
//   +-----------------------------+
//   | Tunnel Type (2 octets)      |  IANA "BGP Tunnel Encapsulation Attribute Tunnel Types"
//   +-----------------------------+
//   | Length (2 octets)           |
//   +-----------------------------+
//   | Sub-TLVs (variable)         |  see tunnel-encapsulation/sub-tlvs.ts
//   +-----------------------------+   repeated
//
// Tunnel type 15 is the SR Policy of RFC 9830 §2.3 (its sub-TLVs in
// tunnel-encapsulation/sr-policy-sub-tlvs.ts). RFC 9012 §13: an attribute
// whose TLVs or sub-TLVs cannot be parsed is malformed: treat-as-withdraw.
// A TLV of an unknown tunnel type is still parsed (its sub-TLVs share the
// registry) and kept; unknown sub-TLVs are { type, hex }.

import { type Reader, take, u16 } from '../../wire/reader.ts'
import { type Writer, w16 } from '../../wire/writer.ts'
import { TUNNEL_TYPES } from './extended-communities/encapsulation.ts'
import { malformed } from './tunnel-encapsulation/fields.ts'
import { decodeSubTlvs, encodeSubTlvs, subTlvsSize } from './tunnel-encapsulation/sub-tlvs.ts'
import type { TunnelEncapsulation, TunnelTlv } from './tunnel-encapsulation/types.ts'
import type { AttributeCodec } from './types.ts'

export function decodeTunnelEncapsulation(r: Reader): TunnelTlv[] {
  const out: TunnelTlv[] = []
  while (r.pos < r.end) {
    const at = r.pos
    if (r.end - r.pos < 4)
      throw malformed(`${r.end - r.pos} octets left, too few for a tunnel TLV header`, at)
    const tunnelType = u16(r)
    const len = u16(r)
    if (r.pos + len > r.end) throw malformed(`tunnel TLV of ${len} octets overruns the attribute`, at)
    const subTlvs = decodeSubTlvs(take(r, len), tunnelType)
    const name = TUNNEL_TYPES[tunnelType]
    out.push(name ? { tunnelType, name, subTlvs } : { tunnelType, subTlvs })
  }
  return out
}

export function tunnelEncapsulationSize(v: TunnelEncapsulation): number {
  let n = 0
  for (const t of v) n += 4 + subTlvsSize(t.subTlvs)
  return n
}

export function encodeTunnelEncapsulation(w: Writer, v: TunnelEncapsulation): void {
  for (const t of v) {
    const len = subTlvsSize(t.subTlvs)
    if (len > 0xffff) throw malformed(`tunnel TLV of ${len} octets`, w.pos)
    w16(w, t.tunnelType)
    w16(w, len)
    encodeSubTlvs(w, t.subTlvs)
  }
}

export const tunnelEncapsulation: AttributeCodec<'TUNNEL_ENCAPSULATION'> = {
  code: 23,
  name: 'TUNNEL_ENCAPSULATION',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode: decodeTunnelEncapsulation,
  size: tunnelEncapsulationSize,
  encode: encodeTunnelEncapsulation,
}
