// The Routelake side of `npm run bench -- ingest`, in a process of its own
// (so its memory is its own): a collector built by the composition root,
// listening on the given port for the feeders, reporting one JSON line on
// stdout once every expected peer has sent End-of-RIB for both families:
// when each peer was established and done, paths held, memory and
// event-loop delay.
//
//   node --expose-gc --import tsx bench/ingest-receiver.ts PORT PEERS

import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { allFamilies } from '../collector/src/config/config.ts'
import { createLogger } from '../collector/src/log/logger.ts'
import { createCollector } from '../collector/src/main.ts'
import { systemClock } from '../collector/src/session/index.ts'

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss
}

function collect(): void {
  const g = (globalThis as { gc?: () => void }).gc
  g?.()
  g?.()
}

async function main(): Promise<void> {
  const [port, peers] = process.argv.slice(2).map(Number) as [number, number]
  const collector = createCollector(
    {
      host: 'bench',
      asn: 65000,
      routerId: '192.0.2.254',
      bgpListen: [{ host: '127.0.0.1', port }],
      httpListen: undefined,
      dataDir: '/nonexistent',
      peers: [
        {
          prefix: '127.0.0.0/8',
          asn: 'any',
          families: allFamilies(),
          addPath: true,
          holdTime: 240,
          gracefulRestart: false,
        },
      ],
      logLevel: 'warn',
      logFormat: 'text',
    },
    { clock: systemClock(), logger: createLogger({ level: 'warn' }) },
  )
  await collector.start()
  collect()
  const baseline = { rss: vm('VmRSS'), heap: process.memoryUsage().heapUsed }
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  process.stdout.write(`${JSON.stringify({ ready: true, baseline })}\n`)
  const done = () => {
    const views = collector.sessions.views().filter((v) => v.establishedAt !== undefined)
    const finished = views.filter(
      (v) =>
        v.families['ipv4-unicast']?.endOfRibAt !== undefined &&
        v.families['ipv6-unicast']?.endOfRibAt !== undefined,
    )
    return finished.length >= peers ? finished : undefined
  }
  for (;;) {
    const views = done()
    if (views) {
      lag.disable()
      const stats = collector.rib.stats()
      const peakRss = vm('VmHWM')
      collect()
      const mem = process.memoryUsage()
      process.stdout.write(
        `${JSON.stringify({
          peers: views.map((v) => ({
            address: v.address,
            establishedAt: v.establishedAt,
            endOfRibAt: Math.max(
              v.families['ipv4-unicast']!.endOfRibAt!,
              v.families['ipv6-unicast']!.endOfRibAt!,
            ),
            paths: Object.values(v.families).reduce((n, f) => n + (f as { paths: number }).paths, 0),
          })),
          paths: stats.paths,
          attributeSets: stats.attributeSets,
          peakRss,
          rss: vm('VmRSS'),
          heapUsed: mem.heapUsed,
          external: mem.external + mem.arrayBuffers,
          baseline,
          loopDelayMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
        })}\n`,
      )
      break
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  // The bench stops the feeders, then us.
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve())
    process.stdin.once('end', () => resolve())
    process.stdin.resume()
  })
  await collector.stop('benchmark over')
}

await main()
