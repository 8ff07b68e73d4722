// `routelake replay` against the collector: a synthetic RIB dump with two
// peers and ADD-PATH (one session per MRT peer) must land in the RIB exactly
// as the dump holds it; a real 2002 updates file (2-octet ASNs, re-encoded for
// the 4-octet session) must leave the RIB as bgpdump's reading of it says.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_CONTEXT,
  encodeMessage,
  familyName,
  type PathAttribute,
  routeAttributes,
} from '../../collector/src/bgp/index.ts'
import {
  decodeStoredAttributes,
  MrtUpdatesWriter,
  mrtSession,
  readMrt,
  ribPrefixText,
} from '../../collector/src/mrt/index.ts'
import { repoRoot, requireTestdata } from '../../collector/test-support/testdata.ts'
import {
  formatPath,
  peer,
  type RouteSummary,
  ribOf,
  startCollector,
  type TestCollector,
} from './collector.ts'
import { tempDir, until } from './daemons.ts'

const children: ChildProcess[] = []
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const f of cleanup.splice(0).reverse()) await f()
})

const CLI = join(repoRoot, 'bin/routelake.js')

function replay(args: string[]): {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
} {
  const child = spawn(process.execPath, [CLI, 'replay', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (c) => r(c))) }
}

async function collector(...peers: Parameters<typeof peer>[]): Promise<TestCollector> {
  const c = await startCollector(peers.map((p) => peer(...p)))
  cleanup.push(() => c.stop())
  return c
}

const byKey = (a: RouteSummary, b: RouteSummary) =>
  a.family.localeCompare(b.family) || a.key.localeCompare(b.key) || (a.pathId ?? 0) - (b.pathId ?? 0)

/** What an MRT RIB dump holds for one peer, in the RIB's summary form. */
async function dumpOf(file: string, peerIndex: number): Promise<RouteSummary[]> {
  const out: RouteSummary[] = []
  for await (const rec of readMrt(file)) {
    if (rec.body?.kind !== 'RIB') continue
    const rib = rec.body.rib
    for (const e of rib.entries) {
      if (e.peerIndex !== peerIndex) continue
      // The path id is the entry's (RFC 8050 §4); a full MP_REACH_NLRI stored in the entry has none.
      const { attributes } = decodeStoredAttributes(e.attributes, DEFAULT_CONTEXT, 0, rib)
      const a = routeAttributes(attributes, { asn4: true })
      let nextHop: readonly string[] = []
      for (const x of attributes) {
        if (x.name === 'NEXT_HOP') nextHop = [x.value]
        else if (x.name === 'MP_REACH_NLRI') nextHop = x.value.nextHop
      }
      out.push({
        family: familyName(rib.afi, rib.safi),
        key: ribPrefixText(rib.nlri, rib.afi),
        ...(e.pathId !== undefined ? { pathId: e.pathId } : {}),
        nextHop,
        asPath: formatPath(a.asPath),
        ...(a.communities.length ? { communities: a.communities } : {}),
        ...(a.largeCommunities.length ? { largeCommunities: a.largeCommunities } : {}),
        ...(a.med !== undefined ? { med: a.med } : {}),
      })
    }
  }
  return out.sort(byKey)
}

describe('routelake replay', () => {
  it('replays a RIB dump as one full table per MRT peer, with path ids, then End-of-RIB, and stays up', async () => {
    const dir = tempDir('replay')
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'rib.mrt')
    execFileSync(process.execPath, [
      CLI,
      'synth',
      '--out',
      file,
      '--ipv4',
      '3000',
      '--ipv6',
      '600',
      '--peers',
      '2',
      '--add-path',
    ])
    const c = await collector(['127.0.0.41', 64700], ['127.0.0.42', 64700])
    const r = replay([
      file,
      '--connect',
      `127.0.0.1:${c.port}`,
      '--local-as',
      '64700',
      '--peer-as',
      '65000',
      '--peer',
      'all',
      '--local-address',
      '127.0.0.41',
      '--add-path',
      '--preload',
    ])
    const eor = (address: string) =>
      c.collector.sessions.peer(address)?.view().families['ipv6-unicast']?.endOfRibAt
    await until(
      'both End-of-RIBs',
      () => eor('127.0.0.41') !== undefined && eor('127.0.0.42') !== undefined,
      30_000,
    )
    for (const [address, index] of [
      ['127.0.0.41', 0],
      ['127.0.0.42', 1],
    ] as const) {
      const expected = await dumpOf(file, index)
      expect(expected.length).toBe(3600)
      expect(ribOf(c.collector.rib, address).sort(byKey)).toEqual(expected)
      expect(c.collector.sessions.peer(address)!.view().negotiated?.addPath).toEqual([
        'ipv4-unicast',
        'ipv6-unicast',
      ])
    }
    // It stays up until told to stop, then ends the sessions cleanly.
    await new Promise((res) => setTimeout(res, 500))
    expect(c.collector.sessions.peer('127.0.0.41')!.state).toBe('Established')
    r.child.kill('SIGTERM')
    expect(await r.exited).toBe(0)
    await until('sessions down', () => c.collector.sessions.peer('127.0.0.41')!.state !== 'Established')
    expect(c.collector.sessions.peer('127.0.0.41')!.view().lastError).toMatchObject({
      direction: 'received',
      reason: 'CEASE/ADMINISTRATIVE_SHUTDOWN "routelake replay stopping"',
    })
    expect(r.output()).toMatch(/replayed session=127\.0\.0\.41 updates=\d+ prefixes=3600/)
  })

  it('replays an updates file with its original spacing', async () => {
    const dir = tempDir('replay')
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'updates.mrt')
    // Five UPDATEs over 2.5 s, at offsets a pacing bug would squeeze or stretch.
    const offsetsMs = [0, 500, 1500, 1600, 2500]
    const t0 = Date.UTC(2024, 4, 1, 12, 0, 0) * 1000
    const w = new MrtUpdatesWriter(file)
    const session = mrtSession({
      peerAddress: '192.0.2.50',
      peerAs: 64702,
      localAddress: '192.0.2.254',
      localAs: 65000,
    })
    const attributes: PathAttribute[] = [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64702] }] },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.50' },
    ]
    offsetsMs.forEach((ms, i) => {
      const update = encodeMessage(
        { type: 'UPDATE', withdrawn: [], attributes, nlri: [{ prefix: `198.51.${100 + i}.0/24` }] },
        { asn4: true, addPath: new Set(), extendedMessage: false },
      )
      w.message(session, t0 + ms * 1000 + 123, update)
    })
    await w.close()

    const c = await collector(['127.0.0.44', 64702])
    const received: number[] = []
    const sub = c.collector.bus.subscribe('spacing', (e) => {
      if (e.type === 'message' && e.direction === 'received' && e.message?.type === 'UPDATE') {
        received.push(e.timestamp)
      }
    })
    cleanup.push(() => sub.close())
    const r = replay([
      file,
      '--connect',
      `127.0.0.1:${c.port}`,
      '--local-as',
      '64702',
      '--local-address',
      '127.0.0.44',
    ])
    await until('replayed', () => /replayed session=127\.0\.0\.44/.test(r.output()), 30_000)
    await until('all received', () => received.length === offsetsMs.length, 10_000)
    // Each UPDATE arrives at its offset from the first, within a busy machine's timer slack.
    const arrived = received.map((t) => Math.round((t - received[0]!) / 1000))
    const TOLERANCE_MS = 200
    expect(
      arrived.map((ms, i) => ({
        offset: offsetsMs[i],
        onTime: Math.abs(ms - offsetsMs[i]!) <= TOLERANCE_MS,
      })),
      `arrived at ${arrived.join(', ')} ms`,
    ).toEqual(offsetsMs.map((offset) => ({ offset, onTime: true })))
    expect(ribOf(c.collector.rib, '127.0.0.44').map((x) => x.key)).toEqual(
      offsetsMs.map((_, i) => `198.51.${100 + i}.0/24`),
    )
    r.child.kill('SIGTERM')
    expect(await r.exited).toBe(0)
  })

  const testdata = requireTestdata('replay')

  it.runIf(testdata)(
    'replays a 2002 updates file at a set rate, leaving the RIB as bgpdump reads the file',
    async () => {
      const file = join(testdata!, 'mrt/bgpdump/updates.20020722.2238.gz')
      const source = '193.203.0.1'
      // bgpdump 1.6.2's reading of the file: the peer's announcements and withdrawals, in order.
      const expected = new Map<string, { asPath: string; nextHop: string }>()
      for (const line of readFileSync(`${file}.bgpdump.txt`, 'utf8').split('\n')) {
        const f = line.split('|')
        if (f[3] !== source) continue
        if (f[2] === 'W') expected.delete(f[5]!)
        else if (f[2] === 'A') expected.set(f[5]!, { asPath: f[6]!, nextHop: f[8]! })
      }
      expect(expected.size).toBeGreaterThan(50)
      const c = await collector(['127.0.0.43', 64701])
      const r = replay([
        file,
        '--connect',
        `127.0.0.1:${c.port}`,
        '--local-as',
        '64701',
        '--peer',
        source,
        '--local-address',
        '127.0.0.43',
        '--rate',
        '2000',
      ])
      await until('replayed', () => /replayed session=127\.0\.0\.43/.test(r.output()), 30_000)
      await new Promise((res) => setTimeout(res, 300))
      const held = new Map(
        ribOf(c.collector.rib, '127.0.0.43').map((x) => [
          x.key,
          { asPath: x.asPath, nextHop: x.nextHop[0]! },
        ]),
      )
      expect(held).toEqual(expected)
      r.child.kill('SIGTERM')
      expect(await r.exited).toBe(0)
    },
  )
})
