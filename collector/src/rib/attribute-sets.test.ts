import { describe, expect, it } from 'vitest'
import { AttributeSets } from './attribute-sets.ts'
import { seeded as random } from './test-updates.ts'

describe('AttributeSets', () => {
  it('interns equal bytes once, counts references and frees with the last', () => {
    const sets = new AttributeSets(16)
    const a = Uint8Array.from([1, 4, 192, 0, 2, 1, 0x40, 1, 1, 0])
    const id = sets.intern(a, 0, a.length)
    const copy = Uint8Array.from([9, 9, ...a, 9]).subarray(2, 2 + a.length)
    expect(sets.intern(copy, 0, copy.length)).toBe(id)
    expect(sets.intern(a, 0, a.length - 1)).not.toBe(id)
    sets.retain(id)
    sets.retain(id)
    sets.release(id)
    expect(sets.has(id)).toBe(true)
    sets.release(id)
    expect(sets.has(id)).toBe(false)
    expect(sets.count).toBe(1)
  })

  it('keeps every live set intact through frees, reuse of ids and compaction', () => {
    const rnd = random(3)
    const sets = new AttributeSets(16)
    const live = new Map<number, Uint8Array>()
    for (let i = 0; i < 12_000; i++) {
      const bytes = rnd.bytes(rnd.int(2, 300))
      const id = sets.intern(bytes, 0, bytes.length)
      sets.retain(id)
      live.set(id, bytes)
    }
    for (const id of [...live.keys()]) {
      if (rnd.next() < 0.75) {
        sets.release(id)
        live.delete(id)
      }
    }
    const before = sets.storageBytes()
    sets.tidy()
    expect(sets.storageBytes()).toBeLessThan(before)
    for (const [id, bytes] of live) {
      expect(sets.view(id)).toEqual(bytes)
      expect(sets.intern(bytes, 0, bytes.length)).toBe(id)
    }
    expect(sets.count).toBe(live.size)
    expect(sets.bytes).toBe([...live.values()].reduce((n, b) => n + b.length, 0))
  })
})
