// Rotating updates files, through the composition root (createCollector) on a
// manual clock, with real sessions: UPDATEs sent across two interval
// boundaries land each in exactly one file, the one named by the interval
// of its time (none lost, none twice), with the subtypes each session calls
// for (MESSAGE_AS4_ADDPATH for an ADD-PATH peer, MESSAGE for a 2-octet
// session), the state changes beside them; our reader and bgpdump read every
// file; a RIB dump at the end holds the RIB. The files are listed by time.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allFamilies, type CollectorConfig, type PeerConfig } from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { createCollector } from '../../collector/src/main.ts'
import { readMrt } from '../../collector/src/mrt/index.ts'
import { manualClock } from '../../collector/src/session/index.ts'
import type { MrtFileInfo, RibDumpFile } from '../../collector/src/sinks/mrt-dump/index.ts'
import { formatIP } from '../../collector/src/wire/ip.ts'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import {
  ADD_PATH_CTX,
  ADD_PATH_SEND,
  establish,
  requireProgram,
  run,
  UNICAST,
  until,
  v4update,
  v4withdraw,
} from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

const peer = (address: string, asn: number): PeerConfig => ({
  address,
  asn,
  families: allFamilies(),
  addPath: true,
  // No hold timer: the manual clock jumps minutes at a time.
  holdTime: 0,
  gracefulRestart: false,
})

const START = Date.UTC(2024, 0, 15, 11, 58, 0)
const haveBgpdump = requireProgram('/usr/bin/bgpdump', 'bgpdump')

interface Sent {
  readonly at: number
  readonly peer: string
  readonly line: string
}

/** What the collector wrote: the files it lists, the UPDATEs sent (in order), the RIB dump at the end. */
interface Written {
  readonly dir: string
  readonly files: MrtFileInfo[]
  readonly sent: Sent[]
  readonly rib: RibDumpFile
}

/**
 * Two sessions on a manual clock (A with ADD-PATH, B a 2-octet session): 30
 * UPDATEs, one every 20 s from 11:58:20 to 12:08:00, across 12:00 and 12:05;
 * B goes down; a RIB dump at 12:08; the collector stops.
 */
async function write(): Promise<Written> {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-mrt-rotation-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const clock = manualClock(START)
  const config: CollectorConfig = {
    host: 'rl-test',
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [{ host: '127.0.0.1', port: 0 }],
    httpListen: undefined,
    dataDir: dir,
    peers: [peer('127.0.0.2', 64500), peer('127.0.0.3', 64501)],
    logLevel: 'debug',
    logFormat: 'text',
    mrtDump: { dir: join(dir, 'mrt'), updatesIntervalMinutes: 5, ribIntervalHours: 8 },
  }
  const logger = memoryLogger()
  const c = createCollector(config, { clock, logger })
  const { bgp } = await c.start()
  let stopped = false
  cleanup.push(() => (stopped ? undefined : c.stop()))
  const h = {
    port: bgp[0]!.port,
    sessions: c.sessions,
    until: (what: string, cond: () => boolean, t?: number) => until(what, cond, t),
  }
  const a = await establish(h, '127.0.0.2', [...UNICAST, ADD_PATH_SEND], { asn: 64500 })
  a.ctx = ADD_PATH_CTX
  const b = await establish(h, '127.0.0.3', UNICAST, { asn: 64501, asn2: true })
  const speakers: ScriptedSpeaker[] = [a, b]
  cleanup.push(async () => {
    for (const s of speakers) await s.close()
  })
  const paths = (address: string) => c.rib.count(c.rib.peer(address)).paths
  const sent: Sent[] = []
  // 30 UPDATEs, one every 20 s from 11:58:20 to 12:08:00: across 12:00 and 12:05.
  for (let i = 1; i <= 30; i++) {
    clock.advance(20_000)
    const at = clock.now()
    const prefix = `10.${i}.0.0/16`
    const s = i % 3 === 0 ? b : a
    const address = s === a ? '127.0.0.2' : '127.0.0.3'
    const asn = s === a ? 64500 : 64501
    const before = paths(address)
    if (i % 10 === 0) {
      // A withdrawal of the previous prefix of that peer.
      const old = `10.${i - 3}.0.0/16`
      s.send(v4withdraw([{ prefix: old, ...(s === a ? { pathId: 1 } : {}) }]))
      await until(`withdrawal ${i}`, () => paths(address) === before - 1)
      sent.push({ at, peer: address, line: `W|${address}|${asn}|${old}` })
    } else {
      s.send(v4update([{ prefix, ...(s === a ? { pathId: 1 } : {}) }], [asn, 65000 + i]))
      await until(`update ${i}`, () => paths(address) === before + 1)
      sent.push({
        at,
        peer: address,
        line: `A|${address}|${asn}|${prefix}|${asn} ${65000 + i}|IGP|192.0.2.1`,
      })
    }
  }
  // B ends its session: a state change in the last interval.
  b.send({ type: 'NOTIFICATION', code: 6, subcode: 2, data: '' })
  await until('B down', () => c.sessions.peer('127.0.0.3')!.state !== 'Established')
  const rib = await c.mrtDump!.dumpRib(Date.UTC(2024, 0, 15, 12, 8))
  await c.stop()
  stopped = true
  return { dir, files: await c.mrtDump!.list(), sent, rib }
}

describe('MRT updates files', () => {
  let w: Written
  beforeAll(async () => {
    w = await write()
  }, 120_000)

  it('rotate at interval boundaries with every message in exactly one file, as our reader reads them', async () => {
    const { dir, files, sent, rib } = w
    expect(files.map((f) => f.path)).toEqual([
      '2024.01/updates.20240115.1155.gz',
      '2024.01/updates.20240115.1200.gz',
      '2024.01/updates.20240115.1205.gz',
      '2024.01/bview.20240115.1208.gz',
    ])
    // Nothing left under a temporary name.
    expect(readdirSync(join(dir, 'mrt', '2024.01')).filter((n) => n.startsWith('.'))).toEqual([])

    // Our reader: each UPDATE once, in the file of its time, with its session's subtype.
    const seen: { file: string; at: number; peer: string; subtype: number; addPath: boolean }[] = []
    const states: { file: string; peer: string; from: number; to: number; subtype: number }[] = []
    for (const f of files.filter((x) => x.kind === 'updates')) {
      for await (const r of readMrt(join(dir, 'mrt', f.path))) {
        const body = r.body!
        if (body.kind === 'BGP4MP_MESSAGE') {
          const m = body.message
          seen.push({
            file: f.path,
            at: r.timestamp * 1000 + Math.round((r.microseconds ?? 0) / 1000),
            peer: formatIP(m.peerAddress, 0, 4),
            subtype: r.subtype,
            addPath: m.addPath,
          })
        } else if (body.kind === 'BGP4MP_STATE_CHANGE') {
          const s = body.state
          states.push({
            file: f.path,
            peer: formatIP(s.peerAddress, 0, 4),
            from: s.oldState,
            to: s.newState,
            subtype: r.subtype,
          })
        }
      }
    }
    const interval = (ms: number) =>
      `2024.01/updates.20240115.${new Date(ms - (ms % 300_000)).toISOString().slice(11, 16).replace(':', '')}.gz`
    expect(seen).toEqual(
      sent.map((s) => ({
        file: interval(s.at),
        at: s.at,
        peer: s.peer,
        subtype: s.peer === '127.0.0.2' ? 9 : 1, // MESSAGE_AS4_ADDPATH, MESSAGE (2-octet session)
        addPath: s.peer === '127.0.0.2',
      })),
    )
    // Both sessions' way up (… → OpenConfirm → Established) in the first file; B's way down, and A's
    // when the collector stops, in the last.
    expect(states.filter((s) => s.to === 6 || s.from === 6)).toEqual([
      { file: '2024.01/updates.20240115.1155.gz', peer: '127.0.0.2', from: 5, to: 6, subtype: 5 },
      { file: '2024.01/updates.20240115.1155.gz', peer: '127.0.0.3', from: 5, to: 6, subtype: 5 },
      { file: '2024.01/updates.20240115.1205.gz', peer: '127.0.0.3', from: 6, to: 1, subtype: 5 },
      { file: '2024.01/updates.20240115.1205.gz', peer: '127.0.0.2', from: 6, to: 1, subtype: 5 },
    ])
    expect(rib).toMatchObject({ path: '2024.01/bview.20240115.1208.gz', peers: 1 })
  })

  it.runIf(haveBgpdump)('are read by bgpdump: the same messages file by file, and the RIB dump', async () => {
    const { dir, files, sent, rib } = w
    // bgpdump: the same messages and state changes, file by file, path ids where the subtype has them.
    const lines: string[] = []
    for (const f of files.filter((x) => x.kind === 'updates')) {
      const out = await run('/usr/bin/bgpdump', ['-m', join(dir, 'mrt', f.path)])
      lines.push(...out.split('\n').filter((x) => x.startsWith('BGP4MP') && !x.includes('|STATE|')))
    }
    expect(lines).toEqual(
      sent.map((s) => {
        const f = s.line.split('|')
        const ap = s.peer === '127.0.0.2'
        const head = `${ap ? 'BGP4MP_ET_AP' : 'BGP4MP_ET'}|${Math.floor(s.at / 1000)}.000000|${f[0]}|${f[1]}|${f[2]}|${f[3]}${ap ? '|1' : ''}`
        return f[0] === 'W' ? head : `${head}|${f[4]}|${f[5]}|${f[6]}|0|0||NAG||`
      }),
    )
    // The RIB dump: peer A's routes (B is down, its routes gone), as the RIB holds them, with path ids.
    const dump = (await run('/usr/bin/bgpdump', ['-m', join(dir, 'mrt', rib.path)]))
      .split('\n')
      .filter(Boolean)
    const withdrawn = new Set(
      sent.filter((s) => s.line.startsWith('W|127.0.0.2')).map((s) => s.line.split('|')[3]),
    )
    const expected = sent
      .filter(
        (s) => s.peer === '127.0.0.2' && s.line.startsWith('A|') && !withdrawn.has(s.line.split('|')[3]),
      )
      .map((s) => {
        const f = s.line.split('|')
        return `TABLE_DUMP2_AP|${Date.UTC(2024, 0, 15, 12, 8) / 1000}|B|${f[1]}|${f[2]}|${f[3]}|1|${f[4]}|${f[5]}|${f[6]}|0|0||NAG||`
      })
    expect(dump.sort()).toEqual(expected.sort())
  })
})
