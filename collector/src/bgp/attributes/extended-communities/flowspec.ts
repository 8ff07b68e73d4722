// FlowSpec traffic filtering actions (RFC 8955 §7; RFC 7674 for the
// 4-octet-AS and IPv4 redirect forms, folded into RFC 8955), and the
// redirect-to-IP-next-hop communities of draft-simpson-idr-flowspec-redirect
// and draft-ietf-idr-flowspec-redirect-ip:
//
//   0x8006 traffic-rate-bytes    AS (2) | rate, bytes/s (IEEE 754 single, 4)
//   0x800c traffic-rate-packets  AS (2) | rate, packets/s (IEEE 754 single, 4)
//   0x8007 traffic-action        reserved (47 bits) | S sample | T terminal
//   0x8008 redirect (AS-2)       AS (2) | local (4)
//   0x8108 redirect (IPv4)       IPv4 address (4) | local (2)
//   0x8208 redirect (AS-4)       AS (4) | local (2)
//   0x8009 traffic-marking       reserved (5 octets + 2 bits) | DSCP (6 bits)
//   0x0800 redirect-to-nexthop   reserved (47 bits) | C copy — the target is the MP_REACH next hop
//   0x010c redirect-to-ip        IPv4 address (4) | reserved (15 bits) | C copy
//
// (The IPv6 forms — RFC 8956's rt-redirect-ipv6, 0x000d, and the IPv6
// redirect-to-ip, 0x000c — are IPv6 address specific communities: ipv6.ts.)
// A value whose reserved bits are set, or a rate JSON cannot carry (NaN,
// infinities, -0), stays an unknown community, octets intact. Text forms
// follow ExaBGP: `rate-limit:9600`, `rate-limit:1000:packets`,
// `action sample-terminal`, `redirect:65000:100`, `mark 10`,
// `redirect-to-nexthop`, `copy-to-nexthop`.

import { formatIPv4, parseIPv4 } from '../../../wire/ip.ts'
import { formatAdminAssigned, parseAdminAssigned } from '../../../wire/rd.ts'
import { CodecError } from '../../errors.ts'
import type { EcKind } from './types.ts'

export interface TrafficRateEc {
  readonly type: number
  readonly subtype: number
  /** 0x06 bytes per second, 0x0c packets per second */
  readonly name: 'traffic-rate-bytes' | 'traffic-rate-packets'
  /** informational 2-octet AS (RFC 8955 §7.1) */
  readonly asn: number
  /** the rate; 0 means discard */
  readonly rate: number
}

export interface TrafficActionEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'traffic-action'
  readonly sample: boolean
  readonly terminal: boolean
}

export interface FlowspecRedirectEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'redirect'
  /** the route target to import into, `admin:assigned` in the layout of the type (as route distinguishers) */
  readonly value: string
}

export interface TrafficMarkingEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'traffic-marking'
  readonly dscp: number
}

export interface RedirectToNextHopEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'redirect-to-nexthop'
  /** C: copy the traffic to the next hop instead of redirecting it */
  readonly copy: boolean
}

export interface RedirectToIpEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'redirect-to-ip'
  readonly address: string
  readonly copy: boolean
}

export type FlowspecEc =
  | TrafficRateEc
  | TrafficActionEc
  | FlowspecRedirectEc
  | TrafficMarkingEc
  | RedirectToNextHopEc
  | RedirectToIpEc

function zero(value: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (value[i] !== 0) return false
  return true
}

function float32(value: Uint8Array): number {
  return new DataView(value.buffer, value.byteOffset + 2, 4).getFloat32(0)
}

export const trafficRate: EcKind<TrafficRateEc> = {
  codes: [0x8006, 0x800c],
  decode(type, subtype, value) {
    const rate = float32(value)
    // JSON keeps neither NaN payloads, infinities nor -0: those stay unknown, octets intact.
    if (!Number.isFinite(rate) || Object.is(rate, -0)) return undefined
    const name = subtype === 0x06 ? 'traffic-rate-bytes' : 'traffic-rate-packets'
    return { type, subtype, name, asn: (value[0]! << 8) | value[1]!, rate }
  },
  encode(e) {
    if (e.asn > 0xffff || !Number.isFinite(e.rate)) {
      throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `${e.name} ${e.asn} ${e.rate}`, 0)
    }
    const out = new Uint8Array(6)
    out[0] = e.asn >>> 8
    out[1] = e.asn & 0xff
    new DataView(out.buffer, 2, 4).setFloat32(0, e.rate)
    return out
  },
  format(e) {
    const asn = e.asn ? `${e.asn}:` : ''
    return e.name === 'traffic-rate-bytes'
      ? `rate-limit:${asn}${e.rate}`
      : `rate-limit:${asn}${e.rate}:packets`
  },
}

export const trafficAction: EcKind<TrafficActionEc> = {
  codes: [0x8007],
  decode(type, subtype, value) {
    if (!zero(value, 0, 5) || value[5]! & 0xfc) return undefined
    return {
      type,
      subtype,
      name: 'traffic-action',
      sample: (value[5]! & 2) !== 0,
      terminal: (value[5]! & 1) !== 0,
    }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[5] = (e.sample ? 2 : 0) | (e.terminal ? 1 : 0)
    return out
  },
  format(e) {
    const parts = [e.sample && 'sample', e.terminal && 'terminal'].filter(Boolean)
    return `action ${parts.length ? parts.join('-') : 'none'}`
  },
}

export const flowspecRedirect: EcKind<FlowspecRedirectEc> = {
  codes: [0x8008, 0x8108, 0x8208],
  decode(type, subtype, value) {
    const text = formatAdminAssigned(type & 0x0f, value, 0)
    return text === undefined ? undefined : { type, subtype, name: 'redirect', value: text }
  },
  encode(e) {
    const v = parseAdminAssigned(e.value, e.type & 0x0f)
    if (!v)
      throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not a redirect target ${e.value}`, 0)
    return v.bytes
  },
  format: (e) => `redirect:${e.value}`,
}

export const trafficMarking: EcKind<TrafficMarkingEc> = {
  codes: [0x8009],
  decode(type, subtype, value) {
    if (!zero(value, 0, 5) || value[5]! & 0xc0) return undefined
    return { type, subtype, name: 'traffic-marking', dscp: value[5]! }
  },
  encode(e) {
    if (e.dscp > 0x3f) throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `DSCP ${e.dscp}`, 0)
    const out = new Uint8Array(6)
    out[5] = e.dscp
    return out
  },
  format: (e) => `mark ${e.dscp}`,
}

export const redirectToNextHop: EcKind<RedirectToNextHopEc> = {
  codes: [0x0800],
  decode(type, subtype, value) {
    if (!zero(value, 0, 5) || value[5]! & 0xfe) return undefined
    return { type, subtype, name: 'redirect-to-nexthop', copy: (value[5]! & 1) !== 0 }
  },
  encode(e) {
    const out = new Uint8Array(6)
    out[5] = e.copy ? 1 : 0
    return out
  },
  format: (e) => (e.copy ? 'copy-to-nexthop' : 'redirect-to-nexthop'),
}

export const redirectToIp: EcKind<RedirectToIpEc> = {
  codes: [0x010c],
  decode(type, subtype, value) {
    if (value[4] || value[5]! & 0xfe) return undefined
    return {
      type,
      subtype,
      name: 'redirect-to-ip',
      address: formatIPv4(value, 0),
      copy: (value[5]! & 1) !== 0,
    }
  },
  encode(e) {
    const a = parseIPv4(e.address)
    if (!a)
      throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not an IPv4 address ${e.address}`, 0)
    const out = new Uint8Array(6)
    out.set(a)
    out[5] = e.copy ? 1 : 0
    return out
  },
  format: (e) => `${e.copy ? 'copy-to-ip' : 'redirect-to-ip'}:${e.address}`,
}

/** Every FlowSpec action kind, for the extended community registry. */
export const FLOWSPEC_EC_KINDS = [
  trafficRate,
  trafficAction,
  flowspecRedirect,
  trafficMarking,
  redirectToNextHop,
  redirectToIp,
] as const
