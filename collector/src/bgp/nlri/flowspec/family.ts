// FlowSpec, SAFI 133 (RFC 8955 §4, RFC 8956 for AFI 2) and FlowSpec VPN,
// SAFI 134 (RFC 8955 §8):
//
//   +--------------------------------+
//   | length (0xnn or 0xfnnn)        |  octets of what follows
//   +--------------------------------+
//   | route distinguisher (8)        |  SAFI 134 only
//   +--------------------------------+
//   | components (variable)          |  see components.ts
//   +--------------------------------+
//
// RFC 8955 §4.1: a length below 240 is one octet; from 240 to 4095 it is two
// octets with the high nibble 0xf. A short length sent in the long form is
// kept (`longLength`) so the octets re-encode exactly. The next hop is
// layout 'none' (RFC 8955 §4: a zero-length next hop, or an address some
// speakers send anyway).
//
// The family key is the text form (`flowspecText`), ExaBGP's spelling:
// `destination-ipv4 10.0.0.2/32 protocol =tcp destination-port =3128`, plus
// ` rd <rd>` for SAFI 134. It depends only on the components' meaning, not on
// value lengths or reserved bits, so one rule has one key whatever octets a
// speaker chose; an empty rule (which matches every packet) is `any`.

import { formatRD } from '../../../wire/rd.ts'
import { bytes, take, u8, WireError } from '../../../wire/reader.ts'
import { w8, w16, wbytes } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import type { FamilyCodec } from '../types.ts'
import { rdBytes } from '../vpn.ts'
import { componentsSize, componentsText, decodeComponents, encodeComponents } from './components.ts'
import type { FlowspecNlri } from './types.ts'

/** Largest NLRI length the 2-octet form can carry (RFC 8955 §4.1). */
export const FLOWSPEC_MAX_LENGTH = 0xfff

function infer(n: FlowspecNlri): 1 | 2 {
  for (const c of n.components) {
    if ('offset' in c && c.offset !== undefined) return 2
    if (c.type === 13 || c.name === 'next-header') return 2
  }
  return 1
}

/**
 * The rule as one line of text (ExaBGP's `string` without its `flow` prefix).
 * The AFI decides the keywords (`destination-ipv4` or `destination-ipv6`,
 * `protocol` or `next-header`, `dscp` or `traffic-class`); without it, it is
 * inferred from the components.
 */
export function flowspecText(n: FlowspecNlri, afi: 1 | 2 = infer(n)): string {
  const text = n.components.length ? componentsText(n.components, afi) : 'any'
  return n.rd === undefined ? text : `${text} rd ${n.rd}`
}

function bodySize(n: FlowspecNlri, afi: 1 | 2, vpn: boolean): number {
  return (vpn ? 8 : 0) + componentsSize(n.components, afi)
}

export function flowspecFamily(afi: 1 | 2, safi: 133 | 134, name: string): FamilyCodec<FlowspecNlri> {
  const vpn = safi === 134
  return {
    afi,
    safi,
    name,
    nextHop: 'none',
    decode(r, pathId) {
      const at = r.pos
      const first = u8(r)
      let length = first
      let longLength = false
      if (first >= 0xf0) {
        length = ((first & 0x0f) << 8) | u8(r)
        longLength = length < 0xf0
      }
      const body = take(r, length, 'FlowSpec NLRI')
      let rd: string | undefined
      if (vpn) {
        if (length < 8) {
          throw new CodecError(
            'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
            `FlowSpec VPN NLRI of ${length} octets has no route distinguisher`,
            at,
          )
        }
        rd = formatRD(bytes(body, 8), 0)
      }
      const components = decodeComponents(body, afi)
      const out: FlowspecNlri = {
        ...(rd !== undefined ? { rd } : {}),
        components,
        ...(longLength ? { longLength: true as const } : {}),
      }
      return pathId === undefined ? out : { ...out, pathId }
    },
    size(n) {
      const body = bodySize(n, afi, vpn)
      return (body < 0xf0 && !n.longLength ? 1 : 2) + body
    },
    encode(w, n) {
      const body = bodySize(n, afi, vpn)
      if (body > FLOWSPEC_MAX_LENGTH) {
        throw new WireError(
          'overflow',
          w.pos,
          `FlowSpec NLRI of ${body} octets exceeds ${FLOWSPEC_MAX_LENGTH}`,
        )
      }
      if (body < 0xf0 && !n.longLength) w8(w, body)
      else w16(w, 0xf000 | body)
      if (vpn) {
        if (n.rd === undefined) {
          throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', 'FlowSpec VPN NLRI without rd', w.pos)
        }
        wbytes(w, rdBytes(n.rd))
      }
      encodeComponents(w, n.components, afi)
    },
    key: (n) => flowspecText(n, afi),
  }
}
