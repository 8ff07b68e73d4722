// The API tests' collector: built by the composition root (createCollector)
// with embedded ClickHouse storage in a temporary directory and HTTP on a
// free loopback port, fed through real BGP sessions:
//
//  - `routelake replay` of RIPE RIS's updates.20071015.1505.gz, one session per
//    MRT peer (18 sessions from 127.0.0.70 on, AS 64700; 4222 UPDATEs);
//  - a scripted speaker from 127.0.0.20 (AS 65020) announcing what the file
//    lacks: a unicast route with communities and large communities, a VPNv4
//    route (RD), an EVPN MAC/IP route and a FlowSpec rule.
//
// Everything it starts, stop() stops.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import { createApi } from '../../collector/src/api/index.ts'
import type {
  EvpnNlri,
  FlowspecNlri,
  PathAttribute,
  UpdateMessage,
  VpnNlri,
} from '../../collector/src/bgp/index.ts'
import { type ApiSettings, allFamilies, type CollectorConfig } from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { type Collector, createCollector } from '../../collector/src/main.ts'
import { MrtReader } from '../../collector/src/mrt/index.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import { formatIP } from '../../collector/src/wire/ip.ts'
import { repoRoot } from '../../collector/test-support/testdata.ts'
import { mp, open, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'

export const REPLAY_FILE = 'mrt/bgpdump/updates.20071015.1505.gz'
export const FIRST_REPLAY = 70
export const REPLAY_AS = 64700
export const SPEAKER = '127.0.0.20'
export const SPEAKER_AS = 65020

export interface ApiFixture {
  readonly collector: Collector
  readonly base: string
  readonly dir: string
  readonly logs: string[]
  /** The session address each MRT peer of the file was replayed from. */
  readonly sessionOf: ReadonlyMap<string, string>
  /** Time (ms) before the first session and after everything was stored. */
  readonly started: number
  /** Time (ms) after every replayed session was done and before the speaker connected. */
  readonly speakerAt: number
  readonly loaded: number
  stop(): Promise<void>
}

export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The MRT peers of a file in the order they first appear (the order replay opens sessions in). */
export async function mrtPeers(file: string): Promise<string[]> {
  const out: string[] = []
  for await (const rec of new MrtReader(file)) {
    if (rec.body?.kind !== 'BGP4MP_MESSAGE' || rec.body.message.local) continue
    const m = rec.body.message
    const peer = formatIP(m.peerAddress, 0, m.peerAddress.length as 4 | 16)
    if (!out.includes(peer)) out.push(peer)
  }
  return out
}

function config(dir: string, api: Partial<ApiSettings>, mrtDump: boolean): CollectorConfig {
  return {
    host: 'rl-api',
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [{ host: '127.0.0.1', port: 0 }],
    httpListen: { host: '127.0.0.1', port: 0 },
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
    ...(mrtDump
      ? { mrtDump: { dir: join(dir, 'mrt'), updatesIntervalMinutes: 5, ribIntervalHours: 8 } }
      : {}),
    storage: {
      clickhouseDatabase: 'routelake',
      embeddedPath: join(dir, 'clickhouse'),
      spoolDir: join(dir, 'spool'),
      batchEvents: 2000,
      batchAgeMs: 100,
    },
    api: {
      corsOrigins: ['https://lg.example.net'],
      rateLimit: 0,
      maxResults: 5000,
      sqlMaxExecutionTime: 10,
      sqlMaxRows: 100_000,
      sqlMaxBytes: 64 * 1024 * 1024,
      ...api,
    },
  }
}

const attr = (a: PathAttribute) => a

const VPN_NLRI: VpnNlri = { rd: '65020:7', labels: [100], prefix: '10.20.0.0/24' }
const EVPN_NLRI: EvpnNlri = {
  routeType: 2,
  rd: '65020:1',
  esi: { type: 0, value: '000000000000000000' },
  ethernetTag: 0,
  mac: '00:11:22:33:44:55',
  ip: '192.0.2.55',
  labels: [{ value: 1600, label: 100 }],
}
const FLOW_NLRI: FlowspecNlri = {
  components: [{ type: 1, name: 'destination-prefix', prefix: '198.51.100.0/24' }],
}

/** What the scripted speaker announces (one UPDATE each). */
export function speakerUpdates(): UpdateMessage[] {
  const base = (asns: number[]): PathAttribute[] => [
    attr({ code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' }),
    attr({ code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns }] }),
  ]
  return [
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        ...base([SPEAKER_AS, 65021, 65022]),
        attr({ code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.20' }),
        attr({ code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 50 }),
        attr({ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['65020:100', '65020:200', 'NO_EXPORT'] }),
        attr({ code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['65020:1:2'] }),
      ],
      nlri: [{ prefix: '203.0.113.0/24' }, { prefix: '203.0.113.128/25' }],
    },
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        attr({
          code: 14,
          flags: 0x90,
          name: 'MP_REACH_NLRI',
          value: {
            afi: 1,
            safi: 128,
            family: 'ipv4-vpn',
            nextHop: ['192.0.2.20'],
            nlri: [VPN_NLRI],
          },
        }),
        ...base([SPEAKER_AS]),
        attr({
          code: 16,
          flags: 0xc0,
          name: 'EXTENDED_COMMUNITIES',
          value: [{ type: 0, subtype: 2, name: 'route-target', value: '65020:7' }],
        }),
      ],
      nlri: [],
    },
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        attr({
          code: 14,
          flags: 0x90,
          name: 'MP_REACH_NLRI',
          value: {
            afi: 25,
            safi: 70,
            family: 'l2vpn-evpn',
            nextHop: ['192.0.2.20'],
            nlri: [EVPN_NLRI],
          },
        }),
        ...base([SPEAKER_AS]),
      ],
      nlri: [],
    },
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        attr({
          code: 14,
          flags: 0x90,
          name: 'MP_REACH_NLRI',
          value: {
            afi: 1,
            safi: 133,
            family: 'ipv4-flowspec',
            nextHop: [],
            nlri: [FLOW_NLRI],
          },
        }),
        ...base([SPEAKER_AS]),
      ],
      nlri: [],
    },
  ] as UpdateMessage[]
}

/** Another API app on the fixture's collector, with other settings (the collector's own runs with rateLimit 0). */
export function apiWith(c: Collector, settings: Partial<ApiSettings>): Hono {
  const storage = c.storage!
  return createApi({
    peers: () => c.sessions.views(),
    now: () => Date.now(),
    collector: {
      name: 'rl-api',
      version: 'Routelake 0.1.0',
      asn: 65000,
      routerId: '192.0.2.254',
      startedAt: Date.now(),
    },
    rib: c.rib,
    bus: c.bus,
    sessions: c.sessions,
    storage: {
      database: 'routelake',
      query: storage.query,
      queryFormatted: (sql, format, params) => storage.writer.queryFormatted(sql, format, params),
      stats: () => storage.stats(),
    },
    settings,
  })
}

export async function startApiFixture(
  testdata: string,
  options: {
    readonly api?: Partial<ApiSettings>
    readonly replay?: boolean
    readonly mrtDump?: boolean
  } = {},
): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-api-'))
  const logger = memoryLogger('info')
  const collector = createCollector(config(dir, options.api ?? {}, options.mrtDump ?? false), {
    clock: systemClock(),
    logger,
  })
  const children: ChildProcess[] = []
  let speaker: ScriptedSpeaker | undefined
  const stop = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await speaker?.close()
    await collector.stop('test over')
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const started = Date.now()
    const { bgp, http } = await collector.start()
    const port = bgp[0]!.port
    const file = join(testdata, REPLAY_FILE)
    const peers = options.replay === false ? [] : await mrtPeers(file)
    const sessionOf = new Map(peers.map((p, k) => [p, `127.0.0.${FIRST_REPLAY + k}`]))
    if (peers.length) {
      const replay = spawn(
        process.execPath,
        [
          join(repoRoot, 'bin/routelake.js'),
          'replay',
          file,
          '--connect',
          `127.0.0.1:${port}`,
          '--local-as',
          String(REPLAY_AS),
          '--peer',
          'all',
          '--local-address',
          `127.0.0.${FIRST_REPLAY}`,
          '--as-fast-as-possible',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      children.push(replay)
      let out = ''
      replay.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      replay.stderr!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      await until(
        'every session replayed',
        () => (out.match(/replayed session=/g) ?? []).length === peers.length,
      )
    }

    // Every replayed UPDATE is stored before the speaker's session begins.
    await until('the replayed UPDATEs are stored', async () => {
      await collector.storage!.sink.flush()
      const rows = await collector.storage!.query<{ n: string }>(
        "SELECT count() AS n FROM messages WHERE type = 'UPDATE' AND direction = 'received'",
      )
      return Number(rows[0]!.n) === (peers.length ? 4222 : 0)
    })
    await new Promise((r) => setTimeout(r, 20))
    const speakerAt = Date.now()
    await new Promise((r) => setTimeout(r, 20))
    speaker = await ScriptedSpeaker.connect(port, SPEAKER)
    speaker.send(
      open(SPEAKER_AS, '10.0.0.20', [
        mp(1, 1, 'ipv4-unicast'),
        mp(1, 128, 'ipv4-vpn'),
        mp(25, 70, 'l2vpn-evpn'),
        mp(1, 133, 'ipv4-flowspec'),
      ]),
    )
    await speaker.next('OPEN')
    await speaker.next('KEEPALIVE')
    speaker.send({ type: 'KEEPALIVE' })
    await until('the speaker is established', () => collector.sessions.peer(SPEAKER)?.state === 'Established')
    for (const u of speakerUpdates()) speaker.send(u)
    await until('the speaker’s routes are held', () =>
      collector.rib.stats().families.some((f) => f.family === 'ipv4-flowspec'),
    )

    const storage = collector.storage!
    const updates = peers.length ? 4222 : 0
    let stored = 0
    await until(`every UPDATE stored (${updates + speakerUpdates().length})`, async () => {
      await storage.sink.flush()
      const rows = await storage.query<{ n: string }>(
        "SELECT count() AS n FROM messages WHERE type = 'UPDATE' AND direction = 'received'",
      )
      stored = Number(rows[0]!.n)
      return stored === updates + speakerUpdates().length
    }).catch((e: Error) => {
      throw new Error(`${e.message}: ${stored} stored; ${logger.lines.slice(-20).join('\n')}`)
    })
    await until('storage settled', () => {
      const w = storage.writer.stats()
      return w.inflightBatches === 0 && (w.child?.spooledBatches ?? 0) === 0
    })
    return {
      collector,
      base: `http://127.0.0.1:${http!.port}`,
      dir,
      logs: logger.lines,
      sessionOf,
      started,
      speakerAt,
      loaded: Date.now(),
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}
