// One family's routes from every peer: a key index (a prefix index for IP and
// VPN families, a Map from the codec's key text for the others) whose node ids
// name the keys, and per node one list of paths, a block in a WordPool:
//
//   +--------------------------------------------------------------+
//   | class (8) | wide (1) | length (20)  |  node id              |  pool header
//   +--------------------------------------------------------------+
//   | peer << 8 | flags | [path id] | set id | [NLRI index]        |  per path
//   +--------------------------------------------------------------+
//
// A list is narrow (2 words a path) until a path with a non-zero path id
// arrives, then wide (3): without ADD-PATH a path costs 8 octets. Families that
// keep each NLRI object (labels, EVPN fields…) add its index. Paths are sorted
// by peer, then path id, so a peer's paths are found by binary search and a
// lookup reads every peer's paths from one place. Per peer, a bitset over node
// ids says where it has paths: listing, stale marking and removal visit only
// the peer's keys, without a per-path index.
//
// In plain IP families the first path of a key (path id 0) lives in its
// prefix index record instead, in the two words kept for the owner: the path
// words as above, the set id (never 0) telling it from a list's handle (then
// 0). A key one peer sends, most of a full table, costs no block and no
// allocation; a second path moves both into a block.

import type { FamilyCodec, Nlri } from '../bgp/index.ts'
import { KeyMap } from './key-map.ts'
import { chunkOf, HEADER_WORDS, HUGE, offsetOf, sizeClasses, WordPool } from './pool.ts'
import { PrefixIndex } from './prefix-index.ts'

export const STALE = 1
export const LLGR_STALE = 2
export const HAS_PATH_ID = 4
export const ANY_STALE = STALE | LLGR_STALE

const LEN_MASK = 0xfffff
const WIDE = 0x100000
const H = HEADER_WORDS

export type TableKind = 'ip' | 'vpn' | 'map'

const LIST_CLASSES = sizeClasses(H + 2, 18, 1.2)

/** Reports one removed path: its path id (undefined if none was sent), set id and kept NLRI. */
export type RemovedPath = (pathId: number | undefined, set: number, nlri: Nlri | undefined) => void

export class FamilyTable {
  readonly family: string
  readonly afi: number
  readonly safi: number
  readonly key: number
  readonly kind: TableKind
  readonly v6: boolean
  readonly codec: FamilyCodec<Nlri>
  readonly keepNlri: boolean
  readonly trie: PrefixIndex | undefined
  readonly map: KeyMap | undefined
  private readonly nodes: PrefixIndex | KeyMap
  private readonly pool = new WordPool(LIST_CLASSES)
  private readonly nlris: (Nlri | undefined)[] = [undefined]
  private readonly spareNlri: number[] = []
  /** Per peer: a bit per node id where the peer has a path. */
  readonly bits: (Uint32Array | undefined)[] = []
  readonly peerPaths: number[] = []
  readonly peerPrefixes: number[] = []
  readonly peerStale: number[] = []
  paths = 0
  prefixes = 0
  /** Removing many paths: emptied keys wait for tidy() (see PrefixIndex.unhold). */
  bulk = false
  /** The first path of a key may be kept in its index record (see the top). */
  private readonly inline: boolean
  // After list(n): where n's paths are and how they are laid out.
  private la: Uint32Array = new Uint32Array(0)
  private lo = 0
  private ls = 2
  private lw = false

  constructor(family: string, afi: number, safi: number, kind: TableKind, codec: FamilyCodec<Nlri>) {
    this.family = family
    this.afi = afi
    this.safi = safi
    this.key = afi * 256 + safi
    this.kind = kind
    this.v6 = afi === 2
    this.codec = codec
    this.keepNlri = kind !== 'ip' || safi === 4
    const words = (this.v6 ? 4 : 1) + (kind === 'vpn' ? 2 : 0)
    this.trie = kind === 'map' ? undefined : new PrefixIndex(words)
    this.map = kind === 'map' ? new KeyMap() : undefined
    this.nodes = this.trie ?? this.map!
    this.inline = kind === 'ip' && !this.keepNlri
  }

  storageBytes(): number {
    let n = this.pool.allocatedBytes + this.nodes.storageBytes()
    for (const b of this.bits) n += b?.byteLength ?? 0
    return n
  }

  private stride(wide: boolean): number {
    return (wide ? 3 : 2) + (this.keepNlri ? 1 : 0)
  }

  /** The node for the key in trie.qk, added if missing. */
  insertPrefix(len: number): number {
    return this.trie!.insert(len)
  }

  insertKey(key: string): number {
    return this.map!.insert(key)
  }

  /** Makes n's paths readable with the entry accessors below; returns how many there are. */
  list(n: number): number {
    if (this.inline) {
      const trie = this.trie!
      const r = trie.recordsOf(n)
      const at = trie.base(n) + trie.list
      if (r[at + 1] !== 0) {
        this.la = r
        this.lo = at
        this.lw = false
        this.ls = 2
        return 1
      }
    }
    const ref = this.nodes.listOf(n)
    if (ref === 0) return 0
    const h = ref - 1
    const a = this.pool.words[chunkOf(h)]!
    const o = offsetOf(h)
    const header = a[o]!
    this.la = a
    this.lo = o + H
    this.lw = (header & WIDE) !== 0
    this.ls = this.stride(this.lw)
    return header & LEN_MASK
  }

  entryPeer(i: number): number {
    return this.la[this.lo + i * this.ls]! >>> 8
  }

  entryFlags(i: number): number {
    return this.la[this.lo + i * this.ls]! & 0xff
  }

  entryPathId(i: number): number {
    return this.lw ? this.la[this.lo + i * this.ls + 1]! : 0
  }

  entrySet(i: number): number {
    return this.la[this.lo + i * this.ls + (this.lw ? 2 : 1)]!
  }

  entryNlri(i: number): Nlri | undefined {
    return this.keepNlri ? this.nlris[this.la[this.lo + i * this.ls + this.ls - 1]!] : undefined
  }

  hasPeer(peer: number, n: number): boolean {
    const b = this.bits[peer]
    return b !== undefined && n >>> 5 < b.length && (b[n >>> 5]! & (1 << (n & 31))) !== 0
  }

  private ensurePeer(peer: number): void {
    while (this.peerPaths.length <= peer) {
      this.peerPaths.push(0)
      this.peerPrefixes.push(0)
      this.peerStale.push(0)
      this.bits.push(undefined)
    }
  }

  private setBit(peer: number, n: number): void {
    let b = this.bits[peer]
    if (b === undefined || n >>> 5 >= b.length) {
      const nb = new Uint32Array(Math.max(2 * (b?.length ?? 1), (n >>> 5) + 1))
      if (b) nb.set(b)
      this.bits[peer] = b = nb
    }
    b[n >>> 5]! |= 1 << (n & 31)
    this.peerPrefixes[peer]!++
  }

  private clearBit(peer: number, n: number): void {
    this.bits[peer]![n >>> 5]! &= ~(1 << (n & 31))
    this.peerPrefixes[peer]!--
  }

  /** Index of (peer, pathId) among the `len` paths at a[o..] (stride s), or -(insertion point + 1). */
  private search(
    a: Uint32Array,
    o: number,
    len: number,
    s: number,
    wide: boolean,
    peer: number,
    pathId: number,
  ): number {
    let lo = 0
    let hi = len - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const e = o + mid * s
      const p = a[e]! >>> 8
      const id = wide ? a[e + 1]! : 0
      if (p < peer || (p === peer && id < pathId)) lo = mid + 1
      else if (p === peer && id === pathId) return mid
      else hi = mid - 1
    }
    return -(lo + 1)
  }

  /** A new block of node n for `len` paths (room for at least `room`), copied from a[o..] with a gap at `gap` (-1: none). */
  private move(
    n: number,
    a: Uint32Array,
    o: number,
    len: number,
    fromWide: boolean,
    wide: boolean,
    room: number,
    gap: number,
  ): number {
    const s = this.stride(wide)
    const words = H + room * s
    const cls = this.pool.classFor(words)
    const total = gap >= 0 ? len + 1 : len
    const h = this.pool.alloc(
      cls,
      total | (wide ? WIDE : 0),
      n,
      cls === HUGE ? H + Math.ceil(room * 1.25) * s : words,
    )
    const na = this.pool.words[chunkOf(h)]!
    const no = offsetOf(h) + H
    if (fromWide === wide) {
      const fs = this.stride(fromWide)
      // Word loops: lists are short, and subarray + set costs more than copying them.
      const cut = gap < 0 ? len * fs : gap * fs
      for (let i = 0; i < cut; i++) na[no + i] = a[o + i]!
      for (let i = cut, j = cut + s; i < len * fs; i++, j++) na[no + j] = a[o + i]!
      return h
    }
    // Narrow to wide: each path gets path id 0.
    const fs = this.stride(false)
    for (let i = 0, j = 0; i < len; i++, j++) {
      if (j === gap) j++
      const from = o + i * fs
      const to = no + j * s
      na[to] = a[from]!
      na[to + 1] = 0
      for (let k = 1; k < fs; k++) na[to + 1 + k] = a[from + k]!
    }
    return h
  }

  /** Takes out index entries a bulk removal left; compacts the path lists when a third of their storage is free blocks. */
  tidy(): void {
    this.trie?.prune()
    if (!this.pool.wasteful()) return
    this.pool.compact((n, h) => this.nodes.setList(n, h + 1))
  }

  /**
   * Adds or replaces the path (peer, pathId) at node n; returns the set id it
   * replaced, or 0 if the path is new. A replaced path is no longer stale.
   */
  put(
    n: number,
    peer: number,
    pathId: number,
    hasPathId: boolean,
    set: number,
    nlri: Nlri | undefined,
  ): number {
    const word0 = ((peer << 8) | (hasPathId ? HAS_PATH_ID : 0)) >>> 0
    if (this.inline) {
      const trie = this.trie!
      const r = trie.recordsOf(n)
      const at = trie.base(n) + trie.list
      const inlineSet = r[at + 1]!
      if (inlineSet !== 0) {
        const w0 = r[at]!
        if (w0 >>> 8 === peer && pathId === 0) {
          // The same path again: replaced in place.
          if (w0 & ANY_STALE) this.peerStale[peer]!--
          r[at] = word0
          r[at + 1] = set
          return inlineSet
        }
        // A second path: the first moves into a block with room for both.
        const wide = pathId !== 0
        const h = this.move(n, r, at, 1, false, wide, 2, -1)
        r[at] = h + 1
        r[at + 1] = 0
      } else if (r[at] === 0 && pathId === 0) {
        r[at] = word0
        r[at + 1] = set
        this.prefixes++
        this.paths++
        this.ensurePeer(peer)
        this.peerPaths[peer]!++
        this.setBit(peer, n)
        return 0
      }
    }
    const ref = this.nodes.listOf(n)
    let h: number
    let at: number
    let wide: boolean
    if (ref === 0) {
      wide = pathId !== 0
      h = this.move(n, this.la, 0, 0, wide, wide, 1, 0)
      this.nodes.setList(n, h + 1)
      at = 0
      this.prefixes++
    } else {
      h = ref - 1
      let a = this.pool.words[chunkOf(h)]!
      let o = offsetOf(h)
      let header = a[o]!
      const len = header & LEN_MASK
      wide = (header & WIDE) !== 0
      if (!wide && pathId !== 0) {
        // The first non-zero path id at this key: the list becomes wide.
        const nh = this.move(n, a, o + H, len, false, true, len, -1)
        this.pool.release(h)
        h = nh
        this.nodes.setList(n, h + 1)
        a = this.pool.words[chunkOf(h)]!
        o = offsetOf(h)
        header = a[o]!
        wide = true
      }
      const s = this.stride(wide)
      const i = this.search(a, o + H, len, s, wide, peer, pathId)
      if (i >= 0) {
        const e = o + H + i * s
        const old = a[e + (wide ? 2 : 1)]!
        if (a[e]! & ANY_STALE) this.peerStale[peer]!--
        a[e] = word0
        a[e + (wide ? 2 : 1)] = set
        if (this.keepNlri) this.nlris[a[e + s - 1]!] = nlri
        return old
      }
      at = -i - 1
      if (H + (len + 1) * s > this.pool.capacity(h, header >>> 24)) {
        const nh = this.move(n, a, o + H, len, wide, wide, len + 1, at)
        this.pool.release(h)
        h = nh
        this.nodes.setList(n, h + 1)
      } else {
        a.copyWithin(o + H + (at + 1) * s, o + H + at * s, o + H + len * s)
        a[o] = header + 1
      }
    }
    const a = this.pool.words[chunkOf(h)]!
    const s = this.stride(wide)
    const e = offsetOf(h) + H + at * s
    a[e] = word0
    if (wide) a[e + 1] = pathId
    a[e + (wide ? 2 : 1)] = set
    if (this.keepNlri) {
      const idx = this.spareNlri.pop() ?? this.nlris.length
      if (idx === this.nlris.length) this.nlris.push(nlri)
      else this.nlris[idx] = nlri
      a[e + s - 1] = idx
    }
    this.paths++
    this.ensurePeer(peer)
    this.peerPaths[peer]!++
    if (!this.hasPeer(peer, n)) this.setBit(peer, n)
    return 0
  }

  /** Removes the path (peer, pathId) at n; returns its set id, or 0 if there was none. */
  remove(n: number, peer: number, pathId: number): number {
    const len = this.list(n)
    if (len === 0 || (pathId !== 0 && !this.lw)) return 0
    const i = this.search(this.la, this.lo, len, this.ls, this.lw, peer, pathId)
    return i < 0 ? 0 : this.removeAt(n, i, undefined)
  }

  /** The index of the peer's first path at n (after list(n)). */
  private firstOf(len: number, peer: number): number {
    const i = this.search(this.la, this.lo, len, this.ls, this.lw, peer, 0)
    return i < 0 ? -i - 1 : i
  }

  /**
   * Removes the peer's paths at n (only the stale ones with `staleOnly`),
   * reporting each; returns how many. n may be gone afterwards.
   */
  removePeer(n: number, peer: number, staleOnly: boolean, report: RemovedPath): number {
    let len = this.list(n)
    if (len === 0) return 0
    let i = this.firstOf(len, peer)
    let removed = 0
    while (i < len) {
      const w0 = this.la[this.lo + i * this.ls]!
      if (w0 >>> 8 !== peer) break
      if (staleOnly && (w0 & ANY_STALE) === 0) {
        i++
        continue
      }
      this.removeAt(n, i, report)
      removed++
      len = this.list(n)
    }
    return removed
  }

  /**
   * Sets `flags` on the peer's paths at n; paths whose set `drop` says so are
   * removed instead and reported. Returns how many were newly marked.
   */
  markPeer(
    n: number,
    peer: number,
    flags: number,
    drop?: (set: number) => boolean,
    report?: RemovedPath,
  ): number {
    let len = this.list(n)
    let i = this.firstOf(len, peer)
    let marked = 0
    while (i < len) {
      const e = this.lo + i * this.ls
      const w0 = this.la[e]!
      if (w0 >>> 8 !== peer) break
      if (drop?.(this.entrySet(i))) {
        this.removeAt(n, i, report)
        len = this.list(n)
        continue
      }
      if ((w0 & flags) !== flags) {
        if ((w0 & ANY_STALE) === 0) this.peerStale[peer]!++
        this.la[e] = w0 | flags
        marked++
      }
      i++
    }
    return marked
  }

  /** Removes n's path kept in its index record (see the top). */
  private removeInline(n: number, report: RemovedPath | undefined): number {
    const trie = this.trie!
    const r = trie.recordsOf(n)
    const at = trie.base(n) + trie.list
    const w0 = r[at]!
    const set = r[at + 1]!
    const peer = w0 >>> 8
    if (w0 & ANY_STALE) this.peerStale[peer]!--
    r[at] = 0
    r[at + 1] = 0
    this.paths--
    this.peerPaths[peer]!--
    this.clearBit(peer, n)
    report?.(w0 & HAS_PATH_ID ? 0 : undefined, set, undefined)
    this.prefixes--
    if (this.bulk) trie.unhold(n)
    else trie.release(n)
    return set
  }

  /** n's one path is kept in its index record. */
  private isInline(n: number): boolean {
    if (!this.inline) return false
    const trie = this.trie!
    return trie.recordsOf(n)[trie.base(n) + trie.list + 1] !== 0
  }

  private removeAt(n: number, i: number, report: RemovedPath | undefined): number {
    if (this.isInline(n)) return this.removeInline(n, report)
    this.list(n)
    const h = this.nodes.listOf(n) - 1
    const a = this.la
    const o = this.lo
    const s = this.ls
    const wide = this.lw
    const header = a[o - H]!
    const len = header & LEN_MASK
    const cls = header >>> 24
    const e = o + i * s
    const w0 = a[e]!
    const peer = w0 >>> 8
    const pathId = wide ? a[e + 1]! : 0
    const set = a[e + (wide ? 2 : 1)]!
    let nlri: Nlri | undefined
    if (this.keepNlri) {
      const idx = a[e + s - 1]!
      nlri = this.nlris[idx]
      this.nlris[idx] = undefined
      this.spareNlri.push(idx)
    }
    if (w0 & ANY_STALE) this.peerStale[peer]!--
    a.copyWithin(e, e + s, o + len * s)
    const left = len - 1
    a[o - H] = header - 1
    this.paths--
    this.peerPaths[peer]!--
    const before = i > 0 && a[e - s]! >>> 8 === peer
    const after = i < left && a[e]! >>> 8 === peer
    if (!before && !after) this.clearBit(peer, n)
    report?.(w0 & HAS_PATH_ID ? pathId : undefined, set, nlri)
    if (left === 0) {
      this.pool.release(h)
      this.prefixes--
      this.nodes.setList(n, 0)
      if (!this.trie) this.map!.release(n)
      else if (this.bulk) this.trie.unhold(n)
      else this.trie.release(n)
    } else if (cls !== 0 && (H + left * s) * 2 < this.pool.capacity(h, cls)) {
      const nh = this.move(n, a, o, left, wide, wide, left, -1)
      this.pool.release(h)
      this.nodes.setList(n, nh + 1)
    }
    return set
  }

  /** Node ids where the peer has paths, from its bitset (ids may be reused after removals). */
  *peerNodes(peer: number): Generator<number, void, undefined> {
    const b = this.bits[peer]
    if (!b) return
    for (let w = 0; w < b.length; w++) {
      let x = b[w]! | 0
      while (x !== 0) {
        const low = x & -x
        x ^= low
        const n = w * 32 + 31 - Math.clz32(low)
        if (this.hasPeer(peer, n)) yield n
      }
    }
  }
}
