// A synthetic table as the stream of UPDATE messages a router sends on
// session start: the prefixes sharing an attribute set packed into as few
// UPDATEs as fit in 4096 octets, IPv4 in the NLRI field, IPv6 in MP_REACH_NLRI,
// then the End-of-RIB markers. With `addPath`, every NLRI carries a path id.

import {
  ALL_FAMILIES,
  type CodecContext,
  codecContext,
  encodeMessage,
  type IpPrefixNlri,
  messageSize,
  NO_FAMILIES,
  type PathAttribute,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import type { SynthPath, SynthRoute, SynthTable } from './table.ts'

function attributes(p: SynthPath, afi: 1 | 2, nlri: IpPrefixNlri[], nextHop: string): PathAttribute[] {
  const list: PathAttribute[] = []
  if (afi === 2) {
    list.push({
      code: 14,
      flags: 0x90,
      name: 'MP_REACH_NLRI',
      value: { afi: 2, safi: 1, family: 'ipv6-unicast', nextHop: [nextHop], nlri },
    })
  }
  list.push({ code: 1, flags: 0x40, name: 'ORIGIN', value: p.origin })
  list.push({ code: 2, flags: 0x40, name: 'AS_PATH', value: p.asPath })
  if (afi === 1) list.push({ code: 3, flags: 0x40, name: 'NEXT_HOP', value: nextHop })
  if (p.med !== undefined) list.push({ code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: p.med })
  if (p.communities.length) list.push({ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: p.communities })
  if (p.largeCommunities.length) {
    list.push({ code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: p.largeCommunities })
  }
  return list
}

function build(p: SynthPath, afi: 1 | 2, nlri: IpPrefixNlri[]): UpdateMessage {
  const nh = afi === 1 ? '192.0.2.1' : '2001:db8::1'
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: attributes(p, afi, afi === 2 ? nlri : [], nh),
    nlri: afi === 1 ? nlri : [],
  }
}

export interface UpdateStream {
  readonly messages: Uint8Array[]
  readonly prefixes: { readonly ipv4: number; readonly ipv6: number }
  readonly ctx: CodecContext
}

export function synthUpdates(
  table: SynthTable,
  options: { addPath?: boolean; maxLength?: number } = {},
): UpdateStream {
  const ctx = codecContext({ addPath: options.addPath ? ALL_FAMILIES : NO_FAMILIES })
  const max = options.maxLength ?? 4096
  const messages: Uint8Array[] = []
  let ipv4 = 0
  let ipv6 = 0
  let i = 0
  const routes = table.routes
  while (i < routes.length) {
    const first = routes[i] as SynthRoute
    const group: IpPrefixNlri[] = []
    let j = i
    while (j < routes.length && routes[j]!.path === first.path && routes[j]!.afi === first.afi) {
      const candidate = [
        ...group,
        { prefix: routes[j]!.prefix, ...(options.addPath ? { pathId: 1 + (j % 4) } : {}) },
      ]
      if (group.length && messageSize(build(table.paths[first.path]!, first.afi, candidate), ctx) > max) break
      group.push(candidate[candidate.length - 1]!)
      j++
    }
    messages.push(encodeMessage(build(table.paths[first.path]!, first.afi, group), ctx))
    if (first.afi === 1) ipv4 += group.length
    else ipv6 += group.length
    i = j
  }
  messages.push(encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }, ctx))
  messages.push(
    encodeMessage(
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [
          {
            code: 15,
            flags: 0x80,
            name: 'MP_UNREACH_NLRI',
            value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: [] },
          },
        ],
        nlri: [],
      },
      ctx,
    ),
  )
  return { messages, prefixes: { ipv4, ipv6 }, ctx }
}
