// How long ago each path of a lookup was announced. The Adj-RIB-In keeps no
// time per path (it keeps 8 octets a path), so the time comes from storage:
// the latest `announce` row of (peer, family, prefix, RD, path id) in
// `updates`, found through the table's prefix-first index — one point range
// per prefix of the page. It is best effort: without storage, when storage
// is behind or slower than `timeoutMs`, routes come without `since`/`age`.

import type { RibEntry, RibRoute } from '../rib/index.ts'
import { displayAddress, type Queryable } from '../storage/queries.ts'
import { parsePrefix } from '../wire/ip.ts'
import type { RouteAge } from './route-view.ts'

const MAPPED = '::ffff:'

function storedPrefix(prefix: string): string | undefined {
  const p = parsePrefix(prefix)
  if (!p) return undefined
  return p.address.length === 4 ? `${MAPPED}${prefix}` : prefix
}

function key(peer: string, family: string, prefix: string, rd: string, pathId: number): string {
  return `${peer}|${family}|${prefix}|${rd}|${pathId}`
}

interface AgeRow {
  peer: string
  family: string
  p: string
  l: number
  rd: string
  id: number
  t: string
}

/** Ages for every route of these entries (IP and VPN families), or undefined when storage cannot tell in time. */
export async function loadAges(
  q: Queryable,
  entries: readonly RibEntry[],
  timeoutMs = 1500,
): Promise<RouteAge | undefined> {
  const candidates = new Set<string>()
  const families = new Set<string>()
  for (const e of entries) {
    if (e.prefix === undefined) continue
    const s = storedPrefix(e.prefix)
    if (s) candidates.add(s)
    families.add(e.family)
  }
  if (candidates.size === 0 || candidates.size > 10_000) return undefined
  const query = q.query<AgeRow>(
    `SELECT toString(peer_address) AS peer, family, toString(prefix) AS p, prefix_length AS l, rd, path_id AS id,
            toString(toUnixTimestamp64Micro(max(time))) AS t
     FROM updates
     WHERE (prefix, prefix_length) IN (
             SELECT toIPv6(splitByChar('/', c)[1]), toUInt8(splitByChar('/', c)[2])
             FROM (SELECT arrayJoin({a_cands:Array(String)}) AS c))
       AND family IN {a_fams:Array(String)} AND action = 'announce'
     GROUP BY peer_address, family, prefix, prefix_length, rd, path_id`,
    { a_cands: [...candidates], a_fams: [...families] },
  )
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs)
  })
  let rows: AgeRow[] | undefined
  try {
    rows = await Promise.race([query, late])
  } catch {
    rows = undefined
  } finally {
    clearTimeout(timer)
  }
  query.catch(() => {})
  if (!rows) return undefined
  const times = new Map<string, number>()
  for (const r of rows) {
    const prefix = `${displayAddress(r.p)}/${r.l}`
    times.set(key(displayAddress(r.peer), r.family, prefix, r.rd, Number(r.id)), Number(r.t))
  }
  return {
    since(route: RibRoute, peerAddress: string) {
      if (route.prefix === undefined) return undefined
      return times.get(key(peerAddress, route.family, route.prefix, route.rd ?? '', route.pathId ?? 0))
    },
  }
}
