// The writing side of the MRT crash test, in a process of its own that the
// test kills with SIGKILL while it writes: an MRT dump sink (5-minute updates
// files) on a bus, with a clock that moves 20 s for every 500 messages, fed
// UPDATEs as fast as the event loop allows,
// each announcing the prefix that numbers it (10.x.y.0/24 for n = x·256 + y,
// plus 1.0.0.0/8 × (n >> 16) as needed). It reports on stdout
//
//   published PATH RECORDS   a file got its final name
//
//   node --import tsx crash-writer.ts DIR START_MS

import { DEFAULT_CONTEXT, encodeMessage } from '../../collector/src/bgp/index.ts'
import { EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { createRib } from '../../collector/src/rib/index.ts'
import { manualClock } from '../../collector/src/session/index.ts'
import { MrtDumpSink } from '../../collector/src/sinks/mrt-dump/index.ts'

export function prefixOf(n: number): string {
  return `${10 + (n >> 16)}.${(n >> 8) & 0xff}.${n & 0xff}.0/24`
}

const dir = process.argv[2]!
const clock = manualClock(Number(process.argv[3]))
const bus = new EventBus()
const sink = new MrtDumpSink(
  { dir, ribIntervalMs: 0, gzipLevel: 1 },
  {
    bus,
    rib: createRib(),
    clock,
    logger: memoryLogger(),
    collectorBgpId: '192.0.2.254',
    peer: () => ({ localAddress: '192.0.2.254', asn: 64500 }),
  },
)
await sink.start()
// Only this run's files: the directory may hold an earlier run's.
let published = (await sink.list()).length
const report = setInterval(async () => {
  const files = await sink.list()
  for (const f of files.slice(published)) process.stdout.write(`published ${f.path}\n`)
  published = files.length
}, 50)
report.unref()
let n = 0
for (;;) {
  for (let i = 0; i < 500; i++, n++) {
    const raw = encodeMessage(
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [
          { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
          {
            code: 2,
            flags: 0x40,
            name: 'AS_PATH',
            value: [{ type: 'AS_SEQUENCE', asns: [64500, 65000 + (n % 1000)] }],
          },
          { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
        ],
        nlri: [{ prefix: prefixOf(n) }],
      },
      DEFAULT_CONTEXT,
    )
    bus.publish({
      type: 'message',
      host: 'rl-crash',
      peerAddress: '192.0.2.1',
      peerAsn: 64500,
      localAsn: 65000,
      timestamp: clock.nowMicros(),
      sequence: n,
      direction: 'received',
      raw,
      message: undefined,
      context: DEFAULT_CONTEXT,
      problems: [],
    })
  }
  clock.advance(20_000)
  await new Promise((r) => setImmediate(r))
}
