// One peer: the socket adapter around the pure FSM (fsm.ts) and the pure GR
// helper (graceful-restart.ts). It turns TCP data into framed messages, OPENs
// into negotiated sessions, timers into FSM events, and FSM actions into
// writes, timers and RIB changes. Received UPDATEs go, decoded in place, to
// the Adj-RIB-In and (as events) to the bus.
//
// A collector never announces: the only messages this sends are OPEN,
// KEEPALIVE, NOTIFICATION, ROUTE-REFRESH (when asked to), BoRR/EoRR answering
// an enhanced route refresh with our empty Adj-RIB-Out (RFC 7313 §4), and the
// End-of-RIB markers a graceful-restart peer waits for (RFC 4724 §4.1).
//
// A second connection from the peer while one is past Active, or waits for
// the peer's OPEN (DelayOpen), is held apart (its OPEN awaited) and then
// resolved by collision.ts.

import { connect as netConnect, type Socket } from 'node:net'
import {
  type BgpMessage,
  type CodecContext,
  DEFAULT_CONTEXT,
  type DecodeResult,
  decodeMessage,
  encodeMessage,
  type FamilyKey,
  familyAfi,
  familyByName,
  familyKey,
  familyNameOfKey,
  familySafi,
  type NotificationMessage,
  type OpenMessage,
  type RouteRefreshMessage,
  shutdownNotification,
  type UpdateMessage,
  type UpdateRoutes,
} from '../bgp/index.ts'
import type { SessionState } from '../events/index.ts'
import type { Logger } from '../log/logger.ts'
import { resolveCollision } from './collision.ts'
import { Framer } from './framer.ts'
import {
  DEFAULT_FSM_CONFIG,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  initialState,
  notify,
  type ReleaseCause,
  step,
  type TimerName,
} from './fsm.ts'
import { withHardReset } from './hard-reset.ts'
import { buildOpen, familiesFor, type Negotiated, negotiate } from './negotiate.ts'
import { checkOpen } from './open-check.ts'
import { type LastError, type PeerView, peerView } from './peer-view.ts'
import { RouteIntake } from './route-intake.ts'
import type { PeerSettings, SessionDeps } from './settings.ts'
import { Timers } from './timers.ts'
import { updateNotification } from './update-errors.ts'

/** Seconds a passive session waits for the peer's OPEN before sending its own (DelayOpen). */
export const PASSIVE_DELAY_OPEN = 5

const KEEPALIVE_BYTES = encodeMessage({ type: 'KEEPALIVE' }, DEFAULT_CONTEXT)

/** A TCP connection to the peer and what was said on it. */
interface Conn {
  readonly socket: Socket
  readonly framer: Framer
  readonly initiatedLocally: boolean
  /** Our OPEN for this connection, built once (tailored to the peer's when that came first). */
  openSent?: OpenMessage
  openWritten: boolean
  openReceived?: OpenMessage
  negotiated?: Negotiated
  closed: boolean
  /** The hold timer of a connection waiting apart for its OPEN (collision). */
  waitTimer?: ReturnType<SessionDeps['clock']['setTimer']>
  /** performance.now() when the current burst of reads began (see onData). */
  burstStart: number | undefined
  yielding: boolean
}

/**
 * Milliseconds of reading after which a connection lets the event loop turn:
 * libuv reads a busy socket up to 32 times in a row, and a table transfer
 * would otherwise hold the loop (other peers' hold timers, the API) for the
 * better part of a second.
 */
const READ_BUDGET_MS = 15

export interface PeerOptions {
  /** Matched by this prefix rather than configured by address. */
  readonly matchedPrefix?: string
  /** Active speaker (replay): connect to the peer's address on this port. */
  readonly connect?: { readonly port: number; readonly localAddress?: string }
  /** Offer ADD-PATH send (replay). */
  readonly addPathSend?: boolean
  /** Called once the session is Established (replay starts sending here). */
  readonly onEstablished?: (peer: Peer) => void
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1
}

function describeNotification(n: NotificationMessage): string {
  const name = n.codeName
    ? `${n.codeName}${n.subcodeName ? `/${n.subcodeName}` : ''}`
    : `${n.code}/${n.subcode}`
  return n.shutdownMessage !== undefined ? `${name} "${n.shutdownMessage}"` : name
}

function named(n: NotificationMessage): NotificationMessage {
  const d = decodeMessage(encodeMessage(n, DEFAULT_CONTEXT), DEFAULT_CONTEXT).message
  return (d as NotificationMessage | undefined) ?? n
}

export class Peer {
  readonly address: string
  readonly settings: PeerSettings
  private readonly deps: SessionDeps
  private readonly options: PeerOptions
  private readonly log: Logger
  private readonly fsmConfig: FsmConfig
  private fsm: FsmState
  private conn: Conn | undefined
  private pending: Conn | undefined
  private connecting: Socket | undefined
  /** The session in force, or the last one (for the API and GR). */
  private negotiated: Negotiated | undefined
  private opens: { sent?: OpenMessage; received?: OpenMessage } = {}
  private established = false
  private readonly fsmTimers: Timers<TimerName>
  private readonly intake: RouteIntake
  /**
   * Event sequence (RIS Live's id): starts at the clock's microseconds when the
   * peer is created, so ids keep increasing across collector restarts.
   */
  private sequence: number
  private stateSince: number
  private establishedAt: number | undefined
  private lastError: LastError | undefined
  private lastReceivedNotification: NotificationMessage | undefined
  /** A NOTIFICATION about to be sent whose reason was already noted in better words. */
  private explained: NotificationMessage | undefined
  private readonly received: Record<string, number> = {}
  private readonly sent: Record<string, number> = {}
  private establishedCount = 0
  private refused = 0
  /** The whole collector is going down: leave the RIB as it is (no mass withdrawal on exit). */
  private keepRoutesOnStop = false

  constructor(address: string, settings: PeerSettings, deps: SessionDeps, options: PeerOptions = {}) {
    this.address = address
    this.settings = settings
    this.deps = deps
    this.options = options
    this.sequence = deps.clock.nowMicros()
    this.log = deps.logger.child({ peer: address })
    this.fsmConfig = {
      ...DEFAULT_FSM_CONFIG,
      // A passive collector lets the peer speak first (see buildOpen); an active speaker does not wait.
      delayOpenTime: options.connect ? 0 : PASSIVE_DELAY_OPEN,
      ...deps.fsm,
      passive: !options.connect,
      holdTime: settings.holdTime,
    }
    this.fsm = initialState(this.fsmConfig)
    this.fsmTimers = new Timers(deps.clock, (name) => this.onFsmTimer(name))
    this.intake = new RouteIntake(
      address,
      settings,
      deps,
      {
        origin: () => this.origin(),
        context: () => this.negotiated?.context ?? DEFAULT_CONTEXT,
        alive: () => this.fire({ type: 'UpdateMsg' }),
        reset: (n, reason) => {
          this.noteError('sent', reason, n)
          this.explained = n
          this.fire({ type: 'UpdateMsgErr', notification: n })
        },
        overLimit: (cease, reason) => {
          const n = this.hardened(cease)
          this.noteError('sent', reason, n)
          this.explained = n
          this.fire({ type: 'AutomaticStop', notification: n })
        },
      },
      this.log,
    )
    this.stateSince = deps.clock.now()
  }

  get state(): SessionState {
    return this.fsm.name
  }

  /** The session's negotiated terms while Established. */
  get session(): Negotiated | undefined {
    return this.established ? this.negotiated : undefined
  }

  /** Starts the FSM: passive peers wait in Active, active ones connect. */
  start(): void {
    this.fire(this.options.connect ? { type: 'ManualStart' } : { type: 'ManualStartPassive' })
  }

  /**
   * Ends the session with Cease / Administrative Shutdown and an RFC 9003
   * message, and stays down. Resolves when the connection is closed.
   */
  stop(message = 'shutting down', options: { keepRoutes?: boolean } = {}): Promise<void> {
    this.keepRoutesOnStop = options.keepRoutes ?? false
    if (this.pending) this.closeConn(this.pending, notify('NOTIFY.CEASE.ADMINISTRATIVE_SHUTDOWN'))
    const conn = this.conn
    this.fire({ type: 'ManualStop', notification: this.hardened(shutdownNotification(2, message)) })
    this.fsmTimers.stopAll()
    this.intake.stop()
    if (this.connecting) {
      this.connecting.destroy()
      this.connecting = undefined
    }
    if (!conn || conn.socket.destroyed) return Promise.resolve()
    return new Promise((resolve) => {
      conn.socket.once('close', () => resolve())
      const t = this.deps.clock.setTimer(2000, () => {
        conn.socket.destroy()
        resolve()
      })
      conn.socket.once('close', () => this.deps.clock.clearTimer(t))
    })
  }

  /** A connection from the peer's address, accepted by the listener. */
  accept(socket: Socket): void {
    const conn = this.makeConn(socket, false)
    switch (this.fsm.name) {
      case 'Idle':
        this.refused++
        this.log.info('connection refused', {
          reason: this.fsm.autoStart ? 'idle hold (back-off after errors)' : 'administratively down',
          remotePort: socket.remotePort,
        })
        this.fire({ type: 'TcpConnectionConfirmed' }, conn)
        return
      case 'Active':
      case 'Connect':
        // DelayOpen holds a connection already (RFC 4271 §8.2.2): the new one waits apart for its OPEN.
        if (this.fsm.delayingOpen) {
          this.holdApart(conn)
          return
        }
        if (this.connecting) {
          this.connecting.destroy()
          this.connecting = undefined
        }
        this.conn = conn
        this.fire({ type: 'TcpConnectionConfirmed' })
        return
      default:
        this.holdApart(conn)
    }
  }

  /** Asks the peer to send a family again (RFC 2918). Returns false when route refresh was not negotiated. */
  requestRefresh(family: string): boolean {
    const key = familyByName(family)
    if (!this.established || !this.conn || !this.negotiated?.routeRefresh || key === undefined) return false
    this.send(this.conn, {
      type: 'ROUTE_REFRESH',
      afi: familyAfi(key),
      safi: familySafi(key),
      family,
      subtype: 0,
      subtypeName: 'REFRESH',
    })
    return true
  }

  /**
   * Writes pre-encoded messages on the established session (the replay
   * speaker's UPDATEs; the collector never calls this). Returns false when the
   * socket's buffer is full: wait for `drain`.
   */
  write(bytes: Uint8Array): boolean {
    if (!this.conn || !this.established) throw new Error(`peer ${this.address}: not established`)
    return this.conn.socket.write(bytes)
  }

  /** Resolves when the socket's write buffer has drained. */
  drain(): Promise<void> {
    const s = this.conn?.socket
    if (!s?.writableNeedDrain) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        s.off('drain', done)
        s.off('close', done)
        resolve()
      }
      s.on('drain', done)
      s.on('close', done)
    })
  }

  view(): PeerView {
    const n = this.negotiated
    const socket = this.conn?.socket
    return peerView({
      address: this.address,
      settings: this.settings,
      localAsn: this.deps.local.asn,
      ...(this.options.matchedPrefix ? { matchedPrefix: this.options.matchedPrefix } : {}),
      state: this.fsm.name,
      stateSince: this.stateSince,
      established: this.established,
      ...(this.establishedAt !== undefined ? { establishedAt: this.establishedAt } : {}),
      ...(n ? { negotiated: n } : {}),
      ...(socket ? { socket } : {}),
      opens: this.opens,
      intake: this.intake.view(n && this.established ? n.families : []),
      messagesReceived: this.received,
      messagesSent: this.sent,
      establishedCount: this.establishedCount,
      refused: this.refused,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    })
  }

  // --- connections -------------------------------------------------------

  private makeConn(socket: Socket, initiatedLocally: boolean): Conn {
    socket.setNoDelay(true)
    const conn: Conn = {
      socket,
      framer: new Framer(),
      initiatedLocally,
      openWritten: false,
      closed: false,
      burstStart: undefined,
      yielding: false,
    }
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk))
    socket.on('end', () => this.onClosed(conn, 'connection closed by the peer'))
    socket.on('close', () => this.onClosed(conn, 'connection closed'))
    socket.on('error', (e) => this.onClosed(conn, `socket error: ${e.message}`))
    return conn
  }

  private onClosed(conn: Conn, reason: string): void {
    if (conn.closed) return
    conn.closed = true
    conn.socket.destroy()
    if (conn === this.pending) {
      this.dropPending()
      return
    }
    if (conn !== this.conn) return
    this.noteError('local', reason)
    this.fire({ type: 'TcpConnectionFails' })
  }

  /** Closes a connection, sending a NOTIFICATION first if given; its later events are ignored. */
  private closeConn(conn: Conn, notification?: NotificationMessage): void {
    if (conn.closed) return
    if (notification) this.send(conn, notification)
    conn.closed = true
    if (conn.waitTimer) this.deps.clock.clearTimer(conn.waitTimer)
    const s = conn.socket
    s.end()
    // A peer that never closes its side must not keep the socket.
    const t = this.deps.clock.setTimer(1000, () => s.destroy())
    s.once('close', () => this.deps.clock.clearTimer(t))
    if (conn === this.pending) this.pending = undefined
  }

  private dropPending(): void {
    const p = this.pending
    this.pending = undefined
    if (p?.waitTimer) this.deps.clock.clearTimer(p.waitTimer)
  }

  private activeConnect(): void {
    const c = this.options.connect!
    const socket = netConnect({
      host: this.address,
      port: c.port,
      ...(c.localAddress ? { localAddress: c.localAddress } : {}),
    })
    this.connecting = socket
    socket.once('connect', () => {
      if (this.connecting !== socket) return
      this.connecting = undefined
      socket.removeAllListeners('error')
      this.conn = this.makeConn(socket, true)
      this.fire({ type: 'TcpCrAcked' })
    })
    socket.once('error', (e) => {
      if (this.connecting !== socket) return
      this.connecting = undefined
      socket.destroy()
      this.log.info('connect failed', { reason: e.message })
      this.fire({ type: 'TcpConnectionFails' })
    })
  }

  // --- the FSM ----------------------------------------------------------------

  private fire(e: FsmEvent, target: Conn | undefined = this.conn): void {
    const before = this.fsm.name
    const r = step(this.fsm, e)
    this.fsm = r.state
    // The state change is told before the session's routes are released (and
    // before our End-of-RIB on the way up), so sinks see "down" first.
    let late: FsmAction[] | undefined
    for (const a of r.actions) {
      if (a.type === 'release' || a.type === 'established') (late ??= []).push(a)
      else this.execute(a, target, e)
    }
    if (r.state.name !== before) this.stateChanged(before, r.state.name, e)
    if (late) for (const a of late) this.execute(a, target, e)
  }

  private execute(a: FsmAction, conn: Conn | undefined, e: FsmEvent): void {
    switch (a.type) {
      case 'start-timer':
        this.fsmTimers.start(a.timer, a.seconds)
        return
      case 'stop-timer':
        this.fsmTimers.stop(a.timer)
        return
      case 'send-open':
        if (conn && !conn.openWritten) this.sendOpen(conn)
        return
      case 'send-keepalive':
        if (conn && !conn.closed) {
          conn.socket.write(KEEPALIVE_BYTES)
          count(this.sent, 'KEEPALIVE')
        }
        return
      case 'send-notification':
        if (conn) {
          this.send(conn, a.notification)
          if (conn === this.conn && this.explained !== a.notification) {
            this.noteError('sent', describeNotification(named(a.notification)), a.notification)
          }
          this.explained = undefined
        }
        return
      case 'disconnect':
        if (conn) this.closeConn(conn)
        if (conn === this.conn) this.conn = undefined
        return
      case 'connect':
        this.activeConnect()
        return
      case 'established':
        this.onEstablished()
        return
      case 'release':
        this.onRelease(a.cause, e)
        return
    }
  }

  private onFsmTimer(name: TimerName): void {
    const events: Record<TimerName, FsmEvent> = {
      connectRetry: { type: 'ConnectRetryTimerExpires' },
      hold: { type: 'HoldTimerExpires' },
      keepalive: { type: 'KeepaliveTimerExpires' },
      idleHold: { type: 'IdleHoldTimerExpires' },
      stable: { type: 'StableTimerExpires' },
      delayOpen: { type: 'DelayOpenTimerExpires' },
    }
    if (name === 'hold') this.noteError('local', 'hold timer expired')
    this.fire(events[name])
  }

  private stateChanged(from: SessionState, to: SessionState, e: FsmEvent): void {
    this.stateSince = this.deps.clock.now()
    const reason = this.lastError && (to === 'Idle' || to === 'Active') ? this.lastError.reason : e.type
    const risState = to === 'Established' ? 'connected' : from === 'Established' ? 'down' : undefined
    if (to === 'Established' || from === 'Established') {
      this.log.info('session', {
        from,
        to,
        asn: this.negotiated?.peerAsn,
        reason: to === 'Established' ? undefined : reason,
      })
    } else {
      this.log.debug('session', { from, to, reason })
    }
    if (this.deps.bus.active) {
      this.deps.bus.publish({
        type: 'state',
        ...this.origin(),
        from,
        to,
        ...(risState ? { risState } : {}),
        ...(reason ? { reason } : {}),
      })
    }
  }

  private origin() {
    return {
      host: this.deps.host,
      peerAddress: this.address,
      peerAsn: this.negotiated?.peerAsn ?? (this.settings.asn === 'any' ? 0 : this.settings.asn),
      localAsn: this.deps.local.asn,
      timestamp: this.deps.clock.nowMicros(),
      sequence: this.sequence++,
    }
  }

  /** RFC 8538 §5: a final Cease goes as a Hard Reset once the N bit was exchanged on the connection. */
  private hardened(n: NotificationMessage): NotificationMessage {
    return withHardReset(n, this.conn?.negotiated?.gracefulRestart?.notification === true)
  }

  private noteError(
    direction: LastError['direction'],
    reason: string,
    notification?: NotificationMessage,
  ): void {
    this.lastError = {
      at: this.deps.clock.now(),
      direction,
      reason,
      ...(notification ? { notification: named(notification) } : {}),
    }
  }

  // --- sending ------------------------------------------------------------------

  /**
   * Our OPEN for a connection. When the peer's OPEN came first (DelayOpen),
   * ours offers only the families both configured and offered by the peer: a
   * short OPEN that fits the classic optional parameters any speaker reads.
   */
  private buildOpen(conn: Conn): OpenMessage {
    conn.openSent ??= buildOpen(this.deps.local, {
      families: familiesFor(this.settings.families, conn.openReceived),
      addPathReceive: this.settings.addPath,
      addPathSend: this.options.addPathSend ?? false,
      holdTime: this.settings.holdTime,
      restartTime: 120,
      gracefulRestart: this.settings.gracefulRestart,
    })
    return conn.openSent
  }

  private sendOpen(conn: Conn): void {
    const open = this.buildOpen(conn)
    conn.openWritten = true
    if (conn === this.conn) this.opens = { ...this.opens, sent: open }
    this.send(conn, open)
  }

  private send(
    conn: Conn,
    m: BgpMessage,
    ctx: CodecContext = conn.negotiated?.sendContext ?? DEFAULT_CONTEXT,
  ): void {
    if (conn.closed) return
    const raw = encodeMessage(m, ctx)
    conn.socket.write(raw)
    count(this.sent, m.type)
    if (m.type === 'NOTIFICATION') {
      this.log.info('notification sent', {
        notification: describeNotification(named(m)),
        data: m.data || undefined,
      })
    }
    if (this.deps.bus.active) {
      this.deps.bus.publish({
        type: 'message',
        ...this.origin(),
        direction: 'sent',
        raw,
        message: m,
        context: ctx,
        problems: [],
      })
    }
  }

  // --- receiving ----------------------------------------------------------------

  private onData(conn: Conn, chunk: Buffer): void {
    if (conn.closed) return
    if (conn.burstStart === undefined) {
      // A burst of reads ends when the event loop gets past I/O; read on then if we paused.
      conn.burstStart = performance.now()
      setImmediate(() => {
        conn.burstStart = undefined
        if (!conn.yielding) return
        conn.yielding = false
        if (!conn.closed) conn.socket.resume()
      })
    }
    this.read(conn, chunk)
    if (!conn.yielding && !conn.closed && performance.now() - conn.burstStart > READ_BUDGET_MS) {
      conn.yielding = true
      conn.socket.pause()
    }
  }

  private read(conn: Conn, chunk: Buffer): void {
    let err: ReturnType<Framer['push']>
    try {
      err = conn.framer.push(chunk, (m) => this.onMessage(conn, m))
    } catch (e) {
      // A bug of ours must not take the collector down; the peer's session pays.
      this.log.error('internal error', { reason: (e as Error).stack ?? String(e) })
      if (conn === this.conn) {
        this.noteError('local', `internal error: ${(e as Error).message}`)
        this.fire({ type: 'AutomaticStop', notification: notify('NOTIFY.CEASE.OUT_OF_RESOURCES') })
      } else this.closeConn(conn)
      return
    }
    if (err && !conn.closed) {
      this.log.info('framing error', { reason: err.reason })
      if (conn === this.conn) this.fire({ type: 'BGPHeaderErr', notification: err.notification })
      else this.closeConn(conn, err.notification)
    }
  }

  private publishReceived(raw: Uint8Array, d: DecodeResult, ctx: CodecContext, routes?: UpdateRoutes): void {
    if (!this.deps.bus.active) return
    this.deps.bus.publish({
      type: 'message',
      ...this.origin(),
      direction: 'received',
      raw: raw.slice(),
      message: d.message,
      context: ctx,
      ...(routes ? { routes } : {}),
      problems: d.problems,
    })
  }

  private onMessage(conn: Conn, raw: Uint8Array): void {
    if (conn.closed) return
    if (conn === this.pending) {
      this.onPendingMessage(conn, raw)
      return
    }
    if (conn !== this.conn) return
    const type = raw[18]!
    if (type === 2 && this.established) {
      this.onUpdate(conn, raw)
      return
    }
    const ctx = conn.negotiated?.context ?? DEFAULT_CONTEXT
    const d = decodeMessage(raw, ctx)
    count(this.received, d.message?.type ?? `TYPE_${type}`)
    this.publishReceived(raw, d, ctx)
    const m = d.message
    if (!m || (d.action === 'session-reset' && m.type !== 'OPEN' && m.type !== 'UPDATE')) {
      // Header-level trouble: bad length for the type, unknown type (RFC 4271 §6.1).
      const n = d.problems.length ? updateNotification(d.problems, raw) : notify('NOTIFY.HEADER.UNSPECIFIC')
      this.fire({ type: 'BGPHeaderErr', notification: n })
      return
    }
    switch (m.type) {
      case 'OPEN':
        this.onOpen(conn, m, d)
        return
      case 'KEEPALIVE':
        this.fire({ type: 'KeepAliveMsg' })
        return
      case 'UPDATE':
        if (d.action === 'session-reset')
          this.fire({ type: 'UpdateMsgErr', notification: updateNotification(d.problems, raw) })
        else this.fire({ type: 'UpdateMsg' })
        return
      case 'NOTIFICATION':
        this.onNotification(m)
        return
      case 'ROUTE_REFRESH':
        this.onRouteRefresh(conn, m)
        return
      default:
        return
    }
  }

  private onNotification(m: NotificationMessage): void {
    this.lastReceivedNotification = m
    this.noteError('received', describeNotification(m), m)
    this.log.info('notification received', {
      notification: describeNotification(m),
      data: m.data || undefined,
    })
    // RFC 4271 §8.1.2 Event 24: an OPEN error about the version number.
    this.fire(m.code === 2 && m.subcode === 1 ? { type: 'NotifMsgVerErr' } : { type: 'NotifMsg' })
  }

  /** The peer's OPEN on the connection in use. */
  private onOpen(conn: Conn, open: OpenMessage, d: DecodeResult): void {
    const delayed = this.fsm.delayingOpen
    if (this.fsm.name !== 'OpenSent' && !delayed) {
      this.fire({ type: 'BGPOpen', holdTime: 0 })
      return
    }
    const verdict = this.judgeOpen(conn, open, d)
    if (verdict) {
      this.fire({ type: 'BGPOpenMsgErr', notification: verdict })
      return
    }
    const holdTime = conn.negotiated!.holdTime
    this.fire(delayed ? { type: 'BGPOpenDelayed', holdTime } : { type: 'BGPOpen', holdTime })
  }

  /** Validates and negotiates; returns the NOTIFICATION to refuse with, if any. */
  private judgeOpen(conn: Conn, open: OpenMessage, d: DecodeResult): NotificationMessage | undefined {
    conn.openReceived = open
    const sent = this.buildOpen(conn)
    const n = negotiate(sent, open)
    if (conn === this.conn) this.opens = { sent, received: open }
    const verdict = checkOpen(open, d.problems, sent, n, {
      localAsn: this.deps.local.asn,
      localBgpId: this.deps.local.routerId,
      peerAsn: this.settings.asn,
    })
    if (verdict) {
      this.log.info('open refused', { reason: verdict.reason })
      this.noteError('sent', verdict.reason, verdict.notification)
      this.explained = verdict.notification
      return verdict.notification
    }
    conn.negotiated = n
    conn.framer.extendedMessage = n.extendedMessage
    if (conn === this.conn) this.negotiated = n
    return undefined
  }

  // --- a second connection (collision, RFC 4271 §6.8) -----------------------------------

  /** A connection while another is past Active: wait apart for its OPEN, then resolve. */
  private holdApart(conn: Conn): void {
    if (this.pending) this.closeConn(this.pending, notify('NOTIFY.CEASE.CONNECTION_COLLISION_RESOLUTION'))
    this.pending = conn
    conn.waitTimer = this.deps.clock.setTimer(this.fsmConfig.openHoldTime * 1000, () => {
      if (this.pending === conn) this.closeConn(conn, notify('NOTIFY.HOLD_TIMER_EXPIRED.UNSPECIFIC'))
    })
    this.log.info('second connection', { state: this.fsm.name, remotePort: conn.socket.remotePort })
  }

  private onPendingMessage(conn: Conn, raw: Uint8Array): void {
    const d = decodeMessage(raw, DEFAULT_CONTEXT)
    const m = d.message
    if (m?.type === 'NOTIFICATION') {
      this.log.info('notification received', { notification: describeNotification(m), connection: 'second' })
      this.closeConn(conn)
      return
    }
    if (m?.type !== 'OPEN') {
      this.closeConn(conn, notify('NOTIFY.FSM.UNSPECIFIC'))
      return
    }
    const verdict = this.judgeOpen(conn, m, d)
    if (verdict) {
      this.closeConn(conn, verdict)
      return
    }
    const restarts = this.fsm.name === 'Established' && this.negotiated?.gracefulRestart !== undefined
    const existing = { state: this.fsm.name, initiatedLocally: this.conn?.initiatedLocally ?? false }
    const outcome = resolveCollision(
      this.deps.local.routerId,
      m.bgpId,
      existing,
      { state: 'OpenSent', initiatedLocally: conn.initiatedLocally },
      restarts,
    )
    if (outcome === 'keep-existing') {
      this.log.info('collision', { kept: 'existing', state: this.fsm.name })
      this.closeConn(conn, notify('NOTIFY.CEASE.CONNECTION_COLLISION_RESOLUTION'))
      return
    }
    this.log.info('collision', { kept: 'new', state: this.fsm.name })
    if (this.conn && this.fsm.delayingOpen) {
      // The older connection is still waiting for an OPEN (DelayOpen): nothing was said on it, so
      // it goes with the collision Cease and the FSM carries on with the newer one (no failure).
      this.closeConn(this.conn, notify('NOTIFY.CEASE.CONNECTION_COLLISION_RESOLUTION'))
      this.conn = undefined
    } else if (this.conn) {
      this.noteError('local', 'connection collision: the peer opened a new connection')
      this.fire({ type: 'OpenCollisionDump' })
    }
    if (this.fsm.name === 'Idle') this.fire({ type: 'AutomaticStartPassive' })
    // Adopt the new connection, whose OPEN we already have.
    this.dropPending()
    this.conn = conn
    if (!this.fsm.delayingOpen) this.fire({ type: 'TcpConnectionConfirmed' })
    this.negotiated = conn.negotiated
    this.opens = { sent: conn.openSent!, received: m }
    const holdTime = conn.negotiated!.holdTime
    this.fire(this.fsm.delayingOpen ? { type: 'BGPOpenDelayed', holdTime } : { type: 'BGPOpen', holdTime })
  }

  // --- the session ------------------------------------------------------------------

  private onEstablished(): void {
    const conn = this.conn!
    const n = conn.negotiated!
    this.negotiated = n
    this.established = true
    this.establishedAt = this.deps.clock.now()
    this.establishedCount++
    this.intake.sessionUp(n)
    // RFC 4724 §4.1: a restarting peer defers its decisions until every peer's
    // End-of-RIB; our (empty) Adj-RIB-Out ends at once.
    if (n.gracefulRestart) {
      for (const f of n.families) this.send(conn, this.endOfRib(f))
    }
    this.options.onEstablished?.(this)
  }

  private endOfRib(f: FamilyKey): UpdateMessage {
    if (f === familyKey(1, 1)) return { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }
    return {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        {
          code: 15,
          flags: 0x80,
          name: 'MP_UNREACH_NLRI',
          value: { afi: familyAfi(f), safi: familySafi(f), family: familyNameOfKey(f), nlri: [] },
        },
      ],
      nlri: [],
    }
  }

  private onRelease(cause: ReleaseCause, e: FsmEvent): void {
    if (!this.established) return
    this.established = false
    const n = this.negotiated!
    const received = cause === 'notification-received' ? this.lastReceivedNotification : undefined
    // RFC 8538 §3: Cease / Hard Reset, sent or received, means no retention.
    const sentHard = e.type === 'ManualStop' || e.type === 'AutomaticStop' ? e.notification : undefined
    const hardReset =
      (received?.code === 6 && received.subcode === 9) || (sentHard?.code === 6 && sentHard.subcode === 9)
    if (!(this.keepRoutesOnStop && cause === 'manual-stop')) this.intake.sessionDown(cause, n, hardReset)
    this.lastReceivedNotification = undefined
  }

  private onUpdate(conn: Conn, raw: Uint8Array): void {
    count(this.received, 'UPDATE')
    this.intake.update(raw, conn.negotiated!.context)
  }

  private onRouteRefresh(conn: Conn, m: RouteRefreshMessage): void {
    this.fire({ type: 'RouteRefreshMsg' })
    if (!this.established) return
    if (m.subtype === 0 && conn.negotiated!.enhancedRouteRefresh) {
      // RFC 7313 §4: our Adj-RIB-Out is empty, so the refresh is a BoRR and an EoRR.
      for (const subtype of [1, 2] as const) {
        this.send(conn, { ...m, subtype, subtypeName: subtype === 1 ? 'BORR' : 'EORR' })
      }
      return
    }
    this.intake.refreshMarker(m)
  }
}
