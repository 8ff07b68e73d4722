// A path-compressed binary trie (PATRICIA, as in BSD's radix tree) over keys of
// `words` 32-bit words, one per family and shared by every peer: a node per
// key held plus a branching node wherever two keys part, so at most 2n - 1
// nodes for n keys. A node is a record of words + 4 words (key words; length
// and held flag; two children; one word for the owner, the path list) so a
// step down the trie reads one cache line: 20 octets per node for IPv4, 32
// for IPv6. Records live in chunks of 2^14 nodes (the first one grows up to
// that), so a large trie grows without copying and without slack.
//
// Held nodes are also in an open-addressing hash table (linear probing, node
// ids in a Uint32Array kept at most 60% full), so finding an existing key, as
// every withdrawal and every peer after the first does, costs a probe or two
// instead of a walk of some twenty nodes through memory.
//
// Keys are stored with their host bits cleared. A node's key is a prefix of
// every key below it; a branching node (not held) has exactly two children.
// Pre-order (a node, then its 0 side, then its 1 side) is key order: by
// address, a shorter prefix before the longer ones inside it.

const HELD = 0x100
const CHUNK_BITS = 14
const CHUNK_MASK = (1 << CHUNK_BITS) - 1
const CHUNK_NODES = 1 << CHUNK_BITS

export class PrefixTrie {
  readonly words: number
  /** Words per node record: the key, then META, C0, C1, LIST. */
  readonly stride: number
  /** The key of the next insert/find/lookup: the caller writes it here (see keys.ts). */
  readonly qk: Uint32Array
  /** Node records by chunk: node n is at chunks[n >>> 14] from (n & 0x3fff) * stride. */
  private readonly chunks: Uint32Array[]
  private readonly meta: number
  private readonly c0: number
  private readonly c1: number
  /** Offset of the owner's word in a record. */
  readonly list: number
  private root = 0
  private used = 1 // node 0 means none
  private freeList = 0
  /** Nodes in use (held and branching). */
  count = 0
  private slots: Uint32Array = new Uint32Array(64)
  private heldCount = 0
  /** Nodes unhold() left for prune(). */
  private unheld = 0

  constructor(words: number) {
    this.words = words
    this.stride = words + 4
    this.meta = words
    this.c0 = words + 1
    this.c1 = words + 2
    this.list = words + 3
    this.qk = new Uint32Array(words)
    this.chunks = [new Uint32Array(64 * this.stride)]
  }

  storageBytes(): number {
    let n = this.slots.byteLength
    for (const c of this.chunks) n += c.byteLength
    return n
  }

  /** The record array of node n; its record starts at base(n). */
  recordsOf(n: number): Uint32Array {
    return this.chunks[n >>> CHUNK_BITS]!
  }

  base(n: number): number {
    return (n & CHUNK_MASK) * this.stride
  }

  /** The key length of node n. */
  lenOf(n: number): number {
    return this.chunks[n >>> CHUNK_BITS]![(n & CHUNK_MASK) * this.stride + this.meta]! & 0xff
  }

  /** The owner's word of node n (0 until set). */
  listOf(n: number): number {
    return this.chunks[n >>> CHUNK_BITS]![(n & CHUNK_MASK) * this.stride + this.list]!
  }

  setList(n: number, v: number): void {
    this.chunks[n >>> CHUNK_BITS]![(n & CHUNK_MASK) * this.stride + this.list] = v
  }

  /** The held node for qk/len, added if missing. */
  insert(len: number): number {
    const found = this.find(len)
    if (found !== 0) return found
    const n = this.insertWalk(len)
    this.hashAdd(n)
    return n
  }

  private insertWalk(len: number): number {
    const qk = this.qk
    const S = this.stride
    let n = this.root
    if (n === 0) {
      n = this.newNode(len, HELD)
      this.root = n
      return n
    }
    let parent = 0
    for (;;) {
      const a = this.chunks[n >>> CHUNK_BITS]!
      const base = (n & CHUNK_MASK) * S
      const nl = a[base + this.meta]! & 0xff
      const cpl = this.common(a, base, qk, Math.min(nl, len))
      if (cpl < nl) {
        // The key leaves n's path inside n's bits: a new node goes between parent and n.
        let m: number
        let out: number
        const nSide = (a[base + (cpl >>> 5)]! >>> (31 - (cpl & 31))) & 1
        if (cpl === len) {
          m = out = this.newNode(len, HELD)
          this.setChild(m, nSide, n)
        } else {
          m = this.newNode(cpl, 0)
          out = this.newNode(len, HELD)
          this.setChild(m, nSide, n)
          this.setChild(m, nSide ^ 1, out)
        }
        this.replaceChild(parent, n, m)
        return out
      }
      if (nl === len) {
        a[base + this.meta] = nl | HELD
        return n
      }
      const side = (qk[nl >>> 5]! >>> (31 - (nl & 31))) & 1
      const c = a[base + (side ? this.c1 : this.c0)]!
      if (c === 0) {
        const leaf = this.newNode(len, HELD)
        this.setChild(n, side, leaf)
        return leaf
      }
      parent = n
      n = c
    }
  }

  /** The held node for exactly qk/len, or 0. */
  find(len: number): number {
    const slots = this.slots
    const mask = slots.length - 1
    for (let i = this.hashOf(this.qk, 0, len) & mask; ; i = (i + 1) & mask) {
      const n = slots[i]!
      if (n === 0 || this.sameKey(n, len)) return n
    }
  }

  private hashOf(k: Uint32Array, at: number, len: number): number {
    let h = Math.imul(len + 1, 0x9e3779b1)
    for (let w = 0; w < this.words; w++) {
      h = Math.imul(h ^ k[at + w]!, 0x85ebca6b)
      h ^= h >>> 13
    }
    h = Math.imul(h, 0xc2b2ae35)
    return (h ^ (h >>> 16)) >>> 0
  }

  private hashOfNode(n: number): number {
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * this.stride
    return this.hashOf(a, base, a[base + this.meta]! & 0xff)
  }

  private sameKey(n: number, len: number): boolean {
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * this.stride
    if ((a[base + this.meta]! & 0xff) !== len) return false
    for (let w = 0; w < this.words; w++) if (a[base + w] !== this.qk[w]) return false
    return true
  }

  private hashAdd(n: number): void {
    if ((this.heldCount + 1) * 5 > this.slots.length * 3) this.rehash(this.slots.length * 2)
    const slots = this.slots
    const mask = slots.length - 1
    let i = this.hashOfNode(n) & mask
    while (slots[i] !== 0) i = (i + 1) & mask
    slots[i] = n
    this.heldCount++
  }

  /** Removes n from the hash table, shifting back the entries after it (linear probing deletion). */
  private hashRemove(n: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let i = this.hashOfNode(n) & mask
    while (slots[i] !== n) i = (i + 1) & mask
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const m = slots[j]!
      if (m === 0) break
      const home = this.hashOfNode(m) & mask
      // m may fill the hole at i if its home is not in the cyclic range (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[i] = m
        i = j
      }
    }
    slots[i] = 0
    this.heldCount--
  }

  private rehash(size: number): void {
    const old = this.slots
    const slots = new Uint32Array(size)
    const mask = size - 1
    for (let k = 0; k < old.length; k++) {
      const n = old[k]!
      if (n === 0) continue
      let i = this.hashOfNode(n) & mask
      while (slots[i] !== 0) i = (i + 1) & mask
      slots[i] = n
    }
    this.slots = slots
  }

  /** Appends the held nodes whose keys cover qk/len (itself included), shortest first. */
  covering(len: number, out: number[]): void {
    const qk = this.qk
    const S = this.stride
    let n = this.root
    while (n !== 0) {
      const a = this.chunks[n >>> CHUNK_BITS]!
      const base = (n & CHUNK_MASK) * S
      const m = a[base + this.meta]!
      const nl = m & 0xff
      if (nl > len || this.common(a, base, qk, nl) < nl) return
      if (m & HELD) out.push(n)
      if (nl === len) return
      n = a[base + ((qk[nl >>> 5]! >>> (31 - (nl & 31))) & 1 ? this.c1 : this.c0)]!
    }
  }

  /** The highest node whose key is inside qk/len (all of whose subtree is), or 0. */
  top(len: number): number {
    const qk = this.qk
    const S = this.stride
    let n = this.root
    while (n !== 0) {
      const a = this.chunks[n >>> CHUNK_BITS]!
      const base = (n & CHUNK_MASK) * S
      const nl = a[base + this.meta]! & 0xff
      if (nl >= len) return this.common(a, base, qk, len) === len ? n : 0
      if (this.common(a, base, qk, nl) < nl) return 0
      n = a[base + ((qk[nl >>> 5]! >>> (31 - (nl & 31))) & 1 ? this.c1 : this.c0)]!
    }
    return 0
  }

  /** n no longer holds a key: it goes, and a branching parent left with one child goes too. */
  release(n: number): void {
    this.hashRemove(n)
    const S = this.stride
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * S
    a[base + this.meta]! &= 0xff
    a[base + this.list] = 0
    const l = a[base + this.c0]!
    const r = a[base + this.c1]!
    if (l !== 0 && r !== 0) return
    // Find n's parent and grandparent by n's own key.
    let gp = 0
    let p = 0
    let x = this.root
    while (x !== n) {
      gp = p
      p = x
      const xl = this.lenOf(x)
      const side = (a[base + (xl >>> 5)]! >>> (31 - (xl & 31))) & 1
      x = this.childOf(x, side)
    }
    const child = l !== 0 ? l : r
    this.replaceChild(p, n, child)
    this.freeNode(n)
    if (this.count === 0 && this.unheld === 0) this.clear()
    if (p === 0) return
    const pa = this.chunks[p >>> CHUNK_BITS]!
    const pb = (p & CHUNK_MASK) * S
    if ((pa[pb + this.meta]! & HELD) === 0 && (pa[pb + this.c0] === 0 || pa[pb + this.c1] === 0)) {
      this.replaceChild(gp, p, pa[pb + this.c0] || pa[pb + this.c1]!)
      this.freeNode(p)
    }
  }

  /**
   * Like release, for removing many keys at once: n stays in the trie, not
   * held, and prune() takes out all such nodes in one pass. Lookups, walks and
   * inserts work in between.
   */
  unhold(n: number): void {
    this.hashRemove(n)
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * this.stride
    a[base + this.meta]! &= 0xff
    a[base + this.list] = 0
    this.unheld++
  }

  /** Takes out the nodes unhold() left that branch no more (not held, fewer than two children). */
  prune(): void {
    if (this.unheld === 0) return
    this.root = this.pruned(this.root)
    this.unheld = 0
    if (this.count === 0) this.clear()
  }

  /** With no node left, lets go of the storage too. */
  private clear(): void {
    this.chunks.length = 0
    this.chunks.push(new Uint32Array(64 * this.stride))
    this.slots = new Uint32Array(64)
    this.root = 0
    this.used = 1
    this.freeList = 0
  }

  private pruned(n: number): number {
    if (n === 0) return 0
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * this.stride
    const l = this.pruned(a[base + this.c0]!)
    const r = this.pruned(a[base + this.c1]!)
    a[base + this.c0] = l
    a[base + this.c1] = r
    if ((a[base + this.meta]! & HELD) !== 0 || (l !== 0 && r !== 0)) return n
    this.freeNode(n)
    return l !== 0 ? l : r
  }

  /**
   * Held nodes in key order: the subtree of `start` (0: all), or with
   * `afterLen`, every held node after qk/afterLen (qk is read now). Lazy: use
   * it up before the trie changes.
   */
  walk(start: number, afterLen = -1): Generator<number, void, undefined> {
    return this.walking(start, afterLen, this.qk.slice())
  }

  private *walking(start: number, afterLen: number, qk: Uint32Array): Generator<number, void, undefined> {
    // Stack entries are node * 2 + 1 when the node still has to be compared with the bound.
    const S = this.stride
    const stack: number[] = []
    if (afterLen >= 0) {
      if (this.root !== 0) stack.push(this.root * 2 + 1)
    } else {
      const s = start || this.root
      if (s !== 0) stack.push(s * 2)
    }
    while (stack.length) {
      const e = stack.pop()!
      const n = e >>> 1
      const a = this.chunks[n >>> CHUNK_BITS]!
      const base = (n & CHUNK_MASK) * S
      const l = a[base + this.c0]!
      const r = a[base + this.c1]!
      const m = a[base + this.meta]!
      if ((e & 1) === 0) {
        if (r) stack.push(r * 2)
        if (l) stack.push(l * 2)
        if (m & HELD) yield n
        continue
      }
      const nl = m & 0xff
      const lim = Math.min(nl, afterLen)
      const cpl = this.common(a, base, qk, lim)
      if (cpl < lim) {
        // n and the bound part at bit cpl: n's subtree is wholly after or wholly before it.
        const mine = (a[base + (cpl >>> 5)]! >>> (31 - (cpl & 31))) & 1
        if (mine > ((qk[cpl >>> 5]! >>> (31 - (cpl & 31))) & 1)) stack.push(n * 2)
        continue
      }
      if (nl > afterLen) {
        stack.push(n * 2)
        continue
      }
      if (nl === afterLen) {
        if (r) stack.push(r * 2)
        if (l) stack.push(l * 2)
        continue
      }
      // n covers the bound: the side away from it is wholly after (1) or before (0).
      if ((qk[nl >>> 5]! >>> (31 - (nl & 31))) & 1) {
        if (r) stack.push(r * 2 + 1)
      } else {
        if (r) stack.push(r * 2)
        if (l) stack.push(l * 2 + 1)
      }
    }
  }

  /** Bits qk and the key at a[base..] share, up to `limit`. */
  private common(a: Uint32Array, base: number, qk: Uint32Array, limit: number): number {
    for (let w = 0; w * 32 < limit; w++) {
      const x = a[base + w]! ^ qk[w]!
      if (x !== 0) {
        const c = w * 32 + Math.clz32(x)
        return Math.min(c, limit)
      }
    }
    return limit
  }

  private childOf(n: number, side: number): number {
    return this.chunks[n >>> CHUNK_BITS]![(n & CHUNK_MASK) * this.stride + (side ? this.c1 : this.c0)]!
  }

  private setChild(n: number, side: number, child: number): void {
    this.chunks[n >>> CHUNK_BITS]![(n & CHUNK_MASK) * this.stride + (side ? this.c1 : this.c0)] = child
  }

  private replaceChild(p: number, old: number, nu: number): void {
    if (p === 0) {
      this.root = nu
      return
    }
    const a = this.chunks[p >>> CHUNK_BITS]!
    const base = (p & CHUNK_MASK) * this.stride
    if (a[base + this.c0] === old) a[base + this.c0] = nu
    else a[base + this.c1] = nu
  }

  /** A node with qk's first `len` bits as its key. */
  private newNode(len: number, held: number): number {
    const S = this.stride
    let n = this.freeList
    if (n !== 0) this.freeList = this.childOf(n, 0)
    else {
      n = this.used++
      const c = n >>> CHUNK_BITS
      if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK_NODES * S))
      else if (c === 0 && n * S >= this.chunks[0]!.length) {
        const grown = new Uint32Array(Math.min(CHUNK_NODES, n * 2) * S)
        grown.set(this.chunks[0]!)
        this.chunks[0] = grown
      }
    }
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * S
    for (let w = 0; w < this.words; w++) {
      const keep = len - w * 32
      const word = this.qk[w]!
      a[base + w] = keep >= 32 ? word : keep <= 0 ? 0 : (word & (0xffffffff << (32 - keep))) >>> 0
    }
    a[base + this.meta] = len | held
    a[base + this.c0] = 0
    a[base + this.c1] = 0
    a[base + this.list] = 0
    this.count++
    return n
  }

  private freeNode(n: number): void {
    const a = this.chunks[n >>> CHUNK_BITS]!
    const base = (n & CHUNK_MASK) * this.stride
    a[base + this.meta] = 0
    a[base + this.c0] = this.freeList
    a[base + this.c1] = 0
    a[base + this.list] = 0
    this.freeList = n
    this.count--
  }
}
