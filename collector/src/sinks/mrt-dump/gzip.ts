// gzip on several threads: each block written is compressed on its own, as a
// gzip member (RFC 1952 §2.2: a file is a series of members), on libuv's
// thread pool, a few at a time, and the members are written in order. Every
// gzip reader takes a multi-member file as one stream (zlib's gzread, which
// bgpdump and libBGPStream use; Node's gunzip; our MRT reader), and with
// blocks of a mebibyte the file is about as small as one member's. A single
// deflate stream is one thread: a RIB dump spent more time waiting for it
// than building records (bench/export.ts).

import { availableParallelism } from 'node:os'
import { Writable } from 'node:stream'
import { gzip } from 'node:zlib'

interface Job {
  out: Buffer | undefined
  error: Error | undefined
}

export class ParallelGzip extends Writable {
  private readonly dest: Writable
  private readonly level: number
  private readonly parallel: number
  private readonly jobs: Job[] = []
  /** The write callback held back while `parallel` blocks are being compressed. */
  private waiting: (() => void) | undefined
  private flushed: (() => void) | undefined
  private destBlocked = false

  constructor(
    dest: Writable,
    level: number,
    parallel = Math.max(1, Math.min(4, availableParallelism() - 1)),
  ) {
    super({ highWaterMark: 1 })
    this.dest = dest
    this.level = level
    this.parallel = parallel
    dest.on('drain', () => {
      this.destBlocked = false
      this.pump()
    })
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const job: Job = { out: undefined, error: undefined }
    this.jobs.push(job)
    gzip(chunk, { level: this.level }, (error, out) => {
      if (error) job.error = error
      else job.out = out
      this.pump()
    })
    if (this.jobs.length < this.parallel) callback()
    else this.waiting = () => callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushed = () => {
      this.dest.end()
      if (this.dest.writableFinished) callback()
      else {
        this.dest.once('finish', () => callback())
        this.dest.once('error', (e) => callback(e))
      }
    }
    this.pump()
  }

  /** Writes finished members in order; releases the held write once there is room again. */
  private pump(): void {
    // Destroyed (an error, an abandoned file): members still being compressed are dropped.
    if (this.destroyed) return
    while (this.jobs.length && !this.destBlocked) {
      const head = this.jobs[0]!
      if (head.error) {
        this.jobs.length = 0
        this.destroy(head.error)
        return
      }
      if (!head.out) break
      this.jobs.shift()
      if (!this.dest.write(head.out)) this.destBlocked = true
    }
    if (this.waiting && this.jobs.length < this.parallel && !this.destBlocked) {
      const w = this.waiting
      this.waiting = undefined
      w()
    }
    if (this.flushed && this.jobs.length === 0 && !this.destBlocked) {
      const f = this.flushed
      this.flushed = undefined
      f()
    }
  }
}
