// Rotating updates files: each record goes into the file of the interval its
// timestamp falls in (intervals aligned to the epoch, so 5 minutes gives
// 12:00, 12:05, … UTC, as RIS has them). The file of an interval is opened
// by its first record and closed by the first record of a later interval,
// or by a timer at the interval's end, whichever comes first; so every
// record is in exactly one file, and an interval without records has none.
// A record that arrives after its interval's file was closed (it cannot,
// while timestamps come from the clock the timer runs on) would go into the
// open file.
//
// Records are encoded in place into the output's block as they arrive and
// gzip runs on libuv's thread pool; the event loop only copies octets.
//
// Errors. A write error (disk full, permissions, a vanished directory) ends
// the file: its temporary name is removed and the records it held are
// counted as lost (its octets may be half on disk; no published file is ever
// partial). Records arriving after are kept in memory, up to a bound (over
// it they are dropped and counted), while a new file is tried with back-off
// (1 s doubling to 60 s); the first file that can be written gets them. A
// rename that fails keeps the finished temporary file and is retried the
// same way. Nothing here throws into the caller: the bus filter that feeds
// it runs inside the sessions.

import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { copyFile, mkdir, open, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Logger } from '../../log/logger.ts'
import { MrtOutput, type MrtSessionHeader, MrtUpdatesWriter } from '../../mrt/index.ts'
import type { Clock, TimerHandle } from '../../session/index.ts'
import { publish, relativePath, tempPath } from './files.ts'
import { ParallelGzip } from './gzip.ts'

export interface UpdatesFilesOptions {
  readonly dir: string
  readonly intervalMs: number
  /** gzip level 1..9. */
  readonly gzipLevel: number
  /** Octets of records kept in memory while no file can be written. */
  readonly maxPendingBytes: number
  readonly clock: Clock
  readonly logger: Logger
  readonly onPublished?: (path: string, records: number) => void
}

export interface UpdatesFilesStats {
  /** Files published. */
  readonly files: number
  /** Records written into files (published or still open). */
  readonly records: number
  /** Records of files that a write error ended (not published). */
  readonly lost: number
  /** Records dropped because the memory bound was reached while no file could be written. */
  readonly dropped: number
  /** Records waiting in memory for a writable file. */
  readonly pending: number
  readonly errors: number
  readonly lastError?: string
}

interface OpenFile {
  readonly start: number
  readonly end: number
  readonly path: string
  readonly final: string
  readonly tmp: string
  readonly file: WriteStream
  readonly writer: MrtUpdatesWriter
  timer: TimerHandle | undefined
  records: number
  failed: boolean
}

type Pending =
  | { readonly kind: 'message'; s: MrtSessionHeader; timeUs: number; raw: Uint8Array; addPath: boolean }
  | { readonly kind: 'state'; s: MrtSessionHeader; timeUs: number; from: number; to: number }

const RETRY_MIN_MS = 1000
const RETRY_MAX_MS = 60_000

export class UpdatesFiles {
  private readonly o: UpdatesFilesOptions
  private current: OpenFile | undefined
  private readonly dirs = new Set<string>()
  private pending: Pending[] | undefined
  private pendingBytes = 0
  private retryTimer: TimerHandle | undefined
  private retryMs = RETRY_MIN_MS
  private readonly inFlight = new Set<Promise<void>>()
  /** Publish retries waiting for their timer: close() wakes them for a last try. */
  private readonly waiting = new Set<() => void>()
  private closed = false
  private s = {
    files: 0,
    records: 0,
    lost: 0,
    dropped: 0,
    errors: 0,
    lastError: undefined as string | undefined,
  }

  constructor(options: UpdatesFilesOptions) {
    this.o = options
  }

  stats(): UpdatesFilesStats {
    const { lastError, ...rest } = this.s
    return { ...rest, pending: this.pending?.length ?? 0, ...(lastError !== undefined ? { lastError } : {}) }
  }

  /** A BGP message received at timeUs (µs). */
  message(s: MrtSessionHeader, timeUs: number, raw: Uint8Array, addPath: boolean): void {
    if (this.closed) return
    if (this.pending) {
      this.keep({ kind: 'message', s, timeUs, raw, addPath }, raw.length)
      return
    }
    const f = this.fileFor(timeUs)
    if (!f) {
      this.keep({ kind: 'message', s, timeUs, raw, addPath }, raw.length)
      return
    }
    f.writer.message(s, timeUs, raw, { addPath })
    f.records++
    this.s.records++
  }

  /** A session state change (RFC 6396 §4.4.1 numbering). */
  stateChange(s: MrtSessionHeader, timeUs: number, from: number, to: number): void {
    if (this.closed) return
    const f = this.pending ? undefined : this.fileFor(timeUs)
    if (!f) {
      this.keep({ kind: 'state', s, timeUs, from, to }, 64)
      return
    }
    f.writer.stateChange(s, timeUs, from, to)
    f.records++
    this.s.records++
  }

  /** Closes the open file (published, if it holds records) and waits for every file in flight. */
  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer) this.o.clock.clearTimer(this.retryTimer)
    this.retryTimer = undefined
    if (this.pending?.length) {
      this.s.lost += this.pending.length
      this.o.logger.error('mrt-dump: updates not written at shutdown', { records: this.pending.length })
    }
    this.pending = undefined
    const f = this.current
    this.current = undefined
    if (f) this.finish(f)
    for (const wake of this.waiting) wake()
    while (this.inFlight.size) await Promise.all([...this.inFlight])
  }

  /** Closes the open file now (tests, and the interval timer). */
  rotate(): void {
    const f = this.current
    this.current = undefined
    if (f) this.finish(f)
  }

  private fileFor(timeUs: number): OpenFile | undefined {
    const ms = Math.floor(timeUs / 1000)
    const cur = this.current
    if (cur && ms < cur.end) return cur
    if (cur) {
      this.current = undefined
      this.finish(cur)
    }
    const start = ms - (((ms % this.o.intervalMs) + this.o.intervalMs) % this.o.intervalMs)
    try {
      this.current = this.open(start)
    } catch (e) {
      this.fail(undefined, e)
      return undefined
    }
    return this.current
  }

  private open(start: number, file?: WriteStream): OpenFile {
    const path = relativePath('updates', start)
    const final = join(this.o.dir, path)
    const tmp = tempPath(final)
    const dir = dirname(final)
    if (!file) {
      if (!this.dirs.has(dir)) {
        mkdirSync(dir, { recursive: true })
        this.dirs.add(dir)
      }
      file = createWriteStream(tmp)
    }
    const gz = new ParallelGzip(file, this.o.gzipLevel)
    const writer = new MrtUpdatesWriter(new MrtOutput(gz, { gzip: false }))
    const f: OpenFile = {
      start,
      end: start + this.o.intervalMs,
      path,
      final,
      tmp,
      file,
      writer,
      timer: undefined,
      records: 0,
      failed: false,
    }
    file.on('error', (e) => this.fail(f, e))
    gz.on('error', (e) => this.fail(f, e))
    f.timer = this.o.clock.setTimer(Math.max(0, f.end - this.o.clock.now()), () => {
      f.timer = undefined
      if (this.current === f) this.rotate()
    })
    return f
  }

  /** Ends a file: flushes it, then publishes it under its final name. */
  private finish(f: OpenFile): void {
    if (f.timer) this.o.clock.clearTimer(f.timer)
    f.timer = undefined
    const p = (async () => {
      try {
        await f.writer.close()
      } catch (e) {
        this.fail(f, e)
        return
      }
      if (f.failed) return
      await this.publishWithRetry(f)
    })()
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
  }

  private async publishWithRetry(f: OpenFile): Promise<void> {
    for (let wait = RETRY_MIN_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        await publishOver(f.tmp, f.final)
        this.s.files++
        this.o.logger.debug('mrt-dump: updates file', { path: f.path, records: f.records })
        this.o.onPublished?.(f.path, f.records)
        return
      } catch (e) {
        this.s.errors++
        this.s.lastError = `${f.path}: ${(e as Error).message}`
        this.o.logger.error('mrt-dump: cannot publish updates file', {
          path: f.path,
          reason: (e as Error).message,
          retryInMs: this.closed ? undefined : wait,
        })
        if (this.closed) {
          this.s.lost += f.records
          await rm(f.tmp, { force: true }).catch(() => {})
          return
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.waiting.delete(wake)
            this.o.clock.clearTimer(timer)
            resolve()
          }
          const timer = this.o.clock.setTimer(wait, wake)
          this.waiting.add(wake)
        })
      }
    }
  }

  private fail(f: OpenFile | undefined, e: unknown): void {
    if (f?.failed) return
    const reason = (e as Error)?.message ?? String(e)
    this.s.errors++
    this.s.lastError = f ? `${f.path}: ${reason}` : reason
    let wasCurrent = f === undefined
    if (f) {
      f.failed = true
      this.s.lost += f.records
      if (f.timer) this.o.clock.clearTimer(f.timer)
      f.timer = undefined
      f.file.destroy()
      void rm(f.tmp, { force: true }).catch(() => {})
      if (this.current === f) {
        this.current = undefined
        wasCurrent = true
      }
    }
    this.o.logger.error('mrt-dump: cannot write updates file', {
      path: f?.path,
      reason,
      lostRecords: f?.records,
    })
    // The file being written failed (or none could be opened): keep records in memory and retry.
    // A file that failed while closing is lost alone; the next one may be fine.
    if (wasCurrent && !this.closed && !this.pending) {
      this.pending = []
      this.pendingBytes = 0
      this.retryMs = RETRY_MIN_MS
      this.scheduleRetry()
    }
  }

  private keep(p: Pending, bytes: number): void {
    if (!this.pending) this.pending = []
    if (this.pendingBytes + bytes > this.o.maxPendingBytes) {
      this.s.dropped++
      return
    }
    this.pending.push(p)
    this.pendingBytes += bytes
  }

  private scheduleRetry(): void {
    const wait = this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
    this.retryTimer = this.o.clock.setTimer(wait, () => {
      this.retryTimer = undefined
      void this.retry()
    })
  }

  /** Opens a file for the interval of now; when it works, the records kept in memory go into it. */
  private async retry(): Promise<void> {
    if (this.closed || !this.pending) return
    const ms = this.o.clock.now()
    const start = ms - (ms % this.o.intervalMs)
    const final = join(this.o.dir, relativePath('updates', start))
    let stream: WriteStream
    try {
      await mkdir(dirname(final), { recursive: true })
      const h = await open(tempPath(final), 'w')
      stream = h.createWriteStream() as unknown as WriteStream
    } catch (e) {
      this.s.errors++
      this.s.lastError = (e as Error).message
      this.o.logger.warn('mrt-dump: still cannot write updates files', { reason: (e as Error).message })
      this.scheduleRetry()
      return
    }
    if (this.closed) {
      stream.destroy()
      return
    }
    const kept = this.pending
    this.pending = undefined
    this.pendingBytes = 0
    this.dirs.add(dirname(final))
    const f = this.open(start, stream)
    this.current = f
    this.o.logger.info('mrt-dump: writing updates files again', { path: f.path, kept: kept.length })
    for (const p of kept) {
      if (f.failed) {
        this.s.lost++
        continue
      }
      if (p.kind === 'message') f.writer.message(p.s, p.timeUs, p.raw, { addPath: p.addPath })
      else f.writer.stateChange(p.s, p.timeUs, p.from, p.to)
      f.records++
      this.s.records++
    }
  }
}

/**
 * Publishes a finished file; when the final name exists already (the
 * collector restarted within the interval), the new records are appended to
 * what it holds: a gzip file may hold several members, read as one stream.
 */
async function publishOver(tmp: string, final: string): Promise<void> {
  const existing = await stat(final).catch(() => undefined)
  if (!existing) {
    await publish(tmp, final)
    return
  }
  const joined = `${tmp.slice(0, -'.tmp'.length).replace(/\.(\d+)$/, '.concat.$1')}.tmp`
  await copyFile(final, joined)
  await pipeline(createReadStream(tmp), createWriteStream(joined, { flags: 'a' }))
  await publish(joined, final)
  await rm(tmp, { force: true })
}
