// The exporters' walk over one family (MRT RIB dumps, the BMP initial dump):
// every key in key order with its paths, read straight from the RIB's arrays
// (no route object, no text, no copy of a set's bytes), in runs that the
// caller ends whenever it likes, so a dump of millions of paths works in
// slices while sessions go on changing the RIB in between.
//
// Between runs the walk holds no iterator: an IP or VPN family resumes after
// the last key visited (the prefix index's walkAfter, one descent), so a key
// held throughout the walk is visited exactly once and one added behind the
// walk's position is not; a family keyed by text walks the sorted key texts
// it took at its first run and finds each again as it reaches it (a key
// gone by then is skipped, one added after the first run is not visited).

import type { Nlri } from '../bgp/index.ts'
import type { AttributeSets } from './attribute-sets.ts'
import { type FamilyTable, HAS_PATH_ID, LLGR_STALE, STALE } from './family-table.ts'
import type { PeerId, RibScan } from './index.ts'

export class FamilyScan implements RibScan {
  readonly family: string
  readonly afi: number
  readonly safi: number
  readonly address = new Uint8Array(16)
  readonly rd = new Uint8Array(8)
  prefixLength = -1
  keyText = ''
  paths = 0
  done = false
  private readonly t: FamilyTable | undefined
  private readonly sets: AttributeSets
  private readonly only: PeerId | undefined
  /** Trie families: the last key visited (words, length), -1 before the first. */
  private readonly mark: Uint32Array
  private markLen = -1
  /** Text-keyed families: the sorted key texts and the next one's index. */
  private texts: string[] | undefined
  private next = 0

  constructor(
    family: string,
    afi: number,
    safi: number,
    t: FamilyTable | undefined,
    sets: AttributeSets,
    peer: PeerId | undefined,
  ) {
    this.family = family
    this.afi = afi
    this.safi = safi
    this.t = t
    this.sets = sets
    this.only = peer
    this.mark = new Uint32Array(t?.trie ? t.trie.words : 0)
    if (!t || (peer !== undefined && !t.peerPaths[peer])) this.done = true
  }

  prepare(ms: number): boolean {
    return this.done || !this.t!.trie || this.t!.trie.prepare(ms)
  }

  run(visit: (scan: RibScan) => boolean): boolean {
    if (this.done) return true
    const t = this.t!
    if (t.trie) this.runTrie(t, visit)
    else this.runMap(t, visit)
    return this.done
  }

  private runTrie(t: FamilyTable, visit: (scan: RibScan) => boolean): void {
    const trie = t.trie!
    const W = trie.words
    let nodes: Iterable<number>
    if (this.markLen < 0) nodes = trie.walk()
    else {
      trie.qk.set(this.mark)
      nodes = trie.walkAfter(this.markLen)
    }
    const rdWords = t.kind === 'vpn' ? 2 : 0
    for (const n of nodes) {
      if (this.only !== undefined && !t.hasPeer(this.only, n)) continue
      const r = trie.recordsOf(n)
      const at = trie.base(n)
      const len = trie.lenOf(n)
      for (let w = 0; w < W; w++) this.mark[w] = r[at + w]!
      this.markLen = len
      // The key's octets: RD words first for VPN, then the address words, big-endian.
      for (let w = 0; w < rdWords; w++) writeWord(this.rd, w * 4, r[at + w]!)
      for (let w = rdWords; w < W; w++) writeWord(this.address, (w - rdWords) * 4, r[at + w]!)
      this.prefixLength = len - rdWords * 32
      this.paths = t.list(n)
      if (!visit(this)) return
    }
    this.done = true
  }

  private runMap(t: FamilyTable, visit: (scan: RibScan) => boolean): void {
    const map = t.map!
    if (!this.texts) this.texts = map.sorted().map((n) => map.keyOf(n))
    const texts = this.texts
    while (this.next < texts.length) {
      const key = texts[this.next++]!
      const n = map.find(key)
      if (n === 0 || (this.only !== undefined && !t.hasPeer(this.only, n))) continue
      this.keyText = key
      this.paths = t.list(n)
      if (!visit(this)) return
    }
    this.texts = undefined
    this.done = true
  }

  peer(i: number): PeerId {
    return this.t!.entryPeer(i)
  }

  pathId(i: number): number | undefined {
    const t = this.t!
    return t.entryFlags(i) & HAS_PATH_ID ? t.entryPathId(i) : undefined
  }

  stale(i: number): boolean {
    return (this.t!.entryFlags(i) & (STALE | LLGR_STALE)) !== 0
  }

  setId(i: number): number {
    return this.t!.entrySet(i)
  }

  set(i: number): Uint8Array {
    return this.sets.view(this.t!.entrySet(i))
  }

  nlri(i: number): Nlri | undefined {
    return this.t!.entryNlri(i)
  }
}

function writeWord(b: Uint8Array, at: number, x: number): void {
  b[at] = x >>> 24
  b[at + 1] = (x >>> 16) & 0xff
  b[at + 2] = (x >>> 8) & 0xff
  b[at + 3] = x & 0xff
}
