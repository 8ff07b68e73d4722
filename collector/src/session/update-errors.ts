// RFC 7606 as the session applies it. The codec reports every problem of an
// UPDATE with its action; the strongest decides (RFC 7606 §3(f)):
//
//   attribute-discard   the attribute is left out (routes.ts ignores MALFORMED)
//   treat-as-withdraw   the UPDATE's announcements are withdrawals (routes.ts)
//   afi-safi-disable    the family is switched off for the session: its routes
//                       are removed and later UPDATEs of it ignored (§2, §5.2)
//   session-reset       NOTIFICATION, with the offending attribute as its data
//                       where RFC 4271 §6.3 asks for it
//
// Each problem is counted per peer, by action and kind, for the API and /metrics.

import { type ErrorAction, type NotificationMessage, notificationOf, type Problem } from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'

/** Counts by action, then by problem kind. */
export type ProblemCounts = Record<string, Record<string, number>>

export class ProblemCounter {
  private readonly counts = new Map<ErrorAction, Map<string, number>>()

  add(problems: readonly Problem[]): void {
    for (const p of problems) {
      let byKind = this.counts.get(p.action)
      if (!byKind) {
        byKind = new Map()
        this.counts.set(p.action, byKind)
      }
      byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1)
    }
  }

  total(action?: ErrorAction): number {
    let n = 0
    for (const [a, byKind] of this.counts) {
      if (action && a !== action) continue
      for (const v of byKind.values()) n += v
    }
    return n
  }

  snapshot(): ProblemCounts {
    const out: ProblemCounts = {}
    for (const [a, byKind] of this.counts) out[a] = Object.fromEntries(byKind)
    return out
  }
}

/**
 * The octets of the first path attribute with this type code in an UPDATE
 * (flags, type, length and value), or an empty array when it cannot be found.
 */
export function attributeOctets(raw: Uint8Array, code: number): Uint8Array {
  let p = 19
  if (raw.length < p + 2) return new Uint8Array(0)
  p += 2 + ((raw[p]! << 8) | raw[p + 1]!)
  if (raw.length < p + 2) return new Uint8Array(0)
  const end = p + 2 + ((raw[p]! << 8) | raw[p + 1]!)
  p += 2
  while (p + 3 <= end && end <= raw.length) {
    const flags = raw[p]!
    const ext = (flags & 0x10) !== 0
    const len = ext ? (raw[p + 2]! << 8) | (raw[p + 3] ?? 0) : raw[p + 2]!
    const total = (ext ? 4 : 3) + len
    if (p + total > end) break
    if (raw[p + 1] === code) return raw.subarray(p, p + total)
    p += total
  }
  return new Uint8Array(0)
}

/** RFC 4271 §6.3 subcodes whose Data field is the erroneous attribute. */
const WITH_ATTRIBUTE = new Set([2, 4, 5, 6, 8, 9])

/** The NOTIFICATION for an UPDATE that must reset the session: its strongest (first session-reset) problem. */
export function updateNotification(problems: readonly Problem[], raw: Uint8Array): NotificationMessage {
  const p = problems.find((x) => x.action === 'session-reset') ?? problems[0]!
  const { code, subcode } = notificationOf(p.kind)
  let data = ''
  if (code === 3 && p.attribute !== undefined && WITH_ATTRIBUTE.has(subcode)) {
    data = toHex(attributeOctets(raw, p.attribute))
  } else if (code === 3 && subcode === 3 && p.attribute !== undefined) {
    data = toHex(Uint8Array.of(p.attribute)) // §6.3: the type code of the missing attribute
  } else if (code === 1 && subcode === 3) {
    data = toHex(raw.subarray(18, 19)) // §6.1: the erroneous Type field
  }
  return { type: 'NOTIFICATION', code, subcode, data }
}
