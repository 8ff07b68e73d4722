// A small in-process event bus: sessions publish, sinks subscribe. Publishing
// never blocks and never runs a sink inline: each subscription has a bounded
// queue drained on a later turn of the event loop, one event at a time (an
// async handler is awaited before the next). When a queue is full the new
// event is dropped and counted, so a slow sink can never stall a session or
// the hold timers; the counts are in `stats()` (and /metrics later).

import type { BusEvent } from './types.ts'

export type Handler = (event: BusEvent) => void | Promise<void>

export interface SubscribeOptions {
  /** Queue capacity (default 65536 events). */
  readonly capacity?: number
  /** Only events this accepts are queued (and counted). */
  readonly filter?: (event: BusEvent) => boolean
  /** Called when a handler throws or rejects; the subscription goes on. */
  readonly onError?: (error: unknown, event: BusEvent) => void
  /** Called with each event dropped because the queue was full (after it was counted). */
  readonly onDrop?: (event: BusEvent) => void
  /**
   * With `sizeOf`: the queue also holds at most this many bytes (the sum of
   * `sizeOf` over what it holds); an event that would exceed it is dropped.
   * Without both, only `capacity` bounds the queue.
   */
  readonly maxBytes?: number
  /** What one event costs against `maxBytes` (must give the same answer every time). */
  readonly sizeOf?: (event: BusEvent) => number
}

export interface SubscriptionStats {
  readonly name: string
  readonly capacity: number
  readonly queued: number
  readonly delivered: number
  readonly dropped: number
  readonly failed: number
  /** Subscriptions with a byte budget (`maxBytes`): what the queue holds, and the budget. */
  readonly bytes?: number
  readonly maxBytes?: number
}

export interface Subscription {
  readonly name: string
  stats(): SubscriptionStats
  /** Resolves once everything queued so far was handled. */
  drained(): Promise<void>
  close(): void
}

/**
 * How long a subscription drains per turn of the event loop before yielding
 * to I/O. By time, not by count: one socket read can bring thousands of
 * UPDATEs, and a fixed count per turn lets a queue fill while the sink idles.
 */
const SLICE_MS = 5
/** Events between two looks at the clock. */
const CHECK_EVERY = 32

class Queue implements Subscription {
  readonly name: string
  readonly capacity: number
  private readonly ring: (BusEvent | undefined)[]
  private head = 0
  private size = 0
  private bytes = 0
  /** The byte budget; 0 when there is none. */
  private readonly maxBytes: number
  private delivered = 0
  private dropped = 0
  private failed = 0
  private running = false
  private closed = false
  private waiters: (() => void)[] = []
  private readonly handler: Handler
  private readonly options: SubscribeOptions
  private readonly onClose: () => void

  constructor(name: string, handler: Handler, options: SubscribeOptions, onClose: () => void) {
    this.name = name
    this.handler = handler
    this.options = options
    this.capacity = options.capacity ?? 65536
    this.ring = new Array(this.capacity)
    this.maxBytes = options.sizeOf && options.maxBytes !== undefined ? options.maxBytes : 0
    this.onClose = onClose
  }

  offer(e: BusEvent): void {
    if (this.closed) return
    if (this.options.filter && !this.options.filter(e)) return
    let n = 0
    if (this.maxBytes) n = this.options.sizeOf!(e)
    if (this.size === this.capacity || (this.maxBytes && this.bytes + n > this.maxBytes)) {
      this.dropped++
      this.options.onDrop?.(e)
      return
    }
    this.ring[(this.head + this.size) % this.capacity] = e
    this.size++
    this.bytes += n
    if (!this.running) {
      this.running = true
      setImmediate(() => void this.run())
    }
  }

  private take(): BusEvent {
    const e = this.ring[this.head]!
    this.ring[this.head] = undefined
    this.head = (this.head + 1) % this.capacity
    this.size--
    if (this.maxBytes) this.bytes -= this.options.sizeOf!(e)
    return e
  }

  private async run(): Promise<void> {
    let n = 0
    let sliceStart = performance.now()
    while (this.size > 0 && !this.closed) {
      const e = this.take()
      try {
        const r = this.handler(e)
        if (r && typeof (r as Promise<void>).then === 'function') await r
        this.delivered++
      } catch (err) {
        this.failed++
        this.options.onError?.(err, e)
      }
      if (++n === CHECK_EVERY) {
        n = 0
        if (performance.now() - sliceStart >= SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve))
          sliceStart = performance.now()
        }
      }
    }
    this.running = false
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  stats(): SubscriptionStats {
    return {
      name: this.name,
      capacity: this.capacity,
      queued: this.size,
      delivered: this.delivered,
      dropped: this.dropped,
      failed: this.failed,
      ...(this.maxBytes ? { bytes: this.bytes, maxBytes: this.maxBytes } : {}),
    }
  }

  drained(): Promise<void> {
    if (!this.running && this.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.ring.fill(undefined)
    this.size = 0
    this.bytes = 0
    this.onClose()
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

export class EventBus {
  private subs: Queue[] = []
  private published = 0

  /** True when someone listens: publishers skip building events otherwise. */
  get active(): boolean {
    return this.subs.length > 0
  }

  subscribe(name: string, handler: Handler, options: SubscribeOptions = {}): Subscription {
    const q: Queue = new Queue(name, handler, options, () => {
      this.subs = this.subs.filter((s) => s !== q)
    })
    this.subs = [...this.subs, q]
    return q
  }

  /**
   * For sinks that keep no queue here (they write or hand on each event at
   * once, with their own bounds): `take` runs on every event as it is
   * published, and what it throws goes to `onError`, never to the publisher.
   */
  tap(name: string, take: (event: BusEvent) => void, onError: (error: unknown) => void): Subscription {
    return this.subscribe(name, () => {}, {
      capacity: 1,
      filter: (e) => {
        try {
          take(e)
        } catch (err) {
          onError(err)
        }
        // Declined: nothing is queued.
        return false
      },
    })
  }

  publish(e: BusEvent): void {
    this.published++
    for (const s of this.subs) s.offer(e)
  }

  stats(): { readonly published: number; readonly subscriptions: readonly SubscriptionStats[] } {
    return { published: this.published, subscriptions: this.subs.map((s) => s.stats()) }
  }
}
