// `--format json`: one line per record in the documented JSON form
// (docs/json.md, "MRT records"): the record's type names and times, then its
// body with BGP messages and attributes decoded by the codec. With a filter, a
// record is written when one of its routes matches, and a RIB record keeps
// only the entries that match.

import { type BgpMessage, toJson } from '../../collector/src/bgp/index.ts'
import { decodeRecord, type MrtRecord, parseRecord } from '../../collector/src/mrt/index.ts'
import type { MrtFilter } from './filter.ts'
import { recordRoutes } from './routes.ts'

export function jsonLine(rec: MrtRecord, filter: MrtFilter | undefined): string | undefined {
  const decoded = decodeRecord(rec)
  if (!filter || filter.empty) return toJson(decoded)
  if (!filter.typeMatches(rec.type, rec.subtype)) return undefined
  const body = parseRecord(rec)
  const message =
    'message' in decoded && typeof decoded.message === 'object' ? (decoded.message as BgpMessage) : undefined
  const keep = new Set<number>()
  let any = false
  recordRoutes(rec, body, message, (r, entry) => {
    if (!filter.route(r)) return
    any = true
    if (entry >= 0) keep.add(entry)
  })
  if (!any) return undefined
  if ('entries' in decoded && body.kind === 'RIB') {
    return toJson({ ...decoded, entries: decoded.entries.filter((_, i) => keep.has(i)) })
  }
  return toJson(decoded)
}
