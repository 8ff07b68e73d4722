// Where written records go: a file (plain, or gzip), or any Writable. Records
// are encoded straight into one large block (two passes: size, then write in
// place), and whole blocks are handed to the stream, so memory holds one block
// and whatever the stream buffers; `write` says when the caller should wait
// for `drain()`, as Node's streams do.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { writer } from '../wire/writer.ts'
import { type MrtRecordValue, recordSize, writeRecord } from './record.ts'

export interface MrtOutputOptions {
  /** gzip the output: true (level 6) or a level 1..9. Default: true when the path ends in ".gz". */
  readonly gzip?: boolean | number
  /** Block size handed to the stream (default 1 MiB). */
  readonly blockSize?: number
  /** Append to an existing file (gzip: a new member, which readers take as one stream). */
  readonly append?: boolean
}

export class MrtOutput {
  readonly #stream: Writable
  readonly #done: Promise<unknown>
  #block: Uint8Array
  #pos = 0
  #waiting = false
  /** Records and octets written (before compression). */
  records = 0
  bytes = 0

  constructor(dest: string | Writable, options: MrtOutputOptions = {}) {
    const gz = options.gzip ?? (typeof dest === 'string' && dest.endsWith('.gz'))
    const file =
      typeof dest === 'string' ? createWriteStream(dest, { flags: options.append ? 'a' : 'w' }) : dest
    if (gz) {
      const z = createGzip({ level: typeof gz === 'number' ? gz : 6 })
      z.pipe(file)
      z.on('error', (e) => file.destroy(e))
      this.#stream = z
    } else {
      this.#stream = file
    }
    // Completion is the file's: gzip's last octets land after the gzip stream ends.
    this.#done = once(file, typeof dest === 'string' ? 'close' : 'finish')
    this.#done.catch(() => {})
    this.#block = new Uint8Array(options.blockSize ?? 1 << 20)
  }

  /** Appends one record; false when the caller should await drain() before writing more. */
  write(v: MrtRecordValue): boolean {
    const n = recordSize(v)
    this.#reserve(n)
    const w = writer(this.#block, this.#pos, this.#pos + n)
    writeRecord(w, v)
    if (w.pos !== this.#pos + n)
      throw new Error(`record encoder wrote ${w.pos - this.#pos} octets, size said ${n}`)
    return this.#advance(n)
  }

  /** Appends octets that already are one or more whole records (a record read from another file). */
  writeRaw(octets: Uint8Array): boolean {
    this.#reserve(octets.length)
    this.#block.set(octets, this.#pos)
    return this.#advance(octets.length)
  }

  /**
   * Room for n octets at the end of the block, for encoders that write in place:
   * returns the block and the offset to write at; call commit(n) after.
   */
  reserve(n: number): { block: Uint8Array; at: number } {
    this.#reserve(n)
    return { block: this.#block, at: this.#pos }
  }

  commit(n: number): boolean {
    return this.#advance(n)
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#block.length) return
    this.#send()
    if (n > this.#block.length) this.#block = new Uint8Array(n)
  }

  #advance(n: number): boolean {
    this.#pos += n
    this.records++
    this.bytes += n
    if (this.#pos >= this.#block.length - (this.#block.length >> 4)) this.#send()
    return !this.#waiting
  }

  #send(): void {
    if (this.#pos === 0) return
    // The stream keeps the block until written: hand over this one, start another.
    const full = this.#block.subarray(0, this.#pos)
    this.#block = new Uint8Array(this.#block.length)
    this.#pos = 0
    if (!this.#stream.write(full)) this.#waiting = true
  }

  /** Resolves once the stream has room again. */
  async drain(): Promise<void> {
    if (!this.#waiting) return
    if (this.#stream.writableNeedDrain) await once(this.#stream, 'drain')
    this.#waiting = false
  }

  /** Writes what is buffered and ends the output; resolves when the file is complete. */
  async close(): Promise<void> {
    this.#send()
    this.#stream.end()
    await this.#done
  }
}
