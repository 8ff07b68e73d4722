// Every capability the codec decodes, one line each, keyed by code. Others are
// kept as UNKNOWN with their octets.

import { multiprotocol } from './cap-1-multiprotocol.ts'
import { extendedNextHop } from './cap-5-extended-next-hop.ts'
import { bgpRole } from './cap-9-bgp-role.ts'
import { gracefulRestart } from './cap-64-graceful-restart.ts'
import { fourOctetAs } from './cap-65-four-octet-as.ts'
import { addPath } from './cap-69-add-path.ts'
import { longLivedGracefulRestart } from './cap-71-long-lived-graceful-restart.ts'
import { fqdn } from './cap-73-fqdn.ts'
import { softwareVersion } from './cap-75-software-version.ts'
import { enhancedRouteRefresh, extendedMessage, routeRefresh } from './flag-capabilities.ts'
import type { CapabilityCodec } from './types.ts'

const CAPABILITIES = [
  multiprotocol,
  routeRefresh,
  extendedNextHop,
  extendedMessage,
  bgpRole,
  gracefulRestart,
  fourOctetAs,
  addPath,
  enhancedRouteRefresh,
  longLivedGracefulRestart,
  fqdn,
  softwareVersion,
] as CapabilityCodec[]

const TABLE = new Array<CapabilityCodec | undefined>(256)
for (const c of CAPABILITIES) {
  if (TABLE[c.code]) throw new Error(`capability ${c.code} registered twice`)
  TABLE[c.code] = c
}

export function capabilityCodec(code: number): CapabilityCodec | undefined {
  return TABLE[code]
}

export function registeredCapabilities(): readonly CapabilityCodec[] {
  return CAPABILITIES
}
