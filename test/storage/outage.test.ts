// ClickHouse goes away in the middle of a stream and comes back: the writer
// talks to a ClickHouse HTTP interface (served by the embedded engine in its
// own process, chdb-http-server.ts — no clickhouse-server is installed here),
// the test kills that process with SIGKILL while batches are being inserted
// (connections refused from then on, and inserts in flight cut off), keeps
// publishing, then starts it again on the same port and data. Every batch is
// spooled meanwhile and replayed in order; the tables end with exactly the
// rows of the file, none twice, and read back as bgpdump reads the file.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { ClickHouseSink } from '../../collector/src/sinks/clickhouse/index.ts'
import { displayAddress } from '../../collector/src/storage/queries.ts'
import { StorageWriter } from '../../collector/src/storage/writer.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { bgpdumpLines, storedAsBgpdump } from './bgpdump.ts'
import { mrtEvents } from './mrt-events.ts'
import { freePort, TestServer } from './server.ts'
import { cleanDirs, scalar, settled, tempDir, until } from './support.ts'

const stops: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s()
  cleanDirs()
})

const testdata = requireTestdata('storage')

describe('ClickHouse unavailable mid-stream', () => {
  it.runIf(testdata)(
    'spools, replays in order when it is back, and stores every row exactly once',
    async () => {
      const file = join(testdata!, 'mrt/bgpdump/updates.20071015.1505.gz')
      const events = await mrtEvents(file)
      const dir = tempDir()
      const server = new TestServer(join(dir, 'server'), await freePort())
      await server.start()
      stops.push(() => server.kill())
      const logger = memoryLogger()
      const writer = new StorageWriter(
        {
          target: { url: server.url, database: 'routelake', path: join(dir, 'unused') },
          spoolDir: join(dir, 'spool'),
          retryMinMs: 100,
          retryMaxMs: 400,
        },
        logger,
      )
      stops.push(() => writer.stop())
      const bus = new EventBus()
      const sink = new ClickHouseSink(bus, writer, { batchEvents: 100 }, logger)
      await writer.start()
      expect(writer.stats().child).toMatchObject({ connected: true, schemaVersion: 4 })
      // Each row keeps the number of the INSERT that stored it (through merges too), so the
      // order batches reached the tables can be read back at the end.
      for (const table of ['messages', 'updates']) {
        await writer.command(`ALTER TABLE ${table} MODIFY SETTING enable_block_number_column = 1`)
      }

      const publish = async (from: number, to: number) => {
        for (let i = from; i < to; i += 100) {
          for (const e of events.slice(i, Math.min(i + 100, to))) bus.publish(e)
          await sink.flush()
          await new Promise((r) => setTimeout(r, 5))
        }
      }
      const third = Math.floor(events.length / 3)
      await publish(0, third)
      await until('inserts under way', async () => {
        writer.refreshStats()
        return (writer.stats().child?.insertedBatches ?? 0) >= 3
      })
      // The server dies with inserts in flight.
      await server.kill()
      await publish(third, 2 * third)
      await until('batches spooled while the server is down', async () => {
        writer.refreshStats()
        return (writer.stats().child?.spooledBatches ?? 0) >= 5 && writer.stats().child?.healthy === false
      })
      // It comes back with its data; the rest of the file arrives meanwhile.
      await server.start()
      await publish(2 * third, events.length)
      await sink.flush()
      await settled(writer)

      const stats = sink.stats()
      expect(stats.dropped).toBe(0)
      const { inserted, spooled, rejected, dropped } = stats.writer.events
      expect({ stored: inserted + spooled, rejected, dropped }).toEqual({
        stored: events.length,
        rejected: 0,
        dropped: 0,
      })
      // Batches were spooled while the server was down, and replayed from the spool.
      expect(spooled).toBeGreaterThan(0)
      expect(stats.writer.child!.replayedBatches).toBeGreaterThan(0)
      expect(stats.rejected).toBe(0)
      const child = stats.writer.child!
      expect(child.failedInserts).toBeGreaterThan(0)
      expect(logger.lines.some((l) => l.includes('ClickHouse is back'))).toBe(true)

      expect(await scalar(writer, 'SELECT count() FROM messages')).toBe(events.length)
      expect(await scalar(writer, 'SELECT uniqExact(peer_address, sequence) FROM messages')).toBe(
        events.length,
      )
      expect(await scalar(writer, 'SELECT count() FROM updates')).toBe(10496)
      expect(await scalar(writer, 'SELECT sum(messages) FROM message_counts_1m')).toBe(events.length)
      expect(await scalar(writer, 'SELECT sum(announcements) + sum(withdrawals) FROM update_counts_1m')).toBe(
        10496,
      )
      expect(await storedAsBgpdump(writer)).toEqual(bgpdumpLines(readFileSync(`${file}.bgpdump.txt`, 'utf8')))

      // In order: read in the order of the INSERTs (a batch's rows share one), each peer's
      // messages come in the order they were published, spooled batches replayed oldest first.
      const inInsertOrder = async (table: string) => {
        const rows = await writer.query<{ p: string; b: string; s: string }>(
          `SELECT toString(peer_address) AS p, toString(_block_number) AS b, toString(sequence) AS s FROM ${table}`,
        )
        const perPeer = new Map<string, number[]>()
        rows
          .map((r) => ({ peer: displayAddress(r.p), block: Number(r.b), sequence: Number(r.s) }))
          .sort((a, b) => a.block - b.block || a.sequence - b.sequence)
          .forEach((r) => {
            perPeer.set(r.peer, [...(perPeer.get(r.peer) ?? []), r.sequence])
          })
        return perPeer
      }
      const published = new Map<string, number[]>()
      for (const e of events) {
        if (e.type === 'message')
          published.set(e.peerAddress, [...(published.get(e.peerAddress) ?? []), e.sequence])
      }
      expect(await inInsertOrder('messages')).toEqual(published)
      const updates = await inInsertOrder('updates')
      expect([...updates.keys()].every((p) => published.has(p))).toBe(true)
      expect(updates).toEqual(new Map([...updates].map(([p, s]) => [p, [...s].sort((a, b) => a - b)])))
      const blocks = await scalar(writer, 'SELECT uniqExact(_block_number) FROM messages')
      expect(blocks).toBeGreaterThan(10)
    },
  )
})
