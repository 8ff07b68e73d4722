// Statistics Report, message type 1 (RFC 7854 §4.8, RFC 8671 §5):
//
//   +---------------------------------------------+
//   | Common header (6)  | Per-peer header (42)   |
//   +---------------------------------------------+
//   | Stats Count (4)                             |
//   +---------------------------------------------+
//   | Stat Type (2) | Stat Len (2) | Stat Data    |  × count
//   +---------------------------------------------+
//
// Stat data is a 32-bit counter, a 64-bit gauge, or AFI (2) + SAFI (1) + a
// 64-bit gauge, by type (constants.ts BMP_STAT_LAYOUT). A statistic of an
// unknown type, or whose length does not match its type's layout, is kept
// as raw octets. Values are bigint, counters included, so that one field
// serves every layout.

import { bytes, type Reader, remaining, u8, u16, u32, u64 } from '../wire/reader.ts'
import { type Writer, w8, w16, w32, w64, wbytes } from '../wire/writer.ts'
import { BMP_STAT_LAYOUT } from './constants.ts'
import { BmpError } from './errors.ts'
import { type BmpPeerHeader, decodePeerHeader, encodePeerHeader, peerHeaderSize } from './peer-header.ts'

export interface BmpStat {
  readonly type: number
  /** The per-AFI/SAFI types (9, 10, 16, 17). */
  readonly afi?: number
  readonly safi?: number
  /** The counter or gauge; absent when the statistic is carried raw. */
  readonly value?: bigint
  /** Octets of a statistic of unknown type or unexpected length. */
  readonly raw?: Uint8Array
}

export interface BmpStatisticsReport {
  readonly type: 'STATISTICS_REPORT'
  readonly peer: BmpPeerHeader
  readonly stats: readonly BmpStat[]
}

const LAYOUT_LENGTH = { counter: 4, gauge: 8, 'afi-safi-gauge': 11 } as const

function statLength(s: BmpStat): number {
  if (s.raw) return s.raw.length
  const layout = BMP_STAT_LAYOUT[s.type]
  return layout ? LAYOUT_LENGTH[layout] : 0
}

export function decodeStatisticsReport(r: Reader): BmpStatisticsReport {
  const peer = decodePeerHeader(r)
  const count = u32(r)
  const stats: BmpStat[] = []
  for (let i = 0; i < count; i++) {
    if (remaining(r) < 4)
      throw new BmpError('BMP.MALFORMED', `statistic ${i} of ${count}: ${remaining(r)} octets left`, r.pos)
    const type = u16(r)
    const length = u16(r)
    if (length > remaining(r))
      throw new BmpError(
        'BMP.MALFORMED',
        `statistic type ${type} of ${length} octets, ${remaining(r)} left`,
        r.pos - 2,
      )
    const layout = BMP_STAT_LAYOUT[type]
    if (!layout || LAYOUT_LENGTH[layout] !== length) {
      stats.push({ type, raw: bytes(r, length) })
    } else if (layout === 'counter') {
      stats.push({ type, value: BigInt(u32(r)) })
    } else if (layout === 'gauge') {
      stats.push({ type, value: u64(r) })
    } else {
      const afi = u16(r)
      const safi = u8(r)
      stats.push({ type, afi, safi, value: u64(r) })
    }
  }
  if (remaining(r) !== 0)
    throw new BmpError('BMP.MALFORMED', `${remaining(r)} octets after ${count} statistics`, r.pos)
  return { type: 'STATISTICS_REPORT', peer, stats }
}

export function statisticsReportSize(m: BmpStatisticsReport): number {
  let n = peerHeaderSize() + 4
  for (const s of m.stats) n += 4 + statLength(s)
  return n
}

export function encodeStatisticsReport(w: Writer, m: BmpStatisticsReport): void {
  encodePeerHeader(w, m.peer)
  w32(w, m.stats.length)
  for (const s of m.stats) {
    const at = w.pos
    w16(w, s.type)
    w16(w, statLength(s))
    if (s.raw) {
      wbytes(w, s.raw)
      continue
    }
    const layout = BMP_STAT_LAYOUT[s.type]
    if (!layout || s.value === undefined)
      throw new BmpError('BMP.MALFORMED', `statistic type ${s.type} without a layout or value`, at)
    if (layout === 'counter') w32(w, Number(s.value & 0xffffffffn))
    else if (layout === 'gauge') w64(w, s.value)
    else {
      w16(w, s.afi ?? 0)
      w8(w, s.safi ?? 0)
      w64(w, s.value)
    }
  }
}
