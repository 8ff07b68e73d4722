// Shared pieces of the exporter tests: scripted peers that establish with a
// collector's sessions and send UPDATEs, a BMP station that records what it
// receives, pmacct's pmbmpd started as a real station, a pcap writer for
// TShark, and MRT files read back (our reader, bgpdump).

import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import {
  type Capability,
  type CodecContext,
  codecContext,
  decodeMessage,
  familyByName,
  type OpenMessage,
  type PathAttribute,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import { BmpFramer, BmpPeerContexts, decodeBmpMessage } from '../../collector/src/bmp/index.ts'
import type { Harness } from '../sessions/harness.ts'
import { open, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'

export const V4 = familyByName('ipv4-unicast')!
export const V6 = familyByName('ipv6-unicast')!

export const mpCap = (afi: number, safi: number, family: string): Capability => ({
  code: 1,
  name: 'MULTIPROTOCOL',
  value: { afi, safi, family },
})
export const UNICAST: Capability[] = [mpCap(1, 1, 'ipv4-unicast'), mpCap(2, 1, 'ipv6-unicast')]
export const ADD_PATH_SEND: Capability = {
  code: 69,
  name: 'ADD_PATH',
  value: [
    { afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 'send' },
    { afi: 2, safi: 1, family: 'ipv6-unicast', sendReceive: 'send' },
  ],
}
export const ADD_PATH_CTX: CodecContext = codecContext({ addPath: new Set([V4, V6]) })

/**
 * Connects from `from`, exchanges OPENs and KEEPALIVEs, waits until the
 * collector is Established. `asn2`: the speaker offers no 4-octet AS
 * capability (a 2-octet session).
 */
export async function establish(
  h: Pick<Harness, 'port' | 'until' | 'sessions'>,
  from: string,
  caps: Capability[],
  options: { asn?: number; asn2?: boolean; host?: string } = {},
): Promise<ScriptedSpeaker> {
  const s = await ScriptedSpeaker.connect(
    h.port,
    from,
    options.host ?? (from.includes(':') ? '::1' : '127.0.0.1'),
  )
  const asn = options.asn ?? 64500
  const id = from.includes(':') ? '10.0.0.99' : `10.0.0.${from.split('.')[3]}`
  const o = open(asn, id, caps)
  const msg: OpenMessage = options.asn2 ? { ...o, parameters: [{ type: 2 as const, capabilities: caps }] } : o
  s.send(msg)
  await s.next('OPEN')
  await s.next('KEEPALIVE')
  s.send({ type: 'KEEPALIVE' })
  await h.until('established', () => h.sessions.peer(from)?.state === 'Established', 10_000)
  if (options.asn2) s.ctx = codecContext({ asn4: false })
  return s
}

export function attrs(asns: number[], nextHop?: string, extra: PathAttribute[] = []): PathAttribute[] {
  return [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns }] },
    ...(nextHop ? [{ code: 3, flags: 0x40, name: 'NEXT_HOP', value: nextHop } as PathAttribute] : []),
    ...extra,
  ]
}

export function v4update(
  prefixes: { prefix: string; pathId?: number }[],
  asns: number[],
  extra: PathAttribute[] = [],
  nextHop = '192.0.2.1',
): UpdateMessage {
  return { type: 'UPDATE', withdrawn: [], attributes: attrs(asns, nextHop, extra), nlri: prefixes }
}

export function v4withdraw(prefixes: { prefix: string; pathId?: number }[]): UpdateMessage {
  return { type: 'UPDATE', withdrawn: prefixes, attributes: [], nlri: [] }
}

export function v6update(prefixes: { prefix: string; pathId?: number }[], asns: number[]): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 14,
        flags: 0x80,
        name: 'MP_REACH_NLRI',
        value: { afi: 2, safi: 1, family: 'ipv6-unicast', nextHop: ['2001:db8::1'], nlri: prefixes },
      },
      ...attrs(asns),
    ],
    nlri: [],
  }
}

export function eor(afi: number, safi: number, family: string): UpdateMessage {
  if (afi === 1 && safi === 1) return { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [{ code: 15, flags: 0x80, name: 'MP_UNREACH_NLRI', value: { afi, safi, family, nlri: [] } }],
    nlri: [],
  }
}

export async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export function run(file: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** True when a Debian program is here; otherwise says so loudly (and throws under CI=true). */
export function requireProgram(path: string, pkg: string): boolean {
  if (existsSync(path)) return true
  const msg = `${path} not found: install the Debian package '${pkg}' (tools/install-debian-packages.sh)`
  if (process.env.CI === 'true') throw new Error(`${msg}; required under CI=true`)
  console.warn(`\n!!! SKIPPED: ${msg}\n`)
  return false
}

/** A BMP station that keeps every octet each connection sends. */
export class RecordingStation {
  readonly server: Server
  readonly connections: { socket: Socket; data: Buffer[] }[] = []
  port = 0

  private constructor(server: Server) {
    this.server = server
  }

  static async start(host = '127.0.0.1'): Promise<RecordingStation> {
    const st = new RecordingStation(createServer())
    st.server.on('connection', (socket) => {
      const c = { socket, data: [] as Buffer[] }
      st.connections.push(c)
      socket.on('data', (d: Buffer) => c.data.push(d))
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => st.server.listen(0, host, resolve))
    const a = st.server.address()
    st.port = typeof a === 'object' && a ? a.port : 0
    return st
  }

  bytes(i = this.connections.length - 1): Uint8Array {
    return new Uint8Array(Buffer.concat(this.connections[i]?.data ?? []))
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/**
 * What a station knows after one connection's messages: "peer prefix" → AS
 * path, as Peer Ups, Route Monitoring and Peer Downs leave it.
 */
export function stationView(bytes: Uint8Array): Map<string, string> {
  const ctx = new BmpPeerContexts()
  const view = new Map<string, string>()
  new BmpFramer().push(bytes, (raw) => {
    const m = decodeBmpMessage(raw).message!
    if (m.type === 'PEER_UP') ctx.peerUp(m)
    if (m.type === 'PEER_DOWN')
      for (const k of [...view.keys()]) if (k.startsWith(`${m.peer.address} `)) view.delete(k)
    if (m.type !== 'ROUTE_MONITORING') return
    const c = ctx.routeMonitoringContext(m.peer)
    const d = decodeMessage(m.update, c)
    const r = updateRoutes(d.message as UpdateMessage, d.problems, c)
    const key = (n: object) =>
      `${m.peer.address} ${(n as { prefix: string }).prefix}${'pathId' in n && n.pathId !== undefined ? `#${n.pathId}` : ''}`
    for (const w of r.withdraw) for (const n of w.nlri) view.delete(key(n))
    const path = r.attributes.asPath.map((s) => s.asns.join(' ')).join(' ')
    for (const a of r.announce) for (const n of a.nlri) view.set(key(n), path)
  })
  return view
}

/** pmacct's BMP daemon as a station on 127.0.0.1:port, logging every message as JSON lines to a file. */
export class Pmbmpd {
  readonly child: ChildProcess
  readonly log: string
  private output = ''

  private constructor(child: ChildProcess, log: string) {
    this.child = child
    this.log = log
    child.stdout!.on('data', (d: Buffer) => {
      this.output += d.toString()
    })
    child.stderr!.on('data', (d: Buffer) => {
      this.output += d.toString()
    })
  }

  static async start(dir: string, port: number): Promise<Pmbmpd> {
    const log = join(dir, 'bmp.json')
    const conf = join(dir, 'pmbmpd.conf')
    writeFileSync(
      conf,
      [
        'bmp_daemon_ip: 127.0.0.1',
        `bmp_daemon_port: ${port}`,
        `bmp_daemon_msglog_file: ${log}`,
        'bmp_daemon_msglog_output: json',
        'bmp_daemon_max_peers: 10',
        '',
      ].join('\n'),
    )
    const child = spawn('/usr/sbin/pmbmpd', ['-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
    const d = new Pmbmpd(child, log)
    await until('pmbmpd listening', () => /waiting for BMP data/.test(d.output), 10_000)
    return d
  }

  /** The JSON lines logged so far. */
  lines(): Record<string, unknown>[] {
    if (!existsSync(this.log)) return []
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  }

  text(): string {
    return this.output
  }

  /** pmbmpd ignores SIGTERM while it has a station connection; SIGKILL it. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((r) => this.child.once('exit', r))
    this.child.kill('SIGKILL')
    await exited
  }
}

/**
 * A pcap file (libpcap format, Ethernet link type) of one TCP stream from
 * 127.0.0.1:srcPort to 127.0.0.1:dstPort carrying `payload`, cut into
 * segments of at most `mss` octets with consecutive sequence numbers, after a
 * three-way handshake: what a capture of the connection would hold.
 */
export function pcapOf(payload: Uint8Array, srcPort: number, dstPort: number, mss = 1448): Uint8Array {
  const packets: Uint8Array[] = []
  const seq0 = 1000
  const ack0 = 5000
  const tcp = (from: 'c' | 's', flags: number, seq: number, ack: number, data: Uint8Array) => {
    const ip = new Uint8Array(14 + 20 + 20 + data.length)
    const v = new DataView(ip.buffer)
    v.setUint16(12, 0x0800) // ethertype IPv4
    const o = 14
    ip[o] = 0x45
    v.setUint16(o + 2, 40 + data.length)
    ip[o + 8] = 64
    ip[o + 9] = 6
    ip.set([127, 0, 0, 1], o + 12)
    ip.set([127, 0, 0, 1], o + 16)
    let sum = 0
    for (let i = 0; i < 20; i += 2) sum += v.getUint16(o + i)
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
    v.setUint16(o + 10, ~sum & 0xffff)
    const t = o + 20
    v.setUint16(t, from === 'c' ? srcPort : dstPort)
    v.setUint16(t + 2, from === 'c' ? dstPort : srcPort)
    v.setUint32(t + 4, seq >>> 0)
    v.setUint32(t + 8, ack >>> 0)
    ip[t + 12] = 0x50
    ip[t + 13] = flags
    v.setUint16(t + 14, 65535)
    ip.set(data, t + 20)
    packets.push(ip)
  }
  const empty = new Uint8Array(0)
  tcp('c', 0x02, seq0, 0, empty)
  tcp('s', 0x12, ack0, seq0 + 1, empty)
  tcp('c', 0x10, seq0 + 1, ack0 + 1, empty)
  let seq = seq0 + 1
  for (let i = 0; i < payload.length; i += mss) {
    const part = payload.subarray(i, Math.min(i + mss, payload.length))
    tcp('c', 0x18, seq, ack0 + 1, part)
    seq += part.length
  }
  let size = 24
  for (const p of packets) size += 16 + p.length
  const out = new Uint8Array(size)
  const v = new DataView(out.buffer)
  v.setUint32(0, 0xa1b2c3d4, true)
  v.setUint16(4, 2, true)
  v.setUint16(6, 4, true)
  v.setUint32(16, 262144, true)
  v.setUint32(20, 1, true) // LINKTYPE_ETHERNET
  let at = 24
  packets.forEach((p, i) => {
    v.setUint32(at, 1_700_000_000 + Math.floor(i / 1000), true)
    v.setUint32(at + 4, (i % 1000) * 1000, true)
    v.setUint32(at + 8, p.length, true)
    v.setUint32(at + 12, p.length, true)
    out.set(p, at + 16)
    at += 16 + p.length
  })
  return out
}
