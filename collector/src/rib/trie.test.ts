import { describe, expect, it } from 'vitest'
import { seeded as random } from './test-updates.ts'
import { PrefixTrie } from './trie.ts'

// The trie against a brute-force reference: keys as bigints of `words * 32`
// bits, on random tables made of nested prefixes (so that covering and
// more-specific relations are many), for IPv4-sized and IPv6-sized keys.

interface Key {
  readonly v: bigint
  readonly len: number
}

function keyOf(words: number, v: bigint, len: number): Key {
  const bits = BigInt(words * 32)
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << (bits - BigInt(len))
  return { v: v & mask, len }
}

function load(t: PrefixTrie, k: Key): void {
  for (let w = 0; w < t.words; w++) t.qk[w] = Number((k.v >> BigInt((t.words - 1 - w) * 32)) & 0xffffffffn)
}

function covers(words: number, a: Key, b: Key): boolean {
  if (a.len > b.len) return false
  return keyOf(words, b.v, a.len).v === a.v
}

function order(a: Key, b: Key): number {
  return a.v < b.v ? -1 : a.v > b.v ? 1 : a.len - b.len
}

function name(k: Key): string {
  return `${k.v.toString(16)}/${k.len}`
}

function randomKeys(words: number, seed: number, count: number): Key[] {
  const rnd = random(seed)
  const bits = words * 32
  const bases: bigint[] = []
  for (let i = 0; i < 12; i++) {
    let v = 0n
    for (let w = 0; w < words; w++) v = (v << 32n) | BigInt(rnd.int(0, 0xffffffff))
    bases.push(v)
  }
  const keys: Key[] = [keyOf(words, 0n, 0), keyOf(words, bases[0]!, bits)]
  for (let i = 0; i < count; i++) {
    // Nested prefixes around a few bases, with some bits flipped below the top.
    let v = rnd.pick(bases)
    const flip = rnd.int(0, bits - 1)
    if (rnd.next() < 0.6) v ^= 1n << BigInt(flip)
    keys.push(keyOf(words, v, rnd.int(0, bits)))
  }
  return keys
}

function unique(keys: readonly Key[]): Key[] {
  const seen = new Map<string, Key>()
  for (const k of keys) seen.set(name(k), k)
  return [...seen.values()].sort(order)
}

for (const words of [1, 4]) {
  describe(`PrefixTrie with ${words * 32}-bit keys`, () => {
    it('finds, covers and walks like a brute-force search, before and after removals', () => {
      for (let seed = 1; seed <= 6; seed++) {
        const t = new PrefixTrie(words)
        const all = randomKeys(words, seed, 400)
        const ids = new Map<string, number>()
        for (const k of all) {
          load(t, k)
          const n = t.insert(k.len)
          const prev = ids.get(name(k))
          expect(prev === undefined || prev === n).toBe(true)
          ids.set(name(k), n)
        }
        let held = unique(all)
        const probes = randomKeys(words, seed + 100, 150)
        const check = (pruned = true) => {
          if (pruned) expect(t.count).toBeLessThanOrEqual(Math.max(1, 2 * held.length - 1))
          const byId = new Map([...ids].map(([k, n]) => [n, k]))
          const names = (nodes: Iterable<number>) => [...nodes].map((n) => byId.get(n))
          for (const k of held) {
            load(t, k)
            expect(t.find(k.len)).toBe(ids.get(name(k)))
          }
          expect(names(t.walk(0))).toEqual(held.map(name))
          for (const q of probes) {
            load(t, q)
            const isHeld = held.some((k) => k.v === q.v && k.len === q.len)
            expect(t.find(q.len) !== 0).toBe(isHeld)
            const cov: number[] = []
            t.covering(q.len, cov)
            expect(names(cov)).toEqual(held.filter((k) => covers(words, k, q)).map(name))
            const top = t.top(q.len)
            expect(names(top ? t.walk(top) : [])).toEqual(held.filter((k) => covers(words, q, k)).map(name))
            expect(names(t.walk(0, q.len))).toEqual(held.filter((k) => order(k, q) > 0).map(name))
          }
        }
        check()
        const rnd = random(seed + 7)
        const gone = held.filter(() => rnd.next() < 0.5)
        // Half released one by one, half unheld for one prune: lookups are right in between.
        gone.forEach((k, i) => {
          const n = ids.get(name(k))!
          if (i % 2) t.release(n)
          else t.unhold(n)
          ids.delete(name(k))
        })
        held = held.filter((k) => ids.has(name(k)))
        check(false)
        t.prune()
        check()
        for (const k of gone.slice(0, 40)) {
          load(t, k)
          ids.set(name(k), t.insert(k.len))
        }
        held = unique([...held, ...gone.slice(0, 40)])
        check()
        for (const k of held) t.release(ids.get(name(k))!)
        expect(t.count).toBe(0)
        expect([...t.walk(0)]).toEqual([])
      }
    })
  })
}

describe('PrefixTrie across node chunks', () => {
  it('keeps 60 000 keys findable and in order, and frees every node again', () => {
    const rnd = random(11)
    const t = new PrefixTrie(1)
    const keys = new Map<string, Key>()
    while (keys.size < 60_000) {
      const k = keyOf(1, BigInt(rnd.int(0, 0xffffffff)), rnd.int(8, 32))
      keys.set(name(k), k)
    }
    const ids = new Map<string, number>()
    for (const [n, k] of keys) {
      load(t, k)
      ids.set(n, t.insert(k.len))
    }
    expect(t.count).toBeGreaterThan(1 << 14)
    for (const [n, k] of keys) {
      load(t, k)
      expect(t.find(k.len)).toBe(ids.get(n))
    }
    const byId = new Map([...ids].map(([n, id]) => [id, n]))
    expect([...t.walk(0)].map((id) => byId.get(id))).toEqual([...keys.values()].sort(order).map(name))
    const shuffled = [...ids.values()].sort(() => rnd.next() - 0.5)
    for (const id of shuffled) t.release(id)
    expect(t.count).toBe(0)
  })
})
