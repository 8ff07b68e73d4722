// The collector side of the crash test, in a process of its own that the test
// kills with SIGKILL (with its writer child) in the middle of the stream: it
// publishes an MRT file's events on a bus with the ClickHouse sink on the
// embedded engine, 100 events per batch (sealed by flushBatch), and reports on stdout
//
//   writer PID            the writer child's process id
//   batch ID FROM TO      a batch was handed to the writer: events [FROM, TO) of the file
//   ack ID OUTCOME        the writer acknowledged it: inserted, spooled (on disk), …
//
//   node --import tsx crash-feeder.ts DATA_DIR MRT_FILE

import { EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { ClickHouseSink } from '../../collector/src/sinks/clickhouse/index.ts'
import { StorageWriter } from '../../collector/src/storage/writer.ts'
import { mrtEvents } from './mrt-events.ts'
import { embeddedOptions } from './support.ts'

const [dir, file] = process.argv.slice(2)
const events = await mrtEvents(file!)
const logger = memoryLogger()
// Nothing held in memory: every batch not inserted at once is spooled, so the kill finds some there.
const writer = new StorageWriter(embeddedOptions(dir!, { memoryBytes: 1 }), logger)
const bus = new EventBus()
const sink = new ClickHouseSink(bus, writer, { batchEvents: 1000, batchAgeMs: 60_000 }, logger)
writer.onAck((id, outcome) => process.stdout.write(`ack ${id} ${outcome}\n`))
await writer.start()
process.stdout.write(`writer ${writer.pid}\n`)
for (let i = 0; i < events.length; i += 100) {
  const to = Math.min(i + 100, events.length)
  for (const e of events.slice(i, to)) bus.publish(e)
  const id = await sink.flushBatch()
  process.stdout.write(`batch ${id} ${i} ${to}\n`)
  await new Promise((r) => setTimeout(r, 5))
}
process.stdout.write('published\n')
// Stay up until killed.
setInterval(() => {}, 1000)
