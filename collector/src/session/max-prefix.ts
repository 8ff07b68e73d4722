// Maximum prefixes (RFC 4486 §4): when a peer sends more paths than its limit,
// the session ends with Cease / Maximum Number of Prefixes Reached, whose data
// is the family and the limit:
//
//   +-----------+-----------+----------------------+
//   | AFI (2)   | SAFI (1)  | Prefix upper bound (4)|
//   +-----------+-----------+----------------------+
//
// We count paths (a prefix with several ADD-PATH path ids counts each), the
// unit the RIB's memory grows by. A total limit over all families reports the
// family whose UPDATE crossed it.

import { type FamilyKey, familyAfi, familySafi, type NotificationMessage } from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'

export interface PrefixLimits {
  readonly total?: number
  readonly perFamily: ReadonlyMap<FamilyKey, number>
}

export function maxPrefixNotification(family: FamilyKey, limit: number): NotificationMessage {
  const data = new Uint8Array(7)
  const afi = familyAfi(family)
  data[0] = afi >>> 8
  data[1] = afi & 0xff
  data[2] = familySafi(family)
  new DataView(data.buffer).setUint32(3, Math.min(limit, 0xffffffff))
  return { type: 'NOTIFICATION', code: 6, subcode: 1, data: toHex(data) }
}

/**
 * The limit crossed, if any: `total` paths over all families, `count(f)` the
 * paths of family f; `touched` the families the last UPDATE added to.
 */
export function crossedLimit(
  limits: PrefixLimits,
  total: number,
  touched: readonly FamilyKey[],
  count: (f: FamilyKey) => number,
): { family: FamilyKey; limit: number } | undefined {
  for (const f of touched) {
    const limit = limits.perFamily.get(f)
    if (limit !== undefined && count(f) > limit) return { family: f, limit }
  }
  if (limits.total !== undefined && total > limits.total && touched.length) {
    return { family: touched[0]!, limit: limits.total }
  }
  return undefined
}
