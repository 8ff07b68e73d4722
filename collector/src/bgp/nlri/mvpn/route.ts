// One MCAST-VPN route with its header (RFC 6514 §4): route type, length, and
// the route type specific field decoded by the registry, or kept raw for a
// route type the codec does not know (RFC 7606 §5.4). Used by the family
// codec and by the Leaf A-D route, whose Route Key is such a route.

import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { bytes, type Reader, take, u8, WireError } from '../../../wire/reader.ts'
import { type Writer, w8, wbytes } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import { invalid } from '../evpn/fields.ts'
import { type MvpnRoute, mvpnRouteType } from './registry.ts'

export function decodeMvpnRoute(r: Reader): MvpnRoute {
  const at = r.pos
  const routeType = u8(r)
  const length = u8(r)
  if (r.pos + length > r.end) {
    throw invalid(
      `MCAST-VPN route type ${routeType} of length ${length} overruns its field (${r.end - r.pos} octets left)`,
      at,
    )
  }
  const body = take(r, length)
  const codec = mvpnRouteType(routeType)
  if (!codec) return { routeType, raw: toHex(bytes(body, length)) }
  let route: MvpnRoute
  try {
    route = codec.decode(body)
  } catch (e) {
    if (e instanceof WireError || e instanceof CodecError) {
      throw invalid(`MCAST-VPN ${codec.name} route of length ${length}: ${e.message}`, e.offset)
    }
    throw e
  }
  if (body.pos !== body.end) {
    throw invalid(
      `MCAST-VPN ${codec.name} route of length ${length}: ${body.end - body.pos} octets after its fields`,
      body.pos,
    )
  }
  return route
}

function bodySize(n: MvpnRoute): number {
  if ('raw' in n) return n.raw.length / 2
  const codec = mvpnRouteType(n.routeType)
  if (!codec) throw invalid(`MCAST-VPN route type ${n.routeType} without raw octets`)
  return codec.size(n)
}

/** Octets of the route with its 2-octet header. */
export function mvpnRouteSize(n: MvpnRoute): number {
  return 2 + bodySize(n)
}

export function writeMvpnRoute(w: Writer, n: MvpnRoute): void {
  const size = bodySize(n)
  if (size > 0xff) throw invalid(`MCAST-VPN route of ${size} octets does not fit its length octet`)
  w8(w, n.routeType)
  w8(w, size)
  if ('raw' in n) wbytes(w, hexOrThrow(n.raw, 'MCAST-VPN route'))
  else mvpnRouteType(n.routeType)!.encode(w, n)
}

export function mvpnRouteKey(n: MvpnRoute): string {
  if ('raw' in n) return `${n.routeType}:${n.raw}`
  return mvpnRouteType(n.routeType)?.key(n) ?? `${n.routeType}`
}
