// Our BMP decoder on every BMP capture of the shared testdata (routers of
// Cisco, Huawei, Juniper, 6WIND/FRR, as akvorado, pmacct and the traffic
// reproducer recorded them): every message is read and re-encodes to the
// same octets, the messages and their per-peer headers are the ones TShark
// decoded from the same capture, and the Peer Ups and Peer Downs are the
// ones pmacct logged. `routelake bmp` prints one JSON line per message.

import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BmpFramer,
  type BmpMessage,
  decodeBmpMessage,
  encodeBmpMessage,
} from '../../collector/src/bmp/index.ts'
import { repoRoot, requireTestdata } from '../../collector/test-support/testdata.ts'

const testdata = requireTestdata('exporters: BMP captures')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)],
  )
}

const files = testdata
  ? walk(join(testdata, 'bmp'))
      .filter((f) => f.endsWith('.bmp'))
      .sort()
  : []

interface Summary {
  readonly type: number
  readonly length: number
  readonly peer?: {
    readonly address: string
    readonly asn: number
    readonly bgpId: string
    readonly seconds: number
    readonly micros: number
  }
}

const TYPE_CODE: Readonly<Record<string, number>> = {
  ROUTE_MONITORING: 0,
  STATISTICS_REPORT: 1,
  PEER_DOWN: 2,
  PEER_UP: 3,
  INITIATION: 4,
  TERMINATION: 5,
  ROUTE_MIRRORING: 6,
}

function ours(m: BmpMessage, length: number): Summary {
  const type = m.type === 'UNKNOWN' ? m.typeCode : TYPE_CODE[m.type]!
  if (!('peer' in m)) return { type, length }
  const p = m.peer
  return {
    type,
    length,
    peer: { address: p.address, asn: p.asn, bgpId: p.bgpId, seconds: p.timestamp, micros: p.microseconds },
  }
}

/** The BMP messages of a TShark -V decode: type, length, and the per-peer header's fields. */
function tshark(text: string): Summary[] {
  const out: Summary[] = []
  let cur: { type: number; length: number; peer: Record<string, string> } | undefined
  let inPeer = false
  const done = () => {
    if (!cur) return
    const p = cur.peer
    out.push(
      p.Address !== undefined
        ? {
            type: cur.type,
            length: cur.length,
            peer: {
              address: p.Address,
              asn: Number(p.ASN),
              bgpId: p['BGP ID']!,
              seconds: Number(p['Timestamp (sec)']),
              // TShark labels the microseconds field "msec".
              micros: Number(p['Timestamp (msec)']),
            },
          }
        : { type: cur.type, length: cur.length },
    )
    cur = undefined
  }
  for (const line of text.split('\n')) {
    if (line.startsWith('BGP Monitoring Protocol')) {
      done()
      cur = { type: -1, length: -1, peer: {} }
      inPeer = false
      continue
    }
    if (!cur) continue
    if (!line.startsWith(' ')) {
      done()
      continue
    }
    const m = /^ {4}(Length|Type): (\d+)/.exec(line) ?? /^ {4}Type: .*\((\d+)\)$/.exec(line)
    if (m && cur.type === -1 && line.startsWith('    Type:'))
      cur.type = Number(/\((\d+)\)$/.exec(line)?.[1] ?? /: (\d+)/.exec(line)![1])
    else if (m && m[1] === 'Length' && cur.length === -1) cur.length = Number(m[2])
    if (line === '    Per Peer Header') inPeer = true
    else if (/^ {4}\S/.test(line)) inPeer = false
    const f = inPeer
      ? /^ {8}(Address|ASN|BGP ID|Timestamp \(sec\)|Timestamp \(msec\)): (.*)$/.exec(line)
      : null
    if (f && cur.peer[f[1]!] === undefined) cur.peer[f[1]!] = f[2]!
  }
  done()
  return out
}

describe.runIf(testdata)('BMP captures of the shared testdata', () => {
  it('finds them', () => {
    expect(files.length).toBeGreaterThanOrEqual(17)
  })

  for (const file of files) {
    const name = file.slice(join(testdata!, 'bmp').length + 1)
    it(name, () => {
      const bytes = new Uint8Array(readFileSync(file))
      const read: Summary[] = []
      const framer = new BmpFramer()
      expect(
        framer.push(bytes, (m) => {
          const d = decodeBmpMessage(m)
          expect(d.error, `${name} at ${framer.offset}`).toBeUndefined()
          expect(encodeBmpMessage(d.message!), `${name} at ${framer.offset}: re-encoded`).toEqual(m)
          read.push(ours(d.message!, d.length))
        }),
      ).toBeUndefined()
      // One capture ends inside a message (MANIFEST: PARTIAL@20580); every other ends on a boundary.
      expect(framer.pending).toBe(name === 'traffic-reproducer/bmp-traffic.bmp' ? 211 : 0)
      // A Loc-RIB peer's address is 16 zero octets (RFC 9069 §4.1): TShark writes "::" (it reads the
      // F flag as V), pmacct and we "0.0.0.0".
      const decoded = tshark(readFileSync(file.replace(/\.bmp$/, '.pcap.tshark.txt'), 'utf8')).map((m) =>
        m.peer?.address === '::' ? { ...m, peer: { ...m.peer, address: '0.0.0.0' } } : m,
      )
      expect(read).toEqual(decoded)
      const pmacct = file.replace(/traffic-00\.bmp$/, 'output-bmp-00.json')
      if (pmacct === file) return
      const logged = readFileSync(pmacct, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      const frames: BmpMessage[] = []
      new BmpFramer().push(bytes, (m) => frames.push(decodeBmpMessage(m).message!))
      const ups = frames.flatMap((m) =>
        m.type === 'PEER_UP'
          ? [
              {
                peer_ip: m.peer.address,
                peer_asn: m.peer.asn,
                bgp_id: m.peer.bgpId,
                local_ip: m.localAddress,
                local_port: m.localPort,
                remote_port: m.remotePort,
              },
            ]
          : [],
      )
      expect(ups).toEqual(
        logged
          .filter((l) => l.bmp_msg_type === 'peer_up')
          .map(({ peer_ip, peer_asn, bgp_id, local_ip, local_port, remote_port }) => ({
            peer_ip,
            peer_asn,
            bgp_id,
            local_ip,
            local_port,
            remote_port,
          })),
      )
      const downs = frames.flatMap((m) =>
        m.type === 'PEER_DOWN' ? [{ peer_ip: m.peer.address, reason_type: m.reason }] : [],
      )
      expect(downs).toEqual(
        logged
          .filter((l) => l.bmp_msg_type === 'peer_down')
          .map(({ peer_ip, reason_type }) => ({ peer_ip, reason_type })),
      )
    })
  }

  it('routelake bmp prints one JSON line per message, and an error line where a capture is cut', async () => {
    const file = join(testdata!, 'bmp/traffic-reproducer/bmp-traffic.bmp')
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        [join(repoRoot, 'bin/routelake.js'), 'bmp', file],
        { maxBuffer: 1 << 26 },
        (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }),
      ),
    )
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const count = (t: string) => lines.filter((l) => l.type === t).length
    expect([count('INITIATION'), count('PEER_UP'), count('ROUTE_MONITORING'), count('UNKNOWN')]).toEqual([
      1, 18, 84, 4,
    ])
    expect(lines[lines.length - 1]).toEqual({
      offset: 20580,
      length: 0,
      error: { kind: 'BMP.TRUNCATED', reason: 'the stream ends 211 octets into a message', offset: 20580 },
    })
    expect(code).toBe(1)
    const rm = lines.find((l) => l.type === 'ROUTE_MONITORING') as { update: { message: { type: string } } }
    expect(rm.update.message.type).toBe('UPDATE')
  })
})
