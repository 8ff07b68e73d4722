// The batch: how events travel from the main thread to the writer child and
// how they wait in the spool. It is the cheapest form an event has — the
// message octets as received, behind an MRT-like header (time, peer, AS
// numbers, decode context) — so the main thread only copies octets, and the
// child decodes the message again on its own core (DESIGN.md "Storage").
//
// Why not MRT BGP4MP_ET itself: its subtypes say "ADD-PATH" for a whole
// message, while a session negotiates ADD-PATH per family (RFC 7911 §4), so
// an UPDATE mixing families could not be decoded again exactly; MRT also has
// no place for the collector's name, the per-peer sequence number, the
// synthetic flag or the reason of a state change. Every field below is needed
// to fill the tables. Integers are big-endian.
//
//   batch:   "RLB1" (4) | record count (4) | records…
//
//   record:  kind (1)          1 message, 2 state change
//            flags (1)         bit 0 sent, 1 synthetic, 2 4-octet AS, 3 extended message,
//                              4 disabled families follow (messages)
//            host length (1) | host (UTF-8)
//            address length (1: 4 or 16) | peer address
//            peer AS (4) | local AS (4)
//            time (8: float64, µs since the epoch) | sequence (8: float64)
//   message: ADD-PATH family count (1) | family keys (4 each: AFI × 256 + SAFI)
//            [flag 4: disabled family count (1) | family keys (4 each)]
//            message length (4) | the message, header included
//   state:   from (1) | to (1)  RFC 6396 §4.4.1 numbering: 1 Idle … 6 Established
//            RIS state (1)      0 none, 1 connected, 2 down
//            reason length (2) | reason (UTF-8)
//
// Disabled families are those a session switched off (RFC 7606 §2 AFI/SAFI
// disable) before the message: the RIB ignores their NLRI, so the rows must
// too. The list is behind a flag so that batches spooled before it existed
// still read.
//
// float64 holds every integer below 2^53 exactly: µs timestamps until the year
// 2255, and any sequence a session can reach.

import { type CodecContext, type FamilySet, registeredFamilies } from '../bgp/index.ts'
import type { EventOrigin, PeerStateEvent, SessionState, UpdateEvent } from '../events/index.ts'
import { formatIPv4, formatIPv6, parseIP } from '../wire/ip.ts'
import { grown } from './native.ts'

const MAGIC = [0x52, 0x4c, 0x42, 0x31] // "RLB1"
const HEADER = 8

const F_SENT = 1
const F_SYNTHETIC = 2
const F_ASN4 = 4
const F_EXTENDED = 8
const F_DISABLED = 16

export const STATE_CODES: Readonly<Record<SessionState, number>> = {
  Idle: 1,
  Connect: 2,
  Active: 3,
  OpenSent: 4,
  OpenConfirm: 5,
  Established: 6,
}
const STATE_NAMES: readonly (SessionState | undefined)[] = [
  undefined,
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
]

export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BatchFormatError'
  }
}

interface RecordOrigin {
  readonly host: string
  readonly peerAddress: string
  /** The same, 4 or 16 octets (a view of the batch). */
  readonly peerAddressBytes: Uint8Array
  readonly peerAsn: number
  readonly localAsn: number
  readonly timestamp: number
  readonly sequence: number
}

export interface MessageRecord extends RecordOrigin {
  readonly kind: 'message'
  readonly direction: 'received' | 'sent'
  readonly synthetic: boolean
  readonly context: CodecContext
  /** Family keys with ADD-PATH in the context, ascending. */
  readonly addPath: readonly number[]
  /** Family keys the session had disabled (RFC 7606) when the message came, ascending. */
  readonly disabled: readonly number[]
  readonly raw: Uint8Array
}

export interface StateRecord extends RecordOrigin {
  readonly kind: 'state'
  readonly from: SessionState
  readonly to: SessionState
  readonly risState?: 'connected' | 'down'
  readonly reason?: string
}

export type BatchRecord = MessageRecord | StateRecord

const utf8 = new TextEncoder()
const NO_FAMILIES: readonly number[] = []
const utf8Decoder = new TextDecoder()

let probeKeys: readonly number[] | undefined

/** The families a context receives path identifiers for: every registered family it says yes to. */
export function addPathKeys(set: FamilySet): number[] {
  if (set instanceof Set) return [...(set as Set<number>)].sort((a, b) => a - b)
  probeKeys ??= registeredFamilies()
    .map((f) => f.afi * 256 + f.safi)
    .sort((a, b) => a - b)
  // Unregistered families are carried whole, without path ids, so they never matter here.
  return probeKeys.filter((k) => set.has(k))
}

/**
 * Appends events to a growing batch, in the main thread: a few field writes
 * and one copy of the message octets per event. Capacity grows by doubling.
 */
export class BatchWriter {
  private buf: Uint8Array
  private view: DataView
  private pos = HEADER
  private records = 0
  private lastHost = ''
  private lastHostBytes = new Uint8Array(0)
  private readonly addresses = new Map<string, Uint8Array>()
  private readonly contexts = new WeakMap<CodecContext, readonly number[]>()

  constructor(initialCapacity = 1 << 20) {
    this.buf = new Uint8Array(Math.max(initialCapacity, 64))
    this.view = new DataView(this.buf.buffer)
    this.buf.set(MAGIC, 0)
  }

  /** Records in the batch. */
  get count(): number {
    return this.records
  }

  /** Octets the batch occupies. */
  get size(): number {
    return this.pos
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.buf = grown(this.buf, this.pos, this.pos + n)
    this.view = new DataView(this.buf.buffer)
  }

  private hostBytes(host: string): Uint8Array {
    if (host !== this.lastHost) {
      const b = utf8.encode(host)
      if (b.length > 255) throw new BatchFormatError(`collector name longer than 255 octets: ${host}`)
      this.lastHost = host
      this.lastHostBytes = b
    }
    return this.lastHostBytes
  }

  private addressBytes(address: string): Uint8Array {
    let b = this.addresses.get(address)
    if (!b) {
      b = parseIP(address)
      if (!b) throw new BatchFormatError(`peer address is not an IP address: ${address}`)
      if (this.addresses.size > 65536) this.addresses.clear()
      this.addresses.set(address, b)
    }
    return b
  }

  private origin(kind: number, flags: number, e: EventOrigin, extra: number): void {
    const host = this.hostBytes(e.host)
    const addr = this.addressBytes(e.peerAddress)
    this.ensure(2 + 1 + host.length + 1 + addr.length + 24 + extra)
    const b = this.buf
    const v = this.view
    let p = this.pos
    b[p++] = kind
    b[p++] = flags
    b[p++] = host.length
    b.set(host, p)
    p += host.length
    b[p++] = addr.length
    b.set(addr, p)
    p += addr.length
    v.setUint32(p, e.peerAsn >>> 0)
    v.setUint32(p + 4, e.localAsn >>> 0)
    v.setFloat64(p + 8, e.timestamp)
    v.setFloat64(p + 16, e.sequence)
    this.pos = p + 24
  }

  /** A family count and keys at `at` (room ensured); returns the position after them. */
  private families(keys: readonly number[], at: number): number {
    if (keys.length > 255) throw new BatchFormatError('more than 255 families in a message record')
    let p = at
    this.buf[p++] = keys.length
    for (const k of keys) {
      this.view.setUint32(p, k)
      p += 4
    }
    return p
  }

  addMessage(e: UpdateEvent): void {
    let keys = this.contexts.get(e.context)
    if (!keys) {
      keys = addPathKeys(e.context.addPath)
      this.contexts.set(e.context, keys)
    }
    const disabled = e.disabledFamilies?.length ? [...e.disabledFamilies].sort((a, b) => a - b) : undefined
    const flags =
      (e.direction === 'sent' ? F_SENT : 0) |
      (e.synthetic ? F_SYNTHETIC : 0) |
      (e.context.asn4 ? F_ASN4 : 0) |
      (e.context.extendedMessage ? F_EXTENDED : 0) |
      (disabled ? F_DISABLED : 0)
    const extra = disabled ? 1 + 4 * disabled.length : 0
    this.origin(1, flags, e, 1 + 4 * keys.length + extra + 4 + e.raw.length)
    let p = this.families(keys, this.pos)
    if (disabled) p = this.families(disabled, p)
    this.view.setUint32(p, e.raw.length)
    this.buf.set(e.raw, p + 4)
    this.pos = p + 4 + e.raw.length
    this.records++
  }

  addState(e: PeerStateEvent): void {
    const reason = e.reason ? utf8.encode(e.reason).subarray(0, 65535) : new Uint8Array(0)
    this.origin(2, 0, e, 5 + reason.length)
    const b = this.buf
    let p = this.pos
    b[p++] = STATE_CODES[e.from]
    b[p++] = STATE_CODES[e.to]
    b[p++] = e.risState === 'connected' ? 1 : e.risState === 'down' ? 2 : 0
    this.view.setUint16(p, reason.length)
    b.set(reason, p + 2)
    this.pos = p + 2 + reason.length
    this.records++
  }

  /** The finished batch (a copy the size of its content); the writer starts empty again. */
  take(): Uint8Array {
    this.view.setUint32(4, this.records)
    const out = this.buf.slice(0, this.pos)
    this.pos = HEADER
    this.records = 0
    return out
  }
}

/** Records in a batch without reading them all (for counts). */
export function batchCount(batch: Uint8Array): number {
  checkMagic(batch)
  return new DataView(batch.buffer, batch.byteOffset, batch.byteLength).getUint32(4)
}

function checkMagic(batch: Uint8Array): void {
  if (batch.length < HEADER || MAGIC.some((m, i) => batch[i] !== m)) {
    throw new BatchFormatError('not a Routelake batch (no RLB1 header)')
  }
}

function contextOf(flags: number, keys: readonly number[], cache: Map<string, CodecContext>): CodecContext {
  const id = `${flags & (F_ASN4 | F_EXTENDED)}:${keys.join(',')}`
  let ctx = cache.get(id)
  if (!ctx) {
    ctx = {
      asn4: (flags & F_ASN4) !== 0,
      addPath: new Set(keys),
      extendedMessage: (flags & F_EXTENDED) !== 0,
    }
    cache.set(id, ctx)
  }
  return ctx
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Reads a batch's records, in order. Message octets are views of the batch. */
export function* readBatch(batch: Uint8Array): Generator<BatchRecord> {
  checkMagic(batch)
  const v = new DataView(batch.buffer, batch.byteOffset, batch.byteLength)
  const count = v.getUint32(4)
  const contexts = new Map<string, CodecContext>()
  // Consecutive records mostly come from one peer of one collector: reuse their texts.
  let lastHost: Uint8Array = new Uint8Array(0)
  let host = ''
  let lastAddress: Uint8Array = new Uint8Array(0)
  let peerAddress = ''
  let p = HEADER
  const need = (n: number) => {
    if (p + n > batch.length) throw new BatchFormatError(`batch truncated at octet ${p}`)
  }
  const familyList = (): number[] => {
    need(1)
    const n = batch[p++]!
    need(4 * n)
    const keys: number[] = []
    for (let k = 0; k < n; k++) keys.push(v.getUint32(p + 4 * k))
    p += 4 * n
    return keys
  }
  for (let i = 0; i < count; i++) {
    need(3)
    const kind = batch[p]!
    const flags = batch[p + 1]!
    const hostLength = batch[p + 2]!
    p += 3
    need(hostLength + 1)
    const hostBytes = batch.subarray(p, p + hostLength)
    if (!same(hostBytes, lastHost)) {
      host = utf8Decoder.decode(hostBytes)
      lastHost = hostBytes
    }
    p += hostLength
    const addressLength = batch[p++]!
    if (addressLength !== 4 && addressLength !== 16) {
      throw new BatchFormatError(`record ${i}: address length ${addressLength}`)
    }
    need(addressLength + 24)
    const peerAddressBytes = batch.subarray(p, p + addressLength)
    if (!same(peerAddressBytes, lastAddress)) {
      peerAddress = addressLength === 4 ? formatIPv4(batch, p) : formatIPv6(batch, p)
      lastAddress = peerAddressBytes
    }
    p += addressLength
    const origin = {
      host,
      peerAddress,
      peerAddressBytes,
      peerAsn: v.getUint32(p),
      localAsn: v.getUint32(p + 4),
      timestamp: v.getFloat64(p + 8),
      sequence: v.getFloat64(p + 16),
    }
    p += 24
    if (kind === 1) {
      const keys = familyList()
      const disabled = flags & F_DISABLED ? familyList() : NO_FAMILIES
      need(4)
      const length = v.getUint32(p)
      p += 4
      need(length)
      const raw = batch.subarray(p, p + length)
      p += length
      yield {
        kind: 'message',
        ...origin,
        direction: flags & F_SENT ? 'sent' : 'received',
        synthetic: (flags & F_SYNTHETIC) !== 0,
        context: contextOf(flags, keys, contexts),
        addPath: keys,
        disabled,
        raw,
      }
    } else if (kind === 2) {
      need(5)
      const from = STATE_NAMES[batch[p]!]
      const to = STATE_NAMES[batch[p + 1]!]
      const ris = batch[p + 2]
      const reasonLength = v.getUint16(p + 3)
      p += 5
      need(reasonLength)
      if (!from || !to) throw new BatchFormatError(`record ${i}: unknown state code`)
      const reason = reasonLength ? utf8Decoder.decode(batch.subarray(p, p + reasonLength)) : undefined
      p += reasonLength
      yield {
        kind: 'state',
        ...origin,
        from,
        to,
        ...(ris === 1 ? { risState: 'connected' as const } : ris === 2 ? { risState: 'down' as const } : {}),
        ...(reason !== undefined ? { reason } : {}),
      }
    } else {
      throw new BatchFormatError(`record ${i}: unknown kind ${kind}`)
    }
  }
  if (p !== batch.length) throw new BatchFormatError(`${batch.length - p} octets after the last record`)
}
