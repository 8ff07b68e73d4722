// A small seeded PRNG (mulberry32) so that synthetic tables and fuzz inputs are
// the same on every run and machine.

export interface Random {
  /** uniform in [0, 1) */
  next(): number
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number
  pick<T>(items: readonly T[]): T
  /** picks from [value, weight] pairs */
  weighted<T>(table: readonly (readonly [T, number])[]): T
  bytes(n: number): Uint8Array
}

export function random(seed: number): Random {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(table) {
      const total = table.reduce((n, [, w]) => n + w, 0)
      let x = next() * total
      for (const [v, w] of table) {
        x -= w
        if (x < 0) return v
      }
      return table[table.length - 1]![0]
    },
    bytes(n) {
      const b = new Uint8Array(n)
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256)
      return b
    },
  }
}
