// Path attribute values and the attribute codec contract. A decoded UPDATE
// keeps its attributes as a list in wire order, each with its type code and
// flags octet as received, so that encoding reproduces the bytes exactly.

import type { Reader } from '../../wire/reader.ts'
import type { Writer } from '../../wire/writer.ts'
import type { CodecContext } from '../context.ts'
import type { ErrorAction, ProblemKind } from '../errors.ts'
import type { NextHop } from '../nlri/next-hop.ts'
import type { Nlri } from '../nlri/types.ts'
import type { PmsiTunnel } from './attr-22-pmsi-tunnel.ts'
import type { PrefixSid } from './attr-40-prefix-sid.ts'
import type { BgpLsAttributeTlv } from './bgp-ls/types.ts'
import type { ExtendedCommunity, Ipv6ExtendedCommunity } from './extended-communities/types.ts'
import type { TunnelEncapsulation } from './tunnel-encapsulation/types.ts'

export type Origin = 'igp' | 'egp' | 'incomplete'

export type AsPathSegmentType = 'AS_SET' | 'AS_SEQUENCE' | 'AS_CONFED_SEQUENCE' | 'AS_CONFED_SET'

export interface AsPathSegment {
  readonly type: AsPathSegmentType
  readonly asns: readonly number[]
}

export interface Aggregator {
  readonly asn: number
  readonly address: string
}

export interface MpReachNlri extends NextHop {
  readonly afi: number
  readonly safi: number
  readonly family: string
  /** Subnetwork points of attachment (RFC 2858; "Reserved" since RFC 4760), hex each; omitted when none. */
  readonly snpa?: readonly string[]
  readonly nlri: readonly Nlri[]
}

export interface MpUnreachNlri {
  readonly afi: number
  readonly safi: number
  readonly family: string
  readonly nlri: readonly Nlri[]
}

/** RFC 7311 TLVs: type 1 is the accumulated IGP metric. */
export type AigpTlv =
  | { readonly type: 1; readonly metric: bigint }
  | { readonly type: number; readonly hex: string }

export interface AttrSet {
  readonly originAs: number
  readonly attributes: readonly PathAttribute[]
}

/** The decoded value of every attribute the codec knows, by name. */
export interface AttributeValues {
  ORIGIN: Origin
  AS_PATH: readonly AsPathSegment[]
  NEXT_HOP: string
  MULTI_EXIT_DISC: number
  LOCAL_PREF: number
  ATOMIC_AGGREGATE: true
  AGGREGATOR: Aggregator
  /** "asn:value", or the IANA name of a well-known community ("NO_EXPORT"). */
  COMMUNITIES: readonly string[]
  ORIGINATOR_ID: string
  CLUSTER_LIST: readonly string[]
  MP_REACH_NLRI: MpReachNlri
  MP_UNREACH_NLRI: MpUnreachNlri
  EXTENDED_COMMUNITIES: readonly ExtendedCommunity[]
  AS4_PATH: readonly AsPathSegment[]
  AS4_AGGREGATOR: Aggregator
  PMSI_TUNNEL: PmsiTunnel
  /** RFC 9012 tunnel TLVs (RFC 9830 SR Policy sub-TLVs in tunnel type 15) */
  TUNNEL_ENCAPSULATION: TunnelEncapsulation
  IPV6_EXTENDED_COMMUNITIES: readonly Ipv6ExtendedCommunity[]
  /** RFC 9552 §5.3 TLVs, in wire order */
  BGP_LS: readonly BgpLsAttributeTlv[]
  AIGP: readonly AigpTlv[]
  /** "global:local1:local2" */
  LARGE_COMMUNITY: readonly string[]
  OTC: number
  /** RFC 8669 / RFC 9252 TLVs */
  PREFIX_SID: PrefixSid
  ATTR_SET: AttrSet
}

export type AttributeName = keyof AttributeValues

export type KnownAttribute = {
  [K in AttributeName]: {
    readonly code: number
    readonly flags: number
    readonly name: K
    readonly value: AttributeValues[K]
  }
}[AttributeName]

/** An attribute the codec has no decoder for: carried with its flags, value as hex. */
export interface UnknownAttribute {
  readonly code: number
  readonly flags: number
  readonly name: 'UNKNOWN'
  readonly value: string
}

/** An attribute that failed to decode: the problem kind and its value octets as hex, nothing dropped. */
export interface MalformedAttribute {
  readonly code: number
  readonly flags: number
  readonly name: 'MALFORMED'
  readonly value: { readonly error: ProblemKind; readonly hex: string }
}

export type PathAttribute = KnownAttribute | UnknownAttribute | MalformedAttribute

export type AttributeOf<K extends AttributeName> = Extract<KnownAttribute, { name: K }>

export interface AttributeCodec<K extends AttributeName = AttributeName> {
  readonly code: number
  readonly name: K
  /** The Optional and Transitive bits this attribute must carry (RFC 4271 §5). */
  readonly flags: number
  /** RFC 7606 action when the attribute is malformed (a decoder may name a stronger one). */
  readonly onError: ErrorAction
  /** The problem kind of a malformation the decoder does not name itself (e.g. a short read). */
  readonly errorKind: ProblemKind
  /** Decodes the value octets r[pos..end); must consume them all or throw. */
  decode(r: Reader, ctx: CodecContext): AttributeValues[K]
  size(v: AttributeValues[K], ctx: CodecContext): number
  encode(w: Writer, v: AttributeValues[K], ctx: CodecContext): void
}
