// The live feed (RIS Live protocol, docs/live.md): clients on WebSocket or
// HTTP stream transports, their subscriptions in one index, and the fan-out
// of bus events to them.
//
// Volume: an event is matched through the index (filter-index.ts) and
// serialised once per distinct option set (outgoing.ts); sending is a write
// of that shared Buffer. The fan-out runs on the main thread beside the BGP
// sessions, so it works in slices: after FAN_OUT_BUDGET_MS of work in one turn
// of the event loop it yields (setImmediate) and lets sockets and timers run
// (longer slices while a burst has filled its queue); the bus queue in front
// of it is bounded and counts what it drops.
//
// Slow consumers: every socket has a bounded send buffer (bytes the transport
// has not written yet). A client over the limit gets a ris_error saying so and
// is closed with code 4001; the cut-offs and the messages they lost are
// counted in stats() (/metrics).
//
// Drops: when the bus queue in front of the fan-out is full, the bus drops the
// event for every client at once. The sink notes where in the queue that gap
// is; when the fan-out has sent everything queued before it, every socket with
// a subscription gets a ris_error saying how many messages were dropped, from
// which id, and the resumeFrom position that gets it exactly what it missed
// (the id of the last message it got), and is closed with code 4003. Which
// dropped events a socket would have matched is not worked out: the drop runs
// inside the session's socket read, where it must cost nothing.
//
// Resume: `socketOptions.resumeFrom` replays history (history.ts) before the
// socket goes live. While it replays, live events for the socket are caught;
// afterwards the caught ones a replay already sent are skipped by per-peer
// (timestamp, sequence), so there is no gap and no duplicate.

import type {
  BusEvent,
  Subscription as BusSubscription,
  EventBus,
  SubscriptionStats,
} from '../../events/index.ts'
import type { Logger } from '../../log/logger.ts'
import type { Clock } from '../../session/clock.ts'
import { type Entry, FilterIndex, type IndexedClient, matchesSubscription } from './filter-index.ts'
import { createMemoryHistory, type MessageHistory, ResumeError, toBusEvent } from './history.ts'
import { LatencyHistogram, type LatencySummary } from './latency.ts'
import { Outgoing, variantOf } from './outgoing.ts'
import { CLOSE, envelope, PONG, parseClientMessage, risError } from './protocol.ts'
import { messageId } from './ris-message.ts'
import {
  DEFAULT_SOCKET_OPTIONS,
  parseSubscribe,
  type ResumePosition,
  type SocketOptions,
  SubscribeError,
  type Subscription,
} from './subscription.ts'

export interface LiveLimits {
  /** WebSocket and stream connections from one client address. */
  readonly maxConnectionsPerAddress: number
  /** Subscriptions on one socket (each prefix of an array counts). */
  readonly maxSubscriptions: number
  /** Octets a socket may have waiting to be sent before it is cut off as a slow consumer. */
  readonly maxBufferedBytes: number
  /** Live events caught for a socket while it replays (resume) before it is cut off. */
  readonly maxResumeBacklog: number
  /** Events kept in memory for resumeFrom when no other history is given (0: none). */
  readonly resumeBuffer: number
  /** Bus queue in front of the fan-out, in events. */
  readonly queue: number
  /** The same queue in bytes: raw length + QUEUE_EVENT_OVERHEAD per event. */
  readonly queueBytes: number
  /** The domain suffix of collector names in `host` subscriptions ("rl00.example.net"). */
  readonly domain?: string
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  maxConnectionsPerAddress: 32,
  maxSubscriptions: 256,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxResumeBacklog: 262_144,
  resumeBuffer: 20_000,
  // A full-table burst of one peer is ≈407k UPDATEs (1.22M prefixes), ≈2.6 KiB each while
  // queued. The byte bound (1.5 GiB, under half of Node's default heap) holds one such burst
  // with room to spare, so one peer's session reset reaches every client; the count bound only
  // backs it up.
  queue: 1_048_576,
  queueBytes: 1.5 * 1024 ** 3,
}

/**
 * What a queued UPDATE costs in memory besides its raw octets, measured
 * (heapUsed per event, 1–3 prefixes, before the fan-out decodes it): 2.5–2.8 KiB.
 */
export const QUEUE_EVENT_OVERHEAD = 2560

function queuedSize(e: BusEvent): number {
  return e.type === 'message' ? e.raw.length + QUEUE_EVENT_OVERHEAD : QUEUE_EVENT_OVERHEAD
}

/** Fan-out work per turn of the event loop before it yields to sockets and timers. */
export const FAN_OUT_BUDGET_MS = 8

/**
 * While more than BACKLOG_EVENTS wait (a full-table burst), the fan-out takes
 * BACKLOG_BUDGET_MS per turn: the sessions, which never wait, would otherwise
 * fill its queue faster than short slices empty it. A session's reads then
 * slow down a little (TCP pushes back on the peer); hold timers are seconds.
 */
export const BACKLOG_EVENTS = 8192
export const BACKLOG_BUDGET_MS = 40

/**
 * ris_messages for a socket are held this long at most and then written
 * together: one system call for a few milliseconds of a socket's messages
 * instead of one each (a thousand sockets at RIS rates would otherwise cost a
 * hundred thousand writes a second).
 */
export const FLUSH_MS = 4

export interface LiveSinkDeps {
  readonly bus: EventBus
  readonly clock: Pick<Clock, 'nowMicros'>
  readonly logger: Logger
  /** This collector's name (ris_rrc_list, and what `host` subscriptions compare with). */
  readonly host: string
  readonly limits?: Partial<LiveLimits>
  /** Where resumeFrom replays from; default: a memory ring of `limits.resumeBuffer` events. */
  readonly history?: MessageHistory
}

/** One connection's way out: a WebSocket or an HTTP stream. */
export interface Transport {
  readonly kind: 'websocket' | 'stream'
  /** The client's address (limits are per address). */
  readonly address: string
  /** A protocol message (ris_error, pong…): one envelope, as text. */
  send(text: string): void
  /** A ris_message, from the event's shared frames, held until flush(); returns the octets written. */
  deliver(o: Outgoing, variant: number): number
  /** Sends what deliver() holds. */
  flush(): void
  /** Octets accepted by send() but not yet written to the network. */
  buffered(): number
  /** Closes with a code and reason (the stream just ends). */
  close(code: number, reason: string): void
}

interface Replay {
  readonly pending: Outgoing[]
  readonly abort: AbortController
}

export class LiveClient implements IndexedClient {
  readonly id: number
  readonly transport: Transport
  /** NDJSON frames (the HTTP stream). */
  readonly line: boolean
  mark = 0
  variant: number
  includeAll = false
  options: SocketOptions = DEFAULT_SOCKET_OPTIONS
  readonly subs = new Map<string, Entry<LiveClient>>()
  replay: Replay | undefined
  /**
   * After a replay, until the fan-out queue has caught up: the last replayed
   * (timestamp, sequence) per peer, so that events queued before the resume
   * and delivered after it are not sent twice.
   */
  replayed: Map<string, { t: number; s: number }> | undefined
  /** ris_messages sent to this client. */
  sent = 0
  /** The event of the last ris_message sent (where a resume after a drop starts). */
  last: BusEvent | undefined
  /** Has ris_messages held for the next flush. */
  dirty = false
  closed = false

  constructor(id: number, transport: Transport) {
    this.id = id
    this.transport = transport
    this.line = transport.kind === 'stream'
    this.variant = variantOf(DEFAULT_SOCKET_OPTIONS, this.line)
  }

  setOptions(o: SocketOptions): void {
    this.options = o
    this.includeAll = o.includeAll
    this.variant = variantOf(o, this.line)
  }

  /** A protocol message (ris_error, pong…). */
  message(text: string): void {
    this.transport.send(text)
  }
}

export interface LiveStats {
  readonly clients: { readonly websocket: number; readonly stream: number }
  readonly subscriptions: number
  /** Events the fan-out looked at. */
  readonly events: number
  /** ris_messages written to clients (live and replayed). */
  readonly delivered: number
  readonly deliveredBytes: number
  /** Slow consumers cut off, and the messages they did not get. */
  readonly slowConsumers: number
  readonly droppedMessages: number
  /** Sockets closed (4003) because the bus queue in front of the fan-out dropped messages. */
  readonly dropClosures: number
  readonly rejectedConnections: number
  readonly rejectedSubscriptions: number
  readonly errors: number
  readonly resumes: number
  readonly replayed: number
  /** Live events caught for resuming sockets, and those of them a replay had already sent. */
  readonly resumeCaught: number
  readonly resumeDuplicates: number
  /** Event timestamp (decode of the received message) to the write on the client socket; live messages only. */
  readonly latency: LatencySummary
  /** The bus queue in front of the fan-out (its drops are events no client got). */
  readonly queue: SubscriptionStats
}

export class LiveSink {
  readonly limits: LiveLimits
  private readonly deps: LiveSinkDeps
  private readonly index = new FilterIndex<LiveClient>()
  private readonly clients = new Set<LiveClient>()
  private readonly perAddress = new Map<string, number>()
  private readonly history: MessageHistory | undefined
  private readonly ownHistory: { close(): void } | undefined
  private readonly sub: BusSubscription
  private readonly latency = new LatencyHistogram()
  private nextId = 1
  private turnOpen = false
  private turnStart = 0
  /** This turn may run BACKLOG_BUDGET_MS (decided once per turn, when the short budget is spent). */
  private longTurn: boolean | undefined
  /** Clients cut off while a match was running: removed after it. */
  private doomed: LiveClient[] = []
  /** Clients with ris_messages held for the next flush. */
  private dirty: LiveClient[] = []
  /** Events the fan-out has taken from its bus queue. */
  private taken = 0
  /** Drops the fan-out has not reached yet: they follow the first `at` events taken. */
  private gap:
    | { readonly at: number; dropped: number; readonly first: BusEvent; readonly bound: string }
    | undefined
  private flushTimer: NodeJS.Timeout | undefined
  private counters = {
    events: 0,
    delivered: 0,
    deliveredBytes: 0,
    slowConsumers: 0,
    droppedMessages: 0,
    dropClosures: 0,
    rejectedConnections: 0,
    rejectedSubscriptions: 0,
    errors: 0,
    resumes: 0,
    replayed: 0,
    resumeCaught: 0,
    resumeDuplicates: 0,
  }

  constructor(deps: LiveSinkDeps) {
    this.deps = deps
    this.limits = { ...DEFAULT_LIVE_LIMITS, ...deps.limits }
    if (deps.history) this.history = deps.history
    else if (this.limits.resumeBuffer > 0) {
      const h = createMemoryHistory(deps.bus, this.limits.resumeBuffer)
      this.history = h
      this.ownHistory = h
    }
    this.sub = deps.bus.subscribe('live', (e) => this.onEvent(e), {
      capacity: this.limits.queue,
      maxBytes: this.limits.queueBytes,
      sizeOf: queuedSize,
      // Nobody subscribed: events are not even queued.
      filter: () => this.index.size > 0,
      onError: (err) =>
        deps.logger.error('live fan-out failed', { reason: (err as Error).stack ?? String(err) }),
      onDrop: (e) => this.onDrop(e),
    })
  }

  // --- connections ----------------------------------------------------------------

  /** Admits a connection, or refuses it (ris_error, close 4002) over the per-address limit. */
  connect(t: Transport): LiveClient | undefined {
    const c = new LiveClient(this.nextId++, t)
    const refused = this.refusal(t.address)
    if (refused) {
      this.counters.rejectedConnections++
      this.error(c, refused)
      t.close(CLOSE.TOO_MANY_CONNECTIONS, 'too many connections from this address')
      return undefined
    }
    this.perAddress.set(t.address, (this.perAddress.get(t.address) ?? 0) + 1)
    this.clients.add(c)
    return c
  }

  /** Why a new connection from this address would be refused; undefined when it would not. */
  refusal(address: string): string | undefined {
    const n = this.perAddress.get(address) ?? 0
    if (n < this.limits.maxConnectionsPerAddress) return undefined
    return `too many connections from ${address}: ${n} open, the limit is ${this.limits.maxConnectionsPerAddress}`
  }

  /** Counts a connection refused before it reached connect() (the HTTP stream answers 429). */
  refused(): void {
    this.counters.rejectedConnections++
  }

  /** The connection ended (either side). */
  disconnect(c: LiveClient): void {
    if (!this.clients.delete(c)) return
    c.closed = true
    c.replay?.abort.abort()
    for (const e of c.subs.values()) this.index.remove(e)
    c.subs.clear()
    const n = (this.perAddress.get(c.transport.address) ?? 1) - 1
    if (n > 0) this.perAddress.set(c.transport.address, n)
    else this.perAddress.delete(c.transport.address)
  }

  // --- client messages --------------------------------------------------------------

  /** One text message from a WebSocket client. */
  receive(c: LiveClient, text: string): void {
    if (c.closed) return
    const r = parseClientMessage(text)
    if (typeof r === 'string') {
      this.error(c, r)
      return
    }
    switch (r.type) {
      case 'ris_subscribe':
        this.subscribe(c, r.data)
        break
      case 'ris_unsubscribe':
        this.unsubscribe(c, r.data)
        break
      case 'request_rrc_list':
        c.message(envelope('ris_rrc_list', [this.deps.host]))
        break
      case 'ping':
        c.message(PONG)
        break
    }
  }

  error(c: LiveClient, message: string): void {
    this.counters.errors++
    c.message(risError(message))
  }

  /** A ris_subscribe / ris_unsubscribe data object parsed, or undefined when refused (ris_error sent). */
  private parse(c: LiveClient, data: unknown): ReturnType<typeof parseSubscribe> | undefined {
    try {
      return parseSubscribe(data, { domain: this.limits.domain })
    } catch (e) {
      if (!(e instanceof SubscribeError)) throw e
      this.error(c, e.message)
      return undefined
    }
  }

  /** Adds the subscription(s) of a ris_subscribe data object; false when refused (ris_error sent). */
  subscribe(c: LiveClient, data: unknown): boolean {
    const parsed = this.parse(c, data)
    if (!parsed) return false
    const added: Subscription[] = []
    const seen = new Set<string>()
    for (const s of parsed.subscriptions) {
      if (!c.subs.has(s.key) && !seen.has(s.key)) {
        added.push(s)
        seen.add(s.key)
      }
    }
    if (c.subs.size + added.length > this.limits.maxSubscriptions) {
      this.counters.rejectedSubscriptions++
      this.error(
        c,
        `too many subscriptions: this socket has ${c.subs.size}, this request adds ${added.length}, the limit is ${this.limits.maxSubscriptions}`,
      )
      return false
    }
    if (parsed.resumeFrom && !this.canResume(c)) return false
    if (parsed.socketOptions) c.setOptions(parsed.socketOptions)
    if (parsed.resumeFrom) this.startResume(c, parsed.resumeFrom)
    for (const s of added) {
      const e: Entry<LiveClient> = { sub: s, client: c }
      c.subs.set(s.key, e)
      this.index.add(e)
    }
    if (c.options.acknowledge) {
      c.message(
        envelope('ris_subscribe_ok', {
          subscription: parsed.echo,
          socketOptions: {
            ...c.options,
            ...(parsed.resumeFrom ? { resumeFrom: parsed.resumeFrom.text } : {}),
          },
        }),
      )
    }
    return true
  }

  unsubscribe(c: LiveClient, data: unknown): void {
    const parsed = this.parse(c, data)
    if (!parsed) return
    let removed = 0
    for (const s of parsed.subscriptions) {
      const e = c.subs.get(s.key)
      if (!e) continue
      c.subs.delete(s.key)
      this.index.remove(e)
      removed++
    }
    if (!removed) this.error(c, `not subscribed to ${JSON.stringify(parsed.echo)}`)
  }

  // --- fan-out -----------------------------------------------------------------------

  private onEvent(e: BusEvent): void | Promise<void> {
    const now = performance.now()
    if (!this.turnOpen) {
      this.turnOpen = true
      this.longTurn = undefined
      this.turnStart = now
      setImmediate(() => {
        this.turnOpen = false
      })
    }
    this.taken++
    this.deliver(e)
    if (this.gap?.at === this.taken) this.reportGap()
    const spent = performance.now() - this.turnStart
    if (spent > FAN_OUT_BUDGET_MS) {
      this.longTurn ??= this.sub.stats().queued > BACKLOG_EVENTS
      if (this.longTurn && spent < BACKLOG_BUDGET_MS) return
      return new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Sends one event to every client it matches. */
  deliver(e: BusEvent): void {
    this.counters.events++
    if (!this.index.size) return
    const o = Outgoing.of(e, this.limits.domain)
    if (!o) return
    const before = this.counters.delivered
    this.current = o
    this.index.match(o, this.visitLive)
    this.current = undefined
    // One clock reading per event: each of its frames waited at most this long.
    const sent = this.counters.delivered - before
    if (sent) this.latency.add(this.deps.clock.nowMicros() - e.timestamp, sent)
    if (this.doomed.length) {
      const d = this.doomed
      this.doomed = []
      for (const c of d) this.disconnect(c)
    }
  }

  /** The event deliver() is matching: read by visitLive, made once rather than a closure per event. */
  private current: Outgoing | undefined
  private readonly visitLive = (c: LiveClient): void => this.sendLive(c, this.current!)

  private sendLive(c: LiveClient, o: Outgoing): void {
    if (c.closed) return
    if (c.replayed && this.alreadyReplayed(c.replayed, o)) return
    if (c.replay) {
      c.replay.pending.push(o)
      this.counters.resumeCaught++
      if (c.replay.pending.length > this.limits.maxResumeBacklog) {
        this.cut(c, `more than ${this.limits.maxResumeBacklog} live messages waited while resuming`)
      }
      return
    }
    this.write(c, o)
  }

  private write(c: LiveClient, o: Outgoing): void {
    const t = c.transport
    if (t.buffered() > this.limits.maxBufferedBytes) {
      this.counters.droppedMessages++
      this.cut(
        c,
        `${t.buffered()} octets are waiting to be sent, the limit is ${this.limits.maxBufferedBytes}`,
      )
      return
    }
    this.counters.deliveredBytes += t.deliver(o, c.variant)
    c.sent++
    c.last = o.event
    this.counters.delivered++
    if (!c.dirty) {
      c.dirty = true
      this.dirty.push(c)
      this.flushTimer ??= setTimeout(this.flushAll, FLUSH_MS)
    }
  }

  private readonly flushAll = (): void => {
    this.flushTimer = undefined
    const d = this.dirty
    this.dirty = []
    for (const c of d) {
      c.dirty = false
      c.transport.flush()
    }
  }

  /** Cuts a slow consumer off: ris_error, then close 4001. */
  private cut(c: LiveClient, why: string): void {
    if (c.closed) return
    c.closed = true
    this.counters.slowConsumers++
    if (c.replay) this.counters.droppedMessages += c.replay.pending.length
    this.counters.errors++
    c.message(risError(`slow consumer: ${why}; closing the connection`))
    c.transport.flush()
    c.transport.close(CLOSE.SLOW_CONSUMER, 'slow consumer')
    this.deps.logger.info('live client cut off', { address: c.transport.address, reason: why })
    this.doomed.push(c)
    if (this.doomed.length === 1) {
      // Outside a match (a replay), nothing else removes it.
      queueMicrotask(() => {
        const d = this.doomed
        this.doomed = []
        for (const x of d) this.disconnect(x)
      })
    }
  }

  // --- drops -------------------------------------------------------------------------

  /** The bus queue was full: the event reached no client. Runs inside publish: kept O(1). */
  private onDrop(e: BusEvent): void {
    if (this.gap) {
      this.gap.dropped++
      return
    }
    // The queue is full (in events or in bytes): the gap comes after everything in it.
    const queued = this.sub.stats().queued
    const bound =
      queued < this.limits.queue ? `${this.limits.queueBytes} bytes` : `${this.limits.queue} events`
    this.gap = { at: this.taken + queued, dropped: 1, first: e, bound }
  }

  /**
   * The fan-out has sent everything queued before the drops: every socket that
   * would have been sent them learns it, with where to resume, and is closed.
   */
  private reportGap(): void {
    const g = this.gap!
    this.gap = undefined
    const firstId = messageId(g.first.peerAddress, g.first.sequence)
    const since = new Date(g.first.timestamp / 1000).toISOString()
    let closed = 0
    for (const c of [...this.clients]) {
      if (c.closed || (!c.subs.size && !c.replay)) continue
      // After its last message (an id excludes itself), or from the first one dropped (a time includes).
      const resumeFrom = c.last
        ? messageId(c.last.peerAddress, c.last.sequence)
        : Math.floor(g.first.timestamp / 1000) / 1000
      c.closed = true
      closed++
      this.counters.errors++
      c.message(
        envelope('ris_error', {
          message:
            `messages dropped: the queue in front of the live feed (${g.bound}) was full, and ` +
            `${g.dropped} messages from ${firstId} (${since}) on were sent to no client (not all of them need ` +
            `match this socket's subscriptions); reconnect with socketOptions.resumeFrom ` +
            `${JSON.stringify(resumeFrom)} to get what this socket missed; closing the connection`,
          dropped: g.dropped,
          first_id: firstId,
          resumeFrom,
        }),
      )
      c.transport.flush()
      c.transport.close(CLOSE.MESSAGES_DROPPED, 'messages dropped')
      this.disconnect(c)
    }
    this.counters.dropClosures += closed
    this.deps.logger.warn('live feed dropped messages', {
      dropped: g.dropped,
      from: firstId,
      closed,
    })
  }

  // --- resume ------------------------------------------------------------------------

  private canResume(c: LiveClient): boolean {
    if (!this.history) {
      this.error(
        c,
        'resumeFrom is not available: this collector keeps no history (configure storage or live-resume-buffer)',
      )
      return false
    }
    if (c.replay) {
      this.error(c, 'this socket is already resuming')
      return false
    }
    if (c.sent > 0) {
      this.error(
        c,
        'resumeFrom must come before any message was sent on the socket: give it on the first ris_subscribe',
      )
      return false
    }
    return true
  }

  private startResume(c: LiveClient, position: ResumePosition): void {
    const replay: Replay = { pending: [], abort: new AbortController() }
    c.replay = replay
    this.counters.resumes++
    this.runReplay(c, replay, position).catch((err) => {
      this.deps.logger.error('live resume failed', { reason: (err as Error).stack ?? String(err) })
    })
  }

  private async runReplay(c: LiveClient, r: Replay, position: ResumePosition): Promise<void> {
    const h = this.history!
    const last = new Map<string, { t: number; s: number }>()
    try {
      await h.settled()
      for await (const s of h.readSince(position, r.abort.signal)) {
        if (c.closed) return
        last.set(s.peerAddress, { t: s.timestamp, s: s.sequence })
        const o = Outgoing.of(toBusEvent(s), this.limits.domain)
        if (!o || (o.allOnly && !c.includeAll)) continue
        let match = false
        for (const e of c.subs.values()) if ((match = matchesSubscription(e.sub, o, c.variant))) break
        if (!match) continue
        this.write(c, o)
        if (c.closed) return
        this.counters.replayed++
        if (c.transport.buffered() > this.limits.maxBufferedBytes / 2) await this.drained(c)
      }
    } catch (err) {
      if (c.closed) return
      this.error(
        c,
        err instanceof ResumeError ? err.message : `resume failed: ${(err as Error).message ?? String(err)}`,
      )
    }
    if (c.closed) return
    c.replay = undefined
    c.replayed = last
    for (const o of r.pending) {
      if (this.alreadyReplayed(last, o)) continue
      this.write(c, o)
      if (c.closed) return
      this.latency.add(this.deps.clock.nowMicros() - o.event.timestamp)
    }
    // Events queued before the resume began reach the socket from the fan-out queue later.
    this.sub.drained().then(() => {
      if (c.replayed === last) c.replayed = undefined
    })
  }

  private alreadyReplayed(last: Map<string, { t: number; s: number }>, o: Outgoing): boolean {
    const p = last.get(o.peer)
    const e = o.event
    if (!p || e.timestamp > p.t || (e.timestamp === p.t && e.sequence > p.s)) return false
    this.counters.resumeDuplicates++
    return true
  }

  /** Waits until a client's send buffer is below half the limit (or it went away). */
  private async drained(c: LiveClient): Promise<void> {
    while (!c.closed && c.transport.buffered() > this.limits.maxBufferedBytes / 2) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  // --- the rest ----------------------------------------------------------------------

  stats(): LiveStats {
    let websocket = 0
    let stream = 0
    for (const c of this.clients) {
      if (c.transport.kind === 'websocket') websocket++
      else stream++
    }
    return {
      clients: { websocket, stream },
      subscriptions: this.index.size,
      ...this.counters,
      latency: this.latency.summary(),
      queue: this.sub.stats(),
    }
  }

  /** Starts a fresh latency window (benchmarks). */
  resetLatency(): void {
    this.latency.reset()
  }

  /** Resolves once the fan-out has handled every event published so far. */
  drainedQueue(): Promise<void> {
    return this.sub.drained()
  }

  /** Closes every client (1001) and stops listening to the bus. */
  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushAll()
    this.sub.close()
    this.ownHistory?.close()
    for (const c of [...this.clients]) {
      c.closed = true
      c.transport.close(CLOSE.GOING_AWAY, 'server shutting down')
      this.disconnect(c)
    }
  }
}
