// MRT input as a stream of decompressed chunks. The compression is found from
// the first octets, never from the file name: gzip (1f 8b, RFC 1952, any
// number of members), bzip2 ("BZh" and a block size digit) or plain. Chunks
// are large (1 MiB reads, 256 KiB inflate output) so that the framer above
// handles few boundaries; nothing here holds more than a chunk or two.

import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import unbzip2 from 'unbzip2-stream'

export type MrtInput = string | Readable | AsyncIterable<Uint8Array> | Uint8Array

export type Compression = 'plain' | 'gzip' | 'bzip2'

export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (
    head.length >= 4 &&
    head[0] === 0x42 && // B
    head[1] === 0x5a && // Z
    head[2] === 0x68 && // h
    head[3]! >= 0x31 && // block size '1'..'9'
    head[3]! <= 0x39
  ) {
    return 'bzip2'
  }
  return 'plain'
}

export interface InputOptions {
  /** Called with the count of input octets (compressed, as read) after every read. */
  readonly onRead?: (bytes: number) => void
  /** Read size for files. */
  readonly readSize?: number
}

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b
}

function sourceOf(input: MrtInput, readSize: number): AsyncIterable<Uint8Array> {
  if (typeof input === 'string') return createReadStream(input, { highWaterMark: readSize })
  if (input instanceof Uint8Array) return once(input)
  return input
}

/**
 * A Buffer as a plain Uint8Array over the same memory: subarray() of a Buffer
 * makes a Buffer, which costs several times more, and the framer makes a view
 * per record.
 */
function plain(c: Uint8Array): Uint8Array {
  return c.constructor === Uint8Array ? c : new Uint8Array(c.buffer, c.byteOffset, c.byteLength)
}

/** unbzip2-stream is an old-style (through) stream: adapt it to a Readable with backpressure. */
function bunzip2(raw: Readable): Readable {
  const bz = unbzip2()
  let paused = false
  const out = new Readable({
    highWaterMark: 1 << 18,
    read() {
      if (paused) {
        paused = false
        bz.resume()
      }
    },
  })
  bz.on('data', (d: Uint8Array) => {
    if (!out.push(d) && !paused) {
      paused = true
      bz.pause()
    }
  })
  bz.on('end', () => out.push(null))
  bz.on('error', (e: Error) => out.destroy(e))
  raw.pipe(bz)
  return out
}

/** Decompressed chunks of the input. Errors of the decompressor surface from the iteration. */
export async function* mrtChunks(input: MrtInput, options: InputOptions = {}): AsyncGenerator<Uint8Array> {
  const it = sourceOf(input, options.readSize ?? 1 << 18)[Symbol.asyncIterator]()
  // Enough octets to tell the compression (a source may hand out tiny chunks).
  const head: Uint8Array[] = []
  let headLength = 0
  let r = await it.next()
  while (!r.done && headLength + r.value.length < 4) {
    head.push(r.value)
    headLength += r.value.length
    r = await it.next()
  }
  if (!r.done) {
    head.push(r.value)
    headLength += r.value.length
  }
  if (headLength === 0) return
  const joined = head.length === 1 ? head[0]! : Buffer.concat(head)
  const ended = r.done === true
  let readSoFar = joined.length
  options.onRead?.(readSoFar)
  async function* all(): AsyncGenerator<Uint8Array> {
    yield joined
    if (ended) return
    for (let n = await it.next(); !n.done; n = await it.next()) {
      readSoFar += n.value.length
      options.onRead?.(readSoFar)
      yield n.value
    }
  }
  const compression = detectCompression(joined)
  if (compression === 'plain') {
    for await (const c of all()) yield plain(c)
    return
  }
  const raw = Readable.from(all(), { objectMode: false })
  const out: Readable = compression === 'gzip' ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : bunzip2(raw)
  // pipe() does not forward errors: a failing source must fail the output too.
  raw.on('error', (e) => out.destroy(e))
  try {
    for await (const c of out as AsyncIterable<Uint8Array>) yield plain(c)
  } catch (e) {
    // unbzip2-stream fails on a cut file with a TypeError from its own code: say what it means.
    const why =
      e instanceof TypeError && compression === 'bzip2'
        ? 'the data ends inside a block, or is corrupt'
        : (e as Error).message
    throw new Error(`${compression}: ${why}`)
  }
}
