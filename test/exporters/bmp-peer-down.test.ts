// Peer Down reasons for the sessions the collector itself ends, end to end.
// RFC 7854 §4.9: 1 the local system closed the session with a NOTIFICATION
// (carried), 2 it closed it without one (the RFC 4271 §8.1 FSM event
// carried), 3 the peer sent a NOTIFICATION (carried), 4 the peer closed
// without one, 5 the peer was de-configured.
//
// Our sessions end locally only with a NOTIFICATION: a hold timer that
// expires sends Hold Timer Expired (RFC 4271 §8.2.2, HoldTimer_Expires), a
// collision the Cease it resolves with (§6.8; here a graceful-restart peer
// opening a new connection while Established, RFC 4724 §4.2): both are
// reason 1, with the NOTIFICATION as sent. No Established session is closed
// without one, and peers are not removed at run time, so reasons 2 and 5
// are not sent. (3 and 4 are in bmp-tshark and bmp-pmacct.) Our decoder
// reads the stream a station received; pmacct's pmbmpd reads the same octets.

import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Capability, codecContext, decodeMessage } from '../../collector/src/bgp/index.ts'
import { BmpFramer, type BmpMessage, decodeBmpMessage } from '../../collector/src/bmp/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { manualClock, systemClock } from '../../collector/src/session/index.ts'
import { BmpExporter } from '../../collector/src/sinks/bmp-export/index.ts'
import { freePort } from '../sessions/daemons.ts'
import { type Harness, peerSettings, startHarness } from '../sessions/harness.ts'
import { open, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { establish, Pmbmpd, RecordingStation, requireProgram, UNICAST, until, v4update } from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

const havePmbmpd = requireProgram('/usr/sbin/pmbmpd', 'pmacct')

const GR: Capability = {
  code: 64,
  name: 'GRACEFUL_RESTART',
  value: {
    restarting: false,
    notification: false,
    time: 120,
    families: [{ afi: 1, safi: 1, family: 'ipv4-unicast', forwarding: true }],
  },
}

/** A message as a line: type, peer, and for a Peer Down its reason, NOTIFICATION (code/subcode) or FSM event. */
function line(m: BmpMessage): string {
  switch (m.type) {
    case 'PEER_UP':
      return `UP ${m.peer.address}`
    case 'PEER_DOWN': {
      const n = m.notification ? decodeMessage(m.notification, codecContext()).message : undefined
      const what =
        n?.type === 'NOTIFICATION'
          ? ` ${n.code}/${n.subcode}`
          : m.fsmEvent !== undefined
            ? ` event ${m.fsmEvent}`
            : ''
      return `DOWN ${m.peer.address} reason ${m.reason}${what}`
    }
    case 'ROUTE_MONITORING':
      return `RM ${m.peer.address}`
    default:
      return m.type
  }
}

function messages(bytes: Uint8Array): BmpMessage[] {
  const out: BmpMessage[] = []
  const err = new BmpFramer().push(bytes, (raw) => {
    const d = decodeBmpMessage(raw)
    if (d.error) throw d.error
    out.push(d.message!)
  })
  if (err) throw err
  return out
}

/**
 * Sessions on a manual clock, a station recording what it receives: A
 * (hold time 30 s) goes silent and its hold timer expires; B (no hold
 * timer, graceful restart) opens a second connection, which replaces the
 * Established one.
 */
async function stream(): Promise<Uint8Array> {
  const clock = manualClock(Date.UTC(2024, 4, 1, 12, 0, 0))
  const h: Harness = await startHarness(
    [
      peerSettings({ address: '127.0.0.2', asn: 64500, holdTime: 30 }),
      peerSettings({ address: '127.0.0.3', asn: 64501, holdTime: 0 }),
    ],
    { clock },
  )
  cleanup.push(() => h.close())
  const station = await RecordingStation.start()
  cleanup.push(() => station.close())
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
  bmp.start()
  await until('the station connected', () => bmp.stats().stations[0]?.state === 'up')
  await until('the initial dump', () => bmp.stats().stations[0]?.lastDump !== undefined)
  const speakers: ScriptedSpeaker[] = []
  cleanup.push(async () => {
    for (const s of speakers) await s.close()
  })
  const a = await establish(h, '127.0.0.2', UNICAST, { asn: 64500 })
  const b1 = await establish(h, '127.0.0.3', [...UNICAST, GR], { asn: 64501 })
  speakers.push(a, b1)
  a.send(v4update([{ prefix: '198.51.100.0/24' }], [64500]))
  await h.until("A's route", () => h.rib.stats().paths === 1)
  b1.send(v4update([{ prefix: '203.0.113.0/24' }], [64501]))
  await h.until("B's route", () => h.rib.stats().paths === 2)

  // A says nothing more: 30 s later its hold timer expires, we send Hold Timer Expired (4/0).
  clock.advance(30_000)
  const expired = await a.next('NOTIFICATION')
  expect(expired).toMatchObject({ code: 4, subcode: 0 })
  await h.until('A down', () => h.sessions.peer('127.0.0.2')!.state !== 'Established')

  // B restarts: a new connection and OPEN while Established; the old one goes with the collision Cease (6/7).
  const b2 = await ScriptedSpeaker.connect(h.port, '127.0.0.3')
  speakers.push(b2)
  b2.send(open(64501, '10.0.0.3', [...UNICAST, GR]))
  expect(await b1.next('NOTIFICATION')).toMatchObject({ code: 6, subcode: 7 })
  await b2.next('OPEN')
  await b2.next('KEEPALIVE')
  b2.send({ type: 'KEEPALIVE' })
  await h.until('B back', () => h.sessions.peer('127.0.0.3')!.view().counters.establishedCount === 2)
  await until(
    'B up again at the station',
    () => messages(station.bytes(0)).filter((m) => m.type === 'PEER_UP').length === 3,
  )
  await bmp.stop()
  await until('the station saw the end', () => station.connections[0]!.socket.readableEnded)
  return station.bytes(0)
}

describe('BMP Peer Down when the collector ends a session', () => {
  let bytes: Uint8Array
  beforeAll(async () => {
    bytes = await stream()
  }, 120_000)

  it('is reason 1 with the NOTIFICATION sent: hold timer expired (4/0), collision resolution (6/7)', () => {
    expect(messages(bytes).map(line)).toEqual([
      'INITIATION',
      'UP 127.0.0.2',
      'UP 127.0.0.3',
      'RM 127.0.0.2',
      'RM 127.0.0.3',
      'DOWN 127.0.0.2 reason 1 4/0',
      'DOWN 127.0.0.3 reason 1 6/7',
      'UP 127.0.0.3',
      'TERMINATION',
    ])
  })

  it.runIf(havePmbmpd)('is read so by pmacct pmbmpd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-pmbmpd-down-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const port = await freePort()
    const station = await Pmbmpd.start(dir, port)
    cleanup.push(() => station.stop())
    // The same octets, on a connection of their own.
    const s = connect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve)
      s.once('error', reject)
    })
    s.end(bytes)
    await until(
      'pmbmpd logged the termination',
      () => station.lines().some((l) => l.bmp_msg_type === 'term'),
      20_000,
    )
    const downs = station
      .lines()
      .filter((l) => l.bmp_msg_type === 'peer_down')
      .map(({ peer_ip, peer_asn, reason_type, reason_str }) => ({
        peer_ip,
        peer_asn,
        reason_type,
        reason_str,
      }))
    const local = 'The local system closed the session'
    expect(downs).toEqual([
      { peer_ip: '127.0.0.2', peer_asn: 64500, reason_type: 1, reason_str: local },
      { peer_ip: '127.0.0.3', peer_asn: 64501, reason_type: 1, reason_str: local },
    ])
  })
})
