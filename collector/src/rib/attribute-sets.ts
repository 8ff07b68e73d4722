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
// pool's two header words: class and length, set id), and per set id its
// block, reference count, hash and hash-chain link: ~24 octets per set plus
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

function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
  return h >>> 0
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
  /** Block handle + 1 per set id; 0: no such set. */
  private ref: Uint32Array = new Uint32Array(64)
  private rc: Uint32Array = new Uint32Array(64)
  private hash: Uint32Array = new Uint32Array(64)
  private next: Uint32Array = new Uint32Array(64)
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
    return this.pool.allocatedBytes + this.ref.byteLength * 4 + this.buckets.byteLength
  }

  /** The id of the set with bytes src[start..end), added (with no references) if new. */
  intern(src: Uint8Array, start: number, end: number): number {
    const n = end - start
    const h = fnv1a(src, start, end)
    let id = this.buckets[h & (this.buckets.length - 1)]!
    while (id !== 0) {
      if (this.hash[id] === h && this.equals(id, src, start, n)) return id
      id = this.next[id]!
    }
    if (this.freeHead !== 0) {
      id = this.freeHead
      this.freeHead = this.next[id]!
    } else {
      id = this.used++
      if (id >= this.ref.length) this.grow(this.ref.length * 2)
    }
    const words = HEADER_WORDS + ((n + 3) >>> 2)
    const handle = this.pool.alloc(this.pool.classFor(words), n, id, words)
    copyBytes(src, start, end, this.pool.bytes[chunkOf(handle)]!, (offsetOf(handle) + HEADER_WORDS) * 4)
    this.ref[id] = handle + 1
    this.rc[id] = 0
    this.hash[id] = h
    const b = h & (this.buckets.length - 1)
    this.next[id] = this.buckets[b]!
    this.buckets[b] = id
    this.count++
    this.bytes += n
    if (this.count > this.buckets.length) this.rehash(this.buckets.length * 2)
    return id
  }

  has(id: number): boolean {
    return id > 0 && id < this.used && this.ref[id] !== 0
  }

  hashOf(id: number): number {
    return this.hash[id]!
  }

  retain(id: number): void {
    this.rc[id]!++
  }

  /** Drops one reference; frees the set with its last. */
  release(id: number): void {
    if (--this.rc[id]! === 0) this.free(id)
  }

  /** Frees a set that `intern` added but no path took. */
  releaseIfUnused(id: number): void {
    if (this.rc[id] === 0 && this.ref[id] !== 0) this.free(id)
  }

  /** Compacts the set bytes when a third of their storage is free blocks. */
  tidy(): void {
    if (!this.pool.wasteful()) return
    this.pool.compact((id, h) => {
      this.ref[id] = h + 1
    })
  }

  /** The set's bytes, as a view into the RIB's storage: valid until the next change. */
  view(id: number): Uint8Array {
    const h = this.ref[id]! - 1
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
    const b = this.hash[id]! & (this.buckets.length - 1)
    let at = this.buckets[b]!
    if (at === id) this.buckets[b] = this.next[id]!
    else {
      while (this.next[at] !== id) at = this.next[at]!
      this.next[at] = this.next[id]!
    }
    this.bytes -= this.view(id).length
    this.pool.release(this.ref[id]! - 1)
    this.ref[id] = 0
    this.next[id] = this.freeHead
    this.freeHead = id
    this.count--
    this.epoch++
    this.cache.delete(id)
  }

  private equals(id: number, src: Uint8Array, start: number, n: number): boolean {
    const h = this.ref[id]! - 1
    if (payloadOfHeader(this.pool.words[chunkOf(h)]![offsetOf(h)]!) !== n) return false
    const mine = this.pool.bytes[chunkOf(h)]!
    const at = (offsetOf(h) + HEADER_WORDS) * 4
    for (let i = 0; i < n; i++) if (mine[at + i] !== src[start + i]) return false
    return true
  }

  private grow(size: number): void {
    this.ref = grown(this.ref, size)
    this.rc = grown(this.rc, size)
    this.hash = grown(this.hash, size)
    this.next = grown(this.next, size)
  }

  private rehash(size: number): void {
    const buckets = new Uint32Array(size)
    for (let id = 1; id < this.used; id++) {
      if (this.ref[id] === 0) continue
      const b = this.hash[id]! & (size - 1)
      this.next[id] = buckets[b]!
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
