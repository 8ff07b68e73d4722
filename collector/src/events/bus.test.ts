import { describe, expect, it } from 'vitest'
import { EventBus } from './bus.ts'
import type { BusEvent, PeerStateEvent } from './types.ts'

function state(sequence: number): PeerStateEvent {
  return {
    type: 'state',
    host: 'rl00',
    peerAddress: '192.0.2.1',
    peerAsn: 64500,
    localAsn: 65000,
    timestamp: 1_700_000_000_000_000 + sequence,
    sequence,
    from: 'OpenConfirm',
    to: 'Established',
    risState: 'connected',
  }
}

describe('event bus', () => {
  it('delivers in order on a later turn, never inside publish', async () => {
    const bus = new EventBus()
    const got: number[] = []
    const sub = bus.subscribe('test', (e) => {
      got.push(e.sequence)
    })
    for (let i = 0; i < 2000; i++) bus.publish(state(i))
    expect(got).toEqual([])
    await sub.drained()
    expect(got).toEqual([...Array(2000).keys()])
    expect(sub.stats()).toEqual({
      name: 'test',
      capacity: 65536,
      queued: 0,
      delivered: 2000,
      dropped: 0,
      failed: 0,
    })
  })

  it('with a byte budget, drops what would exceed it and counts the bytes queued', async () => {
    const bus = new EventBus()
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const got: number[] = []
    const dropped: number[] = []
    const sub = bus.subscribe(
      'bytes',
      async (e) => {
        await gate
        got.push(e.sequence)
      },
      {
        capacity: 100,
        maxBytes: 1000,
        sizeOf: (e) => 100 + e.sequence,
        onDrop: (e) => dropped.push(e.sequence),
      },
    )
    // 100 + sequence bytes each: 0–8 fit (936 bytes), 9–11 do not; then the handler takes 0.
    for (let i = 0; i < 12; i++) bus.publish(state(i))
    await new Promise((r) => setImmediate(r))
    expect(sub.stats()).toEqual({
      name: 'bytes',
      capacity: 100,
      queued: 8,
      delivered: 0,
      dropped: 3,
      failed: 0,
      bytes: 836,
      maxBytes: 1000,
    })
    expect(dropped).toEqual([9, 10, 11])
    release()
    await sub.drained()
    expect(got).toEqual([...Array(9).keys()])
    expect(sub.stats()).toEqual({
      name: 'bytes',
      capacity: 100,
      queued: 0,
      delivered: 9,
      dropped: 3,
      failed: 0,
      bytes: 0,
      maxBytes: 1000,
    })
  })

  it('drops and counts what a slow sink cannot take, while a fast one gets everything', async () => {
    const bus = new EventBus()
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const slowGot: number[] = []
    const slow = bus.subscribe(
      'slow',
      async (e) => {
        await gate
        slowGot.push(e.sequence)
      },
      { capacity: 10 },
    )
    const fastGot: number[] = []
    const fast = bus.subscribe(
      'fast',
      (e) => {
        fastGot.push(e.sequence)
      },
      { capacity: 100_000 },
    )
    const t = performance.now()
    for (let i = 0; i < 100_000; i++) bus.publish(state(i))
    expect(performance.now() - t).toBeLessThan(1000)
    await fast.drained()
    expect(fastGot.length).toBe(100_000)
    // The slow sink holds one event in its handler and ten queued; the rest are dropped.
    await new Promise((r) => setImmediate(r))
    release()
    await slow.drained()
    expect(slowGot).toEqual([...Array(10).keys()])
    expect(slow.stats()).toEqual({
      name: 'slow',
      capacity: 10,
      queued: 0,
      delivered: 10,
      dropped: 99_990,
      failed: 0,
    })
    expect(bus.stats().published).toBe(100_000)
  })

  it('keeps going after a handler throws, and honours filters and close', async () => {
    const bus = new EventBus()
    const errors: number[] = []
    const got: number[] = []
    const sub = bus.subscribe(
      'picky',
      (e: BusEvent) => {
        if (e.sequence === 2) throw new Error('boom')
        got.push(e.sequence)
      },
      { filter: (e) => e.sequence % 2 === 0, onError: (_err, e) => errors.push(e.sequence) },
    )
    for (let i = 0; i < 7; i++) bus.publish(state(i))
    await sub.drained()
    expect([got, errors, sub.stats().failed]).toEqual([[0, 4, 6], [2], 1])
    expect(bus.active).toBe(true)
    sub.close()
    expect(bus.active).toBe(false)
    bus.publish(state(8))
    await sub.drained()
    expect(got).toEqual([0, 4, 6])
  })
})
