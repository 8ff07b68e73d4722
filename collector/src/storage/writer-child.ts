// The storage writer: a child process (node:child_process fork) that owns the
// ClickHouse connection, so that decoding batches, building rows and waiting
// for inserts never touch the collector's event loop (DESIGN.md "Storage").
// It is a process, not a worker_thread: the embedded engine crashes the whole
// process when a worker that loaded it exits.
//
// Batches arrive over the IPC channel and wait in memory, in order; the loop
// inserts the oldest. A batch is acknowledged once it is inserted, or once it
// is spooled (spool.ts: on disk, where it survives any crash). Batches are
// spooled — oldest first, without blocking the loop — when an insert fails
// (ClickHouse down, disk full: everything held is spooled, and inserts are
// retried with a doubling delay), when the writer stops, and when it holds
// more than `memoryBytes` (it is behind: the excess goes to disk rather than
// making the collector wait). The collector keeps every batch until it is
// acknowledged and sends them again if this process dies, so what this
// process holds in memory is never the only copy. At start, the batches an
// earlier run spooled are inserted first.
//
// Every insert carries the batch id as its deduplication token (with
// deduplicate_blocks_in_dependent_materialized_views for the minute counts),
// so inserting a batch again — sent again after this process died, replayed
// from the spool after a crash between insert and removal, or retried after
// one table of three took it — is dropped by ClickHouse instead of doubling
// rows.

import { batchCount, readBatch } from './batch.ts'
import { columnNames, TABLES, WRITTEN_TABLES, type WrittenTable } from './columns.ts'
import { openStore, type Store } from './connection.ts'
import { migrate } from './migrations.ts'
import type { BatchOutcome, FromChild, ToChild, WriterChildStats, WriterOptions } from './protocol.ts'
import { RowSet } from './rows.ts'
import { Spool, type SpoolEntry } from './spool.ts'

/** A batch not yet inserted: in memory (received), on disk (spooled), or both. */
interface Pending {
  readonly id: string
  readonly size: number
  data: Uint8Array | undefined
  entry: SpoolEntry | undefined
  acknowledged: boolean
  spilling: Promise<void> | undefined
  attempts: number
}

type InsertResult =
  | { readonly ok: true }
  /** corrupt: the batch cannot be read at all; rejected: ClickHouse called its data malformed. */
  | { readonly ok: false; readonly corrupt: boolean; readonly rejected: boolean; readonly error: string }

/** ClickHouse errors that mean the batch itself is bad: retried a few times, then rejected. */
const DATA_ERRORS = new Set([
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'ARGUMENT_OUT_OF_BOUND',
  'CANNOT_CONVERT_TYPE',
  'TOO_LARGE_STRING_SIZE',
  'CANNOT_READ_ALL_DATA',
  'ATTEMPT_TO_READ_AFTER_EOF',
])
const REJECT_AFTER = 3
/** Records decoded between two turns of the event loop. */
const YIELD_EVERY = 500
/** How often spooled batches are flushed to disk. */
const FLUSH_EVERY_MS = 1000
/** Octets of batches held in memory before the oldest go to the spool (default). */
const MEMORY_BYTES = 128 * 1024 * 1024

function isDataError(e: unknown): boolean {
  const type = (e as { type?: unknown }).type
  return typeof type === 'string' && (type.startsWith('CANNOT_PARSE') || DATA_ERRORS.has(type))
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e)
  const code = (e as { code?: unknown }).code
  const first = m.split('\n')[0]!.slice(0, 500)
  return typeof code === 'string' && !first.includes(code) ? `${code}: ${first}` : first
}

/** Events in a batch, as far as its header says (0 when it has none). */
function eventsIn(data: Uint8Array): number {
  try {
    return batchCount(data)
  } catch {
    return 0
  }
}

function send(m: FromChild, done?: () => void): void {
  if (process.connected && process.send) process.send(m, undefined, undefined, done)
  else done?.()
}

function log(
  level: 'debug' | 'info' | 'warn' | 'error',
  text: string,
  fields?: Record<string, string | number | boolean>,
): void {
  if (process.connected) send({ type: 'log', level, message: text, ...(fields ? { fields } : {}) })
  else process.stderr.write(`storage writer ${level}: ${text} ${fields ? JSON.stringify(fields) : ''}\n`)
}

class Writer {
  private readonly options: WriterOptions
  private readonly spool: Spool
  /** Every batch not yet inserted, oldest first. */
  private readonly queue: Pending[] = []
  /** Octets of batches held in memory and not spooled. */
  private memory = 0
  private readonly memoryLimit: number
  /** Spool writes, one after another (positions follow the queue). */
  private spills: Promise<void> = Promise.resolve()
  private store: Store | undefined
  private migrated = false
  private schemaVersion = 0
  private healthy = true
  private stopping = false
  private stopBy = 0
  private delay: number
  private wakeUp: (() => void) | undefined
  private stopSleep: (() => void) | undefined
  private loopDone: Promise<void> | undefined
  private statsTimer: NodeJS.Timeout | undefined
  private flushTimer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  private readonly counters = {
    insertedBatches: 0,
    insertedRows: { messages: 0, updates: 0, peer_events: 0 } as Record<WrittenTable, number>,
    insertSeconds: 0,
    replayedBatches: 0,
    rejectedEvents: 0,
    failedInserts: 0,
    lastError: undefined as string | undefined,
  }

  constructor(options: WriterOptions) {
    this.options = options
    this.spool = new Spool(options.spoolDir, options.spoolMaxBytes)
    this.memoryLimit = options.memoryBytes ?? MEMORY_BYTES
    // What an earlier run spooled goes first; it was acknowledged then.
    for (const entry of this.spool.waiting()) {
      this.queue.push({
        id: entry.id,
        size: entry.size,
        data: undefined,
        entry,
        acknowledged: true,
        spilling: undefined,
        attempts: 0,
      })
    }
    this.delay = options.retryMinMs ?? 500
  }

  stats(): WriterChildStats {
    const c = this.counters
    return {
      connected: this.store !== undefined && this.migrated,
      healthy: this.healthy,
      schemaVersion: this.schemaVersion,
      insertedBatches: c.insertedBatches,
      insertedRows: { ...c.insertedRows },
      insertSeconds: c.insertSeconds,
      queuedBatches: this.queue.length,
      memoryBytes: this.memory,
      spooledBatches: this.spool.count,
      spooledBytes: this.spool.bytes,
      replayedBatches: c.replayedBatches,
      rejectedBatches: this.spool.rejected,
      rejectedEvents: c.rejectedEvents,
      failedInserts: c.failedInserts,
      ...(c.lastError !== undefined ? { lastError: c.lastError } : {}),
    }
  }

  private pushStats(): void {
    if (this.statsTimer) return
    this.statsTimer = setTimeout(() => {
      this.statsTimer = undefined
      send({ type: 'stats', stats: this.stats() })
    }, 200)
  }

  async start(): Promise<void> {
    this.flushTimer = setInterval(() => {
      this.flushing = this.flushing.then(() => this.spool.flush())
    }, FLUSH_EVERY_MS)
    if (this.spool.count) {
      log('info', 'spooled batches to replay', { batches: this.spool.count, bytes: this.spool.bytes })
    }
    await this.connect()
    this.loopDone = this.loop()
  }

  private connecting: Promise<boolean> | undefined

  /** Opens the store and migrates the schema; one attempt at a time. */
  private connect(): Promise<boolean> {
    this.connecting ??= this.tryConnect().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  private async tryConnect(): Promise<boolean> {
    try {
      this.store ??= await openStore(this.options.target)
      if (!this.migrated) {
        const r = await migrate(
          this.store,
          this.options.target.cluster ? { cluster: this.options.target.cluster } : {},
        )
        this.migrated = true
        this.schemaVersion = r.version
        if (r.applied.length)
          log('info', 'schema migrated', { applied: r.applied.join(','), version: r.version })
      }
      return true
    } catch (e) {
      this.fail(e, 'cannot connect to ClickHouse')
      return false
    }
  }

  private fail(e: unknown, what: string): void {
    const text = message(e)
    this.counters.lastError = text
    if (this.healthy) log('warn', what, { reason: text })
    else log('debug', what, { reason: text })
    this.healthy = false
    this.pushStats()
  }

  private ack(id: string, outcome: BatchOutcome, reason?: string): void {
    send({ type: 'ack', id, outcome, ...(reason ? { reason } : {}), stats: this.stats() })
  }

  /** A batch from the collector: queued in memory, spooled if the writer is behind or failing. */
  receive(id: string, data: Uint8Array): void {
    this.queue.push({
      id,
      size: data.length,
      data,
      entry: undefined,
      acknowledged: false,
      spilling: undefined,
      attempts: 0,
    })
    this.memory += data.length
    if (this.stopping || !this.healthy) this.spillAll()
    else if (this.memory > this.memoryLimit) this.spillSome()
    this.wake()
  }

  /** Spools the oldest batches held only in memory until half the limit is left. */
  private spillSome(): void {
    let left = this.memory
    for (const b of this.queue) if (b.spilling && b.data) left -= b.size
    for (const b of this.queue) {
      if (left <= this.memoryLimit / 2) break
      if (b.data && !b.entry && !b.spilling) {
        left -= b.size
        this.spill(b)
      }
    }
  }

  /** Spools every batch held only in memory (ClickHouse is failing, or the writer stops). */
  private spillAll(): Promise<void> {
    for (const b of this.queue) if (b.data && !b.entry && !b.spilling) this.spill(b)
    return this.spills
  }

  private spill(b: Pending): void {
    const data = b.data!
    b.spilling = this.spills = this.spills.then(async () => {
      try {
        b.entry = await this.spool.append(b.id, data)
      } catch (e) {
        // Still in memory, and still with the collector: nothing is lost, the writer is only fuller.
        log('error', 'cannot spool a batch', { batch: b.id, reason: message(e) })
        b.spilling = undefined
        return
      }
      // Inserted meanwhile: the file is not needed.
      if (!this.queue.includes(b)) {
        this.spool.remove(b.entry)
        return
      }
      b.data = undefined
      this.memory -= b.size
      if (!b.acknowledged) {
        b.acknowledged = true
        this.ack(b.id, 'spooled')
      }
    })
  }

  private wake(): void {
    const w = this.wakeUp
    this.wakeUp = undefined
    w?.()
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms)
      function done() {
        clearTimeout(t)
        resolve()
      }
      this.stopSleep = done
    })
  }

  private async backoff(): Promise<void> {
    await this.sleep(this.delay)
    this.delay = Math.min(this.delay * 2, this.options.retryMaxMs ?? 30_000)
  }

  private recovered(): void {
    if (!this.healthy) log('info', 'ClickHouse is back', { spooled: this.spool.count })
    this.healthy = true
    this.delay = this.options.retryMinMs ?? 500
  }

  private async insert(id: string, data: Uint8Array): Promise<InsertResult> {
    const store = this.store!
    let rows: RowSet
    const blocks: [WrittenTable, Uint8Array][] = []
    try {
      rows = new RowSet()
      let n = 0
      for (const r of readBatch(data)) {
        rows.add(r)
        // Building the rows of a batch takes hundreds of milliseconds: let batches that
        // arrive meanwhile be spooled and acknowledged, or the collector would wait on us.
        if (++n % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve))
      }
      for (const table of WRITTEN_TABLES) {
        const block = rows.block(table)
        if (block) blocks.push([table, block])
      }
    } catch (e) {
      return { ok: false, corrupt: true, rejected: true, error: `cannot read the batch: ${message(e)}` }
    }
    const settings: Record<string, string | number> = {
      insert_deduplicate: 1,
      insert_deduplication_token: id,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      async_insert: 0,
      ...(this.options.target.cluster ? { distributed_foreground_insert: 1 } : {}),
    }
    const started = performance.now()
    try {
      for (const [table, block] of blocks) {
        await store.insertNative(table, columnNames(TABLES[table]), block, settings)
      }
    } catch (e) {
      return { ok: false, corrupt: false, rejected: isDataError(e), error: message(e) }
    }
    this.counters.insertSeconds += (performance.now() - started) / 1000
    this.counters.insertedBatches++
    for (const t of WRITTEN_TABLES) this.counters.insertedRows[t] += rows.counts[t]
    return { ok: true }
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.stopping && (!this.healthy || this.queue.length === 0 || Date.now() > this.stopBy)) return
      if (!this.store || !this.migrated) {
        if (!(await this.connect())) {
          if (this.stopping) return
          await this.spillAll()
          await this.backoff()
          continue
        }
      }
      const b = this.queue[0]
      if (!b) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve
        })
        continue
      }
      let data = b.data
      const fromDisk = !data
      if (!data) {
        try {
          data = await this.spool.read(b.entry!)
        } catch (e) {
          log('error', 'cannot read a spooled batch: set aside', { batch: b.id, reason: message(e) })
          this.done(b)
          if (b.entry) this.spool.reject(b.entry)
          continue
        }
      }
      const r = await this.insert(b.id, data)
      if (r.ok) {
        this.recovered()
        if (!b.acknowledged) {
          b.acknowledged = true
          this.ack(b.id, 'inserted')
        } else if (fromDisk) {
          this.counters.replayedBatches++
        }
        this.done(b)
        if (b.entry) this.spool.remove(b.entry)
        this.pushStats()
        continue
      }
      this.counters.failedInserts++
      if (r.corrupt || (r.rejected && ++b.attempts >= REJECT_AFTER)) {
        this.done(b)
        this.counters.rejectedEvents += eventsIn(data)
        const where = b.entry ? this.spool.reject(b.entry) : await this.spool.keepRejected(b.id, data)
        log('error', 'ClickHouse refused a batch: set aside, not retried', {
          batch: b.id,
          reason: r.error,
          file: where,
        })
        if (!b.acknowledged) {
          b.acknowledged = true
          this.ack(b.id, 'rejected', r.error)
        }
        this.pushStats()
        continue
      }
      this.fail(r.error, 'insert failed, will retry')
      // Down or failing: everything held goes to disk meanwhile.
      await this.spillAll()
      if (this.stopping) return
      await this.backoff()
    }
  }

  /** Takes a batch out of the queue (inserted or set aside). */
  private done(b: Pending): void {
    const i = this.queue.indexOf(b)
    if (i >= 0) this.queue.splice(i, 1)
    if (b.data) {
      this.memory -= b.size
      b.data = undefined
    }
  }

  /**
   * Stops: goes on inserting from the spool while ClickHouse takes the
   * batches, for at most `drainMs`; what is left waits in the spool for the
   * next start. Then closes the connection.
   */
  async shutdown(drainMs: number): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    this.stopBy = Date.now() + drainMs
    this.wake()
    // A retry delay is cut short: after a failure there is nothing to drain.
    this.stopSleep?.()
    await this.loopDone
    // What is left waits on disk for the next start.
    await this.spillAll()
    if (this.statsTimer) clearTimeout(this.statsTimer)
    this.statsTimer = undefined
    if (this.flushTimer) clearInterval(this.flushTimer)
    await this.flushing
    await this.spool.flush()
    try {
      await this.store?.close()
    } catch (e) {
      log('warn', 'closing ClickHouse failed', { reason: message(e) })
    }
  }

  async query(
    sql: string,
    params: Readonly<Record<string, unknown>> | undefined,
    command: boolean,
  ): Promise<unknown[]> {
    if (!this.store || !this.migrated) {
      if (!(await this.connect()))
        throw new Error(`ClickHouse is unavailable: ${this.counters.lastError ?? ''}`)
    }
    if (command) {
      await this.store!.command(sql)
      return []
    }
    return this.store!.query(sql, params)
  }

  /** A SELECT's result in a ClickHouse output format, as octets (the API's SQL route and MRT export). */
  async queryFormatted(
    sql: string,
    params: Readonly<Record<string, unknown>> | undefined,
    format: string,
  ): Promise<Uint8Array> {
    if (!/^[A-Za-z0-9]+$/.test(format)) throw new Error(`'${format}' is not an output format name`)
    if (!this.store || !this.migrated) {
      if (!(await this.connect()))
        throw new Error(`ClickHouse is unavailable: ${this.counters.lastError ?? ''}`)
    }
    const store = this.store!
    try {
      const r = await store.client.exec({
        query: `${sql}\nFORMAT ${format}`,
        ...(params ? { query_params: params as Record<string, unknown> } : {}),
      })
      const chunks: Buffer[] = []
      for await (const c of r.stream) chunks.push(c as Buffer)
      const all = Buffer.concat(chunks)
      return new Uint8Array(all.buffer, all.byteOffset, all.byteLength)
    } catch (e) {
      // The embedded engine (chdb 3.4) hands what a failed query had written so far
      // (a JSON header, CSV names…) to the next query of the session, whose answer
      // then does not parse: a statement whose output is thrown away takes it.
      if (store.kind === 'embedded') await store.command('SELECT 1').catch(() => {})
      throw e
    }
  }
}

/** The child's side of the channel. */
function main(): void {
  if (!process.send) {
    process.stderr.write('writer-child.ts is started by the collector (node:child_process fork)\n')
    process.exit(2)
  }
  let writer: Writer | undefined
  let exiting = false
  // Without a stop message (the collector died) nothing is drained: the spool keeps it all.
  let drainMs = 0
  const finish = async () => {
    if (exiting) return
    exiting = true
    try {
      await writer?.shutdown(drainMs)
    } catch (e) {
      process.stderr.write(`storage writer: shutdown failed: ${message(e)}\n`)
    }
    const stats = writer?.stats()
    const exit = () => process.exit(0)
    if (stats && process.connected) send({ type: 'stopped', stats }, exit)
    else exit()
  }
  process.on('message', (m: ToChild) => {
    switch (m.type) {
      case 'init':
        if (writer) return
        try {
          writer = new Writer(m.options)
        } catch (e) {
          log('error', 'cannot open the spool', { reason: message(e) })
          process.exit(1)
        }
        writer.start().then(
          () => send({ type: 'ready', stats: writer!.stats() }),
          (e) => {
            log('error', 'storage writer failed to start', { reason: message(e) })
            process.exit(1)
          },
        )
        return
      case 'batch':
        if (!writer) throw new Error('batch before init')
        writer.receive(m.id, m.data)
        return
      case 'query':
        if (!writer) {
          send({ type: 'result', req: m.req, error: 'storage writer not started' })
          return
        }
        if (m.format !== undefined) {
          writer.queryFormatted(m.sql, m.params, m.format).then(
            (data) => send({ type: 'result', req: m.req, data }),
            (e) => send({ type: 'result', req: m.req, error: message(e) }),
          )
          return
        }
        writer.query(m.sql, m.params, m.command ?? false).then(
          (rows) => send({ type: 'result', req: m.req, rows }),
          (e) => send({ type: 'result', req: m.req, error: message(e) }),
        )
        return
      case 'stats':
        if (writer) send({ type: 'stats', stats: writer.stats() })
        return
      case 'stop':
        drainMs = m.drainMs
        void finish()
        return
    }
  })
  // The collector went away without saying stop (it crashed or was killed): keep what we hold.
  process.on('disconnect', () => void finish())
  // Ctrl-C in a terminal, `timeout` or systemd signal the whole process group: the
  // collector then says stop, after its last batch. Dying here would lose that batch.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => {})
}

main()
