// Whole BMP messages: common header + body, by a registry keyed on message
// type (one file per type). The public decode never throws: it returns the
// message, or the typed error that kept it from being read, and the octets
// the message occupies, so a stream reader can go on with the next one.
// A message of a type no RFC defines (vendors send some) is kept raw.

import { toHex } from '../wire/hex.ts'
import { type Reader, WireError } from '../wire/reader.ts'
import { type Writer, writer } from '../wire/writer.ts'
import {
  BMP_COMMON_HEADER_LENGTH,
  BMP_MESSAGE_TYPE,
  BMP_PEER_HEADER_LENGTH,
  bmpMessageTypeName,
} from './constants.ts'
import { BmpError } from './errors.ts'
import { readBmpHeader, writeBmpHeader } from './header.ts'
import {
  type BmpRouteMonitoring,
  decodeRouteMonitoring,
  encodeRouteMonitoring,
  routeMonitoringSize,
} from './type-0-route-monitoring.ts'
import {
  type BmpStatisticsReport,
  decodeStatisticsReport,
  encodeStatisticsReport,
  statisticsReportSize,
} from './type-1-statistics-report.ts'
import { type BmpPeerDown, decodePeerDown, encodePeerDown, peerDownSize } from './type-2-peer-down.ts'
import { type BmpPeerUp, decodePeerUp, encodePeerUp, peerUpSize } from './type-3-peer-up.ts'
import {
  type BmpInitiation,
  decodeInitiation,
  encodeInitiation,
  initiationSize,
} from './type-4-initiation.ts'
import {
  type BmpTermination,
  decodeTermination,
  encodeTermination,
  terminationSize,
} from './type-5-termination.ts'
import {
  type BmpRouteMirroring,
  decodeRouteMirroring,
  encodeRouteMirroring,
  routeMirroringSize,
} from './type-6-route-mirroring.ts'

/** A message of a type this codec does not know, kept whole (its body). */
export interface BmpUnknownMessage {
  readonly type: 'UNKNOWN'
  readonly typeCode: number
  readonly data: Uint8Array
}

export type BmpMessage =
  | BmpRouteMonitoring
  | BmpStatisticsReport
  | BmpPeerDown
  | BmpPeerUp
  | BmpInitiation
  | BmpTermination
  | BmpRouteMirroring
  | BmpUnknownMessage

interface BmpMessageCodec<M extends BmpMessage> {
  readonly code: number
  readonly name: M['type']
  /** Smallest body: the per-peer header and the fixed fields after it. */
  readonly minBody: number
  decode(r: Reader): M
  size(m: M): number
  encode(w: Writer, m: M): void
}

const P = BMP_PEER_HEADER_LENGTH

const CODECS: readonly BmpMessageCodec<BmpMessage>[] = [
  {
    code: BMP_MESSAGE_TYPE.ROUTE_MONITORING,
    name: 'ROUTE_MONITORING',
    minBody: P + 19,
    decode: decodeRouteMonitoring,
    size: routeMonitoringSize,
    encode: encodeRouteMonitoring,
  } satisfies BmpMessageCodec<BmpRouteMonitoring>,
  {
    code: BMP_MESSAGE_TYPE.STATISTICS_REPORT,
    name: 'STATISTICS_REPORT',
    minBody: P + 4,
    decode: decodeStatisticsReport,
    size: statisticsReportSize,
    encode: encodeStatisticsReport,
  } satisfies BmpMessageCodec<BmpStatisticsReport>,
  {
    code: BMP_MESSAGE_TYPE.PEER_DOWN,
    name: 'PEER_DOWN',
    minBody: P + 1,
    decode: decodePeerDown,
    size: peerDownSize,
    encode: encodePeerDown,
  } satisfies BmpMessageCodec<BmpPeerDown>,
  {
    code: BMP_MESSAGE_TYPE.PEER_UP,
    name: 'PEER_UP',
    minBody: P + 20 + 2 * 19,
    decode: decodePeerUp,
    size: peerUpSize,
    encode: encodePeerUp,
  } satisfies BmpMessageCodec<BmpPeerUp>,
  {
    code: BMP_MESSAGE_TYPE.INITIATION,
    name: 'INITIATION',
    minBody: 0,
    decode: decodeInitiation,
    size: initiationSize,
    encode: encodeInitiation,
  } satisfies BmpMessageCodec<BmpInitiation>,
  {
    code: BMP_MESSAGE_TYPE.TERMINATION,
    name: 'TERMINATION',
    minBody: 0,
    decode: decodeTermination,
    size: terminationSize,
    encode: encodeTermination,
  } satisfies BmpMessageCodec<BmpTermination>,
  {
    code: BMP_MESSAGE_TYPE.ROUTE_MIRRORING,
    name: 'ROUTE_MIRRORING',
    minBody: P,
    decode: decodeRouteMirroring,
    size: routeMirroringSize,
    encode: encodeRouteMirroring,
  } satisfies BmpMessageCodec<BmpRouteMirroring>,
] as BmpMessageCodec<BmpMessage>[]

const BY_CODE = new Array<BmpMessageCodec<BmpMessage> | undefined>(256)
const BY_NAME = new Map<string, BmpMessageCodec<BmpMessage>>()
for (const c of CODECS) {
  if (BY_CODE[c.code] || BY_NAME.has(c.name)) throw new Error(`BMP message type ${c.code} registered twice`)
  BY_CODE[c.code] = c
  BY_NAME.set(c.name, c)
}

export interface BmpDecodeResult {
  /** The message, when it could be read. */
  readonly message?: BmpMessage
  /** Why it could not. */
  readonly error?: BmpError
  /** Octets the message occupies (its header's length); 0 when the header is unusable or incomplete. */
  readonly length: number
}

/** Decodes the message at buf[start..end). Never throws. */
export function decodeBmpMessage(buf: Uint8Array, start = 0, end = buf.length): BmpDecodeResult {
  let header: ReturnType<typeof readBmpHeader>
  try {
    header = readBmpHeader(buf, start, end)
  } catch (e) {
    return { error: e as BmpError, length: 0 }
  }
  if (!header)
    return {
      error: new BmpError('BMP.TRUNCATED', `${end - start} octets, short of a header`, start),
      length: 0,
    }
  const { length, type } = header
  if (start + length > end) {
    const error = new BmpError('BMP.TRUNCATED', `message of ${length} octets, ${end - start} left`, start + 1)
    return { error, length: 0 }
  }
  const r: Reader = { buf, pos: start + BMP_COMMON_HEADER_LENGTH, end: start + length }
  const codec = BY_CODE[type]
  if (!codec)
    return { message: { type: 'UNKNOWN', typeCode: type, data: buf.subarray(r.pos, r.end) }, length }
  const body = length - BMP_COMMON_HEADER_LENGTH
  if (body < codec.minBody) {
    const error = new BmpError('BMP.BAD_LENGTH', `${codec.name} of ${length} octets`, start + 1)
    return { error, length }
  }
  try {
    return { message: codec.decode(r), length }
  } catch (e) {
    if (e instanceof BmpError) return { error: e, length }
    if (e instanceof WireError) {
      return { error: new BmpError('BMP.MALFORMED', `${codec.name}: ${e.message}`, e.offset), length }
    }
    throw e
  }
}

/** Octets of the whole message, common header included. */
export function bmpMessageSize(m: BmpMessage): number {
  if (m.type === 'UNKNOWN') return BMP_COMMON_HEADER_LENGTH + m.data.length
  return BMP_COMMON_HEADER_LENGTH + BY_NAME.get(m.type)!.size(m)
}

export function writeBmpMessage(w: Writer, m: BmpMessage): void {
  const n = bmpMessageSize(m)
  if (w.pos + n > w.end)
    throw new WireError('overflow', w.pos, `BMP ${m.type} of ${n} octets at ${w.pos} overflows end ${w.end}`)
  const at = w.pos
  writeBmpHeader(w.buf, at, n, m.type === 'UNKNOWN' ? m.typeCode : BY_NAME.get(m.type)!.code)
  w.pos += BMP_COMMON_HEADER_LENGTH
  if (m.type === 'UNKNOWN') {
    w.buf.set(m.data, w.pos)
    w.pos += m.data.length
  } else BY_NAME.get(m.type)!.encode(w, m)
  if (w.pos !== at + n)
    throw new WireError('invalid', w.pos, `BMP ${m.type}: wrote ${w.pos - at} octets, size said ${n}`)
}

export function encodeBmpMessage(m: BmpMessage): Uint8Array {
  const buf = new Uint8Array(bmpMessageSize(m))
  writeBmpMessage(writer(buf), m)
  return buf
}

/** A short description for logs: type and, for per-peer messages, the peer. */
export function describeBmpMessage(m: BmpMessage): string {
  if (m.type === 'UNKNOWN')
    return `${bmpMessageTypeName(m.typeCode)} (${m.data.length} octets: ${toHex(m.data, 0, 16)}…)`
  return 'peer' in m ? `${m.type} ${m.peer.address} AS${m.peer.asn}` : m.type
}
