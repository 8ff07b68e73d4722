// L2VPN EVPN, AFI 25 SAFI 70 (RFC 7432 §7): a list of typed routes,
//
//   +-----------------------------------+
//   |    Route Type (1 octet)           |
//   +-----------------------------------+
//   |     Length (1 octet)              |
//   +-----------------------------------+
//   | Route Type specific (variable)    |
//   +-----------------------------------+
//
// decoded by the route types of registry.ts. The next hop is an IPv4 or IPv6
// address (RFC 7432 §7, RFC 8365).
//
// RFC 7606 handling:
//  - §5.4: an unrecognized route type is not an error. RFC 7606 says to
//    discard such routes; a collector records everything, so the route is
//    kept as { routeType, raw } (its length delimits it) and flows to every
//    sink, and no problem is reported.
//  - a route of a known type whose fields do not add up to its Length, or
//    whose Length overruns the NLRI field, is a malformed NLRI (RFC 7606
//    §5.3): a CodecError of kind INVALID_NETWORK_FIELD. §5.4 only speaks of
//    unrecognized types; for a malformed route §5.3 leaves session reset or
//    AFI/SAFI disable, and MP_REACH_NLRI/MP_UNREACH_NLRI turn every family
//    error into afi-safi-disable of l2vpn-evpn (attr-14-mp-reach-nlri.ts),
//    never a session reset. Treat-as-withdraw of the one route would need a
//    per-NLRI problem channel the NLRI contract does not have.

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { bytes, take, u8, WireError } from '../../../wire/reader.ts'
import { w8, wbytes } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import type { FamilyCodec } from '../types.ts'
import { invalid } from './fields.ts'
import { type EvpnRoute, evpnRouteType } from './registry.ts'

export type EvpnNlri = EvpnRoute & { readonly pathId?: number }

function bodySize(n: EvpnRoute): number {
  if ('raw' in n) return n.raw.length / 2
  const codec = evpnRouteType(n.routeType)
  if (!codec) throw invalid(`EVPN route type ${n.routeType} without raw octets`)
  return codec.size(n)
}

export const evpnFamily: FamilyCodec<EvpnNlri> = {
  afi: 25,
  safi: 70,
  name: 'l2vpn-evpn',
  nextHop: 'ip',
  decode(r, pathId) {
    const at = r.pos
    const routeType = u8(r)
    const length = u8(r)
    if (r.pos + length > r.end) {
      throw invalid(
        `EVPN route type ${routeType} of length ${length} overruns the NLRI field (${r.end - r.pos} octets left)`,
        at,
      )
    }
    const body = take(r, length)
    const codec = evpnRouteType(routeType)
    let route: EvpnRoute
    if (!codec) {
      route = { routeType, raw: toHex(bytes(body, length)) }
    } else {
      try {
        route = codec.decode(body)
      } catch (e) {
        if (e instanceof WireError || e instanceof CodecError) {
          throw invalid(`EVPN ${codec.name} route of length ${length}: ${e.message}`, e.offset)
        }
        throw e
      }
      if (body.pos !== body.end) {
        throw invalid(
          `EVPN ${codec.name} route of length ${length}: ${body.end - body.pos} octets after its fields`,
          body.pos,
        )
      }
    }
    return pathId === undefined ? route : { ...route, pathId }
  },
  size: (n) => 2 + bodySize(n),
  encode(w, n) {
    const size = bodySize(n)
    if (size > 0xff) throw invalid(`EVPN route of ${size} octets does not fit its length octet`)
    w8(w, n.routeType)
    w8(w, size)
    if ('raw' in n) wbytes(w, hexOrThrow(n.raw, 'EVPN route'))
    else evpnRouteType(n.routeType)!.encode(w, n)
  },
  key(n) {
    if ('raw' in n) return `${n.routeType}:${n.raw}`
    return evpnRouteType(n.routeType)?.key(n) ?? `${n.routeType}`
  },
}
