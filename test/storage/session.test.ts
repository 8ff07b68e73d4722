// End to end through real BGP sessions: the collector built by the
// composition root (createCollector, storage on, embedded ClickHouse) and
// `routelake replay` sending a RIPE RIS updates file over one session per
// MRT peer (18 peers, 14 of them with UPDATEs; each from its own 127.0.0.x address). The stored
// tables hold exactly what crossed the sessions — every UPDATE, both OPENs of
// each session, its state changes — and `updates`, read back as bgpdump
// prints it, equals bgpdump's reading of the file once each MRT peer is
// renamed to the session that replayed it.

import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { allFamilies, type CollectorConfig } from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { type Collector, createCollector } from '../../collector/src/main.ts'
import { MrtReader } from '../../collector/src/mrt/index.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import { displayAddress } from '../../collector/src/storage/queries.ts'
import { formatIP } from '../../collector/src/wire/ip.ts'
import { repoRoot, requireTestdata } from '../../collector/test-support/testdata.ts'
import { bgpdumpLines, storedAsBgpdump } from './bgpdump.ts'
import { cleanDirs, scalar, settled, tempDir, until } from './support.ts'

const cleanup: (() => Promise<unknown> | undefined)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
  cleanDirs()
})

const testdata = requireTestdata('storage')
const FIRST = 70
const LOCAL_AS = 64700

function config(dir: string): CollectorConfig {
  return {
    host: 'rl-test',
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [{ host: '127.0.0.1', port: 0 }],
    httpListen: undefined,
    dataDir: dir,
    peers: [
      {
        prefix: '127.0.0.0/8',
        asn: 'any',
        families: allFamilies(),
        addPath: true,
        holdTime: 90,
        gracefulRestart: true,
      },
    ],
    logLevel: 'info',
    logFormat: 'text',
    storage: {
      clickhouseDatabase: 'routelake',
      embeddedPath: join(dir, 'clickhouse'),
      spoolDir: join(dir, 'spool'),
      batchEvents: 500,
      batchAgeMs: 200,
    },
  }
}

/** UPDATE records per MRT peer, in the order the peers first appear (the order replay opens sessions in). */
async function updatesPerPeer(file: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for await (const rec of new MrtReader(file)) {
    if (rec.body?.kind !== 'BGP4MP_MESSAGE' || rec.body.message.local) continue
    const m = rec.body.message
    const peer = formatIP(m.peerAddress, 0, m.peerAddress.length as 4 | 16)
    out.set(peer, (out.get(peer) ?? 0) + (m.message[18] === 2 ? 1 : 0))
  }
  return out
}

describe('an MRT updates file replayed through real sessions', () => {
  it.runIf(testdata)('is stored with exact counts and the content bgpdump reads from the file', async () => {
    const file = join(testdata!, 'mrt/bgpdump/updates.20071015.1505.gz')
    const perPeer = await updatesPerPeer(file)
    const sessionOf = new Map([...perPeer.keys()].map((p, k) => [p, `127.0.0.${FIRST + k}`]))
    const dir = tempDir()
    const logger = memoryLogger('info')
    const collector: Collector = createCollector(config(dir), { clock: systemClock(), logger })
    const { bgp } = await collector.start()
    cleanup.push(() => collector.stop('test over'))
    const replay: ChildProcess = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin/routelake.js'),
        'replay',
        file,
        '--connect',
        `127.0.0.1:${bgp[0]!.port}`,
        '--local-as',
        String(LOCAL_AS),
        '--peer',
        'all',
        '--local-address',
        `127.0.0.${FIRST}`,
        '--as-fast-as-possible',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    cleanup.push(() => {
      if (replay.exitCode === null) replay.kill('SIGKILL')
    })
    let out = ''
    replay.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    replay.stderr!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    await until(
      'every session replayed',
      () => (out.match(/replayed session=/g) ?? []).length === perPeer.size,
      60_000,
    )
    const storage = collector.storage!
    const total = [...perPeer.values()].reduce((a, b) => a + b, 0)
    const received = () =>
      scalar(storage, "SELECT count() FROM messages WHERE type = 'UPDATE' AND direction = 'received'")
    await until('every UPDATE stored', async () => {
      await storage.sink.flush()
      return (await received()) === total
    })
    await settled(storage.writer)

    expect([perPeer.size, [...perPeer.values()].filter((n) => n > 0).length]).toEqual([18, 14])
    expect(total).toBe(4222)
    const byPeer = await storage.query<{ p: string; n: string }>(
      "SELECT toString(peer_address) AS p, count() AS n FROM messages WHERE type = 'UPDATE' AND direction = 'received' GROUP BY p",
    )
    expect(new Map(byPeer.map((r) => [displayAddress(r.p), Number(r.n)]))).toEqual(
      new Map([...perPeer].filter(([, n]) => n > 0).map(([p, n]) => [sessionOf.get(p)!, n])),
    )
    // Each session's two OPENs (theirs and ours), in messages and in peer_events.
    expect(await scalar(storage, "SELECT count() FROM messages WHERE type = 'OPEN'")).toBe(36)
    expect(
      await storage.query(
        "SELECT toString(direction) AS d, count() AS n FROM peer_events WHERE event = 'open' GROUP BY d ORDER BY d",
      ),
    ).toEqual([
      { d: 'received', n: '18' },
      { d: 'sent', n: '18' },
    ])
    expect(
      await scalar(
        storage,
        "SELECT uniqExact(peer_address) FROM peer_events WHERE event = 'state' AND to_state = 'Established'",
      ),
    ).toBe(18)
    expect(await scalar(storage, 'SELECT count() FROM updates WHERE NOT synthetic')).toBe(10496)

    // The content, as bgpdump prints it, with each MRT peer renamed to its session (time left out:
    // the rows carry the time the collector received them).
    const expected = bgpdumpLines(readFileSync(`${file}.bgpdump.txt`, 'utf8'), (f) => {
      f[1] = ''
      f[3] = sessionOf.get(f[3]!)!
      f[4] = String(LOCAL_AS)
      return f
    })
    const stored = (await storedAsBgpdump(storage)).map((l) => {
      const f = l.split('|')
      f[1] = ''
      return f.join('|')
    })
    expect(stored.sort()).toEqual(expected)
    const stats = storage.stats()
    expect({ dropped: stats.dropped, rejected: stats.rejected }).toEqual({ dropped: 0, rejected: 0 })

    replay.kill('SIGTERM')
    await new Promise((r) => replay.once('exit', r))
    cleanup.pop()
    cleanup.pop()
    expect(await storage.stop()).toBe(0)
    await collector.stop('test over')
  })
})
