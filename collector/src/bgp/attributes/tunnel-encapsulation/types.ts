// The decoded Tunnel Encapsulation attribute (RFC 9012) and the SR Policy
// sub-TLVs it carries (RFC 9830 §2.4). Every sub-TLV keeps its `type` code;
// known ones add a `name` and their fields, unknown ones are { type, hex }.
// Reserved fields appear (as numbers) only when a speaker set them, so that
// encoding reproduces the octets; a sub-TLV whose text is not valid UTF-8 is
// kept as { type, hex }.

import type { ExtendedCommunity } from '../extended-communities/types.ts'

/** An RFC 3032 label stack entry: 20-bit label, 3-bit traffic class, bottom-of-stack bit, TTL. */
export interface LabelEntry {
  readonly label: number
  readonly tc: number
  readonly s: boolean
  readonly ttl: number
}

/** RFC 9830 §2.4.4.2.4 / RFC 9252 §3.2.1: an SRv6 SID's endpoint behavior and structure. */
export interface Srv6SidStructure {
  readonly endpointBehavior: number
  readonly locatorBlockLength: number
  readonly locatorNodeLength: number
  readonly functionLength: number
  readonly argumentLength: number
  /** the 2 reserved octets after the behavior, when not zero */
  readonly reserved?: number
}

export interface RawSubTlv {
  readonly type: number
  readonly hex: string
}

// RFC 9012 §3 sub-TLVs.

/** Type 1 for VXLAN (8) and NVGRE (9), RFC 9012 §3.2.1–2: V and M flags, VN-ID / VSID, MAC. */
export interface VxlanEncapsulation {
  readonly type: 1
  readonly name: 'encapsulation'
  /** the first octet: 0x80 V (VN-ID valid), 0x40 M (MAC valid), other bits reserved */
  readonly flags: number
  readonly vnId: number
  readonly mac: string
  readonly reserved?: number
}

/** Type 1 for GRE (2) and MPLS-in-GRE (11), RFC 9012 §3.2.4, §3.2.6: the GRE key. */
export interface GreEncapsulation {
  readonly type: 1
  readonly name: 'encapsulation'
  readonly key: number
}

/** Type 1 for L2TPv3 (1), RFC 9012 §3.2.3: session id and a 0–8 octet cookie (hex). */
export interface L2tpv3Encapsulation {
  readonly type: 1
  readonly name: 'encapsulation'
  readonly sessionId: number
  readonly cookie: string
}

/** Type 1 for any other tunnel type, or of a length its tunnel type does not define: the octets. */
export interface RawEncapsulation {
  readonly type: 1
  readonly name: 'encapsulation'
  readonly hex: string
}

export type EncapsulationSubTlv =
  | VxlanEncapsulation
  | GreEncapsulation
  | L2tpv3Encapsulation
  | RawEncapsulation

export interface ProtocolTypeSubTlv {
  readonly type: 2
  readonly name: 'protocol-type'
  /** an Ethertype */
  readonly protocolType: number
}

export interface ColorSubTlv {
  readonly type: 4
  readonly name: 'color'
  /** the 8 octets are a Color extended community (RFC 9012 §3.4.2) */
  readonly community: ExtendedCommunity
}

export interface TunnelEgressEndpointSubTlv {
  readonly type: 6
  readonly name: 'tunnel-egress-endpoint'
  readonly afi: number
  /** absent for AFI 0 (no address) */
  readonly address?: string
  /** the address octets of an AFI other than 0, 1, 2 */
  readonly addressHex?: string
  readonly reserved?: number
}

export interface DsFieldSubTlv {
  readonly type: 7
  readonly name: 'ds-field'
  readonly ds: number
}

export interface UdpDestinationPortSubTlv {
  readonly type: 8
  readonly name: 'udp-destination-port'
  readonly port: number
}

export interface EmbeddedLabelHandlingSubTlv {
  readonly type: 9
  readonly name: 'embedded-label-handling'
  /** 1: the payload label stays, 2: it is replaced */
  readonly handling: number
}

export interface MplsLabelStackSubTlv {
  readonly type: 10
  readonly name: 'mpls-label-stack'
  readonly labels: readonly LabelEntry[]
}

// RFC 9830 §2.4 SR Policy sub-TLVs.

export interface PreferenceSubTlv {
  readonly type: 12
  readonly name: 'preference'
  readonly flags: number
  readonly preference: number
  readonly reserved?: number
}

export interface BindingSidSubTlv {
  readonly type: 13
  readonly name: 'binding-sid'
  /** 0x80 S (specified-BSID-only), 0x40 I (drop upon invalid) */
  readonly flags: number
  /** a 4-octet binding SID: an MPLS label stack entry */
  readonly label?: LabelEntry
  /** a 16-octet binding SID: an SRv6 SID */
  readonly sid?: string
  readonly reserved?: number
}

export interface EnlpSubTlv {
  readonly type: 14
  readonly name: 'enlp'
  readonly flags: number
  /** 1 IPv4 explicit null, 2 IPv6, 3 both, 4 none */
  readonly enlp: number
  readonly reserved?: number
}

export interface PrioritySubTlv {
  readonly type: 15
  readonly name: 'priority'
  readonly priority: number
  readonly reserved?: number
}

export interface Srv6BindingSidSubTlv {
  readonly type: 20
  readonly name: 'srv6-binding-sid'
  /** 0x80 S (specified-BSID-only), 0x40 I (drop upon invalid), 0x20 B (behavior and structure present) */
  readonly flags: number
  readonly sid: string
  readonly structure?: Srv6SidStructure
  readonly reserved?: number
}

export interface WeightSubTlv {
  readonly type: 9
  readonly name: 'weight'
  readonly flags: number
  readonly weight: number
  readonly reserved?: number
}

/** Segment type A (RFC 9830 §2.4.4.2.1): an SR-MPLS label. */
export interface SegmentTypeA extends LabelEntry {
  readonly type: 1
  readonly name: 'segment-type-a'
  /** 0x80 V, 0x40 A, 0x20 S, 0x10 B (RFC 9830 §2.4.4.2.12) */
  readonly flags: number
  readonly reserved?: number
}

/** Segment type B (RFC 9830 §2.4.4.2.2): an SRv6 SID, optionally with its behavior and structure. */
export interface SegmentTypeB {
  readonly type: 13
  readonly name: 'segment-type-b'
  readonly flags: number
  readonly sid: string
  readonly structure?: Srv6SidStructure
  readonly reserved?: number
}

/** Weight, segment types A and B; segment types C–K and anything else as { type, hex }. */
export type SegmentListSubTlv = WeightSubTlv | SegmentTypeA | SegmentTypeB | RawSubTlv

export interface SegmentListSubTlvValue {
  readonly type: 128
  readonly name: 'segment-list'
  readonly subTlvs: readonly SegmentListSubTlv[]
  readonly reserved?: number
}

export interface NameSubTlv {
  readonly type: 129 | 130
  readonly name: 'policy-candidate-path-name' | 'policy-name'
  readonly text: string
  readonly reserved?: number
}

export type TunnelSubTlv =
  | EncapsulationSubTlv
  | ProtocolTypeSubTlv
  | ColorSubTlv
  | TunnelEgressEndpointSubTlv
  | DsFieldSubTlv
  | UdpDestinationPortSubTlv
  | EmbeddedLabelHandlingSubTlv
  | MplsLabelStackSubTlv
  | PreferenceSubTlv
  | BindingSidSubTlv
  | EnlpSubTlv
  | PrioritySubTlv
  | Srv6BindingSidSubTlv
  | SegmentListSubTlvValue
  | NameSubTlv
  | RawSubTlv

/** One tunnel TLV: its IANA tunnel type (15 = SR Policy), the type's name when known, its sub-TLVs. */
export interface TunnelTlv {
  readonly tunnelType: number
  readonly name?: string
  readonly subTlvs: readonly TunnelSubTlv[]
}

export type TunnelEncapsulation = readonly TunnelTlv[]
