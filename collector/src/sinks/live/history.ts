// Where `resumeFrom` replays from: a source of the events published before,
// in publish order, as stored — raw messages with their header (time, peer,
// ASN, sequence, decode context) and state changes — decoded again here, the
// way the storage worker reads them. Two implementations: ClickHouse storage
// when it is configured (history-clickhouse.ts), and a bounded ring of the
// most recent events kept in memory (below) when it is not.
//
// The sink replays with no gap and no duplicate (live-sink.ts): it starts
// catching live events for the socket first, then waits for `settled()` (the
// history holds everything published before that moment), replays, and skips
// the caught events a replay already delivered, by peer and sequence.

import { type CodecContext, decodeMessage, updateRoutes } from '../../bgp/index.ts'
import type { BusEvent, EventBus, PeerStateEvent, SessionState, Subscription } from '../../events/index.ts'
import { messageId } from './ris-message.ts'
import type { ResumePosition } from './subscription.ts'

export interface StoredOrigin {
  readonly host: string
  readonly peerAddress: string
  readonly peerAsn: number
  readonly localAsn: number
  /** Microseconds since the Unix epoch. */
  readonly timestamp: number
  readonly sequence: number
}

export interface StoredMessage extends StoredOrigin {
  readonly kind: 'message'
  readonly direction: 'received' | 'sent'
  /** The whole BGP message as on the wire. */
  readonly raw: Uint8Array
  readonly context: CodecContext
  readonly synthetic?: boolean
}

export interface StoredState extends StoredOrigin {
  readonly kind: 'state'
  readonly from: SessionState
  readonly to: SessionState
  readonly risState?: 'connected' | 'down'
  readonly reason?: string
}

export type StoredEvent = StoredMessage | StoredState

/** The position cannot be replayed from (unknown id, older than what is kept). */
export class ResumeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResumeError'
  }
}

export interface MessageHistory {
  /** For messages: "the last 20000 messages kept in memory", "ClickHouse". */
  readonly description: string
  /** Resolves once everything published before the call can be read. */
  settled(): Promise<void>
  /**
   * The events after a message id (that message excluded), or from a time
   * (included), oldest first, in publish order. Throws ResumeError when the
   * position cannot be served without a gap.
   */
  readSince(position: ResumePosition, signal: AbortSignal): AsyncIterable<StoredEvent>
}

/** Decodes a stored event back into the bus event the live feed formats. */
export function toBusEvent(s: StoredEvent): BusEvent {
  const origin = {
    host: s.host,
    peerAddress: s.peerAddress,
    peerAsn: s.peerAsn,
    localAsn: s.localAsn,
    timestamp: s.timestamp,
    sequence: s.sequence,
  }
  if (s.kind === 'state') {
    const e: PeerStateEvent = {
      type: 'state',
      ...origin,
      from: s.from,
      to: s.to,
      ...(s.risState ? { risState: s.risState } : {}),
      ...(s.reason ? { reason: s.reason } : {}),
    }
    return e
  }
  const d = decodeMessage(s.raw, s.context)
  const m = d.message
  const routes =
    m?.type === 'UPDATE' && d.action !== 'session-reset' && s.direction === 'received'
      ? updateRoutes(m, d.problems, s.context)
      : undefined
  return {
    type: 'message',
    ...origin,
    direction: s.direction,
    raw: s.raw,
    message: m,
    context: s.context,
    ...(routes ? { routes } : {}),
    problems: d.problems,
    ...(s.synthetic ? { synthetic: true as const } : {}),
  }
}

/** The compact stored form of a bus event (what the memory ring keeps). */
export function toStored(e: BusEvent): StoredEvent {
  const origin: StoredOrigin = {
    host: e.host,
    peerAddress: e.peerAddress,
    peerAsn: e.peerAsn,
    localAsn: e.localAsn,
    timestamp: e.timestamp,
    sequence: e.sequence,
  }
  if (e.type === 'state') {
    return {
      kind: 'state',
      ...origin,
      from: e.from,
      to: e.to,
      ...(e.risState ? { risState: e.risState } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
    }
  }
  return {
    kind: 'message',
    ...origin,
    direction: e.direction,
    raw: e.raw,
    context: e.context,
    ...(e.synthetic ? { synthetic: true } : {}),
  }
}

export interface MemoryHistory extends MessageHistory {
  readonly capacity: number
  /** Events held now. */
  size(): number
  close(): void
}

/**
 * The most recent `capacity` events, kept from the moment it is created, as
 * their raw bytes and header (a few hundred octets each). A resume position
 * older than the oldest event kept is refused (it would leave a gap), unless
 * nothing was ever evicted.
 */
export function createMemoryHistory(bus: EventBus, capacity: number): MemoryHistory {
  const ring: (StoredEvent | undefined)[] = new Array(capacity)
  let head = 0
  let size = 0
  let evicted = false
  let lost = 0
  const sub: Subscription = bus.subscribe(
    'live-resume',
    (e) => {
      const dropped = sub.stats().dropped
      if (dropped !== lost) {
        // The bus dropped events on their way here: what is kept is no longer
        // contiguous, so forget it rather than replay a gap.
        lost = dropped
        ring.fill(undefined)
        head = 0
        size = 0
        evicted = true
      }
      if (size === capacity) {
        ring[head] = toStored(e)
        head = (head + 1) % capacity
        evicted = true
      } else {
        ring[(head + size) % capacity] = toStored(e)
        size++
      }
    },
    { capacity: Math.max(1024, Math.min(capacity, 1 << 17)) },
  )
  const at = (i: number) => ring[(head + i) % capacity]!

  function start(position: ResumePosition): number {
    if (position.kind === 'id') {
      for (let i = size - 1; i >= 0; i--) {
        const s = at(i)
        if (s.peerAddress === position.peer && s.sequence === position.sequence) return i + 1
      }
      const oldest = size ? at(0) : undefined
      throw new ResumeError(
        `cannot resume from ${position.text}: not among the last ${size} events kept in memory${
          oldest ? ` (the oldest is ${messageId(oldest.peerAddress, oldest.sequence)})` : ''
        }`,
      )
    }
    for (let i = 0; i < size; i++) {
      if (at(i).timestamp >= position.micros) {
        if (i === 0 && evicted) break
        return i
      }
    }
    if (size === 0 || !evicted) return size
    if (at(size - 1).timestamp < position.micros) return size
    throw new ResumeError(
      `cannot resume from ${position.text}: older than the last ${size} events kept in memory (from ${new Date(
        at(0).timestamp / 1000,
      ).toISOString()})`,
    )
  }

  return {
    description: `the last ${capacity} events kept in memory`,
    capacity,
    size: () => size,
    settled: () => sub.drained(),
    readSince(position, signal) {
      // A snapshot: later events reach the socket live.
      const from = start(position)
      const list: StoredEvent[] = []
      for (let i = from; i < size; i++) list.push(at(i))
      return (async function* () {
        for (const s of list) {
          if (signal.aborted) return
          yield s
        }
      })()
    },
    close: () => sub.close(),
  }
}
