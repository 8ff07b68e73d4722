// Capabilities that are only a code with an empty value:
//   route refresh, code 2 (RFC 2918 §3)
//   extended message, code 6 (RFC 8654 §3)
//   enhanced route refresh, code 70 (RFC 7313 §3.1)

import { expectEnd } from '../../wire/reader.ts'
import type { CapabilityCodec } from './types.ts'

function flag<K extends 'ROUTE_REFRESH' | 'EXTENDED_MESSAGE' | 'ENHANCED_ROUTE_REFRESH'>(
  code: number,
  name: K,
): CapabilityCodec<K> {
  return {
    code,
    name,
    decode(r) {
      expectEnd(r, name)
      return true as never
    },
    size: () => 0,
    encode: () => {},
  }
}

export const routeRefresh = flag(2, 'ROUTE_REFRESH')
export const extendedMessage = flag(6, 'EXTENDED_MESSAGE')
export const enhancedRouteRefresh = flag(70, 'ENHANCED_ROUTE_REFRESH')
