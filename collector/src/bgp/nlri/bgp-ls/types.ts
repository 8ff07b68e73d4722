// BGP-LS (RFC 9552) shapes: the TLV contract shared by the NLRI descriptors
// and the BGP-LS attribute, the descriptor TLV values, and the NLRI types.
//
// Every TLV is kept in wire order as { type, name, value }; a TLV whose type
// the scope does not know is kept as { type, hex }. Encoding a decoded list
// gives back the received octets, TLV order, repeats and unknown TLVs included.

import type { Reader } from '../../../wire/reader.ts'
import type { Writer } from '../../../wire/writer.ts'

/** A TLV the scope has no codec for: its type and value octets, hex. */
export interface UnknownBgpLsTlv {
  readonly type: number
  readonly hex: string
}

/** A decoded TLV of a known type. */
export interface BgpLsKnownTlv<N extends string, V> {
  readonly type: number
  readonly name: N
  readonly value: V
}

/**
 * Where a TLV list is decoded: which TLV types are known there, and the NLRI
 * facts some values depend on (the Protocol-ID names the 8-octet IGP
 * Router-ID's second half; the NLRI type says whether a prefix is IPv4 or IPv6).
 */
export interface BgpLsTlvScope {
  codec(type: number): BgpLsTlvCodec | undefined
  readonly protocolId?: number
  readonly prefixWidth?: 4 | 16
}

/** One TLV type: a registry descriptor (STYLE.md). */
export interface BgpLsTlvCodec<N extends string = string, V = unknown> {
  /** The TLV type. */
  readonly code: number
  readonly name: N
  /** Decodes the value octets r[pos..end); must consume them all or throw. */
  decode(r: Reader, scope: BgpLsTlvScope): V
  /** Octets of the value, without the 4-octet TLV header. */
  size(v: V, scope: BgpLsTlvScope): number
  encode(w: Writer, v: V, scope: BgpLsTlvScope): void
}

/**
 * The IGP Router-ID sub-TLV (515, RFC 9552 §5.2.1.4), by its length:
 * 4 octets OSPF Router-ID (`routerId`); 6 IS-IS System-ID (`isoSystemId`,
 * "0000.0000.0001"); 7 IS-IS pseudonode, System-ID and PSN identifier; 8 OSPF
 * pseudonode, the DR's Router-ID and its interface address (OSPFv2) or
 * interface ID (OSPFv3, Protocol-ID 6); 16 an IPv6 router ID.
 */
export type BgpLsIgpRouterId =
  | { readonly routerId: string }
  | { readonly routerId: string; readonly drInterfaceAddress: string }
  | { readonly routerId: string; readonly drInterfaceId: number }
  | { readonly isoSystemId: string }
  | { readonly isoSystemId: string; readonly psnId: number }

export interface BgpLsLinkIdentifiers {
  readonly localId: number
  readonly remoteId: number
}

/** The value of every descriptor TLV the codec knows, by name. */
export interface BgpLsDescriptorValues {
  LOCAL_NODE_DESCRIPTORS: BgpLsDescriptorList
  REMOTE_NODE_DESCRIPTORS: BgpLsDescriptorList
  LINK_LOCAL_REMOTE_IDENTIFIERS: BgpLsLinkIdentifiers
  IPV4_INTERFACE_ADDRESS: string
  IPV4_NEIGHBOR_ADDRESS: string
  IPV6_INTERFACE_ADDRESS: string
  IPV6_NEIGHBOR_ADDRESS: string
  /** MT-IDs (12 bits); an entry whose 4 reserved bits were set is the whole 16-bit field (> 4095). */
  MULTI_TOPOLOGY_ID: readonly number[]
  /** 1 intra-area, 2 inter-area, 3 external 1, 4 external 2, 5 NSSA 1, 6 NSSA 2. */
  OSPF_ROUTE_TYPE: number
  /** The prefix as sent, host bits kept. */
  IP_REACHABILITY_INFORMATION: string
  AUTONOMOUS_SYSTEM: number
  BGP_LS_IDENTIFIER: number
  /** Dotted quad. */
  OSPF_AREA_ID: string
  IGP_ROUTER_ID: BgpLsIgpRouterId
  BGP_ROUTER_ID: string
  MEMBER_ASN: number
  SRV6_SID_INFORMATION: string
}

export type BgpLsDescriptorName = keyof BgpLsDescriptorValues

export type BgpLsKnownDescriptorTlv = {
  [K in BgpLsDescriptorName]: BgpLsKnownTlv<K, BgpLsDescriptorValues[K]>
}[BgpLsDescriptorName]

export type BgpLsDescriptorTlv = BgpLsKnownDescriptorTlv | UnknownBgpLsTlv

/** A list of descriptor TLVs (an interface, so that TLVs can hold lists of TLVs). */
export interface BgpLsDescriptorList extends ReadonlyArray<BgpLsDescriptorTlv> {}

export type BgpLsDescriptorCodec<K extends BgpLsDescriptorName> = BgpLsTlvCodec<K, BgpLsDescriptorValues[K]>

/** Fields every Link-State NLRI of a known type starts with (RFC 9552 §5.2). */
export interface BgpLsNlriCommon {
  /** Route distinguisher, in the VPN family (SAFI 72) only. */
  readonly rd?: string
  /** 1 IS-IS L1, 2 IS-IS L2, 3 OSPFv2, 4 Direct, 5 Static, 6 OSPFv3, 7 BGP, … (IANA "BGP-LS Protocol-IDs"). */
  readonly protocolId: number
  /** The 64-bit Identifier (routing universe, RFC 9552 §5.2). */
  readonly identifier: bigint
  readonly localNodeDescriptors: readonly BgpLsDescriptorTlv[]
  readonly pathId?: number
}

export interface BgpLsNodeNlri extends BgpLsNlriCommon {
  readonly nlriType: 1
}

export interface BgpLsLinkNlri extends BgpLsNlriCommon {
  readonly nlriType: 2
  readonly remoteNodeDescriptors: readonly BgpLsDescriptorTlv[]
  readonly linkDescriptors: readonly BgpLsDescriptorTlv[]
}

export interface BgpLsPrefixNlri extends BgpLsNlriCommon {
  /** 3 IPv4 topology prefix, 4 IPv6 topology prefix. */
  readonly nlriType: 3 | 4
  readonly prefixDescriptors: readonly BgpLsDescriptorTlv[]
}

export interface BgpLsSrv6SidNlri extends BgpLsNlriCommon {
  readonly nlriType: 6
  readonly srv6SidDescriptors: readonly BgpLsDescriptorTlv[]
}

/** An NLRI type the codec does not decode: the octets after the header (and RD), hex. */
export interface BgpLsUnknownNlri {
  readonly nlriType: number
  readonly rd?: string
  readonly hex: string
  readonly pathId?: number
}

export type BgpLsKnownNlri = BgpLsNodeNlri | BgpLsLinkNlri | BgpLsPrefixNlri | BgpLsSrv6SidNlri

export type BgpLsNlri = BgpLsKnownNlri | BgpLsUnknownNlri

/** One NLRI type (a registry descriptor): reads the Link-State NLRI after the header and RD. */
export interface BgpLsNlriTypeCodec<N extends BgpLsKnownNlri = BgpLsKnownNlri> {
  readonly code: number
  /** A short stable name for logs: "link". */
  readonly name: string
  /** Decodes r[pos..end) (Protocol-ID onwards); must consume it exactly. `rd` and `pathId` are the family's. */
  decode(r: Reader): Omit<N, 'rd' | 'pathId'>
  size(n: N): number
  encode(w: Writer, n: N): void
}
