// bgpdump's one-line form (`bgpdump -m`) of what the `updates` table holds,
// so that stored rows can be compared with an independent reading of the
// same MRT file: A lines with path, origin, next hop, LOCAL_PREF, MED,
// communities, atomic aggregate and aggregator; W lines with the prefix.

import { displayAddress, type Queryable } from '../../collector/src/storage/queries.ts'

const WELL_KNOWN: Readonly<Record<string, string>> = {
  NO_EXPORT: 'no-export',
  NO_ADVERTISE: 'no-advertise',
  NO_EXPORT_SUBCONFED: 'no-export-subconfed',
}

interface Row {
  ts: string
  action: string
  peer: string
  peer_asn: number
  prefix: string
  prefix_length: number
  as_path: number[]
  as_path_segments: { type: string; length: number }[]
  origin: string
  next_hop: string[]
  local_pref: number | null
  med: number | null
  communities: string[]
  atomic_aggregate: boolean
  aggregator_asn: number | null
  aggregator_address: string | null
}

function pathText(asns: readonly number[], segments: readonly { type: string; length: number }[]): string {
  const parts: string[] = []
  let at = 0
  for (const s of segments) {
    const members = asns.slice(at, at + Number(s.length))
    at += Number(s.length)
    if (s.type === 'AS_SET' || s.type === 'AS_CONFED_SET') parts.push(`{${members.join(',')}}`)
    else parts.push(...members.map(String))
  }
  return parts.join(' ')
}

/** The stored updates (not the collector's own synthetic ones) as bgpdump -m lines, sorted. */
export async function storedAsBgpdump(
  q: Queryable,
  peerName: (storedPeer: string) => string = displayAddress,
): Promise<string[]> {
  const rows = await q.query<Row>(
    `SELECT toUnixTimestamp(time) AS ts, toString(action) AS action, toString(peer_address) AS peer, peer_asn,
            toString(prefix) AS prefix, prefix_length, as_path, as_path_segments, toString(origin) AS origin,
            next_hop, local_pref, med, communities, atomic_aggregate, aggregator_asn,
            toString(aggregator_address) AS aggregator_address
     FROM updates WHERE NOT synthetic`,
  )
  return rows
    .map((r) => {
      const head = `BGP4MP|${r.ts}|${r.action === 'announce' ? 'A' : 'W'}|${peerName(r.peer)}|${r.peer_asn}|${displayAddress(r.prefix)}/${r.prefix_length}`
      if (r.action !== 'announce') return head
      const communities = r.communities.map((c) => WELL_KNOWN[c] ?? c).join(' ')
      const aggregator = r.aggregator_asn === null ? '' : `${r.aggregator_asn} ${r.aggregator_address}`
      return `${head}|${pathText(r.as_path.map(Number), r.as_path_segments)}|${r.origin.toUpperCase()}|${r.next_hop[0] ?? ''}|${r.local_pref ?? 0}|${r.med ?? 0}|${communities}|${r.atomic_aggregate ? 'AG' : 'NAG'}|${aggregator}|`
    })
    .sort()
}

/** bgpdump's lines of a file, sorted, optionally with peers renamed and fields dropped as the caller needs. */
export function bgpdumpLines(text: string, map: (fields: string[]) => string[] = (f) => f): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('BGP4MP|'))
    .map((l) => map(l.split('|')).join('|'))
    .sort()
}
