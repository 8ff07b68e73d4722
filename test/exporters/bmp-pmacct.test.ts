// The BMP exporter against a real station, pmacct's pmbmpd: it must see
// Routelake as a monitored router with its peers (Peer Up with both OPENs,
// so it reads ADD-PATH and 2-octet AS sessions right), the routes they had
// before the station connected (the initial dump), every UPDATE after, the
// End-of-RIB markers, Statistics Reports, and each Peer Down with its reason.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import { BmpExporter } from '../../collector/src/sinks/bmp-export/index.ts'
import { freePort } from '../sessions/daemons.ts'
import { type Harness, peerSettings, startHarness } from '../sessions/harness.ts'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import {
  ADD_PATH_CTX,
  ADD_PATH_SEND,
  eor,
  establish,
  Pmbmpd,
  requireProgram,
  UNICAST,
  until,
  v4update,
  v4withdraw,
  v6update,
} from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

const have = requireProgram('/usr/sbin/pmbmpd', 'pmacct')

type Line = Record<string, unknown>

/** A route_monitor line as the fields this test compares. */
function rm(l: Line): string {
  return [l.log_type, l.peer_ip, l.ip_prefix, l.as_path ?? '', l.bgp_nexthop ?? '', l.as_path_id ?? ''].join(
    '|',
  )
}

describe.runIf(have)('BMP export to pmacct pmbmpd', () => {
  it('shows the peers, their routes (initial dump and live), statistics and each peer down with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-pmbmpd-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const port = await freePort()
    const h: Harness = await startHarness([
      peerSettings({ address: '127.0.0.2', asn: 64500 }),
      peerSettings({ address: '127.0.0.3', asn: 64501 }),
    ])
    cleanup.push(() => h.close())
    const logger = memoryLogger()
    const bmp = new BmpExporter(
      {
        stations: [{ host: '127.0.0.1', port }],
        sysName: 'rl-test',
        sysDescr: 'Routelake test',
        statsIntervalMs: 0,
        reconnectMinMs: 100,
        reconnectMaxMs: 200,
      },
      { bus: h.bus, rib: h.rib, clock: systemClock(), logger, peer: (a) => h.sessions.peer(a)?.view() },
    )
    cleanup.push(() => bmp.stop())
    const speakers: ScriptedSpeaker[] = []
    cleanup.push(async () => {
      for (const s of speakers) await s.close()
    })
    // Peer A: 4-octet AS, ADD-PATH; peer B: a 2-octet AS session.
    const a = await establish(h, '127.0.0.2', [...UNICAST, ADD_PATH_SEND], { asn: 64500 })
    a.ctx = ADD_PATH_CTX
    const b = await establish(h, '127.0.0.3', UNICAST, { asn: 64501, asn2: true })
    speakers.push(a, b)
    a.send(
      v4update(
        [
          { prefix: '198.51.100.0/24', pathId: 1 },
          { prefix: '198.51.100.0/24', pathId: 2 },
        ],
        [64500, 65010],
      ),
    )
    a.send(v6update([{ prefix: '2001:db8:100::/48', pathId: 7 }], [64500, 65020]))
    b.send(v4update([{ prefix: '203.0.113.0/24' }], [64501, 65030], [], '192.0.2.3'))
    await h.until('routes in the RIB', () => h.rib.stats().paths === 4)

    // The station comes up after the routes: they reach it as the initial dump.
    const station = await Pmbmpd.start(dir, port)
    cleanup.push(() => station.stop())
    bmp.start()
    await until('initial dump', () => bmp.stats().stations[0]?.lastDump !== undefined, 20_000)
    // Live: an announcement, a withdrawal, End-of-RIB, statistics.
    a.send(v4update([{ prefix: '192.0.2.128/25', pathId: 3 }], [64500, 65040]))
    b.send(v4withdraw([{ prefix: '203.0.113.0/24' }]))
    b.send(eor(1, 1, 'ipv4-unicast'))
    const paths = (address: string) => h.rib.count(h.rib.peer(address)).paths
    await h.until('live updates in the RIB', () => paths('127.0.0.2') === 4 && paths('127.0.0.3') === 0)
    bmp.sendStats()
    // B ends its session with a NOTIFICATION (reason 3); A's connection just closes (reason 4).
    b.send({ type: 'NOTIFICATION', code: 6, subcode: 2, data: '' })
    await h.until('B down', () => h.sessions.peer('127.0.0.3')!.state !== 'Established')
    await a.close()
    await h.until('A down', () => h.sessions.peer('127.0.0.2')!.state !== 'Established')
    await until(
      'pmbmpd logged the peer downs',
      () => station.lines().filter((l) => l.bmp_msg_type === 'peer_down').length === 2,
      20_000,
    )

    // Shutting down: Termination, administratively closed.
    await bmp.stop()
    await until('pmbmpd logged the termination', () => station.lines().some((l) => l.bmp_msg_type === 'term'))
    const lines = station.lines().filter((l) => l.event_type === 'log')
    const types = lines.map((l) => l.bmp_msg_type)
    // Initiation first, the Peer Ups before any route, Termination last.
    expect(types.slice(0, 3)).toEqual(['init', 'peer_up', 'peer_up'])
    expect(types[types.length - 1]).toBe('term')
    expect(lines[lines.length - 1]).toMatchObject({
      bmp_term_info_string: 'Routelake shutting down',
      bmp_term_info_reason: 'Session administratively closed',
    })
    expect(lines[0]).toMatchObject({
      bmp_init_info_sysname: 'rl-test',
      bmp_init_info_sysdescr: 'Routelake test',
    })
    const peerUps = lines
      .filter((l) => l.bmp_msg_type === 'peer_up')
      .map(({ peer_ip, peer_asn, bgp_id, local_ip, remote_port, is_post, peer_type }) => ({
        peer_ip,
        peer_asn,
        bgp_id,
        local_ip,
        remote_port_set: typeof remote_port === 'number' && remote_port > 0,
        is_post,
        peer_type,
      }))
      .sort((x, y) => String(x.peer_ip).localeCompare(String(y.peer_ip)))
    expect(peerUps).toEqual([
      {
        peer_ip: '127.0.0.2',
        peer_asn: 64500,
        bgp_id: '10.0.0.2',
        local_ip: '127.0.0.1',
        remote_port_set: true,
        is_post: 0,
        peer_type: 0,
      },
      {
        peer_ip: '127.0.0.3',
        peer_asn: 64501,
        bgp_id: '10.0.0.3',
        local_ip: '127.0.0.1',
        remote_port_set: true,
        is_post: 0,
        peer_type: 0,
      },
    ])
    const routes = lines
      .filter((l) => l.bmp_msg_type === 'route_monitor' && l.log_type !== 'end-of-rib')
      .map(rm)
      .sort()
    expect(routes).toEqual(
      [
        'update|127.0.0.2|198.51.100.0/24|64500 65010|192.0.2.1|1',
        'update|127.0.0.2|198.51.100.0/24|64500 65010|192.0.2.1|2',
        'update|127.0.0.2|2001:db8:100::/48|64500 65020|2001:db8::1|7',
        'update|127.0.0.3|203.0.113.0/24|64501 65030|192.0.2.3|',
        'update|127.0.0.2|192.0.2.128/25|64500 65040|192.0.2.1|3',
        'withdraw|127.0.0.3|203.0.113.0/24|||',
      ].sort(),
    )
    const downs = lines
      .filter((l) => l.bmp_msg_type === 'peer_down')
      .map(({ peer_ip, reason_type }) => ({ peer_ip, reason_type }))
    expect(downs).toEqual([
      { peer_ip: '127.0.0.3', reason_type: 3 },
      { peer_ip: '127.0.0.2', reason_type: 4 },
    ])
    const stats = lines
      .filter((l) => l.bmp_msg_type === 'stats' && l.counter_type === 7)
      .map(({ peer_ip, counter_value }) => ({ peer_ip, counter_value }))
      .sort((x, y) => String(x.peer_ip).localeCompare(String(y.peer_ip)))
    expect(stats).toEqual([
      { peer_ip: '127.0.0.2', counter_value: 4 },
      { peer_ip: '127.0.0.3', counter_value: 0 },
    ])
  })
})
