// Extended communities (RFC 4360, RFC 7153): 8 octets, a type octet (bit 0x40
// set = non-transitive), a subtype octet, and 6 octets of value. Each kind the
// codec knows is one descriptor in registry.ts; anything else is kept as
// { name: 'unknown', hex } with its type and subtype. `formatExtendedCommunity`
// gives the one-line text used for display and storage ("target:65000:100").

import type { EvpnEc } from './evpn.ts'
import type { FlowspecEc } from './flowspec.ts'

export type AdminAssignedName =
  | 'route-target'
  | 'route-origin'
  | 'ospf-domain-id'
  | 'ospf-route-id'
  | 'bgp-data-collection'
  | 'source-as'
  | 'l2vpn-id'
  | 'vrf-route-import'
  | 'vpn-distinguisher'

export interface AdminAssignedEc {
  readonly type: number
  readonly subtype: number
  /** see admin-assigned.ts */
  readonly name: AdminAssignedName
  /** "admin:assigned" in the layout of the type (wire/rd.ts) */
  readonly value: string
}

export interface LinkBandwidthEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'link-bandwidth'
  readonly asn: number
  /** bytes per second (an IEEE 754 single on the wire) */
  readonly bandwidth: number
}

export interface EncapsulationEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'encapsulation'
  /** IANA "BGP Tunnel Encapsulation Attribute Tunnel Types" number */
  readonly tunnelType: number
}

export interface ColorEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'color'
  readonly flags: number
  readonly color: number
}

export interface OriginValidationEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'origin-validation'
  readonly state: 'valid' | 'not-found' | 'invalid'
}

export interface UnknownEc {
  readonly type: number
  readonly subtype: number
  readonly name: 'unknown'
  /** the 6 value octets */
  readonly hex: string
}

export type ExtendedCommunity =
  | AdminAssignedEc
  | LinkBandwidthEc
  | EncapsulationEc
  | ColorEc
  | OriginValidationEc
  | EvpnEc
  | FlowspecEc
  | UnknownEc

/** RFC 5701: 20 octets, type, subtype, IPv6 global administrator, 2-octet local administrator. */
export interface Ipv6AddressSpecificEc {
  readonly type: number
  readonly subtype: number
  readonly name: string
  readonly address: string
  readonly local: number
}

export interface UnknownIpv6Ec {
  readonly type: number
  readonly subtype: number
  readonly name: 'unknown'
  /** the 18 value octets */
  readonly hex: string
}

export type Ipv6ExtendedCommunity = Ipv6AddressSpecificEc | UnknownIpv6Ec

/**
 * How one kind of extended community is decoded, encoded and written as text.
 * `decode` gets the 6 value octets and may answer undefined (e.g. a reserved
 * field not zero) so that the community is kept as unknown, octets intact.
 */
export interface EcKind<E extends ExtendedCommunity = ExtendedCommunity> {
  /** (type << 8) | subtype of every code point this kind decodes */
  readonly codes: readonly number[]
  decode(type: number, subtype: number, value: Uint8Array): E | undefined
  /** The 6 value octets. */
  encode(e: E): Uint8Array
  format(e: E): string
}
