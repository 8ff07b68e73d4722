// The ClickHouse sink's memory bound: while the writer cannot take more
// (here: its child is not started yet, so nothing is acknowledged), events
// queue on the bus up to the subscription's capacity and the rest are
// dropped — counted, never silently — and everything that was taken is stored
// once the writer runs. Also: batches are handed over by size and by age.

import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONTEXT, encodeMessage } from '../../collector/src/bgp/index.ts'
import { EventBus, type UpdateEvent } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { ClickHouseSink } from '../../collector/src/sinks/clickhouse/index.ts'
import { StorageWriter } from '../../collector/src/storage/writer.ts'
import { cleanDirs, embeddedOptions, scalar, settled, tempDir, until } from './support.ts'

const stops: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0)) await s()
  cleanDirs()
})

const RAW = encodeMessage({ type: 'KEEPALIVE' }, DEFAULT_CONTEXT)

function keepalive(sequence: number): UpdateEvent {
  return {
    type: 'message',
    host: 'rl-test',
    peerAddress: '192.0.2.1',
    peerAsn: 64500,
    localAsn: 65000,
    timestamp: 1_700_000_000_000_000 + sequence,
    sequence,
    direction: 'received',
    raw: RAW,
    message: { type: 'KEEPALIVE' },
    context: DEFAULT_CONTEXT,
    problems: [],
  }
}

describe('the ClickHouse sink', () => {
  it('queues on the bus while the writer is full, drops and counts what does not fit, stores the rest', async () => {
    const logger = memoryLogger()
    // One batch fills the writer until its child acknowledges it.
    const writer = new StorageWriter(embeddedOptions(tempDir(), { maxInflightBytes: 1 }), logger)
    stops.push(() => writer.stop())
    const bus = new EventBus()
    const sink = new ClickHouseSink(bus, writer, { batchEvents: 10, queueCapacity: 50 }, logger)
    for (let i = 1; i <= 200; i++) bus.publish(keepalive(i))
    let s = sink.stats()
    // 10 taken at once into a batch (handed over: the writer is now full), 50 queued, 140 dropped.
    expect({
      handedOver: s.handedOver.events,
      deferred: s.deferred,
      queued: s.subscription.queued,
      busDropped: s.subscription.dropped,
      dropped: s.dropped,
    }).toEqual({ handedOver: 10, deferred: 190, queued: 50, busDropped: 140, dropped: 140 })
    expect(logger.lines.some((l) => l.includes('clickhouse writer is full'))).toBe(true)

    await writer.start()
    await sink.flush()
    await settled(writer)
    s = sink.stats()
    expect({
      taken: s.taken,
      handedOver: s.handedOver.events,
      dropped: s.dropped,
      queued: s.subscription.queued,
    }).toEqual({
      taken: 60,
      handedOver: 60,
      dropped: 140,
      queued: 0,
    })
    expect(s.writer.events).toEqual({ inserted: 60, spooled: 0, rejected: 0, dropped: 0 })
    expect(await scalar(writer, 'SELECT count() FROM messages')).toBe(60)
    // The first 60 published are the ones kept, in order.
    expect(await scalar(writer, 'SELECT max(sequence) FROM messages')).toBe(60)
    expect(
      logger.lines.some(
        (l) => l.includes('clickhouse sink fell behind: events dropped') && l.includes('dropped=140'),
      ),
    ).toBe(true)
    // Room again: events are taken at publish time once more.
    bus.publish(keepalive(201))
    expect(sink.stats().taken).toBe(61)
  })

  it('hands a batch over when it is full, and when its oldest event has waited batchAgeMs', async () => {
    const logger = memoryLogger()
    const writer = new StorageWriter(embeddedOptions(tempDir()), logger)
    stops.push(() => writer.stop())
    await writer.start()
    const bus = new EventBus()
    const sink = new ClickHouseSink(bus, writer, { batchEvents: 25, batchAgeMs: 300 }, logger)
    for (let i = 1; i <= 60; i++) bus.publish(keepalive(i))
    expect(sink.stats().handedOver).toMatchObject({ batches: 2, events: 50 })
    expect(sink.stats().open.events).toBe(10)
    await until('the age limit', () => sink.stats().handedOver.batches === 3, 5000)
    expect(sink.stats().open.events).toBe(0)
    await settled(writer)
    expect(await scalar(writer, 'SELECT count() FROM messages')).toBe(60)
  })
})
