// The BGP finite state machine of RFC 4271 §8, as a pure function:
//
//   step(state, event) → { state, actions }
//
// The socket adapter (peer.ts) turns TCP happenings, received messages and
// expired timers into events, and executes the actions (send, start/stop a
// timer, drop the connection, release the session's routes). Nothing here
// touches a socket or a clock, so tests drive it with a fake clock.
//
//   Idle ──start──▶ Active (passive: waits for the peer) ──TCP up──▶ OpenSent
//     │              Connect (active: connecting)        ──TCP up──▶ OpenSent
//     ▲  OpenSent ──OPEN──▶ OpenConfirm ──KEEPALIVE──▶ Established
//     └─────────── any error, stop or TCP failure (release, back-off) ──┘
//
// Deviations, each deliberate:
//  - A passive speaker never opens connections: with `passive` the
//    ConnectRetryTimer is not run in Active (RFC 4271 §8.1.1 leaves the
//    passive behaviour to the implementation).
//  - No NOTIFICATION is sent in answer to a NOTIFICATION (§8.2.2 lists
//    NotifMsg among "other events" in OpenSent; answering one helps nobody).
//  - A message header error is answered with its own NOTIFICATION in every
//    state, not with an FSM error.
//  - Idle-hold back-off (the DampPeerOscillations option of §8.1.1): after
//    consecutive failures, restarts wait 0 s, then `idleHoldMin` doubling up
//    to `idleHoldMax`; a session that stays Established for `stableTime`
//    clears the count. The `stable` timer is ours, not the RFC's.
//  - DelayOpen (§8.1.1 option, events 12 and 20) is supported for passive use:
//    with `delayOpenTime` the connection waits in Active for the peer's OPEN,
//    so that ours can offer just the families the peer offers (an OPEN listing
//    every family with ADD-PATH needs RFC 9072's extended parameters, which
//    not every speaker reads). When the timer expires we send our OPEN anyway.

import type { NotificationMessage } from '../bgp/index.ts'
import { notificationOf, type ProblemKind } from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'

export type FsmStateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established'

export type TimerName = 'connectRetry' | 'hold' | 'keepalive' | 'idleHold' | 'stable' | 'delayOpen'

export interface FsmConfig {
  /** Never initiate a connection (a collector): wait in Active for the peer. */
  readonly passive: boolean
  /** Our Hold Time in the OPEN (RFC 4271 §4.2), seconds; 0 or ≥ 3. */
  readonly holdTime: number
  /** ConnectRetryTime (§10, suggested 120 s); active speakers only. */
  readonly connectRetryTime: number
  /** The "large value" for the hold timer while waiting for an OPEN (§8.2.2: 4 minutes suggested). */
  readonly openHoldTime: number
  /** Idle-hold back-off, seconds. */
  readonly idleHoldMin: number
  readonly idleHoldMax: number
  /** Seconds Established that clear the failure count. */
  readonly stableTime: number
  /** DelayOpen (§8.1.1): seconds to wait for the peer's OPEN before sending ours; 0 sends at once. */
  readonly delayOpenTime: number
}

export const DEFAULT_FSM_CONFIG: FsmConfig = {
  passive: true,
  holdTime: 90,
  connectRetryTime: 120,
  openHoldTime: 240,
  idleHoldMin: 5,
  idleHoldMax: 300,
  stableTime: 60,
  delayOpenTime: 0,
}

export interface FsmState {
  readonly name: FsmStateName
  readonly config: FsmConfig
  /** Restart automatically after a failure (AutomaticStart); cleared by ManualStop. */
  readonly autoStart: boolean
  /** ConnectRetryCounter (§8): consecutive failures; drives the back-off. */
  readonly connectRetryCounter: number
  /** The negotiated hold time once an OPEN was accepted (0: no hold or keepalive timer). */
  readonly holdTime: number
  /** A connection is up in Connect/Active and the DelayOpenTimer runs (§8.2.2). */
  readonly delayingOpen: boolean
}

/** Why the session's resources are released: the GR helper and the logs need to know. */
export type ReleaseCause =
  | 'manual-stop'
  | 'automatic-stop'
  | 'tcp-failure'
  | 'hold-timer-expired'
  | 'notification-received'
  | 'notification-sent'
  | 'collision'

export type FsmEvent =
  | { readonly type: 'ManualStart' } // 1
  | { readonly type: 'ManualStop'; readonly notification?: NotificationMessage } // 2
  | { readonly type: 'AutomaticStart' } // 3
  | { readonly type: 'ManualStartPassive' } // 4
  | { readonly type: 'AutomaticStartPassive' } // 5
  | { readonly type: 'AutomaticStop'; readonly notification: NotificationMessage } // 8
  | { readonly type: 'ConnectRetryTimerExpires' } // 9
  | { readonly type: 'HoldTimerExpires' } // 10
  | { readonly type: 'KeepaliveTimerExpires' } // 11
  | { readonly type: 'DelayOpenTimerExpires' } // 12
  | { readonly type: 'IdleHoldTimerExpires' } // 13
  | { readonly type: 'StableTimerExpires' } // ours
  | { readonly type: 'TcpCrAcked' } // 16: our connection attempt succeeded
  | { readonly type: 'TcpConnectionConfirmed' } // 17: the peer's connection was accepted
  | { readonly type: 'TcpConnectionFails' } // 18
  | { readonly type: 'BGPOpen'; readonly holdTime: number } // 19: a valid OPEN; holdTime is the negotiated one
  | { readonly type: 'BGPOpenDelayed'; readonly holdTime: number } // 20: the same, with the DelayOpenTimer running
  | { readonly type: 'BGPHeaderErr'; readonly notification: NotificationMessage } // 21
  | { readonly type: 'BGPOpenMsgErr'; readonly notification: NotificationMessage } // 22
  | { readonly type: 'OpenCollisionDump' } // 23
  | { readonly type: 'NotifMsgVerErr' } // 24
  | { readonly type: 'NotifMsg' } // 25
  | { readonly type: 'KeepAliveMsg' } // 26
  | { readonly type: 'UpdateMsg' } // 27
  | { readonly type: 'UpdateMsgErr'; readonly notification: NotificationMessage } // 28
  | { readonly type: 'RouteRefreshMsg' } // RFC 2918: counts as a sign of life like UPDATE

export type FsmEventType = FsmEvent['type']

export type FsmAction =
  | { readonly type: 'connect' }
  | { readonly type: 'send-open' }
  | { readonly type: 'send-keepalive' }
  | { readonly type: 'send-notification'; readonly notification: NotificationMessage }
  | { readonly type: 'disconnect' }
  | { readonly type: 'start-timer'; readonly timer: TimerName; readonly seconds: number }
  | { readonly type: 'stop-timer'; readonly timer: TimerName }
  | { readonly type: 'established' }
  | { readonly type: 'release'; readonly cause: ReleaseCause }

export interface StepResult {
  readonly state: FsmState
  readonly actions: readonly FsmAction[]
}

export function initialState(config: FsmConfig = DEFAULT_FSM_CONFIG): FsmState {
  return { name: 'Idle', config, autoStart: false, connectRetryCounter: 0, holdTime: 0, delayingOpen: false }
}

/** A NOTIFICATION for a named problem kind, with optional data octets. */
export function notify(kind: ProblemKind, data: Uint8Array = new Uint8Array(0)): NotificationMessage {
  const { code, subcode } = notificationOf(kind)
  return { type: 'NOTIFICATION', code, subcode, data: toHex(data) }
}

/** The idle hold before restart number `failures` (1 = the first failure in a row). */
export function idleHoldDelay(config: FsmConfig, failures: number): number {
  if (failures <= 1) return 0
  return Math.min(config.idleHoldMax, config.idleHoldMin * 2 ** (failures - 2))
}

const HOLD = 'hold'
const KEEPALIVE = 'keepalive'
const CONNECT_RETRY = 'connectRetry'

export function keepaliveTime(holdTime: number): number {
  return Math.max(1, Math.floor(holdTime / 3))
}

function start(timer: TimerName, seconds: number): FsmAction {
  return { type: 'start-timer', timer, seconds }
}

function stop(timer: TimerName): FsmAction {
  return { type: 'stop-timer', timer }
}

const STOP_ALL: readonly FsmAction[] = [
  stop(CONNECT_RETRY),
  stop(HOLD),
  stop(KEEPALIVE),
  stop('stable'),
  stop('delayOpen'),
]

const FSM_ERROR: Partial<Record<FsmStateName, ProblemKind>> = {
  OpenSent: 'NOTIFY.FSM.UNEXPECTED_MESSAGE_IN_OPENSENT',
  OpenConfirm: 'NOTIFY.FSM.UNEXPECTED_MESSAGE_IN_OPENCONFIRM',
  Established: 'NOTIFY.FSM.UNEXPECTED_MESSAGE_IN_ESTABLISHED',
}

/**
 * Leaves a connected (or connecting) state for Idle: stops every timer, sends
 * the NOTIFICATION if any, drops the TCP connection, releases the session and,
 * when restarting automatically, arms the idle-hold timer with the back-off.
 */
function toIdle(
  s: FsmState,
  cause: ReleaseCause,
  options: { notification?: NotificationMessage; countFailure: boolean; autoStart?: boolean },
): StepResult {
  const actions: FsmAction[] = [...STOP_ALL]
  if (options.notification) actions.push({ type: 'send-notification', notification: options.notification })
  actions.push({ type: 'disconnect' }, { type: 'release', cause })
  const counter = options.countFailure ? s.connectRetryCounter + 1 : 0
  const autoStart = options.autoStart ?? s.autoStart
  if (autoStart) actions.push(start('idleHold', idleHoldDelay(s.config, counter)))
  return {
    state: { ...s, name: 'Idle', autoStart, connectRetryCounter: counter, holdTime: 0, delayingOpen: false },
    actions,
  }
}

function startFromIdle(s: FsmState, passive: boolean, autoStart: boolean): StepResult {
  const p = passive || s.config.passive
  if (p) {
    return {
      state: { ...s, name: 'Active', autoStart },
      actions: s.config.passive
        ? [stop('idleHold')]
        : [stop('idleHold'), start(CONNECT_RETRY, s.config.connectRetryTime)],
    }
  }
  return {
    state: { ...s, name: 'Connect', autoStart },
    actions: [stop('idleHold'), start(CONNECT_RETRY, s.config.connectRetryTime), { type: 'connect' }],
  }
}

function connected(s: FsmState): StepResult {
  if (s.config.delayOpenTime > 0) {
    // §8.2.2 Connect/Active on TCP up with DelayOpen: wait for the peer's OPEN.
    return {
      state: { ...s, delayingOpen: true },
      actions: [stop(CONNECT_RETRY), start('delayOpen', s.config.delayOpenTime)],
    }
  }
  // §8.2.2 Connect/Active on TCP up (no DelayOpen): send OPEN, hold timer to a large value.
  return sendOpenNow(s)
}

function sendOpenNow(s: FsmState): StepResult {
  return {
    state: { ...s, name: 'OpenSent', delayingOpen: false },
    actions: [stop(CONNECT_RETRY), { type: 'send-open' }, start(HOLD, s.config.openHoldTime)],
  }
}

function openAccepted(s: FsmState, holdTime: number, sendOpen: boolean): StepResult {
  const actions: FsmAction[] = [stop(CONNECT_RETRY)]
  if (sendOpen) actions.push(stop('delayOpen'), { type: 'send-open' })
  actions.push({ type: 'send-keepalive' })
  if (holdTime > 0) actions.push(start(KEEPALIVE, keepaliveTime(holdTime)), start(HOLD, holdTime))
  else actions.push(stop(HOLD), stop(KEEPALIVE))
  return { state: { ...s, name: 'OpenConfirm', holdTime, delayingOpen: false }, actions }
}

const UNCHANGED: readonly FsmAction[] = []

function same(s: FsmState, actions: readonly FsmAction[] = UNCHANGED): StepResult {
  return { state: s, actions }
}

function stopEvent(s: FsmState, e: FsmEvent & { type: 'ManualStop' | 'AutomaticStop' }, sendCease: boolean) {
  const manual = e.type === 'ManualStop'
  const n = sendCease ? (e.notification ?? notify('NOTIFY.CEASE.ADMINISTRATIVE_SHUTDOWN')) : undefined
  return toIdle(s, manual ? 'manual-stop' : 'automatic-stop', {
    ...(n ? { notification: n } : {}),
    countFailure: !manual,
    ...(manual ? { autoStart: false } : {}),
  })
}

function idle(s: FsmState, e: FsmEvent): StepResult {
  switch (e.type) {
    case 'ManualStart':
      return startFromIdle({ ...s, connectRetryCounter: 0 }, false, true)
    case 'ManualStartPassive':
      return startFromIdle({ ...s, connectRetryCounter: 0 }, true, true)
    case 'AutomaticStart':
      return startFromIdle(s, false, true)
    case 'AutomaticStartPassive':
      return startFromIdle(s, true, true)
    case 'IdleHoldTimerExpires':
      return s.autoStart ? startFromIdle(s, s.config.passive, true) : same(s)
    case 'ManualStop':
      return same({ ...s, autoStart: false, connectRetryCounter: 0 }, [stop('idleHold')])
    case 'TcpConnectionConfirmed':
    case 'TcpCrAcked':
      // §8.2.2 Idle "refuses all incoming BGP connections": say why, then close.
      return same(s, [
        { type: 'send-notification', notification: notify('NOTIFY.CEASE.CONNECTION_REJECTED') },
        { type: 'disconnect' },
      ])
    default:
      return same(s)
  }
}

function connectOrActive(s: FsmState, e: FsmEvent): StepResult {
  if (s.delayingOpen) return delayingOpen(s, e)
  switch (e.type) {
    case 'ManualStop':
      return stopEvent(s, e, false)
    case 'AutomaticStop':
      return stopEvent(s, e, false)
    case 'ConnectRetryTimerExpires':
      if (s.config.passive) return same(s)
      return {
        state: { ...s, name: 'Connect' },
        actions: [
          { type: 'disconnect' },
          start(CONNECT_RETRY, s.config.connectRetryTime),
          { type: 'connect' },
        ],
      }
    case 'TcpCrAcked':
    case 'TcpConnectionConfirmed':
      return connected(s)
    case 'TcpConnectionFails':
      return toIdle(s, 'tcp-failure', { countFailure: true })
    case 'IdleHoldTimerExpires':
    case 'StableTimerExpires':
    case 'DelayOpenTimerExpires':
    case 'ManualStart':
    case 'ManualStartPassive':
    case 'AutomaticStart':
    case 'AutomaticStartPassive':
      return same(s)
    case 'NotifMsgVerErr':
      return toIdle(s, 'notification-received', { countFailure: false })
    default:
      // §8.2.2 "any other event": no BGP conversation exists yet, so nothing is sent.
      return toIdle(s, 'tcp-failure', { countFailure: true })
  }
}

/** Connect/Active with a connection up and the DelayOpenTimer running (§8.2.2, events 12 and 20). */
function delayingOpen(s: FsmState, e: FsmEvent): StepResult {
  switch (e.type) {
    case 'DelayOpenTimerExpires':
      return sendOpenNow(s)
    case 'BGPOpenDelayed':
    case 'BGPOpen':
      return openAccepted(s, e.holdTime, true)
    case 'ManualStop':
    case 'AutomaticStop':
      return stopEvent(s, e, true)
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(s, 'notification-sent', { notification: e.notification, countFailure: true })
    case 'NotifMsgVerErr':
      return toIdle(s, 'notification-received', { countFailure: false })
    case 'NotifMsg':
      return toIdle(s, 'notification-received', { countFailure: true })
    case 'TcpConnectionFails':
      return toIdle(s, 'tcp-failure', { countFailure: true })
    case 'IdleHoldTimerExpires':
    case 'StableTimerExpires':
    case 'ManualStart':
    case 'ManualStartPassive':
    case 'AutomaticStart':
    case 'AutomaticStartPassive':
    case 'ConnectRetryTimerExpires':
      return same(s)
    default:
      // A KEEPALIVE or UPDATE before any OPEN.
      return toIdle(s, 'notification-sent', {
        notification: notify('NOTIFY.FSM.UNSPECIFIC'),
        countFailure: true,
      })
  }
}

function openSent(s: FsmState, e: FsmEvent): StepResult {
  switch (e.type) {
    case 'TcpConnectionFails':
      // §8.2.2: close, keep listening for the peer, go to Active (no release: nothing was up).
      return {
        state: { ...s, name: 'Active' },
        actions: [
          stop(HOLD),
          { type: 'disconnect' },
          ...(s.config.passive ? [] : [start(CONNECT_RETRY, s.config.connectRetryTime)]),
        ],
      }
    case 'BGPOpen':
      return openAccepted(s, e.holdTime, false)
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(s, 'notification-sent', { notification: e.notification, countFailure: true })
    case 'StableTimerExpires':
      return same(s)
    default:
      return openedSession(s, e)
  }
}

function openConfirm(s: FsmState, e: FsmEvent): StepResult {
  switch (e.type) {
    case 'KeepaliveTimerExpires':
      return sendKeepalive(s)
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(s, 'notification-sent', { notification: e.notification, countFailure: true })
    case 'KeepAliveMsg':
      return {
        state: { ...s, name: 'Established' },
        actions: [
          ...(s.holdTime > 0 ? [start(HOLD, s.holdTime)] : []),
          start('stable', s.config.stableTime),
          { type: 'established' },
        ],
      }
    case 'StableTimerExpires':
      return same(s)
    default:
      return openedSession(s, e)
  }
}

const RESTART_HOLD_CACHE = new Map<number, readonly FsmAction[]>()

/** The (shared, constant) action list restarting the hold timer: UPDATEs arrive by the million. */
function restartHold(seconds: number): readonly FsmAction[] {
  let a = RESTART_HOLD_CACHE.get(seconds)
  if (!a) {
    a = [start(HOLD, seconds)]
    RESTART_HOLD_CACHE.set(seconds, a)
  }
  return a
}

function established(s: FsmState, e: FsmEvent): StepResult {
  switch (e.type) {
    case 'KeepaliveTimerExpires':
      return sendKeepalive(s)
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      return same(s, s.holdTime > 0 ? restartHold(s.holdTime) : UNCHANGED)
    case 'StableTimerExpires':
      return same({ ...s, connectRetryCounter: 0 })
    case 'UpdateMsgErr':
    case 'BGPHeaderErr':
      return toIdle(s, 'notification-sent', { notification: e.notification, countFailure: true })
    default:
      return openedSession(s, e)
  }
}

function sendKeepalive(s: FsmState): StepResult {
  return same(s, [{ type: 'send-keepalive' }, start(KEEPALIVE, keepaliveTime(s.holdTime))])
}

/** What OpenSent, OpenConfirm and Established do alike (§8.2.2); any other event is an FSM error. */
function openedSession(s: FsmState, e: FsmEvent): StepResult {
  switch (e.type) {
    case 'ManualStop':
    case 'AutomaticStop':
      return stopEvent(s, e, true)
    case 'HoldTimerExpires':
      return toIdle(s, 'hold-timer-expired', {
        notification: notify('NOTIFY.HOLD_TIMER_EXPIRED.UNSPECIFIC'),
        countFailure: true,
      })
    case 'TcpConnectionFails':
      return toIdle(s, 'tcp-failure', { countFailure: true })
    case 'NotifMsg':
      return toIdle(s, 'notification-received', { countFailure: true })
    case 'NotifMsgVerErr':
      return toIdle(s, 'notification-received', { countFailure: false })
    case 'OpenCollisionDump':
      return toIdle(s, 'collision', {
        notification: notify('NOTIFY.CEASE.CONNECTION_COLLISION_RESOLUTION'),
        countFailure: true,
      })
    case 'IdleHoldTimerExpires':
    case 'DelayOpenTimerExpires':
    case 'ManualStart':
    case 'ManualStartPassive':
    case 'AutomaticStart':
    case 'AutomaticStartPassive':
      return same(s)
    default:
      return fsmError(s)
  }
}

function fsmError(s: FsmState): StepResult {
  return toIdle(s, 'notification-sent', {
    notification: notify(FSM_ERROR[s.name] ?? 'NOTIFY.FSM.UNSPECIFIC'),
    countFailure: true,
  })
}

/** One transition of RFC 4271 §8.2.2. Pure: the same state and event always give the same result. */
export function step(s: FsmState, e: FsmEvent): StepResult {
  switch (s.name) {
    case 'Idle':
      return idle(s, e)
    case 'Connect':
    case 'Active':
      return connectOrActive(s, e)
    case 'OpenSent':
      return openSent(s, e)
    case 'OpenConfirm':
      return openConfirm(s, e)
    case 'Established':
      return established(s, e)
  }
}
