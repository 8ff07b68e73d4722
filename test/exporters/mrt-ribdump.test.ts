// RIB dumps (bview) from the Adj-RIB-In of a running collector: two peers
// fed a synthetic full table with ADD-PATH by `routelake replay`, a 2-octet
// AS session with AS4_PATH and a VPN route, and a peer without routes. The
// dump must hold exactly the paths the replayed file holds (bgpdump reads
// both the same), the 2-octet session's path with 4-octet AS numbers
// (AS4_PATH merged, RFC 6396 §4.3.4), the VPN route as RIB_GENERIC, and a
// peer index without the peer that has no routes.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_CONTEXT,
  familyCodec,
  type PathAttribute,
  type VpnNlri,
} from '../../collector/src/bgp/index.ts'
import { allFamilies, type CollectorConfig, type PeerConfig } from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { createCollector } from '../../collector/src/main.ts'
import { decodeStoredAttributes, readMrt, TABLE_DUMP_V2_SUBTYPE } from '../../collector/src/mrt/index.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import type { RibDumpFile } from '../../collector/src/sinks/mrt-dump/index.ts'
import { reader } from '../../collector/src/wire/reader.ts'
import { repoRoot } from '../../collector/test-support/testdata.ts'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { establish, mpCap, requireProgram, run, UNICAST, until, v4update } from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
const children: ChildProcess[] = []
afterAll(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const f of cleanup.splice(0).reverse()) await f()
})

const CLI = join(repoRoot, 'bin/routelake.js')
const peer = (address: string, asn: number): PeerConfig => ({
  address,
  asn,
  families: allFamilies(),
  addPath: true,
  holdTime: 90,
  gracefulRestart: false,
})
const haveBgpdump = requireProgram('/usr/bin/bgpdump', 'bgpdump')

interface Dumped {
  /** The synthetic table replayed by two peers. */
  readonly synth: string
  /** The RIB dump written. */
  readonly file: string
  readonly result: RibDumpFile
}

/**
 * A collector fed the synthetic table (3,000 IPv4 and 600 IPv6 prefixes, two
 * peers, ADD-PATH) by `routelake replay`, a 2-octet AS session with AS4_PATH
 * and a VPN route, and a peer without routes; then its RIB dump.
 */
async function dumped(): Promise<Dumped> {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-ribdump-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const synth = join(dir, 'rib.mrt')
  execFileSync(process.execPath, [
    CLI,
    'synth',
    '--out',
    synth,
    '--ipv4',
    '3000',
    '--ipv6',
    '600',
    '--peers',
    '2',
    '--add-path',
  ])
  const config: CollectorConfig = {
    host: 'rl-test',
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [{ host: '127.0.0.1', port: 0 }],
    httpListen: undefined,
    dataDir: dir,
    peers: [
      peer('127.0.0.41', 64700),
      peer('127.0.0.42', 64700),
      peer('127.0.0.5', 64501),
      peer('127.0.0.6', 64502),
    ],
    logLevel: 'debug',
    logFormat: 'text',
    mrtDump: { dir: join(dir, 'mrt'), updatesIntervalMinutes: 5, ribIntervalHours: 0 },
  }
  const c = createCollector(config, { clock: systemClock(), logger: memoryLogger() })
  const { bgp } = await c.start()
  cleanup.push(() => c.stop())
  const port = bgp[0]!.port
  const replay = spawn(
    process.execPath,
    [
      CLI,
      'replay',
      synth,
      '--connect',
      `127.0.0.1:${port}`,
      '--local-as',
      '64700',
      '--peer',
      'all',
      '--local-address',
      '127.0.0.41',
      '--add-path',
      '--quiet',
    ],
    { stdio: 'ignore' },
  )
  children.push(replay)
  const h = {
    port,
    sessions: c.sessions,
    until: (w: string, f: () => boolean, t?: number) => until(w, f, t),
  }
  const vpnCap = mpCap(1, 128, 'ipv4-vpn')
  const b: ScriptedSpeaker = await establish(h, '127.0.0.5', [...UNICAST, vpnCap], {
    asn: 64501,
    asn2: true,
  })
  const idle: ScriptedSpeaker = await establish(h, '127.0.0.6', UNICAST, { asn: 64502 })
  cleanup.push(async () => {
    await b.close()
    await idle.close()
  })
  const as4Path: PathAttribute = {
    code: 17,
    flags: 0xc0,
    name: 'AS4_PATH',
    value: [{ type: 'AS_SEQUENCE', asns: [64501, 4200000001] }],
  }
  b.send(v4update([{ prefix: '203.0.113.0/24' }], [64501, 23456], [as4Path], '192.0.2.5'))
  const vpn: VpnNlri = { rd: '65000:7', prefix: '10.70.0.0/16', labels: [1001] }
  b.send({
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 14,
        flags: 0x80,
        name: 'MP_REACH_NLRI',
        value: { afi: 1, safi: 128, family: 'ipv4-vpn', nextHop: ['192.0.2.5'], nlri: [vpn] },
      },
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64501] }] },
    ],
    nlri: [],
  })
  const paths = (a: string) => c.rib.count(c.rib.peer(a)).paths
  await until(
    'replayed and sent',
    () => paths('127.0.0.41') === 3600 && paths('127.0.0.42') === 3600 && paths('127.0.0.5') === 2,
    60_000,
  )

  const f = await c.mrtDump!.dumpRib(Date.UTC(2024, 0, 15, 16, 0))
  return { synth, file: join(dir, 'mrt', f.path), result: f }
}

describe('MRT RIB dumps', () => {
  let d: Dumped
  beforeAll(async () => {
    d = await dumped()
  }, 180_000)

  it('hold the Adj-RIB-In: 4-octet AS paths, RIB_GENERIC, only peers with routes, as our reader reads them', async () => {
    const { file } = d
    expect(d.result).toMatchObject({
      path: '2024.01/bview.20240115.1600.gz',
      peers: 3,
      prefixes: 3602,
      entries: 7202,
    })

    // Our reader: the peer index, the subtypes, the VPN route and the widened AS path.
    const subtypes = new Map<number, number>()
    let table: unknown
    let vpnRead: unknown
    let widened: unknown
    for await (const r of readMrt(file)) {
      subtypes.set(r.subtype, (subtypes.get(r.subtype) ?? 0) + 1)
      const body = r.body!
      if (body.kind === 'PEER_INDEX_TABLE') table = body.table
      if (body.kind !== 'RIB') continue
      const rib = body.rib
      if (rib.generic) {
        const n = familyCodec(1, 128).decode(reader(rib.nlri), undefined, false)
        const { attributes } = decodeStoredAttributes(rib.entries[0]!.attributes, DEFAULT_CONTEXT, 0, rib)
        vpnRead = {
          afi: rib.afi,
          safi: rib.safi,
          nlri: n,
          entries: rib.entries.length,
          attributes: attributes.map((a) => a.name),
        }
      } else if (rib.entries.some((e) => e.peerIndex === 2)) {
        const { attributes } = decodeStoredAttributes(rib.entries[0]!.attributes, DEFAULT_CONTEXT, 0, rib)
        widened = attributes.map((a) => [a.name, a.value])
      }
    }
    expect(table).toEqual({
      collectorBgpId: '192.0.2.254',
      viewName: 'rl-test',
      peers: [
        // Peer type 0: IPv4 address, 2-octet AS (RFC 6396 §4.3.1); the BGP ids are the peers' OPENs'.
        { peerType: 0, bgpId: '127.0.0.41', address: '127.0.0.41', asn: 64700 },
        { peerType: 0, bgpId: '127.0.0.42', address: '127.0.0.42', asn: 64700 },
        { peerType: 0, bgpId: '10.0.0.5', address: '127.0.0.5', asn: 64501 },
      ],
    })
    expect(Object.fromEntries(subtypes)).toEqual({
      [TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE]: 1,
      [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST]: 1,
      [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST_ADDPATH]: 3000,
      [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST_ADDPATH]: 600,
      [TABLE_DUMP_V2_SUBTYPE.RIB_GENERIC]: 1,
    })
    expect(vpnRead).toEqual({
      afi: 1,
      safi: 128,
      nlri: { rd: '65000:7', prefix: '10.70.0.0/16', labels: [1001] },
      entries: 1,
      attributes: ['ORIGIN', 'AS_PATH', 'MP_REACH_NLRI'],
    })
    expect(widened).toEqual([
      ['ORIGIN', 'igp'],
      ['AS_PATH', [{ type: 'AS_SEQUENCE', asns: [64501, 4200000001] }]],
      ['NEXT_HOP', '192.0.2.5'],
    ])
  })

  it.runIf(haveBgpdump)('hold the replayed tables path for path, as bgpdump reads both', async () => {
    const { file, synth } = d
    let dumpTime = 0
    for await (const r of readMrt(file)) {
      dumpTime = r.timestamp
      break
    }
    // bgpdump: the replayed peers' entries are the synthetic file's, field for field.
    const strip = (l: string, peers: Record<string, string>) => {
      const p = l.split('|')
      return [p[0], 'T', p[2], peers[p[3]!] ?? p[3], ...p.slice(5)].join('|')
    }
    const ours = (await run('/usr/bin/bgpdump', ['-m', file]))
      .split('\n')
      .filter((l) => l && !l.includes('|127.0.0.5|'))
      .map((l) => strip(l, { '127.0.0.41': 'P1', '127.0.0.42': 'P2' }))
    const theirs = (await run('/usr/bin/bgpdump', ['-m', synth]))
      .split('\n')
      .filter(Boolean)
      .map((l) => strip(l, { '10.0.0.1': 'P1', '10.0.0.2': 'P2' }))
    expect(ours.length).toBe(7200)
    expect(ours.sort()).toEqual(theirs.sort())
    const b4 = (await run('/usr/bin/bgpdump', ['-m', file]))
      .split('\n')
      .filter((l) => l.includes('|127.0.0.5|'))
    expect(b4).toEqual([
      `TABLE_DUMP2|${dumpTime}|B|127.0.0.5|64501|203.0.113.0/24|64501 4200000001|IGP|192.0.2.5|0|0||NAG||`,
    ])
  })
})
