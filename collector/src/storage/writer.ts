// The collector's side of the storage writer: forks the child process
// (writer-child.ts) that owns ClickHouse, hands it batches over the IPC
// channel, and keeps every batch until the child says what became of it:
// inserted, spooled (on disk), rejected, or — when it could not even be
// handed over — dropped. If the child dies, it is started again and sent
// every batch it had not acknowledged, in order; ClickHouse deduplicates any
// it had already inserted. What is held is bounded by `maxInflightBytes`:
// callers wait for space (`whenSpace`), which is the backpressure the sink
// passes on to the event bus. Queries for the API go through the same child,
// since the embedded engine is one per process.

import { type ChildProcess, fork } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Logger } from '../log/logger.ts'
import type { BatchOutcome, FromChild, ToChild, WriterChildStats, WriterOptions } from './protocol.ts'

export interface StorageWriterOptions extends WriterOptions {
  /** Octets of batches handed over but not yet acknowledged, at most (default 256 MiB). */
  readonly maxInflightBytes?: number
  /** How long stop() waits for the child to finish before killing it (default 60 s). */
  readonly stopTimeoutMs?: number
}

export interface WriterStats {
  readonly running: boolean
  /** Times the child was started again after it died. */
  readonly restarts: number
  readonly inflightBatches: number
  readonly inflightBytes: number
  /** Batches and events by what became of them: spooled (safe), or dropped (lost). */
  readonly batches: Readonly<Record<BatchOutcome, number>>
  readonly events: Readonly<Record<BatchOutcome, number>>
  /** The child's own figures (rows inserted, spool, errors), as last reported. */
  readonly child: WriterChildStats | undefined
}

interface Inflight {
  readonly id: string
  readonly data: Uint8Array
  readonly events: number
}

const ENTRY = fileURLToPath(new URL('./writer-child.ts', import.meta.url))

/** The TypeScript loader for the child (the repository runs from source, as bin/routelake.js does). */
function loaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
}

function outcomes(): Record<BatchOutcome, number> {
  return { inserted: 0, spooled: 0, rejected: 0, dropped: 0 }
}

export class StorageWriter {
  private readonly options: StorageWriterOptions
  private readonly logger: Logger
  private readonly maxInflight: number
  private child: ChildProcess | undefined
  private ready = false
  private stopping = false
  private restarts = 0
  private restartDelay = 1000
  private restartTimer: NodeJS.Timeout | undefined
  private readonly inflight = new Map<string, Inflight>()
  private bytes = 0
  private spaceWaiters: (() => void)[] = []
  private readonly batches = outcomes()
  private readonly events = outcomes()
  private childStats: WriterChildStats | undefined
  private nextReq = 1
  private readonly requests = new Map<
    number,
    { resolve: (result: unknown[] | Uint8Array) => void; reject: (e: Error) => void }
  >()
  private exited: Promise<number | null> | undefined
  private readonly ackListeners: ((id: string, outcome: BatchOutcome, events: number) => void)[] = []

  constructor(options: StorageWriterOptions, logger: Logger) {
    this.options = options
    this.logger = logger
    this.maxInflight = options.maxInflightBytes ?? 256 * 1024 * 1024
  }

  /** Starts the child; resolves once it has opened the spool and tried ClickHouse (migrated when reachable). */
  start(): Promise<void> {
    return this.spawn()
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = fork(ENTRY, [], {
        serialization: 'advanced',
        execArgv: ['--import', loaderUrl()],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      this.child = child
      this.ready = false
      let started = false
      this.exited = new Promise((done) => child.once('exit', (code) => done(code)))
      child.on('message', (m: FromChild) => {
        if (m.type === 'ready') {
          started = true
          this.ready = true
          this.childStats = m.stats
          this.restartDelay = 1000
          resolve()
          return
        }
        this.onMessage(m)
      })
      child.on('error', (e) => this.logger.error('storage writer process error', { reason: e.message }))
      child.once('exit', (code, signal) => {
        this.child = undefined
        this.ready = false
        for (const r of this.requests.values()) r.reject(new Error('the storage writer exited'))
        this.requests.clear()
        if (!started) {
          reject(new Error(`the storage writer exited before it was ready (code ${code}, signal ${signal})`))
          return
        }
        if (this.stopping) return
        this.logger.error('storage writer died; starting it again', {
          code,
          signal,
          unacknowledged: this.inflight.size,
        })
        this.restarts++
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined
          this.spawn().catch((e) =>
            this.logger.error('cannot restart the storage writer', { reason: e.message }),
          )
        }, this.restartDelay)
        this.restartDelay = Math.min(this.restartDelay * 2, 30_000)
      })
      this.post({ type: 'init', options: this.options })
      // Batches not acknowledged by a child that died, and any handed over since, in order.
      for (const b of this.inflight.values()) this.post({ type: 'batch', id: b.id, data: b.data })
    })
  }

  private post(m: ToChild): void {
    const c = this.child
    if (c?.connected) c.send(m)
  }

  private onMessage(m: FromChild): void {
    switch (m.type) {
      case 'ack': {
        this.childStats = m.stats
        const b = this.inflight.get(m.id)
        if (!b) return
        this.inflight.delete(m.id)
        this.bytes -= b.data.length
        this.batches[m.outcome]++
        this.events[m.outcome] += b.events
        for (const f of this.ackListeners) f(m.id, m.outcome, b.events)
        if (m.outcome === 'dropped' || m.outcome === 'rejected') {
          this.logger.error(`storage batch ${m.outcome}`, { batch: m.id, events: b.events, reason: m.reason })
        }
        this.wakeSpace()
        return
      }
      case 'result': {
        const r = this.requests.get(m.req)
        if (!r) return
        this.requests.delete(m.req)
        if (m.error !== undefined) r.reject(new Error(m.error))
        else r.resolve(m.data ?? m.rows ?? [])
        return
      }
      case 'stats':
      case 'stopped':
        this.childStats = m.stats
        return
      case 'log':
        this.logger[m.level](`storage: ${m.message}`, m.fields)
        return
      case 'ready':
        return
    }
  }

  /** Hands a batch over. Call whenSpace() first: this never refuses, the bound is the caller's. */
  submit(id: string, data: Uint8Array, events: number): void {
    if (this.inflight.has(id)) throw new Error(`batch ${id} is already being written`)
    this.inflight.set(id, { id, data, events })
    this.bytes += data.length
    // A child that is still starting takes it too: its channel delivers in order, after init.
    if (this.child?.connected) this.post({ type: 'batch', id, data })
  }

  private wakeSpace(): void {
    if (this.bytes >= this.maxInflight) return
    const w = this.spaceWaiters
    this.spaceWaiters = []
    for (const f of w) f()
  }

  /** Calls `listener` with every batch the child acknowledges, and what became of it. */
  onAck(listener: (id: string, outcome: BatchOutcome, events: number) => void): void {
    this.ackListeners.push(listener)
  }

  /** The child's process id while it runs (tests kill it). */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Octets handed over and not yet acknowledged. */
  get inflightBytes(): number {
    return this.bytes
  }

  get hasSpace(): boolean {
    return this.bytes < this.maxInflight
  }

  /** Resolves when fewer than maxInflightBytes are waiting for acknowledgement. */
  whenSpace(): Promise<void> {
    if (this.hasSpace) return Promise.resolve()
    return new Promise((resolve) => this.spaceWaiters.push(resolve))
  }

  private request(m: {
    sql: string
    params?: Readonly<Record<string, unknown>>
    command?: boolean
    format?: string
  }) {
    return new Promise<unknown[] | Uint8Array>((resolve, reject) => {
      if (!this.ready) {
        reject(new Error('the storage writer is not running'))
        return
      }
      const req = this.nextReq++
      this.requests.set(req, { resolve, reject })
      this.post({ type: 'query', req, ...m })
    })
  }

  /** Rows of a SELECT, run by the child (JSONEachRow: 64-bit integers are strings). */
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]> {
    return this.request({ sql, ...(params ? { params } : {}) }) as Promise<T[]>
  }

  /** A SELECT's result in a ClickHouse output format (JSON, CSVWithNames, RowBinary…), as octets. */
  async queryFormatted(
    sql: string,
    format: string,
    params?: Readonly<Record<string, unknown>>,
  ): Promise<Uint8Array> {
    return (await this.request({ sql, format, ...(params ? { params } : {}) })) as Uint8Array
  }

  /** A statement without rows (OPTIMIZE, SYSTEM …). */
  async command(sql: string): Promise<void> {
    await this.request({ sql, command: true })
  }

  /** Asks the child for fresh figures. */
  refreshStats(): void {
    this.post({ type: 'stats' })
  }

  stats(): WriterStats {
    return {
      running: this.ready,
      restarts: this.restarts,
      inflightBatches: this.inflight.size,
      inflightBytes: this.bytes,
      batches: { ...this.batches },
      events: { ...this.events },
      child: this.childStats,
    }
  }

  /**
   * Stops the child: it goes on inserting what it has spooled while ClickHouse
   * takes it, for at most drainMs (default: stopTimeoutMs less 5 s); the rest
   * waits in the spool for the next start. Resolves with its exit code (0
   * when clean).
   */
  async stop(drainMs?: number): Promise<number | null> {
    this.stopping = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = undefined
    const child = this.child
    let code: number | null = null
    if (child) {
      const exited = this.exited!
      const timeout = this.options.stopTimeoutMs ?? 60_000
      this.post({ type: 'stop', drainMs: drainMs ?? Math.max(0, timeout - 5000) })
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeout)
      })
      const r = await Promise.race([exited, late])
      clearTimeout(timer)
      if (r === 'late') {
        this.logger.error('storage writer did not stop in time; killing it', { timeoutMs: timeout })
        child.kill('SIGKILL')
        await exited
      } else {
        code = r
      }
    }
    if (this.inflight.size) {
      let events = 0
      for (const b of this.inflight.values()) events += b.events
      this.batches.dropped += this.inflight.size
      this.events.dropped += events
      this.logger.error('storage batches lost at shutdown', { batches: this.inflight.size, events })
      this.inflight.clear()
      this.bytes = 0
    }
    const w = this.spaceWaiters
    this.spaceWaiters = []
    for (const f of w) f()
    return code
  }
}
