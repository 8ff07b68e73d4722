// What the BMP exporter sends, read by independent decoders: TShark (the
// stream written into a pcap as one TCP connection, decoded as BMP) must
// find every message and no malformed packet, and our own decoder must read
// the same sequence: Initiation, a Peer Up per peer (V flag for the IPv6
// peer, A flag on the 2-octet session's messages), the initial dump with an
// End-of-RIB per family, live Route Monitoring, Statistics, each Peer Down
// with its reason (1: we sent a NOTIFICATION, 3: the peer did), Termination.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  codecContext,
  decodeMessage,
  familyName,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import {
  BmpFramer,
  type BmpMessage,
  BmpPeerContexts,
  decodeBmpMessage,
  peerFlags,
  tlvText,
} from '../../collector/src/bmp/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import { BmpExporter } from '../../collector/src/sinks/bmp-export/index.ts'
import { type Harness, peerSettings, startHarness } from '../sessions/harness.ts'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import {
  ADD_PATH_CTX,
  ADD_PATH_SEND,
  eor,
  establish,
  pcapOf,
  RecordingStation,
  requireProgram,
  run,
  UNICAST,
  until,
  v4update,
  v6update,
} from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

function messages(bytes: Uint8Array): BmpMessage[] {
  const out: BmpMessage[] = []
  const err = new BmpFramer().push(bytes, (m) => {
    const d = decodeBmpMessage(m)
    if (d.error) throw d.error
    out.push(d.message!)
  })
  if (err) throw err
  return out
}

/** A message as a line: type, peer, flags and what it carries, routes as `family key [path id]`. */
function describe1(m: BmpMessage, ctx: BmpPeerContexts): string {
  switch (m.type) {
    case 'ROUTE_MONITORING': {
      const c = ctx.routeMonitoringContext(m.peer)
      const d = decodeMessage(m.update, c)
      const u = d.message as UpdateMessage
      const r = updateRoutes(u, d.problems, c)
      const f = peerFlags(m.peer)
      const what = r.endOfRib
        ? `EoR ${r.endOfRib}`
        : [
            ...r.announce.flatMap((a) =>
              a.nlri.map(
                (n) =>
                  `+${a.family} ${(n as { prefix: string }).prefix}${n.pathId !== undefined ? ` #${n.pathId}` : ''}`,
              ),
            ),
            ...r.withdraw.flatMap((w) =>
              w.nlri.map((n) => `-${w.family} ${(n as { prefix: string }).prefix}`),
            ),
          ].join(' ')
      return `RM ${m.peer.address}${f.asn2 ? ' A' : ''}${f.ipv6 ? ' V' : ''} ${what} ${r.announce.length ? r.attributes.asPath.map((s) => s.asns.join(' ')).join(' ') : ''}`.trim()
    }
    case 'PEER_UP':
      ctx.peerUp(m)
      return `UP ${m.peer.address} AS${m.peer.asn} ${m.peer.bgpId}${peerFlags(m.peer).ipv6 ? ' V' : ''} local ${m.localAddress}`
    case 'PEER_DOWN': {
      const n = m.notification ? decodeMessage(m.notification, codecContext()).message : undefined
      return `DOWN ${m.peer.address} reason ${m.reason}${n?.type === 'NOTIFICATION' ? ` ${n.code}/${n.subcode}` : ''}`
    }
    case 'STATISTICS_REPORT':
      return `STATS ${m.peer.address} ${m.stats.map((s) => `${s.type}${s.afi ? `(${familyName(s.afi, s.safi!)})` : ''}=${s.value}`).join(' ')}`
    case 'INITIATION':
      return `INIT ${m.information.map((t) => `${t.type}:${tlvText(t)}`).join(' ')}`
    case 'TERMINATION':
      return `TERM ${m.information.map((t) => `${t.type}:${t.type === 0 ? tlvText(t) : Buffer.from(t.value).toString('hex')}`).join(' ')}`
    default:
      return m.type
  }
}

const have = requireProgram('/usr/bin/tshark', 'tshark')

/**
 * The stream a station receives: three peers (A with ADD-PATH, B a 2-octet
 * session, C over IPv6) and their routes before the station connects (the
 * initial dump, 2,000 prefixes in bulk), live UPDATEs, statistics, A's
 * session reset by us (a NOTIFICATION sent), B's by the peer, Termination.
 */
async function stream(): Promise<Uint8Array> {
  const station = await RecordingStation.start()
  cleanup.push(() => station.close())
  const h: Harness = await startHarness([
    peerSettings({ address: '127.0.0.2', asn: 64500 }),
    peerSettings({ address: '127.0.0.3', asn: 64501 }),
    peerSettings({ address: '::1', asn: 64502 }),
  ])
  cleanup.push(() => h.close())
  const v6 = (await h.sessions.listen([{ host: '::1', port: 0 }])).find((b) => b.host === '::1')
  const bmp = new BmpExporter(
    {
      stations: [{ host: '127.0.0.1', port: station.port }],
      sysName: 'rl-test',
      sysDescr: 'Routelake test',
      statsIntervalMs: 0,
    },
    {
      bus: h.bus,
      rib: h.rib,
      clock: systemClock(),
      logger: memoryLogger(),
      peer: (a) => h.sessions.peer(a)?.view(),
    },
  )
  cleanup.push(() => bmp.stop())
  const speakers: ScriptedSpeaker[] = []
  cleanup.push(async () => {
    for (const s of speakers) await s.close()
  })
  const a = await establish(h, '127.0.0.2', [...UNICAST, ADD_PATH_SEND], { asn: 64500 })
  a.ctx = ADD_PATH_CTX
  const b = await establish(h, '127.0.0.3', UNICAST, { asn: 64501, asn2: true })
  const c = await establish({ ...h, port: v6!.port }, '::1', UNICAST, { asn: 64502 })
  speakers.push(a, b, c)
  a.send(
    v4update(
      [
        { prefix: '198.51.100.0/24', pathId: 1 },
        { prefix: '198.51.100.0/24', pathId: 2 },
      ],
      [64500, 65010],
    ),
  )
  b.send(v4update([{ prefix: '203.0.113.0/24' }], [64501, 65030], [], '192.0.2.3'))
  c.send(v6update([{ prefix: '2001:db8:200::/40' }], [64502]))
  // Bulk, so that the stream spans many TCP segments: 2000 prefixes in 20 attribute sets.
  for (let k = 0; k < 20; k++) {
    const nlri = Array.from({ length: 100 }, (_, j) => ({ prefix: `10.${k}.${j}.0/24`, pathId: 1 }))
    a.send(v4update(nlri, [64500, 64600 + k]))
  }
  const paths = (address: string) => h.rib.count(h.rib.peer(address)).paths
  await h.until('routes', () => paths('127.0.0.2') === 2002 && paths('127.0.0.3') === 1 && paths('::1') === 1)
  bmp.start()
  await until('initial dump', () => bmp.stats().stations[0]?.lastDump !== undefined)
  a.send(v4update([{ prefix: '192.0.2.0/25', pathId: 9 }], [64500, 65040]))
  b.send(eor(1, 1, 'ipv4-unicast'))
  await h.until('live', () => paths('127.0.0.2') === 2003)
  bmp.sendStats()
  // A sends an UPDATE that breaks the session: we send a NOTIFICATION (reason 1).
  a.sendRaw(new Uint8Array(19).fill(0xfe))
  await h.until('A down', () => h.sessions.peer('127.0.0.2')!.state !== 'Established')
  b.send({ type: 'NOTIFICATION', code: 6, subcode: 3, data: '' })
  await h.until('B down', () => h.sessions.peer('127.0.0.3')!.state !== 'Established')
  await bmp.stop()
  await until('the station saw the end', () => station.connections[0]!.socket.readableEnded)

  return station.bytes(0)
}

describe('BMP export stream', () => {
  let bytes: Uint8Array
  beforeAll(async () => {
    bytes = await stream()
  }, 120_000)

  it('is what our decoder reads: every message, in order', () => {
    const ctx = new BmpPeerContexts()
    const all = messages(bytes).map((m) => describe1(m, ctx))
    const bulk = all.filter((l) => l.includes(' +ipv4-unicast 10.'))
    expect(bulk.length).toBe(20)
    expect(bulk.join(' ').match(/\+ipv4-unicast 10\.\d+\.\d+\.0\/24 #1/g)?.length).toBe(2000)
    const lines = all.filter((l) => !l.includes(' +ipv4-unicast 10.'))
    const head = lines.slice(0, 4)
    expect(head[0]).toBe('INIT 1:Routelake test 2:rl-test')
    expect(head.slice(1).sort()).toEqual([
      'UP 127.0.0.2 AS64500 10.0.0.2 local 127.0.0.1',
      'UP 127.0.0.3 AS64501 10.0.0.3 local 127.0.0.1',
      'UP ::1 AS64502 10.0.0.99 V local ::1',
    ])
    const dump = lines.slice(4, 4 + 3 + 6).sort()
    expect(dump).toEqual(
      [
        'RM 127.0.0.2 +ipv4-unicast 198.51.100.0/24 #1 +ipv4-unicast 198.51.100.0/24 #2 64500 65010',
        'RM 127.0.0.2 EoR ipv4-unicast',
        'RM 127.0.0.2 EoR ipv6-unicast',
        'RM 127.0.0.3 A +ipv4-unicast 203.0.113.0/24 64501 65030',
        'RM 127.0.0.3 A EoR ipv4-unicast',
        'RM 127.0.0.3 A EoR ipv6-unicast',
        'RM ::1 V +ipv6-unicast 2001:db8:200::/40 64502',
        'RM ::1 V EoR ipv4-unicast',
        'RM ::1 V EoR ipv6-unicast',
      ].sort(),
    )
    expect(lines.slice(13)).toEqual([
      'RM 127.0.0.2 +ipv4-unicast 192.0.2.0/25 #9 64500 65040',
      'RM 127.0.0.3 A EoR ipv4-unicast',
      'STATS 127.0.0.2 7=2003 9(ipv4-unicast)=2003 11=0 12=0 14=0 15=0',
      'STATS 127.0.0.3 7=1 9(ipv4-unicast)=1 11=0 12=0 14=0 15=0',
      'STATS ::1 7=1 9(ipv6-unicast)=1 11=0 12=0 14=0 15=0',
      'DOWN 127.0.0.2 reason 1 1/1',
      'DOWN 127.0.0.3 reason 3 6/3',
      'TERM 0:Routelake shutting down 1:0000',
    ])
  })

  it.runIf(have)('is what TShark reads: every message, in order, none malformed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-bmp-pcap-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const pcap = join(dir, 'bmp.pcap')
    writeFileSync(pcap, pcapOf(bytes, 40000, 11019))
    const out = await run('/usr/bin/tshark', [
      '-r',
      pcap,
      '-d',
      'tcp.port==11019,bmp',
      '-T',
      'fields',
      '-e',
      'bmp.type',
      '-e',
      '_ws.malformed',
      '-e',
      '_ws.expert.severity',
    ])
    const rows = out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'))
    const types = rows.flatMap((r) => (r[0] ? r[0].split(',').map(Number) : []))
    const ours = messages(bytes).map(
      (m) =>
        ({
          ROUTE_MONITORING: 0,
          STATISTICS_REPORT: 1,
          PEER_DOWN: 2,
          PEER_UP: 3,
          INITIATION: 4,
          TERMINATION: 5,
        })[m.type as 'PEER_UP'],
    )
    expect(types).toEqual(ours)
    expect(rows.filter((r) => r[1])).toEqual([])
    // Expert infos: only TCP's chat-level notes (severity 0x200000) on the handshake, nothing worse.
    expect(
      rows.flatMap((r) => (r[2] ? r[2].split(',').map(Number) : [])).filter((s) => s > 0x200000),
    ).toEqual([])
  })
})
