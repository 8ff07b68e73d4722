// The ExaBGP-compatible output: the lines of format.ts written to stdout
// (`routelake serve --exabgp-json`) or to the stdin of a program the collector
// runs (`exabgp-process`), as ExaBGP feeds its `process` entries, so that a
// script written for ExaBGP reads Routelake unchanged. The program is started
// with the collector, restarted when it exits (after 1 s, doubling up to 30 s
// while it keeps dying), and ended (stdin closed, then SIGTERM) on stop.
//
// Nothing here may stall the BGP sessions: stdout is written through an
// asynchronous file stream (a pipe written with process.stdout blocks the
// event loop on Linux), a reader that does not keep up has at most
// MAX_BUFFERED octets waiting, and lines beyond that, or written while the
// program is down, are dropped and counted.

import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { hostname } from 'node:os'
import type { Writable } from 'node:stream'
import { openAsn } from '../../bgp/index.ts'
import type { BusEvent, EventBus, Subscription, SubscriptionStats } from '../../events/index.ts'
import type { Logger } from '../../log/logger.ts'
import { ExabgpFormatter, exabgpState, type Neighbor } from './format.ts'

export type ExabgpTarget =
  | { readonly to: 'stdout' }
  | { readonly to: 'process'; readonly command: readonly string[] }
  /** Any stream (tests, embedding). */
  | { readonly to: 'stream'; readonly stream: Writable }

export interface ExabgpOutputDeps {
  readonly bus: EventBus
  readonly logger: Logger
  /** The local address of a peer's session (ExaBGP's neighbor.address.local). */
  readonly localAddress: (peer: string) => string | undefined
  /** For the `host` field (default: the host name, as ExaBGP). */
  readonly hostname?: string
}

export interface ExabgpStats {
  readonly lines: number
  readonly dropped: number
  readonly restarts: number
  readonly queue: SubscriptionStats
}

/** Octets waiting for a slow reader before lines are dropped. */
export const MAX_BUFFERED = 64 * 1024 * 1024
const RESTART_MIN_MS = 1000
const RESTART_MAX_MS = 30_000
/** A program that ran this long is healthy again: its next restart waits the minimum. */
const HEALTHY_MS = 60_000

export class ExabgpOutput {
  private readonly target: ExabgpTarget
  private readonly deps: ExabgpOutputDeps
  private readonly formatter: ExabgpFormatter
  private readonly connected = new Map<string, boolean>()
  private readonly local = new Map<string, string>()
  private readonly asn = new Map<string, number>()
  private sub: Subscription | undefined
  private out: Writable | undefined
  private child: ChildProcess | undefined
  private childStarted = 0
  private restartDelay = RESTART_MIN_MS
  private restartTimer: NodeJS.Timeout | undefined
  private stopping = false
  private counters = { lines: 0, dropped: 0, restarts: 0 }

  constructor(target: ExabgpTarget, deps: ExabgpOutputDeps) {
    this.target = target
    this.deps = deps
    this.formatter = new ExabgpFormatter({
      host: deps.hostname ?? hostname(),
      pid: process.pid,
      ppid: process.ppid,
    })
  }

  start(): void {
    if (this.target.to === 'stdout') this.out = createWriteStream('', { fd: 1, autoClose: false })
    else if (this.target.to === 'stream') this.out = this.target.stream
    else this.spawnChild()
    this.sub = this.deps.bus.subscribe('exabgp', (e) => this.onEvent(e), {
      onError: (err) =>
        this.deps.logger.error('exabgp output failed', { reason: (err as Error).stack ?? String(err) }),
    })
  }

  private spawnChild(): void {
    if (this.target.to !== 'process' || this.stopping) return
    const [file, ...args] = this.target.command
    const child = spawn(file!, args, { stdio: ['pipe', 'inherit', 'inherit'] })
    this.child = child
    this.childStarted = Date.now()
    this.out = child.stdin
    child.stdin.on('error', () => {})
    child.once('error', (err) => {
      this.deps.logger.error('exabgp process failed to start', {
        command: this.target.to === 'process' ? this.target.command.join(' ') : '',
        reason: err.message,
      })
    })
    child.once('exit', (code, signal) => {
      if (this.child !== child) return
      this.child = undefined
      this.out = undefined
      if (this.stopping) return
      if (Date.now() - this.childStarted > HEALTHY_MS) this.restartDelay = RESTART_MIN_MS
      this.deps.logger.warn('exabgp process exited', {
        code: code ?? undefined,
        signal: signal ?? undefined,
        restartInMs: this.restartDelay,
      })
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined
        this.counters.restarts++
        this.spawnChild()
      }, this.restartDelay)
      this.restartTimer.unref()
      this.restartDelay = Math.min(RESTART_MAX_MS, this.restartDelay * 2)
    })
  }

  private neighbor(e: BusEvent): Neighbor {
    return {
      local: this.local.get(e.peerAddress) ?? (e.peerAddress.includes(':') ? '::' : '0.0.0.0'),
      peer: e.peerAddress,
      localAs: e.localAsn,
      // A peer configured with any AS has none on its events until its OPEN is handled.
      peerAs: e.peerAsn || this.asn.get(e.peerAddress) || 0,
    }
  }

  /** ExaBGP's "connected": the TCP session is up; the local address is known from here on. */
  private connect(e: BusEvent): void {
    const a = this.deps.localAddress(e.peerAddress)
    if (a) this.local.set(e.peerAddress, a)
    this.connected.set(e.peerAddress, true)
    this.write(`${this.formatter.state(e.timestamp, this.neighbor(e), 'connected')}\n`)
  }

  private onEvent(e: BusEvent): void {
    const wasConnected = this.connected.get(e.peerAddress) ?? false
    if (e.type === 'state') {
      const state = exabgpState(e, wasConnected)
      if (!state) return
      if (state === 'connected') {
        this.connect(e)
        return
      }
      if (state === 'up' && !wasConnected) this.connect(e)
      this.connected.set(e.peerAddress, state === 'up')
      this.write(
        `${this.formatter.state(e.timestamp, this.neighbor(e), state, e.reason ?? `${e.from} to ${e.to}`)}\n`,
      )
      return
    }
    if (e.direction !== 'received' || e.synthetic) return
    const m = e.message
    if (m?.type !== 'UPDATE' && m?.type !== 'OPEN' && m?.type !== 'NOTIFICATION') return
    if (m.type === 'OPEN') {
      this.asn.set(e.peerAddress, openAsn(m))
      // A passive session can read the peer's OPEN before it is in OpenSent: connected comes first.
      if (!wasConnected) this.connect(e)
    }
    const line = this.formatter.message(e, this.neighbor(e))
    if (line !== undefined) this.write(`${line}\n`)
  }

  private write(line: string): void {
    const out = this.out
    if (!out || out.destroyed || out.writableLength > MAX_BUFFERED) {
      this.counters.dropped++
      return
    }
    out.write(line)
    this.counters.lines++
  }

  /** Resolves once every event published so far was written out (to the stream's buffer). */
  drained(): Promise<void> {
    return this.sub?.drained() ?? Promise.resolve()
  }

  stats(): ExabgpStats {
    return {
      ...this.counters,
      queue: this.sub?.stats() ?? {
        name: 'exabgp',
        capacity: 0,
        queued: 0,
        delivered: 0,
        dropped: 0,
        failed: 0,
      },
    }
  }

  /** Writes what is queued, then closes the program's stdin and waits for it (SIGTERM after 5 s). */
  async stop(): Promise<void> {
    await this.drained()
    this.stopping = true
    this.sub?.close()
    if (this.restartTimer) clearTimeout(this.restartTimer)
    const out = this.out
    if (this.target.to === 'stdout' && out) {
      await new Promise<void>((resolve) => out.end(() => resolve()))
      return
    }
    const child = this.child
    if (!child) return
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once('exit', () => resolve())
    })
    child.stdin?.end()
    const timer = setTimeout(() => child.kill('SIGTERM'), 5000)
    await exited
    clearTimeout(timer)
  }
}
