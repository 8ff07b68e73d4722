// The fan-out and resume logic on the real event bus, with transports that
// record what they are given (the socket-level behaviour is in test/live/).

import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type UpdateMessage,
  updateRoutes,
} from '../../bgp/index.ts'
import { EventBus, type UpdateEvent } from '../../events/index.ts'
import { memoryLogger } from '../../log/logger.ts'
import { LiveSink, type Transport } from './live-sink.ts'
import type { Outgoing } from './outgoing.ts'

let clock = 1_700_000_000_000_000

function update(peer: string, sequence: number, prefix: string): UpdateEvent {
  const m: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500, 64501] }] },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: peer },
    ],
    nlri: [{ prefix }],
  }
  const raw = encodeMessage(m, DEFAULT_CONTEXT)
  const d = decodeMessage(raw, DEFAULT_CONTEXT)
  clock += 10
  return {
    type: 'message',
    host: 'rl00',
    peerAddress: peer,
    peerAsn: 64500,
    localAsn: 65000,
    timestamp: clock,
    sequence,
    direction: 'received',
    raw,
    message: d.message,
    context: DEFAULT_CONTEXT,
    routes: updateRoutes(d.message as UpdateMessage, d.problems, DEFAULT_CONTEXT),
    problems: d.problems,
  }
}

class Recorder implements Transport {
  readonly kind = 'websocket' as const
  readonly address: string
  readonly frames: (Buffer | string)[] = []
  closedWith: [number, string] | undefined
  backlog = 0

  constructor(address = '192.0.2.200') {
    this.address = address
  }

  send(text: string): void {
    this.frames.push(text)
  }

  flush(): void {}

  deliver(o: Outgoing, variant: number): number {
    const f = o.frame(variant)
    this.frames.push(f)
    return f.length
  }

  buffered(): number {
    return this.backlog
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason]
  }

  json(): { type: string; data: Record<string, unknown> }[] {
    return this.frames.map((f) => JSON.parse(f.toString()))
  }
}

function sink(bus: EventBus, limits = {}): LiveSink {
  return new LiveSink({
    bus,
    clock: { nowMicros: () => clock },
    logger: memoryLogger(),
    host: 'rl00',
    limits: { maxConnectionsPerAddress: 1000, ...limits },
  })
}

async function settle(bus: EventBus, s: LiveSink): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await s.drainedQueue()
    await Promise.all(bus.stats().subscriptions.map(() => new Promise((r) => setImmediate(r))))
  }
}

describe('LiveSink', () => {
  it('serialises an event once per option set, not once per subscriber', async () => {
    const bus = new EventBus()
    const s = sink(bus)
    const plain = Array.from({ length: 50 }, () => new Recorder())
    const raw = Array.from({ length: 3 }, () => new Recorder())
    for (const t of plain) s.subscribe(s.connect(t)!, { type: 'UPDATE' })
    for (const t of raw) s.subscribe(s.connect(t)!, { socketOptions: { includeRaw: true } })
    bus.publish(update('192.0.2.1', 7, '10.0.0.0/8'))
    await settle(bus, s)
    const f = plain[0]!.frames[0]
    expect(Buffer.isBuffer(f)).toBe(true)
    for (const t of plain) expect(t.frames).toEqual([f])
    for (const t of plain) expect(t.frames[0]).toBe(f)
    for (const t of raw) expect(t.frames[0]).toBe(raw[0]!.frames[0])
    expect(raw[0]!.frames[0]).not.toBe(f)
    expect(s.stats().delivered).toBe(53)
    s.close()
  })

  it('resumes with no gap and no duplicate while live events keep coming', async () => {
    const bus = new EventBus()
    const s = sink(bus, { resumeBuffer: 100 })
    const watcher = new Recorder()
    s.subscribe(s.connect(watcher)!, null)
    for (let i = 0; i < 10; i++) bus.publish(update('192.0.2.1', i, `10.0.${i}.0/24`))
    await settle(bus, s)
    const t = new Recorder()
    const c = s.connect(t)!
    // Queued, not yet delivered, when the resume begins: replayed, then skipped live.
    for (let i = 10; i < 13; i++) bus.publish(update('192.0.2.1', i, `10.0.${i}.0/24`))
    s.subscribe(c, { socketOptions: { resumeFrom: '192.0.2.1-0000000000000003' } })
    // Published after the resume began: in the history and caught live.
    for (let i = 13; i < 15; i++) bus.publish(update('192.0.2.1', i, `10.0.${i}.0/24`))
    await settle(bus, s)
    for (let i = 15; i < 18; i++) bus.publish(update('192.0.2.1', i, `10.0.${i}.0/24`))
    await settle(bus, s)
    expect(t.json().map((m) => m.data.id)).toEqual(
      Array.from({ length: 14 }, (_, k) => `192.0.2.1-${(k + 4).toString(16).padStart(16, '0')}`),
    )
    const st = s.stats()
    expect(st.resumeDuplicates).toBe(5)
    expect(st.replayed).toBe(11)
    s.close()
  })

  it('cuts a slow consumer off with ris_error and close 4001, and counts it', async () => {
    const bus = new EventBus()
    const s = sink(bus, { maxBufferedBytes: 1000 })
    const slow = new Recorder()
    const fine = new Recorder()
    s.subscribe(s.connect(slow)!, null)
    s.subscribe(s.connect(fine)!, null)
    bus.publish(update('192.0.2.1', 1, '10.0.1.0/24'))
    await settle(bus, s)
    slow.backlog = 5000
    bus.publish(update('192.0.2.1', 2, '10.0.2.0/24'))
    bus.publish(update('192.0.2.1', 3, '10.0.3.0/24'))
    await settle(bus, s)
    expect(slow.json().map((m) => m.type)).toEqual(['ris_message', 'ris_error'])
    expect(slow.json()[1]!.data).toEqual({
      message: 'slow consumer: 5000 octets are waiting to be sent, the limit is 1000; closing the connection',
    })
    expect(slow.closedWith).toEqual([4001, 'slow consumer'])
    expect(fine.json().length).toBe(3)
    const st = s.stats()
    expect([st.slowConsumers, st.droppedMessages, st.clients.websocket, st.subscriptions]).toEqual([
      1, 1, 1, 1,
    ])
    s.close()
  })

  it('tells every subscribed socket about queue drops, where to resume, and closes it with 4003', async () => {
    const bus = new EventBus()
    const s = sink(bus, { queue: 8, resumeBuffer: 1000 })
    const got = new Recorder()
    const none = new Recorder()
    const idle = new Recorder()
    s.subscribe(s.connect(got)!, null)
    s.subscribe(s.connect(none)!, { prefix: '172.16.0.0/12' })
    s.connect(idle)
    // One session read's worth, published at once: 8 are queued, 15 dropped.
    const events = Array.from({ length: 23 }, (_, i) => update('192.0.2.1', i, `10.0.${i}.0/24`))
    for (const e of events) bus.publish(e)
    await settle(bus, s)
    const firstDropped = events[8]!.timestamp
    const id = (n: number) => `192.0.2.1-${n.toString(16).padStart(16, '0')}`
    const error = (resumeFrom: string | number) => ({
      type: 'ris_error',
      data: {
        message:
          'messages dropped: the queue in front of the live feed (8 events) was full, and 15 messages from ' +
          `${id(8)} (${new Date(firstDropped / 1000).toISOString()}) on were sent to no client (not all of ` +
          "them need match this socket's subscriptions); reconnect with socketOptions.resumeFrom " +
          `${JSON.stringify(resumeFrom)} to get what this socket missed; closing the connection`,
        dropped: 15,
        first_id: id(8),
        resumeFrom,
      },
    })
    const msgs = got.json()
    expect(msgs.slice(0, 8).map((m) => m.data.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(id))
    expect(msgs.slice(8)).toEqual([error(id(7))])
    expect(got.closedWith).toEqual([4003, 'messages dropped'])
    // It got nothing: resume from the time of the first message dropped (included).
    expect(none.json()).toEqual([error(Math.floor(firstDropped / 1000) / 1000)])
    expect(none.closedWith).toEqual([4003, 'messages dropped'])
    expect(idle.frames).toEqual([])
    expect(idle.closedWith).toBeUndefined()
    const st = s.stats()
    expect([st.queue.dropped, st.dropClosures, st.clients.websocket, st.subscriptions]).toEqual([15, 2, 1, 0])
    // The history kept everything: the resume position gives exactly what was missed.
    const again = new Recorder()
    s.subscribe(s.connect(again)!, { socketOptions: { resumeFrom: id(7) } })
    await settle(bus, s)
    expect(again.json().map((m) => m.data.id)).toEqual(Array.from({ length: 15 }, (_, k) => id(k + 8)))
    s.close()
  })

  it('costs idle prefix subscribers nothing: they are never looked at', async () => {
    const bus = new EventBus()
    const s = sink(bus)
    const idle = new Recorder()
    const c = s.connect(idle)!
    for (let i = 0; i < 200; i++) s.subscribe(c, { prefix: `172.${16 + (i >> 8)}.${i & 255}.0/24` })
    const busy = new Recorder()
    s.subscribe(s.connect(busy)!, { prefix: '10.0.0.0/8' })
    const visits = { n: 0 }
    const original = c.subs.values().next().value!.sub
    Object.defineProperty(original, 'type', {
      get() {
        visits.n++
        return undefined
      },
    })
    for (let i = 0; i < 50; i++) bus.publish(update('192.0.2.1', i, `10.1.${i}.0/24`))
    await settle(bus, s)
    expect(busy.frames.length).toBe(50)
    expect(idle.frames.length).toBe(0)
    expect(visits.n).toBe(0)
    s.close()
  })
})
