// Every address family the codec decodes, one line each. A family not listed
// here is carried raw (raw.ts). Keys are afi * 256 + safi.

import { familyKey } from '../family.ts'
import { bgpLsFamily } from './bgp-ls/family.ts'
import { evpnFamily } from './evpn/family.ts'
import { flowspecFamily } from './flowspec/family.ts'
import { ipPrefixFamily } from './ip-prefix.ts'
import { labeledFamily } from './labeled.ts'
import { mupFamily } from './mup.ts'
import { mvpnFamily } from './mvpn/family.ts'
import { rawFamily } from './raw.ts'
import { rtcFamily } from './rtc.ts'
import { srPolicyFamily } from './sr-policy.ts'
import type { FamilyCodec, Nlri } from './types.ts'
import { vplsFamily } from './vpls.ts'
import { vpnFamily } from './vpn.ts'

// biome-ignore lint/suspicious/noExplicitAny: the registry holds codecs of every NLRI shape
type AnyFamily = FamilyCodec<any>

const FAMILIES: readonly AnyFamily[] = [
  ipPrefixFamily(1, 1, 'ipv4-unicast'),
  ipPrefixFamily(2, 1, 'ipv6-unicast'),
  ipPrefixFamily(1, 2, 'ipv4-multicast'),
  ipPrefixFamily(2, 2, 'ipv6-multicast'),
  labeledFamily(1, 'ipv4-labeled'),
  labeledFamily(2, 'ipv6-labeled'),
  vpnFamily(1, 128, 'ipv4-vpn'),
  vpnFamily(2, 128, 'ipv6-vpn'),
  vpnFamily(1, 129, 'ipv4-vpn-multicast'),
  vpnFamily(2, 129, 'ipv6-vpn-multicast'),
  rtcFamily,
  bgpLsFamily(71),
  bgpLsFamily(72),
  evpnFamily,
  vplsFamily,
  mvpnFamily(1, 'ipv4-mvpn'),
  mvpnFamily(2, 'ipv6-mvpn'),
  mupFamily(1, 'ipv4-mup'),
  mupFamily(2, 'ipv6-mup'),
  flowspecFamily(1, 133, 'ipv4-flowspec'),
  flowspecFamily(2, 133, 'ipv6-flowspec'),
  flowspecFamily(1, 134, 'ipv4-flowspec-vpn'),
  flowspecFamily(2, 134, 'ipv6-flowspec-vpn'),
  srPolicyFamily(1, 'ipv4-srpolicy'),
  srPolicyFamily(2, 'ipv6-srpolicy'),
]

function build(list: readonly AnyFamily[]): Map<number, AnyFamily> {
  const m = new Map<number, AnyFamily>()
  for (const f of list) {
    const key = familyKey(f.afi, f.safi)
    if (m.has(key)) throw new Error(`family ${f.name} registered twice`)
    m.set(key, f)
  }
  return m
}

const REGISTRY = build(FAMILIES)
const RAW = new Map<number, AnyFamily>()

/** The codec of a family; an undecoded family gets a raw codec (cached). */
export function familyCodec(afi: number, safi: number): FamilyCodec<Nlri> {
  const key = familyKey(afi, safi)
  const known = REGISTRY.get(key)
  if (known) return known
  let raw = RAW.get(key)
  if (!raw) {
    raw = rawFamily(afi, safi)
    RAW.set(key, raw)
  }
  return raw
}

export function isDecodedFamily(afi: number, safi: number): boolean {
  return REGISTRY.has(familyKey(afi, safi))
}

export function registeredFamilies(): readonly FamilyCodec<Nlri>[] {
  return FAMILIES
}
