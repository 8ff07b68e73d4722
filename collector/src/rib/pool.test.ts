import { describe, expect, it } from 'vitest'
import { chunkOf, HEADER_WORDS, HUGE, offsetOf, payloadOfHeader, sizeClasses, WordPool } from './pool.ts'
import { seeded as random } from './test-updates.ts'

// Blocks filled with a pattern derived from their owner, so that every check
// can tell whether a block still holds what was written into it.

function fill(pool: WordPool, h: number, owner: number, words: number): void {
  const a = pool.words[chunkOf(h)]!
  for (let i = HEADER_WORDS; i < words; i++) a[offsetOf(h) + i] = (owner * 7919 + i) >>> 0
}

function intact(pool: WordPool, h: number, owner: number, words: number): boolean {
  const a = pool.words[chunkOf(h)]!
  if (a[offsetOf(h) + 1] !== owner || payloadOfHeader(a[offsetOf(h)]!) !== words) return false
  for (let i = HEADER_WORDS; i < words; i++) if (a[offsetOf(h) + i] !== (owner * 7919 + i) >>> 0) return false
  return true
}

describe('WordPool', () => {
  it('picks the smallest class that holds a size, HUGE beyond the largest', () => {
    const pool = new WordPool(sizeClasses(3, 8, 1.5))
    expect(pool.sizes.slice(0, 9)).toEqual([3, 4, 5, 6, 7, 8, 12, 18, 27])
    expect(pool.classFor(1)).toBe(0)
    expect(pool.classFor(8)).toBe(5)
    expect(pool.classFor(9)).toBe(6)
    expect(pool.classFor(1 << 20)).toBe(HUGE)
  })

  it('reuses freed blocks of a class and keeps blocks apart', () => {
    const pool = new WordPool(sizeClasses(3, 64, 1.25))
    const a = pool.alloc(pool.classFor(10), 10, 1)
    fill(pool, a, 1, 10)
    const b = pool.alloc(pool.classFor(10), 10, 2)
    fill(pool, b, 2, 10)
    expect(intact(pool, a, 1, 10) && intact(pool, b, 2, 10)).toBe(true)
    pool.release(a)
    expect(pool.freeWords).toBe(10)
    expect(pool.alloc(pool.classFor(10), 10, 3)).toBe(a)
    expect(pool.freeWords).toBe(0)
    const huge = pool.alloc(HUGE, 5, 4, 1 << 19)
    expect(pool.capacity(huge, HUGE)).toBe(1 << 19)
    const before = pool.allocatedBytes
    pool.release(huge)
    expect(pool.allocatedBytes).toBe(before - (1 << 21))
  })

  it('compacts live blocks in place, reporting each new handle, and gives back emptied chunks', () => {
    const rnd = random(5)
    const pool = new WordPool(sizeClasses(3, 64, 1.25))
    const live = new Map<number, { h: number; words: number }>()
    for (let owner = 1; owner <= 40_000; owner++) {
      const words = rnd.int(3, 200)
      const h = pool.alloc(pool.classFor(words), words, owner)
      fill(pool, h, owner, words)
      live.set(owner, { h, words })
    }
    for (const [owner, b] of [...live]) {
      if (rnd.next() < 0.7) {
        pool.release(b.h)
        live.delete(owner)
      }
    }
    expect(pool.wasteful()).toBe(true)
    const before = pool.allocatedBytes
    const moved: number[] = []
    pool.compact((owner, h) => {
      moved.push(owner)
      live.get(owner)!.h = h
    })
    expect(moved.length).toBeGreaterThan(0)
    expect(new Set(moved).size).toBe(moved.length)
    expect(pool.freeWords).toBe(0)
    expect(pool.allocatedBytes).toBeLessThan(before * 0.6)
    for (const [owner, b] of live) expect(intact(pool, b.h, owner, b.words)).toBe(true)
    // Allocation goes on after the compacted blocks without touching them.
    for (let owner = 50_000; owner < 52_000; owner++) {
      const h = pool.alloc(pool.classFor(20), 20, owner)
      fill(pool, h, owner, 20)
      live.set(owner, { h, words: 20 })
    }
    for (const [owner, b] of live) expect(intact(pool, b.h, owner, b.words)).toBe(true)
  })
})
