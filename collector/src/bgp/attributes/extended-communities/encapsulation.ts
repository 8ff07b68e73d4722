// Encapsulation, type 0x03 subtype 0x0c (RFC 9012 §4.1): 4 reserved octets and
// a 2-octet tunnel type. A non-zero reserved field keeps the community unknown.

import type { EcKind, EncapsulationEc } from './types.ts'

/** IANA "BGP Tunnel Encapsulation Attribute Tunnel Types", for text. */
export const TUNNEL_TYPES: Readonly<Record<number, string>> = {
  1: 'l2tpv3',
  2: 'gre',
  7: 'ip-in-ip',
  8: 'vxlan',
  9: 'nvgre',
  10: 'mpls',
  11: 'mpls-in-gre',
  12: 'vxlan-gpe',
  13: 'mpls-in-udp',
  14: 'ipv6-tunnel',
  15: 'sr-policy',
  16: 'bare',
  19: 'geneve',
}

export const encapsulation: EcKind<EncapsulationEc> = {
  codes: [0x030c],
  decode(type, subtype, value) {
    if (value[0] || value[1] || value[2] || value[3]) return undefined
    return { type, subtype, name: 'encapsulation', tunnelType: (value[4]! << 8) | value[5]! }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[4] = e.tunnelType >>> 8
    out[5] = e.tunnelType & 0xff
    return out
  },
  format: (e) => `encap:${TUNNEL_TYPES[e.tunnelType] ?? e.tunnelType}`,
}
