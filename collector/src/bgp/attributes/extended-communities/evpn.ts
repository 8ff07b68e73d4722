// EVPN extended communities, type 0x06 (RFC 7153 §5.2.8, RFC 7432 §7.5–7.9),
// and the Default Gateway community, type 0x03 subtype 0x0d (RFC 7432 §7.8):
//
//   0x0600 MAC Mobility (RFC 7432 §7.7)
//     | Flags (1) | Reserved (1) | Sequence Number (4) |   flags 0x01: sticky/static MAC
//   0x0601 ESI Label (RFC 7432 §7.5)
//     | Flags (1) | Reserved (2) | ESI Label (3) |        flags 0x01: single-active
//   0x0602 ES-Import Route Target (RFC 7432 §7.6)
//     | ES-Import (6): a MAC address |
//   0x0603 EVPN Router's MAC (RFC 9135 §8.1)
//     | EVPN Router's MAC Address (6) |
//   0x0604 Layer 2 Attributes (RFC 8214 §3.1)
//     | Control Flags (2) | L2 MTU (2) | Reserved (2) |   flags 0x01 B, 0x02 P, 0x04 C
//   0x030d Default Gateway (RFC 7432 §7.8)
//     | Reserved (6) |
//
// A reserved field that is not zero keeps the community unknown, octets
// intact (as encapsulation.ts does). The ESI label is a 3-octet label field
// with both readings, as in the EVPN NLRI (nlri/evpn/fields.ts).

import { CodecError } from '../../errors.ts'
import { formatMac, type Label24, label24, macBytes } from '../../nlri/evpn/fields.ts'
import type { EcKind } from './types.ts'

export interface MacMobilityEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'mac-mobility'
  /** 0x01: sticky/static MAC. */
  readonly flags: number
  readonly sequence: number
}

export interface EsiLabelEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'esi-label'
  /** 0x01: single-active redundancy mode. */
  readonly flags: number
  readonly label: Label24
}

export interface EsImportRouteTargetEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'es-import-route-target'
  readonly mac: string
}

export interface RouterMacEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'router-mac'
  readonly mac: string
}

export interface Layer2AttributesEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'layer2-attributes'
  /** Control Flags: 0x01 B (backup), 0x02 P (primary), 0x04 C (control word). */
  readonly flags: number
  readonly mtu: number
}

export interface DefaultGatewayEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'default-gateway'
}

export type EvpnEc =
  | MacMobilityEc
  | EsiLabelEc
  | EsImportRouteTargetEc
  | RouterMacEc
  | Layer2AttributesEc
  | DefaultGatewayEc

function bad(what: string): CodecError {
  return new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', what, 0)
}

function u16at(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!
}

function fits(v: number, bits: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) throw bad(`${what} ${v} does not fit ${bits} bits`)
  return v
}

export const macMobility: EcKind<MacMobilityEc> = {
  codes: [0x0600],
  decode(type, subtype, value) {
    if (value[1]) return undefined
    const sequence = value[2]! * 0x1000000 + ((value[3]! << 16) | (value[4]! << 8) | value[5]!)
    return { type, subtype, name: 'mac-mobility', flags: value[0]!, sequence }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[0] = fits(e.flags, 8, 'MAC mobility flags')
    new DataView(out.buffer).setUint32(2, fits(e.sequence, 32, 'MAC mobility sequence'))
    return out
  },
  format: (e) =>
    `mac-mobility:${e.sequence}${e.flags === 1 ? ':sticky' : e.flags ? `:flags-0x${e.flags.toString(16)}` : ''}`,
}

export const esiLabel: EcKind<EsiLabelEc> = {
  codes: [0x0601],
  decode(type, subtype, value) {
    if (value[1] || value[2]) return undefined
    const l = (value[3]! << 16) | (value[4]! << 8) | value[5]!
    return { type, subtype, name: 'esi-label', flags: value[0]!, label: label24(l) }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[0] = fits(e.flags, 8, 'ESI label flags')
    const v = fits(e.label.value, 24, 'ESI label')
    out[3] = v >>> 16
    out[4] = (v >>> 8) & 0xff
    out[5] = v & 0xff
    return out
  },
  format: (e) =>
    `esi-label:${e.label.label}${e.flags === 1 ? ':single-active' : e.flags ? `:flags-0x${e.flags.toString(16)}` : ''}`,
}

export const esImportRouteTarget: EcKind<EsImportRouteTargetEc> = {
  codes: [0x0602],
  decode: (type, subtype, value) => ({
    type,
    subtype,
    name: 'es-import-route-target',
    mac: formatMac(value, 0),
  }),
  encode: (e) => macBytes(e.mac),
  format: (e) => `es-import:${e.mac}`,
}

export const routerMac: EcKind<RouterMacEc> = {
  codes: [0x0603],
  decode: (type, subtype, value) => ({ type, subtype, name: 'router-mac', mac: formatMac(value, 0) }),
  encode: (e) => macBytes(e.mac),
  format: (e) => `router-mac:${e.mac}`,
}

export const layer2Attributes: EcKind<Layer2AttributesEc> = {
  codes: [0x0604],
  decode(type, subtype, value) {
    if (value[4] || value[5]) return undefined
    return { type, subtype, name: 'layer2-attributes', flags: u16at(value, 0), mtu: u16at(value, 2) }
  },
  encode(e) {
    const out = new Uint8Array(6)
    const view = new DataView(out.buffer)
    view.setUint16(0, fits(e.flags, 16, 'layer 2 control flags'))
    view.setUint16(2, fits(e.mtu, 16, 'L2 MTU'))
    return out
  },
  format: (e) => `l2-attributes:${e.mtu}${e.flags ? `:flags-0x${e.flags.toString(16)}` : ''}`,
}

export const defaultGateway: EcKind<DefaultGatewayEc> = {
  codes: [0x030d],
  decode(type, subtype, value) {
    if (value[0] || value[1] || value[2] || value[3] || value[4] || value[5]) return undefined
    return { type, subtype, name: 'default-gateway' }
  },
  encode: () => new Uint8Array(6),
  format: () => 'default-gateway',
}

/** The EVPN kinds, for the registry list. */
export const EVPN_EC_KINDS = [
  macMobility,
  esiLabel,
  esImportRouteTarget,
  routerMac,
  layer2Attributes,
  defaultGateway,
] as const
