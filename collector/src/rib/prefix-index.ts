// The prefix index of one IP or VPN family, shared by every peer. Keys are
// `words` 32-bit words (see keys.ts) and a length in bits, host bits cleared.
// Three parts, all in typed arrays:
//
//  - Node records, one per key: its words, then its length and flags, then
//    two words for the owner (the family's path list, or its one path). A
//    node id names a key for the whole RIB (path lists, per-peer bitsets) as
//    long as it is held. Records live in chunks of 2^14 (the first one grows
//    up to that).
//
//  - A hash table of the node ids (open addressing, linear probing, at most
//    60% full): finding a key, as every UPDATE does for each of its
//    prefixes, costs a probe or two. A slot keeps 8 more bits of the key's
//    hash beside the node id, so a probe past other keys reads no record.
//
//  - A B+tree of (key words, node id << 8 | length) entries in key order:
//    by the words, then the length, which is a binary trie's pre-order (a
//    prefix before the longer ones inside it). Its blocks hold ~1 KiB of
//    entries each; internal blocks hold the first key of each child; blocks
//    of one level are linked in key order, and walks follow the links.
//
// The B+tree is the order of the keys, which only walks need; lookups by key
// and by covering prefix use the hash table. So it is kept up to date lazily:
// a new key is held (found, counted) at once, and its entry waits in a list
// of pending entries for the next walk, which merges them into the tree in
// key order (sorted by a radix sort, an octet at a time). When many keys
// arrive before any walk (2^16, as in a table transfer), the list and the
// tree are let go altogether, and the next walk builds the tree again from
// the node records: one sort and one pass, where keeping it current would
// cost a leaf read at random per key (a full table arrives in no useful
// order). A table loaded at wire speed thus costs its hash table and its
// records only; the first walk after it takes some 100 ms per million keys,
// unless prepare() has built the tree in steps before (an exporter does, a
// few milliseconds at a time, while the index goes on changing).
//
// More-specifics and walks read the B+tree; less-specifics and longest match
// probe the hash table once per length held (a count per length says which),
// shortest first.
//
// Removing many keys at once (a peer's session going down) unholds them
// instead: a key stays in the hash table and in the B+tree, not held, until
// prune() takes all such keys out in one pass. Added again before that, it
// is held again, with its node id.

/** Node flags, in the META word after the length (8 bits). */
const HELD = 0x100
/** Unheld, waiting for prune(). */
const UNHELD = 0x200
/** A node's index in the pending list (if it is there, see pendingAt) is in the META bits from here. */
const PENDING_SHIFT = 12
/** Pending entries beyond which the tree is built again rather than kept up to date. */
const BATCH = 1 << 16
const NODE_BITS = 14
const NODE_MASK = (1 << NODE_BITS) - 1
const NODE_CHUNK = 1 << NODE_BITS
/** Node ids and block ids share a word with a length in B+tree entries. */
const MAX_IDS = 1 << 24
const ID_MASK = MAX_IDS - 1

/** B+tree block header: entry count, previous and next block of the same level. */
const COUNT = 0
const PREV = 1
const NEXT = 2
const BLOCK_HEADER = 3
/** Words per block: 1 KiB. */
const BLOCK_WORDS = 256
const BLOCK_BITS = 8
const BLOCK_MASK = (1 << BLOCK_BITS) - 1
const BLOCK_CHUNK = 1 << BLOCK_BITS
/** The deepest B+tree this can hold (fan-out ≥ 36 reaches 2^24 entries in 5 levels). */
const MAX_HEIGHT = 16

/** Entries per step of a job (a few milliseconds). */
const JOB_STEP = 1 << 15

/**
 * Building the B+tree from every node in use, in steps (prepare()): the
 * radix sort of sortPending() a digit's count or scatter at a time, then the
 * leaves, then the levels above. Meanwhile the index works as with the tree
 * let go (lookups use the hash table); nodes dropped keep their ids until the
 * end, so that an entry never names another key.
 */
interface OrderJob {
  readonly m: number
  from: Uint32Array
  to: Uint32Array
  /** The radix digit (0: the length, then the key's octets from the last), past the last: the leaves. */
  digit: number
  counting: boolean
  /** Progress, in words of the entry arrays. */
  at: number
  readonly counts: Int32Array
  /** The block being filled, and the blocks of the level being built. */
  cur: number
  level: number[]
}

export class PrefixIndex {
  readonly words: number
  /** Words per node record: the key, then META, then the owner's two words (LIST). */
  readonly stride: number
  /** The key of the next insert/find/lookup: the caller writes it here (see keys.ts). */
  readonly qk: Uint32Array
  private readonly meta: number
  /** Offset of the owner's two words in a record. */
  readonly list: number
  private readonly nodes: Uint32Array[]
  private usedNodes = 1 // node 0 means none
  private freeNode = 0
  /** Nodes in use (held, and unheld ones waiting for prune()), each in the hash table. */
  count = 0
  /** Nodes made so far (keys new to the index): how fast keys arrive. */
  added = 0
  private slots: Uint32Array = new Uint32Array(64)
  /** Held keys per length. */
  private readonly lengths: Int32Array
  /** Unheld nodes waiting for prune(). */
  private unheld: number[] = []
  /**
   * Whether the B+tree holds every node in use but those in the pending list;
   * if not, the next walk builds it again from the records.
   */
  private ordered = true
  /** B+tree entries of the nodes not in it yet, and a scratch list as long for sorting them. */
  private pending: Uint32Array
  private sorting: Uint32Array
  private pendingCount = 0
  private readonly digits = new Int32Array(257)

  /** Words per B+tree entry: the key, then node (or child block) id << 8 | length. */
  private readonly entry: number
  /** Entries per block. */
  private readonly cap: number
  private blocks: Uint32Array[] = []
  private usedBlocks = 1 // block 0 means none
  private freeBlock = 0
  private root = 0
  /** Levels above the leaves. */
  private height = 0
  /** B+tree entries (held or not). */
  private entries = 0
  private leaves = 0
  /** The path of the last descent: block and entry index per level (0: leaf). */
  private readonly pathBlock = new Int32Array(MAX_HEIGHT)
  private readonly pathAt = new Int32Array(MAX_HEIGHT)
  /** Scratch keys. */
  private readonly ck: Uint32Array
  private readonly sep: Uint32Array
  /** Splits so far (a merge re-descends after one). */
  private splits = 0
  private fenceBlock = 0
  private fenceAt = 0

  /** Pending entries beyond which the tree is let go (BATCH; tests make it small). */
  private readonly batch: number

  /** The B+tree being built in steps (prepare()) while it is let go; see OrderJob. */
  private job: OrderJob | undefined
  /** During a job: nodes added (they go into the pending list at its end). */
  private jobAdded: number[] = []
  /** During a job: nodes dropped, with their lengths (node, length, …); their ids are not reused until its end. */
  private jobFreed: number[] = []

  /** Entries per step of a job (JOB_STEP; tests make it small). */
  private readonly jobStep: number

  constructor(words: number, batch = BATCH, jobStep = JOB_STEP) {
    this.words = words
    this.batch = batch
    this.jobStep = jobStep
    this.stride = words + 3
    this.meta = words
    this.list = words + 1
    this.qk = new Uint32Array(words)
    this.ck = new Uint32Array(words)
    this.sep = new Uint32Array(words)
    this.nodes = [new Uint32Array(64 * this.stride)]
    this.lengths = new Int32Array(words * 32 + 1)
    this.entry = words + 1
    this.cap = Math.floor((BLOCK_WORDS - BLOCK_HEADER) / this.entry)
    this.pending = new Uint32Array(64 * this.entry)
    this.sorting = new Uint32Array(64 * this.entry)
  }

  storageBytes(): number {
    let n = this.slots.byteLength + this.pending.byteLength + this.sorting.byteLength
    for (const c of this.nodes) n += c.byteLength
    for (const c of this.blocks) n += c.byteLength
    return n
  }

  // --- node records ------------------------------------------------------------

  /** The record array of node n; its record starts at base(n). */
  recordsOf(n: number): Uint32Array {
    return this.nodes[n >>> NODE_BITS]!
  }

  base(n: number): number {
    return (n & NODE_MASK) * this.stride
  }

  /** The key length of node n. */
  lenOf(n: number): number {
    return this.nodes[n >>> NODE_BITS]![(n & NODE_MASK) * this.stride + this.meta]! & 0xff
  }

  /** The owner's first word of node n (0 until set). */
  listOf(n: number): number {
    return this.nodes[n >>> NODE_BITS]![(n & NODE_MASK) * this.stride + this.list]!
  }

  setList(n: number, v: number): void {
    this.nodes[n >>> NODE_BITS]![(n & NODE_MASK) * this.stride + this.list] = v
  }

  private metaOf(n: number): number {
    return this.nodes[n >>> NODE_BITS]![(n & NODE_MASK) * this.stride + this.meta]!
  }

  private isHeld(n: number): boolean {
    return (this.metaOf(n) & HELD) !== 0
  }

  /** A held node with qk's first `len` bits as its key. */
  private newNode(len: number): number {
    const S = this.stride
    let n = this.freeNode
    if (n !== 0) this.freeNode = this.nodes[n >>> NODE_BITS]![(n & NODE_MASK) * S]!
    else {
      n = this.usedNodes
      if (n >= MAX_IDS) throw new RangeError('rib: more than 2^24 keys in one family')
      this.usedNodes++
      const c = n >>> NODE_BITS
      if (c === this.nodes.length) this.nodes.push(new Uint32Array(NODE_CHUNK * S))
      else if (c === 0 && n * S >= this.nodes[0]!.length) {
        const grown = new Uint32Array(Math.min(NODE_CHUNK, n * 2) * S)
        grown.set(this.nodes[0]!)
        this.nodes[0] = grown
      }
    }
    const a = this.nodes[n >>> NODE_BITS]!
    const base = (n & NODE_MASK) * S
    for (let w = 0; w < this.words; w++) a[base + w] = this.qk[w]!
    a[base + this.meta] = len | HELD
    a[base + this.list] = 0
    a[base + this.list + 1] = 0
    this.count++
    this.added++
    return n
  }

  private dropNode(n: number): void {
    const a = this.nodes[n >>> NODE_BITS]!
    const base = (n & NODE_MASK) * this.stride
    if (this.job) {
      // The job's entries name nodes by id: this one keeps its id and key until the job ends.
      this.jobFreed.push(n, a[base + this.meta]! & 0xff)
      a[base + this.meta] = 0
      a[base + this.list] = 0
      a[base + this.list + 1] = 0
      this.count--
      return
    }
    // A free node's first key word links the free list; it holds no paths.
    a[base] = this.freeNode
    a[base + this.meta] = 0
    a[base + this.list] = 0
    a[base + this.list + 1] = 0
    this.freeNode = n
    this.count--
  }

  /** Marks n held again (re-inserted before prune(), which then leaves it). */
  private rehold(n: number, len: number): void {
    const a = this.nodes[n >>> NODE_BITS]!
    const at = (n & NODE_MASK) * this.stride + this.meta
    a[at] = (a[at]! & ~UNHELD) | HELD
    this.lengths[len]!++
  }

  /** Clears qk's bits after the first `len`. */
  private maskQuery(len: number): void {
    const qk = this.qk
    for (let w = 0; w < this.words; w++) {
      const keep = len - w * 32
      if (keep >= 32) continue
      qk[w] = keep <= 0 ? 0 : (qk[w]! & (0xffffffff << (32 - keep))) >>> 0
    }
  }

  // --- the operations ----------------------------------------------------------

  /** The held node for qk/len (host bits of qk are cleared first), added if missing. */
  insert(len: number): number {
    this.maskQuery(len)
    const found = this.findKey(this.qk, len)
    if (found !== 0) {
      if ((this.metaOf(found) & HELD) === 0) this.rehold(found, len)
      return found
    }
    const n = this.newNode(len)
    this.hashAdd(n)
    this.lengths[len]!++
    if (this.ordered) this.addPending(n, len, this.qk, 0)
    else if (this.job) {
      this.jobAdded.push(n)
      // A table transfer overtook the job: its end would let the tree go again anyway.
      if (this.jobAdded.length > this.batch) this.abortJob()
    }
    return n
  }

  /** The held node for exactly qk/len, or 0. */
  find(len: number): number {
    const n = this.findKey(this.qk, len)
    return n !== 0 && (this.metaOf(n) & HELD) !== 0 ? n : 0
  }

  /** The node (held or not) for exactly k/len, or 0. */
  private findKey(k: Uint32Array, len: number): number {
    const slots = this.slots
    const mask = slots.length - 1
    const h = this.hashOf(k, 0, len)
    const tag = h >>> 24
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!
      if (slot === 0) return 0
      if (slot >>> 24 === tag && this.sameKey(slot & ID_MASK, k, len)) return slot & ID_MASK
    }
  }

  /** Appends the held nodes whose keys cover qk/len (itself included), shortest first. */
  covering(len: number, out: number[]): void {
    const ck = this.ck
    for (let l = 0; l <= len; l++) {
      if (this.lengths[l] === 0) continue
      for (let w = 0; w < this.words; w++) {
        const keep = l - w * 32
        const word = this.qk[w]!
        ck[w] = keep >= 32 ? word : keep <= 0 ? 0 : (word & (0xffffffff << (32 - keep))) >>> 0
      }
      const n = this.findKey(ck, l)
      if (n !== 0 && (this.metaOf(n) & HELD) !== 0) out.push(n)
    }
  }

  /** n no longer holds a key: it goes at once. */
  release(n: number): void {
    const meta = this.metaOf(n)
    const len = meta & 0xff
    this.hashRemove(n)
    this.lengths[len]!--
    if (this.ordered) {
      if (this.pendingAt(n, meta) >= 0) this.removePending(meta)
      else this.removeEntryOf(n, len)
    }
    this.dropNode(n)
    if (this.count === 0) this.clear()
    else if (this.ordered && this.leaves > 8 && this.entries * 4 < this.leaves * this.cap) this.rebuild()
  }

  /**
   * Like release, for removing many keys at once: n stays in the hash table
   * and the B+tree, not held, and prune() takes out all such nodes together.
   * Lookups, walks and inserts work in between.
   */
  unhold(n: number): void {
    const a = this.nodes[n >>> NODE_BITS]!
    const base = (n & NODE_MASK) * this.stride
    const meta = a[base + this.meta]!
    const len = meta & 0xff
    this.lengths[len]!--
    a[base + this.meta] = (meta & ~HELD) | UNHELD
    a[base + this.list] = 0
    a[base + this.list + 1] = 0
    this.unheld.push(n)
  }

  /** Takes out the nodes unhold() left (those not held again since). */
  prune(): void {
    const gone = this.unheld
    if (gone.length === 0) return
    if (!this.ordered || gone.length * 16 < this.entries) {
      this.unheld = []
      for (const n of gone) {
        // Held again since, or listed twice (unheld, held, unheld): already gone.
        const meta = this.metaOf(n)
        if ((meta & UNHELD) === 0) continue
        this.hashRemove(n)
        if (this.ordered) {
          if (this.pendingAt(n, meta) >= 0) this.removePending(meta)
          else this.removeEntryOf(n, meta & 0xff)
        }
        this.dropNode(n)
      }
      if (this.count === 0) this.clear()
      return
    }
    this.rebuild()
    if (this.count === 0) this.clear()
  }

  // --- pending nodes -----------------------------------------------------------

  /**
   * Adds n (key in src[at..], length len) to the pending list; past a batch, lets
   * the tree go instead (see the top).
   */
  private addPending(n: number, len: number, src: Uint32Array, at: number): void {
    const E = this.entry
    if (this.pendingCount >= this.batch) {
      this.unorder()
      return
    }
    if ((this.pendingCount + 1) * E > this.pending.length) {
      const grown = new Uint32Array(this.pending.length * 2)
      grown.set(this.pending)
      this.pending = grown
      this.sorting = new Uint32Array(grown.length)
    }
    const i = this.pendingCount++
    const e = i * E
    for (let w = 0; w < this.words; w++) this.pending[e + w] = src[at + w]!
    this.pending[e + this.words] = ((n << 8) | len) >>> 0
    const a = this.nodes[n >>> NODE_BITS]!
    const m = (n & NODE_MASK) * this.stride + this.meta
    a[m] = (a[m]! & ((1 << PENDING_SHIFT) - 1)) | (i << PENDING_SHIFT)
  }

  /** n's index in the pending list, or -1 (its META says where to look). */
  private pendingAt(n: number, meta: number): number {
    const i = meta >>> PENDING_SHIFT
    return i < this.pendingCount && this.pending[i * this.entry + this.words]! >>> 8 === n ? i : -1
  }

  /** Takes the node with this META out of the pending list (the last one takes its place). */
  private removePending(meta: number): void {
    const E = this.entry
    const i = meta >>> PENDING_SHIFT
    const last = --this.pendingCount
    if (i === last) return
    this.pending.copyWithin(i * E, last * E, last * E + E)
    const moved = this.pending[i * E + this.words]! >>> 8
    const a = this.nodes[moved >>> NODE_BITS]!
    const at = (moved & NODE_MASK) * this.stride + this.meta
    a[at] = (a[at]! & ((1 << PENDING_SHIFT) - 1)) | (i << PENDING_SHIFT)
  }

  /** Lets go of the tree and the pending list: the next walk builds the tree from the records. */
  private unorder(): void {
    this.ordered = false
    this.pendingCount = 0
    this.shrinkPending()
    this.blocks = []
    this.usedBlocks = 1
    this.freeBlock = 0
    this.root = 0
    this.height = 0
    this.entries = 0
    this.leaves = 0
  }

  /** After a large batch, lets go of the room it took. */
  private shrinkPending(): void {
    if (this.pending.length <= 64 * this.entry) return
    this.pending = new Uint32Array(64 * this.entry)
    this.sorting = new Uint32Array(64 * this.entry)
  }

  /** The tree as walks need it: built again if it was let go, the pending entries merged in. */
  private order(): void {
    // A job's end may let the tree go again (more keys added meanwhile than a batch): another job.
    while (!this.ordered) {
      if (!this.job) this.startJob()
      while (!this.stepJob()) {}
    }
    this.flush()
  }

  /** Puts every node in use into the pending list, in id order (the tree is empty). */
  private pendAll(): void {
    const E = this.entry
    const W = this.words
    const S = this.stride
    const size = Math.max(64, this.count) * E
    if (this.pending.length < size) {
      this.pending = new Uint32Array(size)
      this.sorting = new Uint32Array(size)
    }
    const p = this.pending
    let e = 0
    for (let c = 0; c < this.nodes.length; c++) {
      const a = this.nodes[c]!
      const first = c === 0 ? 1 : 0
      const last = Math.min(NODE_CHUNK, this.usedNodes - c * NODE_CHUNK)
      for (let j = first; j < last; j++) {
        const base = j * S
        const meta = a[base + this.meta]!
        if ((meta & (HELD | UNHELD)) === 0) continue
        for (let w = 0; w < W; w++) p[e + w] = a[base + w]!
        p[e + W] = ((((c << NODE_BITS) + j) << 8) | (meta & 0xff)) >>> 0
        e += E
      }
    }
    this.pendingCount = e / E
  }

  // --- building the tree in steps ---------------------------------------------

  /**
   * Does up to `ms` milliseconds of the work the next walk must do first, so
   * that a caller that must not hold the event loop (a dump after a table
   * transfer) can spread it; true when a walk would start at once. Without
   * it the first walk does it all (some 100 ms per million keys).
   */
  prepare(ms: number): boolean {
    if (this.ordered) return true
    const deadline = performance.now() + ms
    while (!this.ordered) {
      if (!this.job) this.startJob()
      if (!this.stepJob() && performance.now() >= deadline) return false
    }
    return true
  }

  /** The nodes dropped during the job go on the free list (`fromTree`: their entries leave the tree first, if there). */
  private freeJobDropped(fromTree: boolean): void {
    const freed = this.jobFreed
    this.jobFreed = []
    for (let i = 0; i < freed.length; i += 2) {
      const n = freed[i]!
      if (fromTree) this.removeEntryOf(n, freed[i + 1]!, true)
      this.nodes[n >>> NODE_BITS]![(n & NODE_MASK) * this.stride] = this.freeNode
      this.freeNode = n
    }
  }

  /** Gives up the job: the nodes dropped meanwhile are free, the blocks it filled go. */
  private abortJob(): void {
    this.job = undefined
    this.freeJobDropped(false)
    this.jobAdded = []
    this.unorder()
  }

  /** Takes every node in use as the job's entries, to be sorted and laid into leaves. */
  private startJob(): void {
    this.pendAll()
    const m = this.pendingCount
    this.pendingCount = 0
    this.jobAdded = []
    this.jobFreed = []
    this.job = {
      m,
      from: this.pending,
      to: this.sorting,
      digit: 0,
      counting: true,
      at: 0,
      counts: new Int32Array(257),
      cur: 0,
      level: [],
    }
  }

  /** One step of the job (at most jobStep entries); true when it is done and the tree is current. */
  private stepJob(): boolean {
    const j = this.job!
    const E = this.entry
    const W = this.words
    const end = j.m * E
    // The radix sort of sortPending(), a digit's count or scatter at a time, in chunks.
    while (j.digit <= W * 4) {
      const word = j.digit === 0 ? W : W - 1 - ((j.digit - 1) >>> 2)
      const shift = j.digit === 0 ? 0 : ((j.digit - 1) & 3) * 8
      const counts = j.counts
      const stop = Math.min(end, j.at + this.jobStep * E)
      if (j.counting) {
        if (j.at === 0) counts.fill(0)
        const from = j.from
        for (let e = j.at + word; e < stop; e += E) counts[((from[e]! >>> shift) & 0xff) + 1]!++
        j.at = stop
        if (j.at < end) return false
        let alike = false
        for (let v = 1; v <= 256; v++) {
          if (counts[v] === j.m) alike = true
          counts[v]! += counts[v - 1]!
        }
        j.at = 0
        if (alike || j.m === 0) j.digit++
        else j.counting = false
        continue
      }
      const from = j.from
      const to = j.to
      for (let e = j.at; e < stop; e += E) {
        const t = counts[(from[e + word]! >>> shift) & 0xff]!++ * E
        for (let w = 0; w < E; w++) to[t + w] = from[e + w]!
      }
      j.at = stop
      if (j.at < end) return false
      j.from = to
      j.to = from
      j.at = 0
      j.counting = true
      j.digit++
      return false
    }
    // The leaves, in chunks; entries of nodes dropped meanwhile are left out.
    if (j.at < end) {
      const stop = Math.min(end, j.at + this.jobStep * E)
      const src = j.from
      const checked = this.jobFreed.length > 0
      for (let e = j.at; e < stop; e += E) {
        const word = src[e + W]!
        if (checked && (this.metaOf(word >>> 8) & (HELD | UNHELD)) === 0) continue
        this.jobPush(j, src, e, word)
        this.entries++
      }
      j.at = stop
      if (j.at < end) return false
    }
    this.finishJob(j)
    return true
  }

  /** Appends an entry to the job's last block of the level being built, starting a new one when full. */
  private jobPush(j: OrderJob, src: Uint32Array, e: number, word: number): void {
    const fill = Math.max(2, this.cap - (this.cap >>> 3))
    let b = j.cur
    let a = b === 0 ? undefined : this.blocks[b >>> BLOCK_BITS]!
    let o = (b & BLOCK_MASK) * BLOCK_WORDS
    if (a === undefined || a[o + COUNT] === fill) {
      const nb = this.newBlock(0)
      if (b !== 0) {
        // Read again: newBlock may have replaced the first chunk with a larger one.
        this.blocks[b >>> BLOCK_BITS]![o + NEXT] = nb
        this.blocks[nb >>> BLOCK_BITS]![(nb & BLOCK_MASK) * BLOCK_WORDS + PREV] = b
      }
      b = nb
      j.cur = nb
      j.level.push(nb)
      a = this.blocks[nb >>> BLOCK_BITS]!
      o = (nb & BLOCK_MASK) * BLOCK_WORDS
    }
    const count = a[o + COUNT]!
    const d = o + BLOCK_HEADER + count * this.entry
    for (let w = 0; w < this.words; w++) a[d + w] = src[e + w]!
    a[d + this.words] = word
    a[o + COUNT] = count + 1
  }

  /**
   * The levels above the leaves; then what changed during the job: entries of
   * nodes dropped meanwhile leave the tree (their ids are free again), nodes
   * added meanwhile go into the pending list.
   */
  private finishJob(j: OrderJob): void {
    this.job = undefined
    this.leaves = j.level.length
    let level = j.level
    while (level.length > 1) {
      const below = level
      j.level = []
      j.cur = 0
      for (const child of below) {
        const a = this.blocks[child >>> BLOCK_BITS]!
        const e = (child & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER
        this.jobPush(j, a, e, ((child << 8) | (a[e + this.words]! & 0xff)) >>> 0)
      }
      level = j.level
      this.height++
    }
    this.root = level.length ? level[0]! : 0
    this.ordered = true
    this.shrinkPending()
    this.freeJobDropped(this.root !== 0)
    const added = this.jobAdded
    this.jobAdded = []
    const S = this.stride
    for (const n of added) {
      const meta = this.metaOf(n)
      if ((meta & (HELD | UNHELD)) === 0) continue
      this.addPending(n, meta & 0xff, this.nodes[n >>> NODE_BITS]!, (n & NODE_MASK) * S)
      // Past a batch the tree was let go again: the next walk starts over.
      if (!this.ordered) break
    }
  }

  /**
   * Puts the pending entries into the B+tree in key order: one by one, or
   * when they are many beside it, by building it again, which reads each
   * leaf once, in order.
   */
  private flush(): void {
    const m = this.pendingCount
    if (m === 0) return
    if (m * 16 >= this.entries) {
      this.rebuild()
      return
    }
    const sorted = this.sortPending()
    this.pendingCount = 0
    const E = this.entry
    let leaf = 0
    let splits = -1
    for (let e = 0; e < m * E; e += E) {
      // The leaf of the key before stays the place as long as the key is
      // before its fence and nothing split since.
      if (leaf !== 0 && splits === this.splits && this.fenceBlock !== 0) {
        const f = this.fenceBlock
        const fa = this.blocks[f >>> BLOCK_BITS]!
        const fe = (f & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER + this.fenceAt * E
        if (this.compareEntries(fa, fe, sorted, e) <= 0) leaf = 0
      } else if (splits !== this.splits) leaf = 0
      if (leaf === 0) {
        leaf = this.descendTo(sorted, e)
        splits = this.splits
      }
      this.insertEntry(0, leaf, this.lowerBoundOf(leaf, sorted, e), sorted, e, sorted[e + this.words]!)
      this.entries++
    }
  }

  /**
   * The pending entries sorted by key, then length: a least-significant-digit
   * radix sort, an octet at a time (octets every entry has alike are skipped).
   */
  private sortPending(): Uint32Array {
    const m = this.pendingCount
    const E = this.entry
    const W = this.words
    let from = this.pending
    let to = this.sorting
    const counts = this.digits
    // Digit d: 0 is the length (the low octet of the last word), then the key's octets from the last.
    for (let d = 0; d <= W * 4; d++) {
      const word = d === 0 ? W : W - 1 - ((d - 1) >>> 2)
      const shift = d === 0 ? 0 : ((d - 1) & 3) * 8
      counts.fill(0)
      for (let e = word; e < m * E; e += E) counts[((from[e]! >>> shift) & 0xff) + 1]!++
      let alike = false
      for (let v = 1; v <= 256; v++) {
        if (counts[v] === m) alike = true
        counts[v]! += counts[v - 1]!
      }
      if (alike) continue
      for (let e = 0; e < m * E; e += E) {
        const t = counts[(from[e + word]! >>> shift) & 0xff]!++ * E
        for (let w = 0; w < E; w++) to[t + w] = from[e + w]!
      }
      const t = from
      from = to
      to = t
    }
    // The pending list keeps its array: the sorted entries are read before anything is pending again.
    return from
  }

  /** Every held node in key order. Lazy: use it up before the index changes. */
  walk(): Generator<number, void, undefined> {
    this.order()
    return this.walking(0, -1, this.qk.slice())
  }

  /** Every held node after qk/len in key order (qk is read now). */
  walkAfter(len: number): Generator<number, void, undefined> {
    const k = this.qk.slice()
    this.order()
    return this.walking(1, len, k)
  }

  /** Every held node whose key is inside qk/len (itself included), in key order (qk is read now). */
  walkInside(len: number): Generator<number, void, undefined> {
    this.maskQuery(len)
    const k = this.qk.slice()
    this.order()
    return this.walking(2, len, k)
  }

  /** mode 0: all; 1: after k/len; 2: inside k/len. */
  private *walking(mode: number, len: number, k: Uint32Array): Generator<number, void, undefined> {
    if (this.root === 0) return
    const E = this.entry
    const W = this.words
    let b: number
    let i: number
    if (mode === 0) {
      b = this.root
      for (let level = this.height; level > 0; level--) {
        const a = this.blocks[b >>> BLOCK_BITS]!
        b = a[(b & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER + W]! >>> 8
      }
      i = 0
    } else {
      b = this.descend(k, len)
      i = mode === 1 ? this.upperBound(b, k, len) : this.lowerBound(b, k, len)
    }
    while (b !== 0) {
      const a = this.blocks[b >>> BLOCK_BITS]!
      const o = (b & BLOCK_MASK) * BLOCK_WORDS
      for (; i < a[o + COUNT]!; i++) {
        const e = o + BLOCK_HEADER + i * E
        const word = a[e + W]!
        if (mode === 2 && !this.inside(a, e, word & 0xff, k, len)) return
        const n = word >>> 8
        if (this.isHeld(n)) yield n
      }
      b = a[o + NEXT]!
      i = 0
    }
  }

  /** The entry at a[e..] (length el) is inside k/len. */
  private inside(a: Uint32Array, e: number, el: number, k: Uint32Array, len: number): boolean {
    if (el < len) return false
    for (let w = 0; w * 32 < len; w++) {
      const keep = len - w * 32
      const x = (a[e + w]! ^ k[w]!) >>> 0
      if (keep >= 32 ? x !== 0 : x >>> (32 - keep) !== 0) return false
    }
    return true
  }

  /** With no node left, lets go of the storage too. */
  private clear(): void {
    this.job = undefined
    this.jobAdded = []
    this.jobFreed = []
    this.nodes.length = 0
    this.nodes.push(new Uint32Array(64 * this.stride))
    this.usedNodes = 1
    this.freeNode = 0
    this.slots = new Uint32Array(64)
    this.unheld = []
    this.pending = new Uint32Array(64 * this.entry)
    this.sorting = new Uint32Array(64 * this.entry)
    this.pendingCount = 0
    this.ordered = true
    this.lengths.fill(0)
    this.blocks = []
    this.usedBlocks = 1
    this.freeBlock = 0
    this.root = 0
    this.height = 0
    this.entries = 0
    this.leaves = 0
  }

  // --- the hash table ----------------------------------------------------------

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
    const a = this.nodes[n >>> NODE_BITS]!
    const base = (n & NODE_MASK) * this.stride
    return this.hashOf(a, base, a[base + this.meta]! & 0xff)
  }

  private sameKey(n: number, k: Uint32Array, len: number): boolean {
    const a = this.nodes[n >>> NODE_BITS]!
    const base = (n & NODE_MASK) * this.stride
    if ((a[base + this.meta]! & 0xff) !== len) return false
    for (let w = 0; w < this.words; w++) if (a[base + w] !== k[w]) return false
    return true
  }

  /** Adds held node n; past 60% full, the table doubles (from the records, so n is in it once). */
  private hashAdd(n: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    const h = this.hashOfNode(n)
    let i = h & mask
    while (slots[i] !== 0) i = (i + 1) & mask
    slots[i] = ((h & ~ID_MASK) | n) >>> 0
    if (this.count * 5 > slots.length * 3) this.rehash(slots.length * 2)
  }

  /** Removes n from the hash table, shifting back the entries after it (linear probing deletion). */
  private hashRemove(n: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let i = this.hashOfNode(n) & mask
    while ((slots[i]! & ID_MASK) !== n) i = (i + 1) & mask
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const m = slots[j]!
      if (m === 0) break
      const home = this.hashOfNode(m & ID_MASK) & mask
      // m may fill the hole at i if its home is not in the cyclic range (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[i] = m
        i = j
      }
    }
    slots[i] = 0
  }

  /** A table of `size` slots: the held nodes go in by id, reading their records in memory order. */
  private rehash(size: number): void {
    const slots = new Uint32Array(size)
    const mask = size - 1
    const S = this.stride
    for (let c = 0; c < this.nodes.length; c++) {
      const a = this.nodes[c]!
      const first = c === 0 ? 1 : 0
      const last = Math.min(NODE_CHUNK, this.usedNodes - c * NODE_CHUNK)
      for (let j = first; j < last; j++) {
        const base = j * S
        const meta = a[base + this.meta]!
        if ((meta & (HELD | UNHELD)) === 0) continue
        const h = this.hashOf(a, base, meta & 0xff)
        let i = h & mask
        while (slots[i] !== 0) i = (i + 1) & mask
        slots[i] = ((h & ~ID_MASK) | ((c << NODE_BITS) + j)) >>> 0
      }
    }
    this.slots = slots
  }

  // --- the B+tree --------------------------------------------------------------

  /** The entry at a[e..] against k/len: negative if it comes first, 0 if equal. */
  private compare(a: Uint32Array, e: number, k: Uint32Array, len: number): number {
    for (let w = 0; w < this.words; w++) {
      const x = a[e + w]!
      const y = k[w]!
      if (x !== y) return x < y ? -1 : 1
    }
    return (a[e + this.words]! & 0xff) - len
  }

  /** The entry at a[e..] against the entry at b[f..]: negative if it comes first, 0 if equal. */
  private compareEntries(a: Uint32Array, e: number, b: Uint32Array, f: number): number {
    for (let w = 0; w < this.words; w++) {
      const x = a[e + w]!
      const y = b[f + w]!
      if (x !== y) return x < y ? -1 : 1
    }
    return (a[e + this.words]! & 0xff) - (b[f + this.words]! & 0xff)
  }

  /** descend() for the key of the entry at src[e..]. */
  private descendTo(src: Uint32Array, e: number): number {
    const k = this.ck
    for (let w = 0; w < this.words; w++) k[w] = src[e + w]!
    return this.descend(k, src[e + this.words]! & 0xff)
  }

  /** lowerBound() for the key of the entry at src[e..]. */
  private lowerBoundOf(b: number, src: Uint32Array, e: number): number {
    const k = this.ck
    for (let w = 0; w < this.words; w++) k[w] = src[e + w]!
    return this.lowerBound(b, k, src[e + this.words]! & 0xff)
  }

  /**
   * The leaf where k/len belongs, recording the path (pathBlock, pathAt) and
   * the fence: the first key after the leaf's range (fenceBlock's entry
   * fenceAt; no block: none).
   */
  private descend(k: Uint32Array, len: number): number {
    const E = this.entry
    let b = this.root
    this.fenceBlock = 0
    for (let level = this.height; level > 0; level--) {
      const a = this.blocks[b >>> BLOCK_BITS]!
      const o = (b & BLOCK_MASK) * BLOCK_WORDS
      // The last child whose first key is at most k/len (the first child if none).
      let lo = 1
      let hi = a[o + COUNT]! - 1
      let at = 0
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1
        if (this.compare(a, o + BLOCK_HEADER + mid * E, k, len) <= 0) {
          at = mid
          lo = mid + 1
        } else hi = mid - 1
      }
      this.pathBlock[level] = b
      this.pathAt[level] = at
      if (at + 1 < a[o + COUNT]!) {
        this.fenceBlock = b
        this.fenceAt = at + 1
      }
      b = a[o + BLOCK_HEADER + at * E + this.words]! >>> 8
    }
    this.pathBlock[0] = b
    return b
  }

  /** The index of the first entry of block b not before k/len. */
  private lowerBound(b: number, k: Uint32Array, len: number): number {
    return this.bound(b, k, len, 0)
  }

  /** The index of the first entry of block b after k/len. */
  private upperBound(b: number, k: Uint32Array, len: number): number {
    return this.bound(b, k, len, 1)
  }

  /** The first entry of block b whose comparison with k/len is at least `from` (0: not before, 1: after). */
  private bound(b: number, k: Uint32Array, len: number, from: number): number {
    const a = this.blocks[b >>> BLOCK_BITS]!
    const o = (b & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER
    let lo = 0
    let hi = a[o - BLOCK_HEADER + COUNT]!
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.compare(a, o + mid * this.entry, k, len) < from) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** A new empty block, linked nowhere. */
  private newBlock(count: number): number {
    let b = this.freeBlock
    if (b !== 0) this.freeBlock = this.blocks[b >>> BLOCK_BITS]![(b & BLOCK_MASK) * BLOCK_WORDS + NEXT]!
    else {
      b = this.usedBlocks
      if (b >= MAX_IDS) throw new RangeError('rib: prefix index storage exhausted')
      this.usedBlocks++
      const c = b >>> BLOCK_BITS
      if (c === this.blocks.length) {
        // The first chunk starts small and grows: most families hold a handful of keys.
        this.blocks.push(new Uint32Array((c === 0 ? 2 : BLOCK_CHUNK) * BLOCK_WORDS))
      } else if (c === 0 && (b + 1) * BLOCK_WORDS > this.blocks[0]!.length) {
        const grown = new Uint32Array(Math.min(BLOCK_CHUNK, (b + 1) * 2) * BLOCK_WORDS)
        grown.set(this.blocks[0]!)
        this.blocks[0] = grown
      }
    }
    const a = this.blocks[b >>> BLOCK_BITS]!
    const o = (b & BLOCK_MASK) * BLOCK_WORDS
    a[o + COUNT] = count
    a[o + PREV] = 0
    a[o + NEXT] = 0
    return b
  }

  private releaseBlock(b: number): void {
    const a = this.blocks[b >>> BLOCK_BITS]!
    const o = (b & BLOCK_MASK) * BLOCK_WORDS
    a[o + COUNT] = 0
    a[o + NEXT] = this.freeBlock
    this.freeBlock = b
  }

  /**
   * Puts an entry (key words from src[so..], then `word`) at index i of block
   * b at `level`, whose parents are on the recorded path; splits full blocks
   * up the path.
   */
  private insertEntry(level: number, b: number, i: number, src: Uint32Array, so: number, word: number): void {
    const E = this.entry
    const W = this.words
    let a = this.blocks[b >>> BLOCK_BITS]!
    let o = (b & BLOCK_MASK) * BLOCK_WORDS
    const count = a[o + COUNT]!
    if (count < this.cap) {
      const e = o + BLOCK_HEADER + i * E
      a.copyWithin(e + E, e, o + BLOCK_HEADER + count * E)
      for (let w = 0; w < W; w++) a[e + w] = src[so + w]!
      a[e + W] = word
      a[o + COUNT] = count + 1
      return
    }
    // Full: the upper part moves to a new block after b. Appending at the end
    // of a level (keys arriving in order) leaves b full rather than half empty.
    const nb = this.newBlock(0)
    this.splits++
    a = this.blocks[b >>> BLOCK_BITS]!
    o = (b & BLOCK_MASK) * BLOCK_WORDS
    const na = this.blocks[nb >>> BLOCK_BITS]!
    const no = (nb & BLOCK_MASK) * BLOCK_WORDS
    const split = i === count && a[o + NEXT] === 0 ? count : count >>> 1
    na.set(a.subarray(o + BLOCK_HEADER + split * E, o + BLOCK_HEADER + count * E), no + BLOCK_HEADER)
    a[o + COUNT] = split
    na[no + COUNT] = count - split
    const next = a[o + NEXT]!
    na[no + PREV] = b
    na[no + NEXT] = next
    a[o + NEXT] = nb
    if (next !== 0) this.blocks[next >>> BLOCK_BITS]![(next & BLOCK_MASK) * BLOCK_WORDS + PREV] = nb
    if (level === 0) this.leaves++
    if (i < split || (i === split && split < count)) this.insertEntry(level, b, i, src, so, word)
    else this.insertEntry(level, nb, i - split, src, so, word)
    // The new block's first key separates it from b in the parent.
    const sep = this.sep
    const na2 = this.blocks[nb >>> BLOCK_BITS]!
    const e0 = (nb & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER
    for (let w = 0; w < W; w++) sep[w] = na2[e0 + w]!
    const sepWord = ((nb << 8) | (na2[e0 + W]! & 0xff)) >>> 0
    if (level === this.height) {
      // b was the root: a new root above b and nb.
      if (this.height + 1 >= MAX_HEIGHT) throw new RangeError('rib: prefix index too deep')
      const r = this.newBlock(2)
      const ra = this.blocks[r >>> BLOCK_BITS]!
      const ro = (r & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER
      const ba = this.blocks[b >>> BLOCK_BITS]!
      const bo = (b & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER
      for (let w = 0; w < W; w++) ra[ro + w] = ba[bo + w]!
      ra[ro + W] = ((b << 8) | (ba[bo + W]! & 0xff)) >>> 0
      for (let w = 0; w < W; w++) ra[ro + E + w] = sep[w]!
      ra[ro + E + W] = sepWord
      this.root = r
      this.height++
      return
    }
    this.insertEntry(level + 1, this.pathBlock[level + 1]!, this.pathAt[level + 1]! + 1, sep, 0, sepWord)
  }

  /** Removes node n's entry (key from its record, length len); `ifThere`: unless the tree lacks it. */
  private removeEntryOf(n: number, len: number, ifThere = false): void {
    const k = this.ck
    const a = this.nodes[n >>> NODE_BITS]!
    const base = (n & NODE_MASK) * this.stride
    for (let w = 0; w < this.words; w++) k[w] = a[base + w]!
    const leaf = this.descend(k, len)
    const i = this.lowerBound(leaf, k, len)
    if (ifThere) {
      const ba = this.blocks[leaf >>> BLOCK_BITS]!
      const o = (leaf & BLOCK_MASK) * BLOCK_WORDS
      if (i >= ba[o + COUNT]! || ba[o + BLOCK_HEADER + i * this.entry + this.words]! >>> 8 !== n) return
    }
    this.pathAt[0] = i
    this.removeAt(0, leaf, i)
    this.entries--
  }

  /** Removes entry i of block b at `level` (on the recorded path); an emptied block goes from its parent. */
  private removeAt(level: number, b: number, i: number): void {
    const E = this.entry
    const a = this.blocks[b >>> BLOCK_BITS]!
    const o = (b & BLOCK_MASK) * BLOCK_WORDS
    const count = a[o + COUNT]! - 1
    const e = o + BLOCK_HEADER + i * E
    a.copyWithin(e, e + E, o + BLOCK_HEADER + (count + 1) * E)
    a[o + COUNT] = count
    if (count > 0 || level === this.height) {
      // A root with one child hands over to it.
      while (this.height > 0) {
        const ra = this.blocks[this.root >>> BLOCK_BITS]!
        const ro = (this.root & BLOCK_MASK) * BLOCK_WORDS
        if (ra[ro + COUNT] !== 1) break
        const child = ra[ro + BLOCK_HEADER + this.words]! >>> 8
        this.releaseBlock(this.root)
        this.root = child
        this.height--
      }
      return
    }
    const prev = a[o + PREV]!
    const next = a[o + NEXT]!
    if (prev !== 0) this.blocks[prev >>> BLOCK_BITS]![(prev & BLOCK_MASK) * BLOCK_WORDS + NEXT] = next
    if (next !== 0) this.blocks[next >>> BLOCK_BITS]![(next & BLOCK_MASK) * BLOCK_WORDS + PREV] = prev
    this.releaseBlock(b)
    if (level === 0) this.leaves--
    this.removeAt(level + 1, this.pathBlock[level + 1]!, this.pathAt[level + 1]!)
  }

  /**
   * Builds the B+tree again from its entries and the pending ones, merged in
   * order, dropping the nodes unhold() left (they leave the hash table too);
   * blocks are filled to 7/8 so that the next inserts do not split them all
   * at once.
   */
  private rebuild(): void {
    const E = this.entry
    const W = this.words
    const m = this.pendingCount
    const sorted = m > 0 ? this.sortPending() : this.pending
    this.pendingCount = 0
    const old = this.blocks
    const dropped = this.unheld.length > 0
    this.unheld = []
    let b = this.root
    for (let level = this.height; level > 0 && b !== 0; level--) {
      b = old[b >>> BLOCK_BITS]![(b & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER + W]! >>> 8
    }
    this.blocks = []
    this.usedBlocks = 1
    this.freeBlock = 0
    this.root = 0
    this.height = 0
    this.entries = 0
    this.leaves = 0
    const fill = Math.max(2, this.cap - (this.cap >>> 3))
    // The leaves, then each level above from the one below.
    let level: number[] = []
    let cur = 0
    let ca: Uint32Array = this.sorting
    let co = 0
    const start = (): void => {
      const nb = this.newBlock(0)
      if (cur !== 0) {
        this.blocks[cur >>> BLOCK_BITS]![(cur & BLOCK_MASK) * BLOCK_WORDS + NEXT] = nb
        this.blocks[nb >>> BLOCK_BITS]![(nb & BLOCK_MASK) * BLOCK_WORDS + PREV] = cur
      }
      cur = nb
      ca = this.blocks[nb >>> BLOCK_BITS]!
      co = (nb & BLOCK_MASK) * BLOCK_WORDS
      level.push(nb)
    }
    const push = (src: Uint32Array, e: number, word: number): void => {
      if (cur === 0 || ca[co + COUNT] === fill) start()
      const count = ca[co + COUNT]!
      const d = co + BLOCK_HEADER + count * E
      for (let w = 0; w < W; w++) ca[d + w] = src[e + w]!
      ca[d + W] = word
      ca[co + COUNT] = count + 1
    }
    /** Keeps an entry, or drops its node if unhold() left it (records are read only then). */
    const keep = (src: Uint32Array, e: number): void => {
      const word = src[e + W]!
      if (dropped && (this.metaOf(word >>> 8) & HELD) === 0) {
        this.dropNode(word >>> 8)
        return
      }
      push(src, e, word)
      this.entries++
    }
    // The old leaves' entries and the sorted pending ones, merged.
    let j = 0
    const mEnd = m * E
    while (b !== 0) {
      const a = old[b >>> BLOCK_BITS]!
      const o = (b & BLOCK_MASK) * BLOCK_WORDS
      for (let i = 0; i < a[o + COUNT]!; i++) {
        const e = o + BLOCK_HEADER + i * E
        while (j < mEnd && this.compareEntries(sorted, j, a, e) < 0) {
          keep(sorted, j)
          j += E
        }
        keep(a, e)
      }
      b = a[o + NEXT]!
    }
    for (; j < mEnd; j += E) keep(sorted, j)
    this.shrinkPending()
    // The dropped nodes leave the hash table too (it is made again from the records).
    if (dropped && this.count > 0) this.rehash(this.slots.length)
    this.leaves = level.length
    if (level.length === 0) return
    while (level.length > 1) {
      const below = level
      level = []
      cur = 0
      for (const child of below) {
        const a = this.blocks[child >>> BLOCK_BITS]!
        const e = (child & BLOCK_MASK) * BLOCK_WORDS + BLOCK_HEADER
        push(a, e, ((child << 8) | (a[e + W]! & 0xff)) >>> 0)
      }
      this.height++
    }
    this.root = level[0]!
  }
}
