// Blocks of 32-bit words carved out of typed-array chunks, one free list per
// size class: the RIB's path lists and interned attribute bytes live here
// instead of in a JS object or array each (an object costs 50–100 octets
// before it holds anything; a block costs its words).
//
// A block is named by a 32-bit handle: chunk index in the high 14 bits, word
// offset in the low 18. Every block starts with two words the pool reads:
//
//   +----------------+---------------------------+-------------------------+
//   | class (8 bits) | payload (24 bits, 0: free)|  owner (or next free)   |  then the owner's words
//   +----------------+---------------------------+-------------------------+
//
// The owner keeps its own small facts in the payload (a length) and its id
// for the block in the second word. New blocks of every class are cut one
// after the other from the current chunk (a block never straddles two; chunks
// start small and double up to 2^18 words, 1 MiB). A block larger than a
// quarter chunk gets a chunk of its own (class HUGE), freed with the block.
// Freed blocks go to their class's free list and are reused.
//
// Blocks freed and never reused (a list that grew leaves its smaller block
// behind) are wasted, so when a third of the pool is free the owner compacts
// it: live blocks slide down over the free ones, in place, in allocation
// order, the owner is told each new handle, and emptied chunks are let go.

const OFFSET_BITS = 18
const OFFSET_MASK = (1 << OFFSET_BITS) - 1
const MAX_CHUNK_WORDS = 1 << OFFSET_BITS
const MAX_CHUNKS = 1 << (32 - OFFSET_BITS)
const NONE = 0xffffffff
const EMPTY = new Uint32Array(0)
const EMPTY_BYTES = new Uint8Array(0)
const CLASS_SHIFT = 24
const PAYLOAD_MASK = 0xffffff

/** Words of the pool's header at the start of every block. */
export const HEADER_WORDS = 2
/** The class of blocks with their own chunk. */
export const HUGE = 255
/** Largest block size a class may have (bigger ones are HUGE). */
export const MAX_CLASS_WORDS = MAX_CHUNK_WORDS >> 2

export function chunkOf(handle: number): number {
  return handle >>> OFFSET_BITS
}

export function offsetOf(handle: number): number {
  return handle & OFFSET_MASK
}

/** The first word of a block: its class and the owner's payload (non-zero). */
export function headerWord(cls: number, payload: number): number {
  return ((cls << CLASS_SHIFT) | payload) >>> 0
}

export function classOfHeader(word: number): number {
  return word >>> CLASS_SHIFT
}

export function payloadOfHeader(word: number): number {
  return word & PAYLOAD_MASK
}

/** Size classes of `minWords`, then every size up to `exactUpTo` words, then growing by `factor`, up to MAX_CLASS_WORDS. */
export function sizeClasses(minWords: number, exactUpTo: number, factor: number): number[] {
  const out: number[] = []
  let n = minWords
  while (n <= MAX_CLASS_WORDS && out.length < HUGE) {
    out.push(n)
    n = n < exactUpTo ? n + 1 : Math.max(n + 1, Math.ceil(n * factor))
  }
  return out
}

export class WordPool {
  /** Chunks by index; a block's words are words[chunkOf(h)] from offsetOf(h). */
  readonly words: Uint32Array[] = []
  /** The same chunks as octets (octet offset = word offset * 4). */
  readonly bytes: Uint8Array[] = []
  readonly sizes: readonly number[]
  private readonly freeHead: number[]
  /** Chunks blocks are cut from, in the order they were taken, and how far each is used. */
  private bumpChunks: number[] = []
  private used: number[] = []
  private bumpAt = 0
  private nextChunk = 1024
  private readonly spare: number[] = []
  /** Octets of all chunks. */
  allocatedBytes = 0
  /** Words in blocks on free lists. */
  freeWords = 0
  /** Words in blocks in use. */
  liveWords = 0

  constructor(sizes: readonly number[]) {
    if (sizes.length >= HUGE) throw new RangeError('too many size classes')
    if (sizes[0]! < HEADER_WORDS + 1) throw new RangeError('size classes too small for the header')
    this.sizes = sizes
    this.freeHead = sizes.map(() => NONE)
  }

  /** The smallest class holding `words` words (header included), or HUGE. */
  classFor(words: number): number {
    const s = this.sizes
    if (words > s[s.length - 1]!) return HUGE
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (s[mid]! >= words) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Words a block of this handle and class holds (header included). */
  capacity(handle: number, cls: number): number {
    return cls === HUGE ? this.words[handle >>> OFFSET_BITS]!.length : this.sizes[cls]!
  }

  /**
   * A block of class `cls` (for HUGE, of exactly `words` words) with its header
   * written: `payload` (non-zero, 24 bits) and `owner`. The rest is undefined.
   */
  alloc(cls: number, payload: number, owner: number, words = 0): number {
    let h: number
    if (cls === HUGE) h = (this.newChunk(words) << OFFSET_BITS) >>> 0
    else {
      const size = this.sizes[cls]!
      const head = this.freeHead[cls]!
      if (head !== NONE) {
        this.freeHead[cls] = this.words[head >>> OFFSET_BITS]![(head & OFFSET_MASK) + 1]!
        this.freeWords -= size
        h = head
      } else {
        let chunk = this.bumpChunks.length ? this.bumpChunks[this.bumpChunks.length - 1]! : -1
        let at = this.bumpAt
        if (chunk < 0 || at + size > this.words[chunk]!.length) {
          while (this.nextChunk < size) this.nextChunk *= 2
          chunk = this.takeChunk(this.nextChunk)
          this.nextChunk = Math.min(this.nextChunk * 2, MAX_CHUNK_WORDS)
          at = 0
        }
        this.bumpAt = at + size
        this.used[this.used.length - 1] = this.bumpAt
        h = ((chunk << OFFSET_BITS) | at) >>> 0
      }
      this.liveWords += size
    }
    const a = this.words[h >>> OFFSET_BITS]!
    a[h & OFFSET_MASK] = headerWord(cls, payload)
    a[(h & OFFSET_MASK) + 1] = owner
    return h
  }

  release(handle: number): void {
    const chunk = handle >>> OFFSET_BITS
    const a = this.words[chunk]!
    const at = handle & OFFSET_MASK
    const cls = a[at]! >>> CLASS_SHIFT
    if (cls === HUGE) {
      this.allocatedBytes -= a.byteLength
      this.words[chunk] = EMPTY
      this.bytes[chunk] = EMPTY_BYTES
      this.spare.push(chunk)
      return
    }
    a[at] = headerWord(cls, 0)
    a[at + 1] = this.freeHead[cls]!
    this.freeHead[cls] = handle
    const size = this.sizes[cls]!
    this.freeWords += size
    this.liveWords -= size
  }

  /** A third or more of the pool is on free lists (and it is worth the copying). */
  wasteful(): boolean {
    return this.freeWords * 2 > this.liveWords && this.freeWords > 1 << 14
  }

  /**
   * Slides every live block down over the free ones and lets go of emptied
   * chunks; `moved(owner, handle)` gets each moved block's new handle.
   */
  compact(moved: (owner: number, handle: number) => void): void {
    this.freeHead.fill(NONE)
    this.freeWords = 0
    if (this.bumpChunks.length === 0) return
    let di = 0 // destination: bumpChunks[di] at dAt
    let dAt = 0
    const used: number[] = []
    for (let si = 0; si < this.bumpChunks.length; si++) {
      const src = this.words[this.bumpChunks[si]!]!
      const end = this.used[si]!
      for (let at = 0; at < end; ) {
        const word = src[at]!
        const size = this.sizes[word >>> CLASS_SHIFT]!
        if ((word & PAYLOAD_MASK) !== 0) {
          while (dAt + size > this.words[this.bumpChunks[di]!]!.length) {
            used[di] = dAt
            di++
            dAt = 0
          }
          const dc = this.bumpChunks[di]!
          if (dc !== this.bumpChunks[si] || dAt !== at) {
            const dst = this.words[dc]!
            if (dst === src) dst.copyWithin(dAt, at, at + size)
            else dst.set(src.subarray(at, at + size), dAt)
            moved(dst[dAt + 1]!, ((dc << OFFSET_BITS) | dAt) >>> 0)
          }
          dAt += size
        }
        at += size
      }
    }
    used[di] = dAt
    for (let i = di + 1; i < this.bumpChunks.length; i++) {
      const c = this.bumpChunks[i]!
      this.allocatedBytes -= this.words[c]!.byteLength
      this.words[c] = EMPTY
      this.bytes[c] = EMPTY_BYTES
      this.spare.push(c)
    }
    this.bumpChunks = this.bumpChunks.slice(0, di + 1)
    this.used = used.slice(0, di + 1)
    this.bumpAt = dAt
  }

  private takeChunk(words: number): number {
    const c = this.newChunk(words)
    this.bumpChunks.push(c)
    this.used.push(0)
    return c
  }

  private newChunk(words: number): number {
    const w = new Uint32Array(words)
    const b = new Uint8Array(w.buffer)
    this.allocatedBytes += w.byteLength
    const spare = this.spare.pop()
    if (spare !== undefined) {
      this.words[spare] = w
      this.bytes[spare] = b
      return spare
    }
    if (this.words.length >= MAX_CHUNKS) throw new RangeError('RIB storage exhausted (16 GiB per pool)')
    this.words.push(w)
    this.bytes.push(b)
    return this.words.length - 1
  }
}
