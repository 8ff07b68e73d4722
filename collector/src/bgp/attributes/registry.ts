// Every path attribute the codec decodes, one line each, keyed by type code.
// An attribute not listed here is carried as UNKNOWN with its flags and octets.

import { origin } from './attr-1-origin.ts'
import { asPath } from './attr-2-as-path.ts'
import { nextHop } from './attr-3-next-hop.ts'
import { multiExitDisc } from './attr-4-multi-exit-disc.ts'
import { localPref } from './attr-5-local-pref.ts'
import { atomicAggregate } from './attr-6-atomic-aggregate.ts'
import { aggregator } from './attr-7-aggregator.ts'
import { communities } from './attr-8-communities.ts'
import { originatorId } from './attr-9-originator-id.ts'
import { clusterList } from './attr-10-cluster-list.ts'
import { mpReachNlri } from './attr-14-mp-reach-nlri.ts'
import { mpUnreachNlri } from './attr-15-mp-unreach-nlri.ts'
import { extendedCommunities } from './attr-16-extended-communities.ts'
import { as4Path } from './attr-17-as4-path.ts'
import { as4Aggregator } from './attr-18-as4-aggregator.ts'
import { pmsiTunnel } from './attr-22-pmsi-tunnel.ts'
import { tunnelEncapsulation } from './attr-23-tunnel-encapsulation.ts'
import { ipv6ExtendedCommunities } from './attr-25-ipv6-extended-communities.ts'
import { aigp } from './attr-26-aigp.ts'
import { bgpLs } from './attr-29-bgp-ls.ts'
import { largeCommunity } from './attr-32-large-community.ts'
import { otc } from './attr-35-otc.ts'
import { prefixSid } from './attr-40-prefix-sid.ts'
import { attrSet } from './attr-128-attr-set.ts'
import type { AttributeCodec, AttributeName } from './types.ts'

function build(list: readonly AttributeCodec[]): (AttributeCodec | undefined)[] {
  const table = new Array<AttributeCodec | undefined>(256)
  for (const c of list) {
    if (table[c.code]) throw new Error(`attribute ${c.code} registered twice`)
    table[c.code] = c
  }
  return table
}

let TABLE: (AttributeCodec | undefined)[] | undefined

// Built on first use: ATTR_SET decodes attribute lists, so this module and the
// list decoder import each other, and nothing may run before both are loaded.
function table(): (AttributeCodec | undefined)[] {
  TABLE ??= build([
    origin,
    asPath,
    nextHop,
    multiExitDisc,
    localPref,
    atomicAggregate,
    aggregator,
    communities,
    originatorId,
    clusterList,
    mpReachNlri,
    mpUnreachNlri,
    extendedCommunities,
    as4Path,
    as4Aggregator,
    pmsiTunnel,
    tunnelEncapsulation,
    ipv6ExtendedCommunities,
    aigp,
    bgpLs,
    largeCommunity,
    otc,
    prefixSid,
    attrSet,
  ] as AttributeCodec[])
  return TABLE
}

export function attributeCodec(code: number): AttributeCodec | undefined {
  return table()[code]
}

export function attributeCodecByName(name: AttributeName): AttributeCodec | undefined {
  return table().find((c) => c?.name === name)
}

export function registeredAttributes(): readonly AttributeCodec[] {
  return table().filter((c): c is AttributeCodec => c !== undefined)
}
