// The MCAST-VPN route-type contract. Every MCAST-VPN NLRI (RFC 6514 §4) is
//
//   +-----------------------------------+
//   |    Route Type (1 octet)           |
//   +-----------------------------------+
//   |     Length (1 octet)              |  octets of the route type specific field
//   +-----------------------------------+
//   | Route Type specific (variable)    |
//   +-----------------------------------+
//
// and each route type is one descriptor (registry.ts). A descriptor's decode
// gets a reader limited to the route type specific field and must consume it
// exactly; the family codec (family.ts) reads the header, checks the lengths
// and keeps unknown route types raw.

import type { Reader } from '../../../wire/reader.ts'
import type { Writer } from '../../../wire/writer.ts'

export interface MvpnRouteTypeCodec<R extends { readonly routeType: number }> {
  readonly code: number
  /** A short stable name for logs and text: "s-pmsi-ad". */
  readonly name: string
  decode(r: Reader): R
  /** Octets of the route type specific field. */
  size(route: R): number
  encode(w: Writer, route: R): void
  /** The route's identity within the family: every field of the NLRI (RFC 6514 carries no labels in it). */
  key(route: R): string
}
