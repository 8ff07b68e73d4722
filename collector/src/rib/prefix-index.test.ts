import { describe, expect, it } from 'vitest'
import { PrefixIndex } from './prefix-index.ts'
import { seeded as random } from './test-updates.ts'

// The prefix index against a brute-force reference: keys as bigints of
// `words * 32` bits, on random tables made of nested prefixes (so that
// covering and more-specific relations are many), for IPv4-sized, VPN-sized
// and IPv6-sized keys; and large tables that make the B+tree split, shrink and
// rebuild.

interface Key {
  readonly v: bigint
  readonly len: number
}

function keyOf(words: number, v: bigint, len: number): Key {
  const bits = BigInt(words * 32)
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << (bits - BigInt(len))
  return { v: v & mask, len }
}

function load(t: PrefixIndex, k: Key): void {
  for (let w = 0; w < t.words; w++) t.qk[w] = Number((k.v >> BigInt((t.words - 1 - w) * 32)) & 0xffffffffn)
}

/** Slots in use in the index's hash table: one per held key. */
function hashed(t: PrefixIndex): number {
  return (t as unknown as { slots: Uint32Array }).slots.reduce((n, s) => n + (s === 0 ? 0 : 1), 0)
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

for (const words of [1, 3, 4]) {
  describe(`PrefixIndex with ${words * 32}-bit keys`, () => {
    // With a batch of 8 the tree is let go on the way and built again from the records.
    it.each([1 << 16, 8])(
      'finds, covers and walks like a brute-force search, before and after removals (batch %i)',
      (batch) => {
        for (let seed = 1; seed <= 6; seed++) {
          const t = new PrefixIndex(words, batch)
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
            if (pruned) expect(t.count).toBe(held.length)
            // Every node in use (held, or unheld until the prune) is in the hash table once.
            expect(hashed(t)).toBe(t.count)
            const byId = new Map([...ids].map(([k, n]) => [n, k]))
            const names = (nodes: Iterable<number>) => [...nodes].map((n) => byId.get(n))
            for (const k of held) {
              load(t, k)
              expect(t.find(k.len)).toBe(ids.get(name(k)))
            }
            expect(names(t.walk())).toEqual(held.map(name))
            for (const q of probes) {
              load(t, q)
              const isHeld = held.some((k) => k.v === q.v && k.len === q.len)
              expect(t.find(q.len) !== 0).toBe(isHeld)
              const cov: number[] = []
              t.covering(q.len, cov)
              expect(names(cov)).toEqual(held.filter((k) => covers(words, k, q)).map(name))
              expect(names(t.walkInside(q.len))).toEqual(held.filter((k) => covers(words, q, k)).map(name))
              load(t, q)
              expect(names(t.walkAfter(q.len))).toEqual(held.filter((k) => order(k, q) > 0).map(name))
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
          expect([...t.walk()]).toEqual([])
        }
      },
    )
  })
}

describe('PrefixIndex with many keys', () => {
  const table = (seed: number, size: number): Key[] => {
    const rnd = random(seed)
    const keys = new Map<string, Key>()
    while (keys.size < size) {
      const k = keyOf(1, BigInt(rnd.int(0, 0xffffffff)), rnd.int(8, 32))
      keys.set(name(k), k)
    }
    return [...keys.values()]
  }

  for (const sorted of [false, true]) {
    it(`keeps 70 000 keys added ${sorted ? 'in order' : 'at random'} findable and in order, and frees them again`, () => {
      const rnd = random(11)
      const t = new PrefixIndex(1)
      const keys = table(11, 70_000)
      const inOrder = [...keys].sort(order)
      const ids = new Map<string, number>()
      for (const k of sorted ? inOrder : keys) {
        load(t, k)
        ids.set(name(k), t.insert(k.len))
      }
      expect(t.count).toBe(keys.length)
      expect(hashed(t)).toBe(keys.length)
      // More than a node chunk, and more than a batch of pending nodes.
      expect(t.count).toBeGreaterThan(1 << 16)
      for (const k of keys) {
        load(t, k)
        expect(t.find(k.len)).toBe(ids.get(name(k)))
      }
      const byId = new Map([...ids].map(([n, id]) => [id, n]))
      expect([...t.walk()].map((id) => byId.get(id))).toEqual(inOrder.map(name))
      // Inside a /8 and after a key in the middle, against the sorted list.
      const q = inOrder[35_000]!
      load(t, q)
      expect([...t.walkAfter(q.len)].map((id) => byId.get(id))).toEqual(inOrder.slice(35_001).map(name))
      const slash8 = keyOf(1, q.v, 8)
      load(t, slash8)
      expect([...t.walkInside(8)].map((id) => byId.get(id))).toEqual(
        inOrder.filter((k) => covers(1, slash8, k)).map(name),
      )
      // Released one by one in random order, checking the order of what is left now and then.
      const shuffled = [...keys].sort(() => rnd.next() - 0.5)
      const left = new Set(inOrder.map(name))
      shuffled.forEach((k, i) => {
        t.release(ids.get(name(k))!)
        left.delete(name(k))
        if (i % 7919 === 0) {
          expect([...t.walk()].map((id) => byId.get(id))).toEqual(
            inOrder.map(name).filter((n) => left.has(n)),
          )
          for (const r of inOrder.filter((x) => left.has(name(x))).slice(0, 200)) {
            load(t, r)
            expect(t.find(r.len)).toBe(ids.get(name(r)))
          }
        }
      })
      expect(t.count).toBe(0)
      expect([...t.walk()]).toEqual([])
    })
  }

  it('prunes a few unheld keys one by one and many by rebuilding, keeping re-added ones', () => {
    const t = new PrefixIndex(1)
    const keys = table(5, 20_000)
    const inOrder = [...keys].sort(order)
    const ids = new Map<string, number>()
    for (const k of keys) {
      load(t, k)
      ids.set(name(k), t.insert(k.len))
    }
    let held = new Set(keys.map(name))
    const byId = () => new Map([...ids].map(([n, id]) => [id, n]))
    const check = () => {
      const names = byId()
      expect([...t.walk()].map((id) => names.get(id))).toEqual(inOrder.map(name).filter((n) => held.has(n)))
      expect(t.count).toBe(held.size)
      expect(hashed(t)).toBe(held.size)
    }
    for (const fraction of [0.01, 0.5]) {
      const rnd = random(fraction * 100)
      const gone = inOrder.filter((k) => held.has(name(k)) && rnd.next() < fraction)
      for (const k of gone) t.unhold(ids.get(name(k))!)
      // Unheld and held again before the prune: it stays, with its id.
      const back = gone.slice(0, 10)
      for (const k of back) {
        load(t, k)
        expect(t.insert(k.len)).toBe(ids.get(name(k)))
      }
      for (const k of gone.slice(10)) {
        ids.delete(name(k))
        held.delete(name(k))
      }
      t.prune()
      check()
    }
    held = new Set()
    for (const id of [...ids.values()]) t.release(id)
    ids.clear()
    check()
  })
})

describe('PrefixIndex under random operations', () => {
  // A small batch, so that the tree is let go and built again from the records often; a small
  // job step, so that changes land between the steps of building it (prepare).
  for (const [words, batch, step] of [
    [1, 1 << 16, 1 << 15],
    [4, 1 << 16, 1 << 15],
    [1, 16, 1 << 15],
    [4, 16, 1 << 15],
    [1, 16, 3],
    [4, 16, 3],
  ] as const) {
    it(`agrees with a model through inserts, releases, unholds, prunes, prepares and walks (${words * 32}-bit keys, batch ${batch}, step ${step})`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const rnd = random(seed)
        const t = new PrefixIndex(words, batch, step)
        const pool = randomKeys(words, seed, rnd.int(20, 3000))
        // key name -> node id, for the held keys
        const model = new Map<string, number>()
        const keys = new Map(pool.map((k) => [name(k), k]))
        for (let op = 0; op < 3000; op++) {
          const r = rnd.next()
          const k = rnd.pick(pool)
          const n = model.get(name(k))
          if (r < 0.5) {
            load(t, k)
            const id = t.insert(k.len)
            // A key held, or unheld and not pruned yet, keeps its node.
            if (n !== undefined) expect(id).toBe(n)
            model.set(name(k), id)
          } else if (r < 0.65) {
            if (n !== undefined) t.release(n)
            model.delete(name(k))
          } else if (r < 0.75) {
            if (n !== undefined) t.unhold(n)
            model.delete(name(k))
          } else if (r < 0.78) {
            t.prune()
          } else if (r < 0.83) {
            // One step of building the tree (0 ms: a single step), as a dump's slices do.
            t.prepare(0)
          } else if (r < 0.86) {
            const inOrder = [...model.keys()].map((x) => keys.get(x)!).sort(order)
            expect([...t.walk()]).toEqual(inOrder.map((x) => model.get(name(x))))
            expect(hashed(t)).toBe(t.count)
          } else {
            load(t, k)
            expect(t.find(k.len)).toBe(n ?? 0)
          }
        }
        t.prune()
        expect(t.count).toBe(model.size)
        expect(hashed(t)).toBe(model.size)
      }
    })
  }
})
