// Node ids for families without a trie (EVPN, FlowSpec, BGP-LS, RTC, raw…):
// the codec's key text of each NLRI maps to a small number, which names the
// key in the family's path lists and per-peer bitsets as a trie node id does.

/** Node ids for the key texts of a family without a trie, and each node's list word. */
export class KeyMap {
  private readonly ids = new Map<string, number>()
  private readonly texts: (string | undefined)[] = [undefined]
  private readonly spare: number[] = []
  private lists: Uint32Array = new Uint32Array(64)

  insert(key: string): number {
    let n = this.ids.get(key)
    if (n !== undefined) return n
    n = this.spare.pop() ?? this.texts.length
    if (n === this.texts.length) this.texts.push(key)
    else this.texts[n] = key
    if (n >= this.lists.length) {
      const grown = new Uint32Array(this.lists.length * 2)
      grown.set(this.lists)
      this.lists = grown
    }
    this.ids.set(key, n)
    return n
  }

  find(key: string): number {
    return this.ids.get(key) ?? 0
  }

  release(n: number): void {
    this.ids.delete(this.texts[n]!)
    this.texts[n] = undefined
    this.lists[n] = 0
    this.spare.push(n)
  }

  keyOf(n: number): string {
    return this.texts[n]!
  }

  listOf(n: number): number {
    return this.lists[n]!
  }

  setList(n: number, v: number): void {
    this.lists[n] = v
  }

  /** Every node, in key text order. */
  sorted(): number[] {
    return [...this.ids.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1])
  }

  storageBytes(): number {
    return this.lists.byteLength
  }
}
