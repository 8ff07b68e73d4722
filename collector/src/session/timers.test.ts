import { describe, expect, it } from 'vitest'
import { manualClock } from './clock.ts'
import { Timers } from './timers.ts'

describe('named timers', () => {
  it('fire at the latest deadline however often they are restarted, without re-arming each time', () => {
    const clock = manualClock(0)
    const fired: [string, number][] = []
    const t = new Timers<'hold' | 'keepalive'>(clock, (name) => fired.push([name, clock.now()]))
    t.start('hold', 90)
    for (let i = 1; i <= 1000; i++) {
      clock.advance(50)
      t.start('hold', 90)
    }
    // A thousand restarts later there is still one clock timer.
    expect(clock.pending()).toBe(1)
    clock.advance(89_999)
    expect(fired).toEqual([])
    clock.advance(1)
    expect(fired).toEqual([['hold', 140_000]])
    expect(t.has('hold')).toBe(false)
  })

  it('fires earlier when restarted with a shorter time, and not at all once stopped', () => {
    const clock = manualClock(0)
    const fired: string[] = []
    const t = new Timers<'a' | 'b'>(clock, (name) => fired.push(`${name}@${clock.now()}`))
    t.start('a', 100)
    t.start('a', 10)
    t.start('b', 5)
    expect(t.remaining('a')).toBe(10_000)
    t.stop('b')
    clock.advance(200_000)
    expect(fired).toEqual(['a@10000'])
    t.start('a', 1)
    t.start('b', 1)
    t.stopAll()
    clock.advance(5_000)
    expect([fired.length, clock.pending()]).toEqual([1, 0])
  })
})
