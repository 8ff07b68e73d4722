// The BGP-LS attribute's TLV values (RFC 9552 §5.3, RFC 9085, RFC 9086,
// RFC 9514), by TLV name. The attribute is a list of TLVs in wire order:
// these, the descriptor TLVs (nlri/bgp-ls/types.ts: some speakers put Link
// Local/Remote Identifiers or the MT-ID here), and unknown { type, hex }.
//
// Conventions, so that every value re-encodes to the octets received:
//  - `reserved` appears only when a reserved field was not zero;
//  - flags defined by the BGP-LS RFCs themselves are lists of their letters
//    ("O", "V", …), and a set bit without a name is "bitN" (N counted from the
//    most significant bit, 0); flags whose meaning the IGP defines (SR
//    capabilities, adjacency and prefix SIDs, RFC 9085 §2) are the octet as a
//    number, since the attribute alone does not say which IGP;
//  - a SID/label field is { label } when 3 octets (the 20-bit label in the low
//    bits of the 24) and { index } when 4 octets;
//  - IEEE floats (bandwidths, bytes per second) are numbers, except NaN,
//    infinities and -0, which JSON cannot carry: { hex } of the 4 octets;
//  - names are strings when valid UTF-8, otherwise { hex }.

import type {
  BgpLsDescriptorValues,
  BgpLsKnownTlv,
  BgpLsTlvCodec,
  UnknownBgpLsTlv,
} from '../../nlri/bgp-ls/types.ts'

export type BgpLsSidLabel = { readonly label: number } | { readonly index: number }

export type BgpLsFloat32 = number | { readonly hex: string }

export type BgpLsText = string | { readonly hex: string }

/** One SRGB/SRLB range: Range Size (3 octets) and its SID/Label sub-TLV (1161). */
export type BgpLsSrRange = { readonly rangeSize: number } & BgpLsSidLabel

/** SR Capabilities (1034) and SR Local Block (1036). */
export interface BgpLsSrRanges {
  readonly flags: number
  readonly reserved?: number
  readonly ranges: readonly BgpLsSrRange[]
}

/** Adjacency SID (1099, RFC 9085 §2.2.1). */
export type BgpLsAdjacencySid = {
  readonly flags: number
  readonly weight: number
  readonly reserved?: number
} & BgpLsSidLabel

/** LAN Adjacency SID (1100, RFC 9085 §2.2.2): the neighbor is an IS-IS System-ID or an OSPF Router-ID. */
export type BgpLsLanAdjacencySid = {
  readonly flags: number
  readonly weight: number
  readonly reserved?: number
} & ({ readonly neighborSystemId: string } | { readonly neighborRouterId: string }) &
  BgpLsSidLabel

/** Prefix SID (1158, RFC 9085 §2.3.1). */
export type BgpLsPrefixSid = {
  readonly flags: number
  readonly algorithm: number
  readonly reserved?: number
} & BgpLsSidLabel

/** Peer Node, Peer Adjacency and Peer Set SIDs (1101–1103, RFC 9086 §5): flags V, L, B, P. */
export type BgpLsPeerSid = {
  readonly flags: readonly string[]
  readonly weight: number
  readonly reserved?: number
} & BgpLsSidLabel

/** IGP Metric (1095): 1 (IS-IS narrow), 2 (OSPF) or 3 (IS-IS wide) octets, kept. */
export interface BgpLsIgpMetric {
  readonly metric: number
  readonly octets: 1 | 2 | 3
}

/** SRv6 Capabilities (1038, RFC 9514 §3.1): flags O. */
export interface BgpLsSrv6Capabilities {
  readonly flags: readonly string[]
  readonly reserved?: number
  readonly subTlvs?: readonly BgpLsAttributeTlv[]
}

/** SRv6 End.X SID (1106) and its LAN forms (1107 IS-IS, 1108 OSPFv3), RFC 9514 §4: flags B, S, P. */
export interface BgpLsSrv6EndXSid {
  readonly behavior: number
  readonly flags: readonly string[]
  readonly algorithm: number
  readonly weight: number
  readonly reserved?: number
  readonly sid: string
  readonly subTlvs?: readonly BgpLsAttributeTlv[]
}

export interface BgpLsIsisSrv6LanEndXSid extends BgpLsSrv6EndXSid {
  readonly neighborSystemId: string
}

export interface BgpLsOspfv3Srv6LanEndXSid extends BgpLsSrv6EndXSid {
  readonly neighborRouterId: string
}

/** SRv6 Locator (1162, RFC 9514 §5.1): flags D. */
export interface BgpLsSrv6Locator {
  readonly flags: readonly string[]
  readonly algorithm: number
  readonly reserved?: number
  readonly metric: number
  readonly subTlvs?: readonly BgpLsAttributeTlv[]
}

/** SRv6 Endpoint Behavior (1250, RFC 9514 §7.1): no flags defined. */
export interface BgpLsSrv6EndpointBehavior {
  readonly behavior: number
  readonly flags: readonly string[]
  readonly algorithm: number
}

/** SRv6 BGP Peer Node SID (1251, RFC 9514 §7.2): flags B, S, P. */
export interface BgpLsSrv6BgpPeerNodeSid {
  readonly flags: readonly string[]
  readonly weight: number
  readonly reserved?: number
  readonly peerAsn: number
  readonly peerBgpId: string
}

/** SRv6 SID Structure (1252, RFC 9514 §8): bit lengths of the SID's parts. */
export interface BgpLsSrv6SidStructure {
  readonly locatorBlockLength: number
  readonly locatorNodeLength: number
  readonly functionLength: number
  readonly argumentLength: number
}

/** The value of every attribute TLV the codec knows, by name. */
export interface BgpLsAttributeValues {
  // Node attributes (RFC 9552 §5.3.1)
  NODE_FLAG_BITS: readonly string[]
  OPAQUE_NODE_ATTRIBUTE: string
  NODE_NAME: BgpLsText
  /** hex */
  ISIS_AREA_IDENTIFIER: string
  IPV4_LOCAL_ROUTER_ID: string
  IPV6_LOCAL_ROUTER_ID: string
  // Link attributes (RFC 9552 §5.3.2)
  IPV4_REMOTE_ROUTER_ID: string
  IPV6_REMOTE_ROUTER_ID: string
  ADMINISTRATIVE_GROUP: number
  MAXIMUM_LINK_BANDWIDTH: BgpLsFloat32
  MAXIMUM_RESERVABLE_LINK_BANDWIDTH: BgpLsFloat32
  /** Priorities 0–7. */
  UNRESERVED_BANDWIDTH: readonly BgpLsFloat32[]
  TE_DEFAULT_METRIC: number
  LINK_PROTECTION_TYPE: readonly string[]
  MPLS_PROTOCOL_MASK: readonly string[]
  IGP_METRIC: BgpLsIgpMetric
  SHARED_RISK_LINK_GROUP: readonly number[]
  OPAQUE_LINK_ATTRIBUTE: string
  LINK_NAME: BgpLsText
  // Prefix attributes (RFC 9552 §5.3.3)
  IGP_FLAGS: readonly string[]
  IGP_ROUTE_TAG: readonly number[]
  IGP_EXTENDED_ROUTE_TAG: readonly bigint[]
  PREFIX_METRIC: number
  OSPF_FORWARDING_ADDRESS: string
  OPAQUE_PREFIX_ATTRIBUTE: string
  // Segment routing (RFC 9085)
  SR_CAPABILITIES: BgpLsSrRanges
  SR_ALGORITHM: readonly number[]
  SR_LOCAL_BLOCK: BgpLsSrRanges
  ADJACENCY_SID: BgpLsAdjacencySid
  LAN_ADJACENCY_SID: BgpLsLanAdjacencySid
  PREFIX_SID: BgpLsPrefixSid
  SID_LABEL: BgpLsSidLabel
  /** The flags octets as sent (their meaning is the IGP's), hex. */
  PREFIX_ATTRIBUTE_FLAGS: string
  SOURCE_ROUTER_IDENTIFIER: string
  // BGP egress peer engineering (RFC 9086)
  PEER_NODE_SID: BgpLsPeerSid
  PEER_ADJACENCY_SID: BgpLsPeerSid
  PEER_SET_SID: BgpLsPeerSid
  // SRv6 (RFC 9514)
  SRV6_CAPABILITIES: BgpLsSrv6Capabilities
  SRV6_END_X_SID: BgpLsSrv6EndXSid
  ISIS_SRV6_LAN_END_X_SID: BgpLsIsisSrv6LanEndXSid
  OSPFV3_SRV6_LAN_END_X_SID: BgpLsOspfv3Srv6LanEndXSid
  SRV6_LOCATOR: BgpLsSrv6Locator
  SRV6_ENDPOINT_BEHAVIOR: BgpLsSrv6EndpointBehavior
  SRV6_BGP_PEER_NODE_SID: BgpLsSrv6BgpPeerNodeSid
  SRV6_SID_STRUCTURE: BgpLsSrv6SidStructure
}

export type BgpLsAttributeTlvName = keyof BgpLsAttributeValues

/** Every TLV the BGP-LS attribute can hold, by name: its own and the descriptor TLVs. */
export interface BgpLsAttributeAndDescriptorValues extends BgpLsAttributeValues, BgpLsDescriptorValues {}

export type BgpLsKnownAttributeTlv = {
  [K in keyof BgpLsAttributeAndDescriptorValues]: BgpLsKnownTlv<K, BgpLsAttributeAndDescriptorValues[K]>
}[keyof BgpLsAttributeAndDescriptorValues]

export type BgpLsAttributeTlv = BgpLsKnownAttributeTlv | UnknownBgpLsTlv

export type BgpLsAttributeTlvCodec<K extends BgpLsAttributeTlvName> = BgpLsTlvCodec<
  K,
  BgpLsAttributeValues[K]
>
