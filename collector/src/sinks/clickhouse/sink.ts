// The ClickHouse sink: every event of the bus, in batches, to the storage
// writer child. In the main thread it does as little as it can: it appends
// each event's raw message and header to the open batch (storage/batch.ts),
// and hands the batch over when it holds `batchEvents` events or
// `batchBytes` octets, or when its oldest event is `batchAgeMs` old.
//
// Events are taken at publish time. A session decoding a full table
// publishes thousands of events per turn of the event loop, while the bus
// delivers to each subscriber for a few milliseconds per turn (its time
// slice, events/bus.ts) and then yields to I/O; queued, every event would
// keep its decoded message alive (kilobytes), and a 4-peer full-table load
// would overflow any queue of reasonable size. So the subscription's filter,
// which the bus calls as it publishes, copies the event into the open batch
// (about a hundred octets) and declines it, and nothing is queued. Only while
// the writer is full (maxInflightBytes of batches not yet acknowledged) does
// the filter accept events: the bus queues them (`queueCapacity`), the
// handler adds them once the writer has room, and what does not fit in the
// queue is dropped by the bus and counted. That is the backpressure, and it
// keeps memory bounded. Order is kept: once one event is queued, all
// following ones are, until the queue is empty again.
//
// Nothing is dropped silently: stats() shows the bus's drops, the writer's
// dropped and rejected events, and every other count.

import { randomBytes } from 'node:crypto'
import type { BusEvent, EventBus, Subscription, SubscriptionStats } from '../../events/index.ts'
import type { Logger } from '../../log/logger.ts'
import { BatchWriter } from '../../storage/batch.ts'
import type { StorageWriter, WriterStats } from '../../storage/writer.ts'

export interface ClickHouseSinkOptions {
  /** Events per batch, at most (default 20,000). */
  readonly batchEvents?: number
  /** Octets per batch, at most (default 8 MiB). */
  readonly batchBytes?: number
  /** Age of the oldest event in a batch before it is handed over (default 1000 ms). */
  readonly batchAgeMs?: number
  /** Events the bus queues for this sink while the writer is full (default 16,384). */
  readonly queueCapacity?: number
}

export interface ClickHouseSinkStats {
  /** The bus subscription: queued, delivered, and dropped because the queue was full. */
  readonly subscription: SubscriptionStats
  /** The batch being filled. */
  readonly open: { readonly events: number; readonly bytes: number }
  /** Batches and events handed to the writer. */
  readonly handedOver: { readonly batches: number; readonly events: number; readonly bytes: number }
  /** Events taken into batches (at publish time or from the queue). */
  readonly taken: number
  /** Events queued on the bus because the writer was full. */
  readonly deferred: number
  /** Events lost: dropped by the bus queue, or by the writer (spool full or failing). */
  readonly dropped: number
  /** Events in batches ClickHouse refused as malformed: not stored, kept in the spool's rejected/. */
  readonly rejected: number
  readonly writer: WriterStats
}

export class ClickHouseSink {
  private readonly writer: StorageWriter
  private readonly logger: Logger
  private readonly batch: BatchWriter
  private readonly maxEvents: number
  private readonly maxBytes: number
  private readonly ageMs: number
  private readonly runId = randomBytes(6).toString('hex')
  private readonly subscription: Subscription
  private timer: NodeJS.Timeout | undefined
  private sequence = 0
  private handed = { batches: 0, events: 0, bytes: 0 }
  private deferred = 0
  private taken = 0
  private deferring = false
  private lastDropReport = 0
  private reportedDrops = 0

  constructor(bus: EventBus, writer: StorageWriter, options: ClickHouseSinkOptions, logger: Logger) {
    this.writer = writer
    this.logger = logger
    this.maxEvents = options.batchEvents ?? 20_000
    this.maxBytes = options.batchBytes ?? 8 * 1024 * 1024
    this.ageMs = options.batchAgeMs ?? 1000
    this.batch = new BatchWriter(Math.min(this.maxBytes, 1 << 20))
    this.subscription = bus.subscribe('clickhouse', (e) => this.handle(e), {
      capacity: options.queueCapacity ?? 16_384,
      filter: (e) => this.take(e),
      onError: (err) => this.logger.error('clickhouse sink failed on an event', { reason: String(err) }),
    })
  }

  /** At publish time: into the batch now (false: not queued), or queued while the writer is full (true). */
  private take(e: BusEvent): boolean {
    if (!this.deferring && this.writer.hasSpace) {
      this.add(e)
      this.taken++
      return false
    }
    if (!this.deferring) {
      this.deferring = true
      this.logger.warn('clickhouse writer is full: queueing events on the bus')
    }
    this.deferred++
    return true
  }

  /** A queued event, once its turn comes: deferred for room in the writer. */
  private handle(e: BusEvent): void | Promise<void> {
    const done = () => {
      this.add(e)
      this.taken++
      if (this.subscription.stats().queued === 0) {
        this.deferring = false
        this.reportDrops()
      }
    }
    if (this.writer.hasSpace) {
      done()
      return
    }
    return this.writer.whenSpace().then(done)
  }

  private add(e: BusEvent): void {
    if (e.type === 'message') this.batch.addMessage(e)
    else this.batch.addState(e)
    if (this.batch.count >= this.maxEvents || this.batch.size >= this.maxBytes) this.seal()
    else if (this.batch.count === 1) this.timer = setTimeout(() => this.seal(), this.ageMs)
  }

  /** Hands the open batch to the writer now; returns its id (undefined when it was empty). */
  seal(): string | undefined {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const events = this.batch.count
    if (events === 0) return undefined
    const data = this.batch.take()
    const id = `${this.runId}-${++this.sequence}`
    this.writer.submit(id, data, events)
    this.handed.batches++
    this.handed.events += events
    this.handed.bytes += data.length
    return id
  }

  private reportDrops(): void {
    const dropped = this.subscription.stats().dropped
    const now = Date.now()
    if (dropped > this.reportedDrops && now - this.lastDropReport > 10_000) {
      this.lastDropReport = now
      this.reportedDrops = dropped
      this.logger.error('clickhouse sink fell behind: events dropped', { dropped })
    }
  }

  /** Waits until every event published so far is in a batch handed to the writer. */
  async flush(): Promise<void> {
    await this.flushBatch()
  }

  /** flush(), returning the id of the batch it sealed (undefined when nothing was open). */
  async flushBatch(): Promise<string | undefined> {
    await this.subscription.drained()
    return this.seal()
  }

  /** Flushes and unsubscribes. */
  async close(): Promise<void> {
    await this.flush()
    this.subscription.close()
  }

  stats(): ClickHouseSinkStats {
    const subscription = this.subscription.stats()
    const writer = this.writer.stats()
    return {
      subscription,
      open: { events: this.batch.count, bytes: this.batch.size },
      handedOver: { ...this.handed },
      taken: this.taken,
      deferred: this.deferred,
      dropped: subscription.dropped + writer.events.dropped,
      rejected: writer.child?.rejectedEvents ?? 0,
      writer,
    }
  }
}
