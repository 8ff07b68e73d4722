// The listener and the set of peers. Routers connect to us (we never
// connect out): the listener accepts on every configured address, IPv4 and
// IPv6, finds the peer by the connection's source address — its own entry
// first, then the longest prefix range that holds it (dynamic neighbours) —
// and hands the socket over. A source nobody configured gets a NOTIFICATION
// Cease / Connection Rejected (RFC 4486 §3) and is logged.

import { createServer, type Server, type Socket } from 'node:net'
import { DEFAULT_CONTEXT, encodeMessage } from '../bgp/index.ts'
import { formatIPv4, formatIPv6, maskPrefix, parseIP, parsePrefix } from '../wire/ip.ts'
import { notify } from './fsm.ts'
import { Peer } from './peer.ts'
import type { PeerView } from './peer-view.ts'
import type { PeerSettings, SessionDeps } from './settings.ts'

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

/** Canonical text of a socket's remote address (IPv4-mapped IPv6 as IPv4). */
export function canonicalAddress(text: string | undefined): string | undefined {
  if (!text) return undefined
  const b = parseIP(text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text)
  if (!b) return undefined
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b)
}

function inPrefix(address: Uint8Array, prefix: string): number {
  const p = parsePrefix(prefix)
  if (!p || p.address.length !== address.length) return -1
  const a = maskPrefix(new Uint8Array(address), p.length)
  const b = maskPrefix(new Uint8Array(p.address), p.length)
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return -1
  return p.length
}

/** The settings for a source address: its own entry, else the longest prefix that holds it. */
export function matchPeer(
  settings: readonly PeerSettings[],
  address: string,
): { settings: PeerSettings; prefix?: string } | undefined {
  const canon = canonicalAddress(address)
  if (!canon) return undefined
  const exact = settings.find((s) => s.address === canon)
  if (exact) return { settings: exact }
  const bytes = parseIP(canon)!
  let best: PeerSettings | undefined
  let bestLength = -1
  for (const s of settings) {
    if (!s.prefix) continue
    const len = inPrefix(bytes, s.prefix)
    if (len > bestLength) {
      best = s
      bestLength = len
    }
  }
  return best ? { settings: best, prefix: best.prefix! } : undefined
}

export function formatListen(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`
}

export class ListenError extends Error {
  readonly address: ListenAddress
  readonly code: string | undefined
  constructor(address: ListenAddress, code: string | undefined, message: string) {
    super(message)
    this.name = 'ListenError'
    this.address = address
    this.code = code
  }
}

function listenMessage(a: ListenAddress, e: NodeJS.ErrnoException): string {
  const where = formatListen(a)
  switch (e.code) {
    case 'EACCES':
      return `cannot listen for BGP on ${where}: permission denied — ports below 1024 need root or CAP_NET_BIND_SERVICE (e.g. sudo setcap cap_net_bind_service=+ep "$(command -v node)"), or use a high port: --bgp-listen 0.0.0.0:1179`
    case 'EADDRINUSE':
      return `cannot listen for BGP on ${where}: the address is already in use (another BGP daemon?)`
    case 'EADDRNOTAVAIL':
      return `cannot listen for BGP on ${where}: no such address on this host`
    default:
      return `cannot listen for BGP on ${where}: ${e.message}`
  }
}

const REJECT = encodeMessage(notify('NOTIFY.CEASE.CONNECTION_REJECTED'), DEFAULT_CONTEXT)

export interface SessionsStats {
  readonly rejectedConnections: number
  readonly peers: number
  readonly established: number
}

export class Sessions {
  private readonly settings: readonly PeerSettings[]
  private readonly deps: SessionDeps
  private readonly byAddress = new Map<string, Peer>()
  private readonly servers: Server[] = []
  private readonly sockets = new Set<Socket>()
  private rejected = 0
  private stopping = false
  /** The addresses actually bound (port 0 resolved). */
  bound: ListenAddress[] = []

  constructor(settings: readonly PeerSettings[], deps: SessionDeps) {
    this.settings = settings
    this.deps = deps
  }

  /** Creates the peers configured by address, waiting in Active. */
  start(): void {
    for (const s of this.settings) {
      if (!s.address || this.byAddress.has(s.address)) continue
      const p = new Peer(s.address, s, this.deps)
      this.byAddress.set(s.address, p)
      p.start()
    }
  }

  /** Binds every address; rejects with a ListenError naming the address and why. */
  async listen(addresses: readonly ListenAddress[]): Promise<ListenAddress[]> {
    for (const a of addresses) {
      const server = createServer({ noDelay: true }, (socket) => this.onConnection(socket))
      const ok = await new Promise<boolean>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) => {
          // A host without IPv6 cannot bind [::]; the IPv4 listeners still serve.
          if (e.code === 'EAFNOSUPPORT' && a.host.includes(':')) {
            this.deps.logger.warn('listener skipped', {
              bgp: formatListen(a),
              reason: 'IPv6 is not available here',
            })
            resolve(false)
          } else reject(new ListenError(a, e.code, listenMessage(a, e)))
        })
        server.listen({ host: a.host, port: a.port, ipv6Only: a.host.includes(':') }, () => resolve(true))
      })
      if (!ok) continue
      server.on('error', (e) =>
        this.deps.logger.error('listener', { address: formatListen(a), reason: e.message }),
      )
      this.servers.push(server)
      const addr = server.address()
      const bound = typeof addr === 'object' && addr ? { host: a.host, port: addr.port } : a
      this.bound.push(bound)
      this.deps.logger.info('listening', { bgp: formatListen(bound) })
    }
    return this.bound
  }

  private onConnection(socket: Socket): void {
    const address = canonicalAddress(socket.remoteAddress)
    if (this.stopping || !address) {
      socket.destroy()
      return
    }
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
    let peer = this.byAddress.get(address)
    if (!peer) {
      const m = matchPeer(this.settings, address)
      if (!m) {
        this.rejected++
        this.deps.logger.warn('connection rejected', {
          peer: address,
          remotePort: socket.remotePort,
          reason: 'not a configured peer',
        })
        socket.on('error', () => {})
        socket.end(REJECT)
        setTimeout(() => socket.destroy(), 1000).unref()
        return
      }
      peer = new Peer(address, m.settings, this.deps, m.prefix ? { matchedPrefix: m.prefix } : {})
      this.byAddress.set(address, peer)
      peer.start()
    }
    peer.accept(socket)
  }

  peer(address: string): Peer | undefined {
    const canon = canonicalAddress(address)
    return canon ? this.byAddress.get(canon) : undefined
  }

  peers(): Peer[] {
    return [...this.byAddress.values()]
  }

  views(): PeerView[] {
    return this.peers().map((p) => p.view())
  }

  stats(): SessionsStats {
    const peers = this.peers()
    return {
      rejectedConnections: this.rejected,
      peers: peers.length,
      established: peers.filter((p) => p.state === 'Established').length,
    }
  }

  /**
   * Stops listening, ends every session with Cease / Administrative Shutdown
   * and the given RFC 9003 message, and resolves once the connections closed.
   * The RIB keeps its routes (the process is going away).
   */
  async stop(message = 'Routelake shutting down'): Promise<void> {
    this.stopping = true
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
    await Promise.all(this.peers().map((p) => p.stop(message, { keepRoutes: true })))
    for (const s of this.sockets) s.destroy()
    await Promise.all(closed)
  }
}

export function createSessions(settings: readonly PeerSettings[], deps: SessionDeps): Sessions {
  return new Sessions(settings, deps)
}
