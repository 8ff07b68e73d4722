// The prefix index of live subscriptions: a binary trie over address bits,
// one per address family, holding subscriptions at the node of their prefix.
// For a prefix P of a message the matching subscriptions are found by one walk
// down P's bits, never by looking at every subscription:
//
//   - `covering` (moreSpecific, the default): a subscription at a node on the
//     walk, at P's length or above it, contains P;
//   - `exact` (moreSpecific false): a subscription at P's node;
//   - `less` (lessSpecific): a subscription below P's node is inside P. Each
//     node counts the `less` subscriptions of its subtree, so the walk below P
//     visits only branches that hold some.
//
// Idle subscriptions elsewhere in the address space cost nothing. The walk
// stops where the trie ends, so its length is at most the depth of the
// deepest subscription on P's path (≤ 32 or 128 steps).

export interface TriePrefix {
  /** 4 or 16 octets; bits past `length` are ignored. */
  readonly address: Uint8Array
  readonly length: number
}

export interface PrefixEntry<T> {
  readonly value: T
  readonly moreSpecific: boolean
  readonly lessSpecific: boolean
}

class Node<T> {
  zero: Node<T> | undefined
  one: Node<T> | undefined
  covering: T[] | undefined
  exact: T[] | undefined
  less: T[] | undefined
  /** `less` entries in this node's subtree, this node included. */
  lessBelow = 0
}

function bit(address: Uint8Array, i: number): number {
  return (address[i >> 3]! >> (7 - (i & 7))) & 1
}

function drop<T>(list: T[] | undefined, v: T): T[] | undefined {
  if (!list) return undefined
  const i = list.indexOf(v)
  if (i >= 0) list.splice(i, 1)
  return list.length ? list : undefined
}

export class SubscriptionTrie<T> {
  private readonly root = new Node<T>()
  /** Entries held (each add counts once). */
  size = 0

  add(p: TriePrefix, e: PrefixEntry<T>): void {
    const path = this.walkCreate(p)
    const n = path[path.length - 1]!
    if (e.moreSpecific) (n.covering ??= []).push(e.value)
    else (n.exact ??= []).push(e.value)
    if (e.lessSpecific) {
      ;(n.less ??= []).push(e.value)
      for (const x of path) x.lessBelow++
    }
    this.size++
  }

  remove(p: TriePrefix, e: PrefixEntry<T>): void {
    const path: Node<T>[] = [this.root]
    let n: Node<T> | undefined = this.root
    for (let i = 0; i < p.length && n; i++) {
      n = bit(p.address, i) ? n.one : n.zero
      if (n) path.push(n)
    }
    if (!n) return
    if (e.moreSpecific) n.covering = drop(n.covering, e.value)
    else n.exact = drop(n.exact, e.value)
    if (e.lessSpecific) {
      n.less = drop(n.less, e.value)
      for (const x of path) x.lessBelow--
    }
    this.size--
    // Prune the nodes left holding nothing, from the bottom.
    for (let d = path.length - 1; d > 0; d--) {
      const x = path[d]!
      if (x.zero || x.one || x.covering || x.exact || x.less) break
      const parent = path[d - 1]!
      if (parent.zero === x) parent.zero = undefined
      else parent.one = undefined
    }
  }

  private walkCreate(p: TriePrefix): Node<T>[] {
    const path: Node<T>[] = [this.root]
    let n = this.root
    for (let i = 0; i < p.length; i++) {
      if (bit(p.address, i)) n = n.one ??= new Node<T>()
      else n = n.zero ??= new Node<T>()
      path.push(n)
    }
    return path
  }

  /** Calls `hit` with every entry matching prefix p (an entry may come once per way it matches). */
  match(p: TriePrefix, hit: (v: T) => void): void {
    let n: Node<T> | undefined = this.root
    for (let d = 0; n; d++) {
      if (n.covering) for (const v of n.covering) hit(v)
      if (d === p.length) {
        if (n.exact) for (const v of n.exact) hit(v)
        if (n.lessBelow > 0) {
          if (n.less) for (const v of n.less) hit(v)
          if (n.zero && n.zero.lessBelow > 0) this.below(n.zero, hit)
          if (n.one && n.one.lessBelow > 0) this.below(n.one, hit)
        }
        return
      }
      n = bit(p.address, d) ? n.one : n.zero
    }
  }

  private below(n: Node<T>, hit: (v: T) => void): void {
    if (n.less) for (const v of n.less) hit(v)
    if (n.zero && n.zero.lessBelow > 0) this.below(n.zero, hit)
    if (n.one && n.one.lessBelow > 0) this.below(n.one, hit)
  }
}
