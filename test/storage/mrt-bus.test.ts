// An MRT updates file published on the bus as the sessions would have
// published it, through the ClickHouse sink and the writer child into the
// embedded engine: exact per-table counts, and the `updates` table read back
// in bgpdump's one-line form equals bgpdump 1.6.2's reading of the same file.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { ClickHouseSink } from '../../collector/src/sinks/clickhouse/index.ts'
import { StorageWriter } from '../../collector/src/storage/writer.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { bgpdumpLines, storedAsBgpdump } from './bgpdump.ts'
import { mrtEvents } from './mrt-events.ts'
import { cleanDirs, embeddedOptions, scalar, settled, tempDir } from './support.ts'

const stops: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0)) await s()
  cleanDirs()
})

const testdata = requireTestdata('storage')

describe('an MRT updates file through the sink', () => {
  it.runIf(testdata)('lands with exact counts and the content bgpdump reads from the file', async () => {
    const file = join(testdata!, 'mrt/bgpdump/updates.20071015.1505.gz')
    const events = await mrtEvents(file)
    const bus = new EventBus()
    const logger = memoryLogger()
    const writer = new StorageWriter(embeddedOptions(tempDir()), logger)
    stops.push(() => writer.stop())
    // Small batches, so that the file takes many inserts.
    const sink = new ClickHouseSink(bus, writer, { batchEvents: 500 }, logger)
    await writer.start()
    for (const e of events) bus.publish(e)
    await sink.flush()
    await settled(writer)
    const stats = sink.stats()
    expect(stats.dropped).toBe(0)
    expect(stats.handedOver.events).toBe(events.length)
    const { inserted, spooled, rejected, dropped } = stats.writer.events
    expect({ stored: inserted + spooled, rejected, dropped }).toEqual({
      stored: events.length,
      rejected: 0,
      dropped: 0,
    })
    expect(stats.rejected).toBe(0)

    // The file: 4256 BGP4MP MESSAGE + 41 MESSAGE_AS4 records (MANIFEST.md), no state changes.
    expect(events.length).toBe(4297)
    const expectedLines = bgpdumpLines(readFileSync(`${file}.bgpdump.txt`, 'utf8'))
    expect(expectedLines.length).toBe(10496)
    expect(await scalar(writer, 'SELECT count() FROM messages')).toBe(4297)
    expect(await scalar(writer, "SELECT count() FROM messages WHERE type = 'UPDATE'")).toBe(4222)
    expect(await scalar(writer, "SELECT count() FROM messages WHERE type = 'KEEPALIVE'")).toBe(75)
    expect(await scalar(writer, 'SELECT count() FROM updates')).toBe(10496)
    expect(await scalar(writer, 'SELECT count() FROM peer_events')).toBe(0)
    expect(await scalar(writer, 'SELECT sum(announced) + sum(withdrawn) FROM messages')).toBe(10496)
    expect(await scalar(writer, 'SELECT sum(messages) FROM message_counts_1m')).toBe(4297)
    expect(await scalar(writer, 'SELECT sum(announcements) + sum(withdrawals) FROM update_counts_1m')).toBe(
      10496,
    )

    // Every stored update, as bgpdump prints it, is exactly what bgpdump read from the file.
    expect(await storedAsBgpdump(writer)).toEqual(expectedLines)

    // And the raw octets are the file's: one message checked octet for octet.
    const sample = events[1234]!
    expect(sample.type).toBe('message')
    const raw = await writer.query<{ hex: string }>(
      `SELECT hex(raw) AS hex FROM messages WHERE peer_address = toIPv6({peer:String}) AND sequence = {seq:UInt64}`,
      { peer: sample.peerAddress, seq: sample.sequence },
    )
    expect(raw).toEqual([
      {
        hex: Buffer.from(sample.type === 'message' ? sample.raw : [])
          .toString('hex')
          .toUpperCase(),
      },
    ])
  })
})
