// Interned attribute sets: one copy of each distinct set, shared by every path
// that carries it, reference-counted per path and freed with its last path.
//
// A set is identified by its bytes, laid out as
//
//   +-----------+-------------+-----------------+--------------------------------+
//   | flags (1) | NH length(1)| next hop (var.) | path attributes (var.)         |
//   +-----------+-------------+-----------------+--------------------------------+
//
// flags bit 0: the session had 4-octet AS numbers (RFC 6793), which decides
// how AS_PATH and AGGREGATOR are read. The next hop is the family's (NEXT_HOP's
// value for the IPv4 NLRI field, MP_REACH_NLRI's next hop field otherwise, RFC
// 4760 §3); the attributes are the UPDATE's path attribute section without
// MP_REACH_NLRI and MP_UNREACH_NLRI, in the order received.
//
// Everything is in typed arrays: the bytes in a WordPool block (after the
// pool's two header words: class and length, set id), and per set id one
// record of its block, reference count, hash and hash-chain link (together,
// so that a step along a hash chain reads one place): ~24 octets per set plus
// its bytes rounded up to 4, and a hash bucket. Decoded attributes are cached
// for a bounded number of sets, for lookups.

import { codecContext, decodeAttributeList, type RouteAttributes, routeAttributes } from '../bgp/index.ts'
import { reader } from '../wire/reader.ts'
import { chunkOf, HEADER_WORDS, offsetOf, payloadOfHeader, sizeClasses, WordPool } from './pool.ts'

export const SET_ASN4 = 1
/** Octets before the next hop in a set's bytes. */
export const SET_HEADER = 2

const CTX2 = codecContext({ asn4: false })
const CTX4 = codecContext({ asn4: true })

/** Per set id: REF (block handle + 1; 0: no such set), RC, HASH, NEXT (hash chain). */
const REF = 0
const RC = 1
const HASH = 2
const NEXT = 3
const RECORD = 4

/**
 * A hash of b[start..end): FNV-1a's step over four octets at a time (each
 * step a bijection of the state, so sets one word apart never collide), then
 * murmur3's finalizer to spread the high bits into the bucket index.
 */
function hashWords(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start)
  let i = start
  for (; i + 4 <= end; i += 4)
    h = Math.imul(h ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)), 0x01000193)
  for (; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** dst[at..] = src[start..end): a loop, cheaper than subarray + set for the few dozen octets of a set. */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  for (let i = start; i < end; i++) dst[at++] = src[i]!
}

function grown(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size)
  b.set(a)
  return b
}

export class AttributeSets {
  private readonly pool = new WordPool(sizeClasses(HEADER_WORDS + 1, 130, 1.125))
  /** The record of set id at id * RECORD. */
  private sets: Uint32Array = new Uint32Array(64 * RECORD)
  private buckets: Uint32Array = new Uint32Array(64)
  private used = 1 // id 0 is never a set
  private freeHead = 0
  /** Sets held. */
  count = 0
  /** Octets of set bytes held. */
  bytes = 0
  /** Bumped whenever a set is freed (a query result made before can tell). */
  epoch = 0
  private readonly cache = new Map<number, RouteAttributes>()
  private readonly cacheLimit: number

  constructor(cacheLimit: number) {
    this.cacheLimit = Math.max(1, cacheLimit)
  }

  /** Octets of the typed arrays. */
  storageBytes(): number {
    return this.pool.allocatedBytes + this.sets.byteLength + this.buckets.byteLength
  }

  /** The id of the set with bytes src[start..end), added (with no references) if new. */
  intern(src: Uint8Array, start: number, end: number): number {
    const n = end - start
    const h = hashWords(src, start, end)
    let r = this.sets
    let id = this.buckets[h & (this.buckets.length - 1)]!
    while (id !== 0) {
      if (r[id * RECORD + HASH] === h && this.equals(id, src, start, n)) return id
      id = r[id * RECORD + NEXT]!
    }
    if (this.freeHead !== 0) {
      id = this.freeHead
      this.freeHead = r[id * RECORD + NEXT]!
    } else {
      id = this.used++
      if ((id + 1) * RECORD > r.length) r = this.sets = grown(r, r.length * 2)
    }
    const words = HEADER_WORDS + ((n + 3) >>> 2)
    const handle = this.pool.alloc(this.pool.classFor(words), n, id, words)
    copyBytes(src, start, end, this.pool.bytes[chunkOf(handle)]!, (offsetOf(handle) + HEADER_WORDS) * 4)
    const b = h & (this.buckets.length - 1)
    const at = id * RECORD
    r[at + REF] = handle + 1
    r[at + RC] = 0
    r[at + HASH] = h
    r[at + NEXT] = this.buckets[b]!
    this.buckets[b] = id
    this.count++
    this.bytes += n
    if (this.count > this.buckets.length) this.rehash(this.buckets.length * 2)
    return id
  }

  has(id: number): boolean {
    return id > 0 && id < this.used && this.sets[id * RECORD + REF] !== 0
  }

  hashOf(id: number): number {
    return this.sets[id * RECORD + HASH]!
  }

  retain(id: number): void {
    this.sets[id * RECORD + RC]!++
  }

  /** Drops one reference; frees the set with its last. */
  release(id: number): void {
    if (--this.sets[id * RECORD + RC]! === 0) this.free(id)
  }

  /** Frees a set that `intern` added but no path took. */
  releaseIfUnused(id: number): void {
    if (this.sets[id * RECORD + RC] === 0 && this.sets[id * RECORD + REF] !== 0) this.free(id)
  }

  /** Compacts the set bytes when a third of their storage is free blocks. */
  tidy(): void {
    if (!this.pool.wasteful()) return
    this.pool.compact((id, h) => {
      this.sets[id * RECORD + REF] = h + 1
    })
  }

  /** The set's bytes, as a view into the RIB's storage: valid until the next change. */
  view(id: number): Uint8Array {
    const h = this.sets[id * RECORD + REF]! - 1
    const words = this.pool.words[chunkOf(h)]!
    const at = (offsetOf(h) + HEADER_WORDS) * 4
    return this.pool.bytes[chunkOf(h)]!.subarray(at, at + payloadOfHeader(words[offsetOf(h)]!))
  }

  /** The decoded attributes of a set, cached. */
  decoded(id: number): RouteAttributes {
    let a = this.cache.get(id)
    if (a) return a
    a = decodeSetAttributes(this.view(id))
    if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(id, a)
    return a
  }

  private free(id: number): void {
    const r = this.sets
    const rec = id * RECORD
    const b = r[rec + HASH]! & (this.buckets.length - 1)
    let at = this.buckets[b]!
    if (at === id) this.buckets[b] = r[rec + NEXT]!
    else {
      while (r[at * RECORD + NEXT] !== id) at = r[at * RECORD + NEXT]!
      r[at * RECORD + NEXT] = r[rec + NEXT]!
    }
    this.bytes -= this.view(id).length
    this.pool.release(r[rec + REF]! - 1)
    r[rec + REF] = 0
    r[rec + NEXT] = this.freeHead
    this.freeHead = id
    this.count--
    this.epoch++
    this.cache.delete(id)
  }

  private equals(id: number, src: Uint8Array, start: number, n: number): boolean {
    const h = this.sets[id * RECORD + REF]! - 1
    if (payloadOfHeader(this.pool.words[chunkOf(h)]![offsetOf(h)]!) !== n) return false
    const mine = this.pool.bytes[chunkOf(h)]!
    const at = (offsetOf(h) + HEADER_WORDS) * 4
    for (let i = 0; i < n; i++) if (mine[at + i] !== src[start + i]) return false
    return true
  }

  private rehash(size: number): void {
    const buckets = new Uint32Array(size)
    const r = this.sets
    for (let id = 1; id < this.used; id++) {
      const rec = id * RECORD
      if (r[rec + REF] === 0) continue
      const b = r[rec + HASH]! & (size - 1)
      r[rec + NEXT] = buckets[b]!
      buckets[b] = id
    }
    this.buckets = buckets
  }
}

/** Decodes the attribute part of a set's bytes as `routeAttributes` does. */
export function decodeSetAttributes(set: Uint8Array): RouteAttributes {
  const asn4 = (set[0]! & SET_ASN4) !== 0
  const ctx = asn4 ? CTX4 : CTX2
  const start = SET_HEADER + set[1]!
  const list = decodeAttributeList(reader(set, start, set.length), ctx, { base: start, list: [] })
  return routeAttributes(list, ctx)
}
