// The routes of a parsed record, one RouteInfo each, for the filter and the
// statistics: a RIB entry per peer, an announcement or withdrawal per NLRI of
// an UPDATE (every family), or the record itself (state change, other message).

import {
  type BgpMessage,
  familyByName,
  type Nlri,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import type { MrtBody, MrtRecord, PeerIndexTable } from '../../collector/src/mrt/index.ts'
import { parseIP, parsePrefix } from '../../collector/src/wire/ip.ts'
import { emptyRoute, type RouteInfo } from './filter.ts'

const peerBytes = new WeakMap<PeerIndexTable, Uint8Array[]>()

function peersOf(t: PeerIndexTable): Uint8Array[] {
  let b = peerBytes.get(t)
  if (!b) {
    b = t.peers.map((p) => parseIP(p.address) ?? new Uint8Array(4))
    peerBytes.set(t, b)
  }
  return b
}

/** Where the attribute section of a whole UPDATE message lies. */
function updateAttributes(m: Uint8Array, headerLength: number): [number, number] {
  const w = headerLength
  if (m.length < w + 2) return [0, 0]
  const wlen = (m[w]! << 8) | m[w + 1]!
  const a = w + 2 + wlen
  if (m.length < a + 2) return [0, 0]
  const alen = (m[a]! << 8) | m[a + 1]!
  return [a + 2, Math.min(a + 2 + alen, m.length)]
}

function setPrefix(r: RouteInfo, n: Nlri | undefined): void {
  const text = n && 'prefix' in n && typeof n.prefix === 'string' ? n.prefix : undefined
  const p = text ? parsePrefix(text) : undefined
  r.prefix = p?.address
  r.prefixOffset = 0
  r.prefixLength = p?.length ?? 0
}

/**
 * Calls visit for every route of the record. `message` is the decoded BGP
 * message of BGP4MP/BGP records (needed for their NLRI); `entry` is the RIB
 * entry's index (−1 for routes that are not RIB entries).
 */
export function recordRoutes(
  rec: MrtRecord,
  body: MrtBody,
  message: BgpMessage | undefined,
  visit: (r: RouteInfo, entry: number) => void,
): void {
  const r = emptyRoute()
  r.type = rec.type
  r.subtype = rec.subtype
  switch (body.kind) {
    case 'RIB': {
      const rib = body.rib
      const peers = rec.peers ? peersOf(rec.peers) : []
      r.kind = 'rib'
      r.afi = rib.afi
      r.safi = rib.safi
      r.asn4 = true
      const ip = !rib.generic
      r.prefix = ip ? rib.nlri : undefined
      r.prefixOffset = 1
      r.prefixLength = ip ? rib.nlri[0]! : 0
      rib.entries.forEach((e, i) => {
        r.peer = peers[e.peerIndex]
        r.peerAs = rec.peers?.peers[e.peerIndex]?.asn
        r.attributes = e.attributes
        r.attributesStart = 0
        r.attributesEnd = e.attributes.length
        visit(r, i)
      })
      return
    }
    case 'TABLE_DUMP': {
      const t = body.entry
      r.kind = 'rib'
      r.peer = t.peerAddress
      r.peerAs = t.peerAs
      r.afi = t.afi
      r.safi = 1
      r.prefix = t.prefix
      r.prefixLength = t.prefixLength
      r.attributes = t.attributes
      r.attributesEnd = t.attributes.length
      r.asn4 = false
      visit(r, -1)
      return
    }
    case 'BGP4MP_STATE_CHANGE':
      r.kind = 'state'
      r.peer = body.state.peerAddress.length ? body.state.peerAddress : undefined
      r.peerAs = body.state.peerAs
      visit(r, -1)
      return
    case 'BGP4MP_MESSAGE': {
      const m = body.message
      r.peer = m.peerAddress.length ? m.peerAddress : undefined
      r.peerAs = m.peerAs
      r.asn4 = m.as4
      updateRoutes(r, message, m.message, 19, visit)
      return
    }
    case 'BGP': {
      const b = body.bgp
      if (b.kind === 'raw') break
      r.peer = b.peerAddress
      r.peerAs = b.peerAs
      r.asn4 = false
      if (b.kind === 'state') {
        r.kind = 'state'
        visit(r, -1)
        return
      }
      updateRoutes(r, message, b.body, 0, visit)
      return
    }
    case 'PEER_INDEX_TABLE':
      r.kind = 'peer-index'
      visit(r, -1)
      return
    default:
      break
  }
  r.kind = 'other'
  visit(r, -1)
}

function updateRoutes(
  r: RouteInfo,
  message: BgpMessage | undefined,
  raw: Uint8Array,
  headerLength: number,
  visit: (r: RouteInfo, entry: number) => void,
): void {
  if (message?.type !== 'UPDATE') {
    r.kind = 'message'
    visit(r, -1)
    return
  }
  const u = message as UpdateMessage
  const [start, end] = updateAttributes(raw, headerLength)
  r.attributes = raw
  r.attributesStart = start
  r.attributesEnd = end
  let visited = 0
  const each = (kind: 'announce' | 'withdraw', afi: number, safi: number, list: readonly Nlri[]) => {
    r.kind = kind
    r.afi = afi
    r.safi = safi
    for (const n of list) {
      setPrefix(r, n)
      visited++
      visit(r, -1)
    }
  }
  each('withdraw', 1, 1, u.withdrawn)
  each('announce', 1, 1, u.nlri)
  for (const a of u.attributes) {
    if (a.name === 'MP_REACH_NLRI') each('announce', a.value.afi, a.value.safi, a.value.nlri)
    else if (a.name === 'MP_UNREACH_NLRI') each('withdraw', a.value.afi, a.value.safi, a.value.nlri)
  }
  if (!visited) {
    // An UPDATE without NLRI (End-of-RIB, or attributes only) is still a message.
    r.kind = 'message'
    const eor = u.endOfRib ? familyByName(u.endOfRib) : undefined
    r.afi = eor !== undefined ? Math.floor(eor / 256) : 0
    r.safi = eor !== undefined ? eor % 256 : 0
    r.prefix = undefined
    visit(r, -1)
  }
}
