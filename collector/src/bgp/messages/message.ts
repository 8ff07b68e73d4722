// Whole messages: header + body, by a registry keyed on message type. The
// public decode never throws: it returns the message (when its syntax allows
// one), every problem found, and the strongest RFC 7606 action among them.

import { toHex } from '../../wire/hex.ts'
import { type Reader, WireError } from '../../wire/reader.ts'
import { encodeWith, type Writer } from '../../wire/writer.ts'
import type { ProblemLog } from '../attributes/attribute-list.ts'
import { report } from '../attributes/attribute-list.ts'
import { BGP_HEADER_LENGTH } from '../constants.ts'
import type { CodecContext } from '../context.ts'
import { CodecError, type ErrorAction, type Problem, type ProblemKind, strongestAction } from '../errors.ts'
import { readHeader, writeHeader } from './header.ts'
import { KEEPALIVE, type KeepaliveMessage } from './keepalive.ts'
import {
  decodeNotificationBody,
  encodeNotificationBody,
  type NotificationMessage,
  notificationBodySize,
} from './notification.ts'
import { decodeOpenBody, encodeOpenBody, type OpenMessage, openBodySize } from './open.ts'
import {
  decodeRouteRefreshBody,
  encodeRouteRefreshBody,
  type RouteRefreshMessage,
  routeRefreshBodySize,
} from './route-refresh.ts'
import { decodeUpdateBody, encodeUpdateBody, type UpdateMessage, updateBodySize } from './update.ts'

/** A message of a type the codec does not know (RFC 4271 §6.1 makes it an error; we keep it). */
export interface UnknownMessage {
  readonly type: 'UNKNOWN'
  readonly typeCode: number
  readonly data: string
}

export type BgpMessage =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage
  | UnknownMessage

export type MessageTypeName = BgpMessage['type']

interface MessageCodec<M extends BgpMessage> {
  readonly code: number
  readonly name: M['type']
  /** Smallest and largest body (RFC 4271 §6.1, RFC 7313 §5). */
  readonly minBody: number
  readonly maxBody?: number
  /** The problem a body of the wrong size or syntax is. */
  readonly errorKind: ProblemKind
  decode(r: Reader, ctx: CodecContext, log: ProblemLog): M
  size(m: M, ctx: CodecContext): number
  encode(w: Writer, m: M, ctx: CodecContext): void
}

const open: MessageCodec<OpenMessage> = {
  code: 1,
  name: 'OPEN',
  minBody: 10,
  errorKind: 'NOTIFY.OPEN.UNSPECIFIC',
  decode: (r, _ctx, log) => decodeOpenBody(r, log),
  size: (m) => openBodySize(m),
  encode: (w, m) => encodeOpenBody(w, m),
}

const update: MessageCodec<UpdateMessage> = {
  code: 2,
  name: 'UPDATE',
  minBody: 4,
  errorKind: 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST',
  decode: decodeUpdateBody,
  size: updateBodySize,
  encode: encodeUpdateBody,
}

const notification: MessageCodec<NotificationMessage> = {
  code: 3,
  name: 'NOTIFICATION',
  minBody: 2,
  errorKind: 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
  decode: (r) => decodeNotificationBody(r),
  size: (m) => notificationBodySize(m),
  encode: (w, m) => encodeNotificationBody(w, m),
}

const keepalive: MessageCodec<KeepaliveMessage> = {
  code: 4,
  name: 'KEEPALIVE',
  minBody: 0,
  maxBody: 0,
  errorKind: 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
  decode: () => KEEPALIVE,
  size: () => 0,
  encode: () => {},
}

const routeRefresh: MessageCodec<RouteRefreshMessage> = {
  code: 5,
  name: 'ROUTE_REFRESH',
  minBody: 4,
  errorKind: 'NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH',
  decode(r) {
    const afterSafi = r.pos + 4
    const m = decodeRouteRefreshBody(r)
    // RFC 7313 §5: BoRR and EoRR carry nothing after the SAFI.
    if (m.subtype !== 0 && m.orf) {
      throw new CodecError(
        'NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH',
        `${m.subtypeName ?? m.subtype} with trailing octets`,
        afterSafi,
        'session-reset',
      )
    }
    return m
  },
  size: (m) => routeRefreshBodySize(m),
  encode: (w, m) => encodeRouteRefreshBody(w, m),
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds codecs of every message type
type AnyMessageCodec = MessageCodec<any>

const MESSAGES = new Array<AnyMessageCodec | undefined>(256)
for (const c of [open, update, notification, keepalive, routeRefresh] as AnyMessageCodec[]) {
  if (MESSAGES[c.code]) throw new Error(`message type ${c.code} registered twice`)
  MESSAGES[c.code] = c
}
const CODE_OF = new Map<string, number>(
  [open, update, notification, keepalive, routeRefresh].map((c) => [c.name, c.code]),
)

export interface DecodeResult {
  /** The message, when its header and syntax allowed one to be built. */
  readonly message: BgpMessage | undefined
  /** Everything wrong with it, offsets from the start of the message. */
  readonly problems: readonly Problem[]
  /** The strongest RFC 7606 action among the problems ('none' when clean). */
  readonly action: ErrorAction
  /** Octets the message occupies (the header's length), or 0 if the header is unusable. */
  readonly length: number
}

function result(message: BgpMessage | undefined, log: ProblemLog, length: number): DecodeResult {
  return { message, problems: log.list, action: strongestAction(log.list), length }
}

/** Decodes the complete message at buf[start..]. Never throws. */
export function decodeMessage(buf: Uint8Array, ctx: CodecContext, start = 0): DecodeResult {
  const log: ProblemLog = { base: start, list: [] }
  let header: ReturnType<typeof readHeader>
  try {
    header = readHeader(buf, start, ctx.extendedMessage)
  } catch (e) {
    const err = e as CodecError
    report(log, err.kind, 'session-reset', err.offset, err.message)
    return result(undefined, log, 0)
  }
  if (!header) {
    report(
      log,
      'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
      'session-reset',
      start,
      `${buf.length - start} octets, shorter than a header`,
    )
    return result(undefined, log, 0)
  }
  const { length, type } = header
  if (start + length > buf.length) {
    report(
      log,
      'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
      'session-reset',
      start + 16,
      `message of ${length} octets truncated to ${buf.length - start}`,
    )
    return result(undefined, log, 0)
  }
  const r: Reader = { buf, pos: start + BGP_HEADER_LENGTH, end: start + length }
  const codec = MESSAGES[type]
  if (!codec) {
    report(log, 'NOTIFY.HEADER.BAD_MESSAGE_TYPE', 'session-reset', start + 18, `message type ${type}`)
    return result({ type: 'UNKNOWN', typeCode: type, data: toHex(buf, r.pos, r.end) }, log, length)
  }
  const body = length - BGP_HEADER_LENGTH
  if (body < codec.minBody || (codec.maxBody !== undefined && body > codec.maxBody)) {
    const kind =
      codec.code === 5 ? 'NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH' : 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH'
    report(log, kind, 'session-reset', start + 16, `${codec.name} of ${length} octets`)
    return result(undefined, log, length)
  }
  try {
    const message = codec.decode(r, ctx, log) as BgpMessage
    if (r.pos !== r.end) {
      report(
        log,
        codec.errorKind,
        'session-reset',
        r.pos,
        `${r.end - r.pos} octets after the ${codec.name} body`,
      )
    }
    return result(message, log, length)
  } catch (e) {
    if (!(e instanceof WireError || e instanceof CodecError)) throw e
    const kind = e instanceof CodecError ? e.kind : codec.errorKind
    report(log, kind, 'session-reset', e.offset, `${codec.name}: ${e.message}`)
    return result(undefined, log, length)
  }
}

function bodySize(m: BgpMessage, ctx: CodecContext): number {
  if (m.type === 'UNKNOWN') return m.data.length / 2
  return MESSAGES[CODE_OF.get(m.type)!]!.size(m, ctx)
}

export function messageSize(m: BgpMessage, ctx: CodecContext): number {
  return BGP_HEADER_LENGTH + bodySize(m, ctx)
}

export function writeMessage(w: Writer, m: BgpMessage, ctx: CodecContext): void {
  const length = messageSize(m, ctx)
  const code = m.type === 'UNKNOWN' ? m.typeCode : CODE_OF.get(m.type)!
  if (w.pos + length > w.end)
    throw new WireError('overflow', w.pos, `message of ${length} octets does not fit`)
  writeHeader(w.buf, w.pos, length, code)
  w.pos += BGP_HEADER_LENGTH
  if (m.type === 'UNKNOWN') {
    for (let i = 0; i < m.data.length; i += 2) w.buf[w.pos++] = Number.parseInt(m.data.slice(i, i + 2), 16)
  } else {
    MESSAGES[code]!.encode(w, m, ctx)
  }
}

/** The wire octets of a message, header included. Throws a typed error for a value that cannot be encoded. */
export function encodeMessage(m: BgpMessage, ctx: CodecContext): Uint8Array {
  return encodeWith(
    m,
    (v) => messageSize(v, ctx),
    (w, v) => writeMessage(w, v, ctx),
  )
}
