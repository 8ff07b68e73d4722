// NLRI shapes and the family codec contract. Every family is one descriptor in
// nlri/registry.ts; the list decoder (nlri-list.ts) reads ADD-PATH path
// identifiers (RFC 7911 §3: they precede every NLRI of a family that
// negotiated them) and hands each NLRI to the family's decode.

import type { Reader } from '../../wire/reader.ts'
import type { Writer } from '../../wire/writer.ts'

/** A plain IP prefix: "192.0.2.0/24", "2001:db8::/32"; host bits are kept as sent. */
export interface IpPrefixNlri {
  readonly prefix: string
  readonly pathId?: number
}

/**
 * MPLS labels (RFC 3032 label stack entries, RFC 8277): `labels` holds each
 * entry's 20-bit label value. `labelFlags`, when present, holds each entry's low
 * four bits (TC << 1 | S); it is omitted when they are the usual ones (TC 0,
 * bottom-of-stack only on the last entry), so the JSON stays short and the
 * encoding stays exact.
 */
export interface Labels {
  readonly labels: readonly number[]
  readonly labelFlags?: readonly number[]
}

export interface LabeledNlri extends Labels {
  readonly prefix: string
  readonly pathId?: number
}

/** RFC 4364 / RFC 4659: route distinguisher text (see wire/rd.ts), labels, prefix. */
export interface VpnNlri extends Labels {
  readonly rd: string
  readonly prefix: string
  readonly pathId?: number
}

/** A family we carry without decoding: the NLRI bytes of one attribute or field, whole. */
export interface RawNlri {
  readonly raw: string
  readonly pathId?: number
}

/**
 * Any NLRI. Families add their own shapes; consumers know the family from the
 * list it came in and narrow with the family's codec, never by guessing.
 */
export type Nlri = { readonly pathId?: number } & object

/** How an MP_REACH_NLRI next hop is laid out for a family. */
export type NextHopKind =
  | 'ip' // 4 (IPv4), 16 (IPv6 global), 32 (global + link-local) octets; RFC 4760, RFC 2545, RFC 8950
  | 'vpn' // the same, each address after an 8-octet RD that must be zero; RFC 4364, RFC 4659, RFC 8950
  | 'none' // no next hop (FlowSpec, RFC 8955 §4: length 0), or 4/16/32 octets read as for 'ip'; others raw
  | 'any' // carried raw: families whose next hop the codec does not interpret

export interface FamilyCodec<N extends Nlri = Nlri> {
  readonly afi: number
  readonly safi: number
  readonly name: string
  readonly nextHop: NextHopKind
  /** The NLRI field cannot be split into routes (an undecoded family): decode it once, whole, without path ids. */
  readonly opaque?: boolean
  /**
   * Reads one NLRI (after its path id) from r. `withdraw` is true inside
   * withdrawn routes and MP_UNREACH_NLRI, where some families differ (RFC 8277
   * §2.4 withdraw label). Malformations throw (WireError or CodecError).
   */
  decode(r: Reader, pathId: number | undefined, withdraw: boolean): N
  /** Octets of one NLRI, without its path id. */
  size(n: N): number
  encode(w: Writer, n: N): void
  /** The identity of the route within its family, without the path id: RIB and storage keys. */
  key(n: N): string
}
