// The live feed under test: an in-process collector (createCollector) with its
// HTTP listener on a free loopback port, real `ws` clients and real HTTP
// stream clients, BGP speakers that feed it, and a TCP relay that records the
// octets a feeder sends, to compare with what clients get as `raw`.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import {
  acceptPeer,
  type CollectorConfig,
  type ExabgpSettings,
  type LiveSettings,
  type StorageConfig,
} from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { type Collector, createCollector } from '../../collector/src/main.ts'
import { Framer, systemClock } from '../../collector/src/session/index.ts'

export interface LiveCollector {
  readonly collector: Collector
  readonly bgpPort: number
  readonly httpPort: number
  readonly host: string
  readonly logs: string[]
  ws(path?: string): string
  http(path: string): string
  stop(): Promise<void>
}

export async function startLiveCollector(
  options: {
    live?: LiveSettings
    exabgp?: ExabgpSettings
    host?: string
    v6?: boolean
    /** The BGP listen address (default 127.0.0.1). */
    bgpHost?: string
    storage?: StorageConfig
  } = {},
): Promise<LiveCollector> {
  const host = options.host ?? 'rl-live'
  const config: CollectorConfig = {
    host,
    asn: 65000,
    routerId: '192.0.2.254',
    bgpListen: [
      { host: options.bgpHost ?? '127.0.0.1', port: 0 },
      ...(options.v6 ? [{ host: '::1', port: 0 }] : []),
    ],
    httpListen: { host: '127.0.0.1', port: 0 },
    dataDir: '/nonexistent',
    peers: [acceptPeer('127.0.0.0/8'), ...(options.v6 ? [acceptPeer('::1/128')] : [])],
    logLevel: 'debug',
    logFormat: 'text',
    ...(options.live ? { live: options.live } : {}),
    ...(options.exabgp ? { exabgp: options.exabgp } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
  }
  const logger = memoryLogger()
  const collector = createCollector(config, { clock: systemClock(), logger })
  const bound = await collector.start()
  const httpPort = bound.http!.port
  return {
    collector,
    bgpPort: bound.bgp[0]!.port,
    httpPort,
    host,
    logs: logger.lines,
    ws: (path = '/v1/ws/?client=routelake-tests') => `ws://127.0.0.1:${httpPort}${path}`,
    http: (path) => `http://127.0.0.1:${httpPort}${path}`,
    stop: () => collector.stop('test over'),
  }
}

export type RisEnvelope = { readonly type: string; readonly data: Record<string, unknown> | unknown }

/** A RIS Live client over a real WebSocket. */
export class RisClient {
  readonly ws: WebSocket
  readonly messages: RisEnvelope[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private waiters: (() => void)[] = []

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (d) => {
      this.messages.push(JSON.parse(d.toString()))
      this.wake()
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.wake()
        resolve({ code, reason: reason.toString() })
      }),
    )
    ws.on('error', () => {})
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<RisClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options)
      const c = new RisClient(ws)
      ws.once('open', () => resolve(c))
      ws.once('error', reject)
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  send(type: string, data?: unknown): void {
    this.ws.send(JSON.stringify(data === undefined ? { type } : { type, data }))
  }

  sendText(text: string): void {
    this.ws.send(text)
  }

  /** Subscribes and waits for the ris_subscribe_ok (the socket must have acknowledge on). */
  async subscribe(data: Record<string, unknown> | null): Promise<void> {
    const before = this.of('ris_subscribe_ok').length
    this.send('ris_subscribe', data)
    await this.until(() => this.of('ris_subscribe_ok').length > before || this.of('ris_error').length > 0)
    const err = this.of('ris_error')
    if (err.length) throw new Error(`ris_error: ${JSON.stringify(err)}`)
  }

  of(type: string): RisEnvelope[] {
    return this.messages.filter((m) => m.type === type)
  }

  /** ris_message data of a RIS type (all when omitted). */
  data(type?: string): Record<string, unknown>[] {
    return this.of('ris_message')
      .map((m) => m.data as Record<string, unknown>)
      .filter((d) => !type || d.type === type)
  }

  async until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.messages.slice(-3))}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close()
    return this.closed
  }
}

/** An HTTP stream client (GET /v1/stream/ with X-RIS-Subscribe), reading NDJSON. */
export class StreamClient {
  readonly lines: RisEnvelope[] = []
  status = 0
  headers: Record<string, string | string[] | undefined> = {}
  readonly ended: Promise<void>
  private req: ReturnType<typeof request> | undefined
  private endResolve!: () => void

  constructor(url: string, subscribe?: unknown, rawHeader?: string) {
    this.ended = new Promise((resolve) => {
      this.endResolve = resolve
    })
    const header = rawHeader ?? (subscribe === undefined ? undefined : JSON.stringify(subscribe))
    this.req = request(url, { headers: header !== undefined ? { 'X-RIS-Subscribe': header } : {} }, (res) => {
      this.status = res.statusCode ?? 0
      this.headers = res.headers
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buf += chunk
        let i = buf.indexOf('\n')
        while (i >= 0) {
          this.lines.push(JSON.parse(buf.slice(0, i)))
          buf = buf.slice(i + 1)
          i = buf.indexOf('\n')
        }
      })
      res.on('end', () => this.endResolve())
      res.on('close', () => this.endResolve())
    })
    this.req.on('error', () => this.endResolve())
    this.req.end()
  }

  data(type?: string): Record<string, unknown>[] {
    return this.lines
      .filter((m) => m.type === 'ris_message')
      .map((m) => m.data as Record<string, unknown>)
      .filter((d) => !type || d.type === type)
  }

  async until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.lines.slice(-3))}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  close(): void {
    this.req?.destroy()
  }
}

/**
 * A TCP relay from a feeder to the collector that records, in order, every
 * octet the feeder sends: the messages a peer really sent, to compare with
 * the `raw` the live feed shows. It connects onwards from `localAddress`,
 * which is then the peer's address for the collector.
 */
export class RecordingRelay {
  readonly server: Server
  readonly sent: Buffer[] = []
  port = 0
  private readonly sockets = new Set<Socket>()

  constructor(target: number, localAddress: string) {
    this.server = createServer((inbound) => {
      const outbound = connect({ port: target, host: '127.0.0.1', localAddress })
      this.sockets.add(inbound)
      this.sockets.add(outbound)
      inbound.on('data', (d) => {
        this.sent.push(Buffer.from(d))
        outbound.write(d)
      })
      outbound.on('data', (d) => inbound.write(d))
      inbound.on('close', () => outbound.destroy())
      outbound.on('close', () => inbound.destroy())
      inbound.on('error', () => {})
      outbound.on('error', () => {})
    })
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address()
        this.port = typeof a === 'object' && a ? a.port : 0
        resolve(this.port)
      }),
    )
  }

  /** The BGP messages the feeder sent, whole, in order. */
  messages(): Uint8Array[] {
    const out: Uint8Array[] = []
    const framer = new Framer()
    for (const chunk of this.sent) framer.push(chunk, (m) => out.push(Uint8Array.from(m)))
    return out
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

const ROOT = join(import.meta.dirname, '..', '..')

/** `routelake …` as a child process (tsx through bin/routelake.js). */
export function routelake(args: string[]): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'routelake.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  child.stderr!.on('data', (d) => {
    out += d
  })
  return Object.assign(child, { output: () => out })
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(t)
}

export function tempDir(name: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `routelake-${name}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

export async function eventually(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
