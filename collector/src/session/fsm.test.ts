import { describe, expect, it } from 'vitest'
import { shutdownNotification } from '../bgp/index.ts'
import { manualClock, type TimerHandle } from './clock.ts'
import {
  DEFAULT_FSM_CONFIG,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  type FsmStateName,
  idleHoldDelay,
  initialState,
  notify,
  step,
  type TimerName,
} from './fsm.ts'

const TIMER_EVENTS: Record<TimerName, FsmEvent> = {
  connectRetry: { type: 'ConnectRetryTimerExpires' },
  hold: { type: 'HoldTimerExpires' },
  keepalive: { type: 'KeepaliveTimerExpires' },
  idleHold: { type: 'IdleHoldTimerExpires' },
  stable: { type: 'StableTimerExpires' },
  delayOpen: { type: 'DelayOpenTimerExpires' },
}

/** Runs the FSM the way the socket adapter does, with timers on a manual clock. */
function drive(config: FsmConfig = DEFAULT_FSM_CONFIG) {
  const clock = manualClock()
  const timers = new Map<TimerName, TimerHandle>()
  const log: { at: number; action: FsmAction }[] = []
  let state: FsmState = initialState(config)
  const t0 = clock.now()
  const fire = (e: FsmEvent): void => {
    const r = step(state, e)
    state = r.state
    for (const a of r.actions) {
      if (a.type === 'start-timer') {
        const old = timers.get(a.timer)
        if (old) clock.clearTimer(old)
        timers.set(
          a.timer,
          clock.setTimer(a.seconds * 1000, () => {
            timers.delete(a.timer)
            fire(TIMER_EVENTS[a.timer])
          }),
        )
      } else if (a.type === 'stop-timer') {
        const old = timers.get(a.timer)
        if (old) clock.clearTimer(old)
        timers.delete(a.timer)
      } else {
        log.push({ at: (clock.now() - t0) / 1000, action: a })
      }
    }
  }
  return {
    fire,
    clock,
    get state() {
      return state
    },
    timers: () => [...timers.keys()].sort(),
    log,
    /** Seconds since start at which each action of a type happened. */
    times: (type: FsmAction['type']) => log.filter((l) => l.action.type === type).map((l) => l.at),
    establish(holdTime = 90) {
      fire({ type: 'TcpConnectionConfirmed' })
      fire({ type: 'BGPOpen', holdTime })
      fire({ type: 'KeepAliveMsg' })
    },
  }
}

const ALL_EVENTS: readonly FsmEvent[] = [
  { type: 'ManualStart' },
  { type: 'ManualStop' },
  { type: 'AutomaticStart' },
  { type: 'ManualStartPassive' },
  { type: 'AutomaticStartPassive' },
  { type: 'AutomaticStop', notification: notify('NOTIFY.CEASE.MAXIMUM_NUMBER_OF_PREFIXES_REACHED') },
  { type: 'ConnectRetryTimerExpires' },
  { type: 'HoldTimerExpires' },
  { type: 'KeepaliveTimerExpires' },
  { type: 'DelayOpenTimerExpires' },
  { type: 'IdleHoldTimerExpires' },
  { type: 'StableTimerExpires' },
  { type: 'TcpCrAcked' },
  { type: 'TcpConnectionConfirmed' },
  { type: 'TcpConnectionFails' },
  { type: 'BGPOpen', holdTime: 90 },
  { type: 'BGPOpenDelayed', holdTime: 90 },
  { type: 'BGPHeaderErr', notification: notify('NOTIFY.HEADER.CONNECTION_NOT_SYNCHRONIZED') },
  { type: 'BGPOpenMsgErr', notification: notify('NOTIFY.OPEN.BAD_PEER_AS') },
  { type: 'OpenCollisionDump' },
  { type: 'NotifMsgVerErr' },
  { type: 'NotifMsg' },
  { type: 'KeepAliveMsg' },
  { type: 'UpdateMsg' },
  { type: 'UpdateMsgErr', notification: notify('NOTIFY.UPDATE.MALFORMED_AS_PATH') },
  { type: 'RouteRefreshMsg' },
]

const STATES: readonly FsmStateName[] = [
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
]

function at(name: FsmStateName, over: Partial<FsmState> = {}): FsmState {
  return { ...initialState(), name, autoStart: true, holdTime: name === 'Idle' ? 0 : 90, ...over }
}

describe('FSM transitions (RFC 4271 §8.2.2)', () => {
  it('a passive start waits in Active without a connect-retry timer', () => {
    expect(step(initialState(), { type: 'ManualStartPassive' })).toEqual({
      state: { ...initialState(), name: 'Active', autoStart: true },
      actions: [{ type: 'stop-timer', timer: 'idleHold' }],
    })
  })

  it('an accepted connection sends our OPEN and waits for the peer with a large hold timer', () => {
    expect(step(at('Active', { holdTime: 0 }), { type: 'TcpConnectionConfirmed' })).toEqual({
      state: at('OpenSent', { holdTime: 0 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'send-open' },
        { type: 'start-timer', timer: 'hold', seconds: 240 },
      ],
    })
  })

  it('a valid OPEN sends KEEPALIVE and arms the negotiated timers', () => {
    expect(step(at('OpenSent', { holdTime: 0 }), { type: 'BGPOpen', holdTime: 30 })).toEqual({
      state: at('OpenConfirm', { holdTime: 30 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'send-keepalive' },
        { type: 'start-timer', timer: 'keepalive', seconds: 10 },
        { type: 'start-timer', timer: 'hold', seconds: 30 },
      ],
    })
  })

  it('a negotiated hold time of 0 runs neither hold nor keepalive timer', () => {
    expect(step(at('OpenSent'), { type: 'BGPOpen', holdTime: 0 })).toEqual({
      state: at('OpenConfirm', { holdTime: 0 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'send-keepalive' },
        { type: 'stop-timer', timer: 'hold' },
        { type: 'stop-timer', timer: 'keepalive' },
      ],
    })
    expect(step(at('OpenConfirm', { holdTime: 0 }), { type: 'KeepAliveMsg' })).toEqual({
      state: at('Established', { holdTime: 0 }),
      actions: [{ type: 'start-timer', timer: 'stable', seconds: 60 }, { type: 'established' }],
    })
  })

  it('KEEPALIVE in OpenConfirm establishes the session', () => {
    expect(step(at('OpenConfirm'), { type: 'KeepAliveMsg' })).toEqual({
      state: at('Established'),
      actions: [
        { type: 'start-timer', timer: 'hold', seconds: 90 },
        { type: 'start-timer', timer: 'stable', seconds: 60 },
        { type: 'established' },
      ],
    })
  })

  it('UPDATE and KEEPALIVE in Established restart the hold timer and nothing else', () => {
    for (const type of ['UpdateMsg', 'KeepAliveMsg', 'RouteRefreshMsg'] as const) {
      const s = at('Established')
      const r = step(s, { type })
      expect(r.state).toBe(s)
      expect(r.actions).toEqual([{ type: 'start-timer', timer: 'hold', seconds: 90 }])
    }
  })

  it('unexpected messages are FSM errors with the RFC 6608 subcode of the state', () => {
    const expectFsmError = (name: FsmStateName, e: FsmEvent, subcode: number) => {
      expect(step(at(name), e)).toEqual({
        state: at('Idle', { connectRetryCounter: 1 }),
        actions: [
          { type: 'stop-timer', timer: 'connectRetry' },
          { type: 'stop-timer', timer: 'hold' },
          { type: 'stop-timer', timer: 'keepalive' },
          { type: 'stop-timer', timer: 'stable' },
          { type: 'stop-timer', timer: 'delayOpen' },
          { type: 'send-notification', notification: { type: 'NOTIFICATION', code: 5, subcode, data: '' } },
          { type: 'disconnect' },
          { type: 'release', cause: 'notification-sent' },
          { type: 'start-timer', timer: 'idleHold', seconds: 0 },
        ],
      })
    }
    expectFsmError('OpenSent', { type: 'UpdateMsg' }, 1)
    expectFsmError('OpenSent', { type: 'KeepAliveMsg' }, 1)
    expectFsmError('OpenConfirm', { type: 'UpdateMsg' }, 2)
    expectFsmError('OpenConfirm', { type: 'BGPOpen', holdTime: 90 }, 2)
    expectFsmError('Established', { type: 'BGPOpen', holdTime: 90 }, 3)
  })

  it('an UPDATE error sends its NOTIFICATION and releases the session', () => {
    const n = notify('NOTIFY.UPDATE.MALFORMED_AS_PATH')
    expect(step(at('Established'), { type: 'UpdateMsgErr', notification: n })).toEqual({
      state: at('Idle', { connectRetryCounter: 1 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'stop-timer', timer: 'hold' },
        { type: 'stop-timer', timer: 'keepalive' },
        { type: 'stop-timer', timer: 'stable' },
        { type: 'stop-timer', timer: 'delayOpen' },
        { type: 'send-notification', notification: n },
        { type: 'disconnect' },
        { type: 'release', cause: 'notification-sent' },
        { type: 'start-timer', timer: 'idleHold', seconds: 0 },
      ],
    })
  })

  it('a received NOTIFICATION is not answered', () => {
    const r = step(at('Established'), { type: 'NotifMsg' })
    expect(r.state.name).toBe('Idle')
    expect(r.actions.filter((a) => a.type === 'send-notification')).toEqual([])
    expect(r.actions).toContainEqual({ type: 'release', cause: 'notification-received' })
  })

  it('ManualStop sends Cease / Administrative Shutdown with its RFC 9003 message and stays down', () => {
    const n = shutdownNotification(2, 'maintenance')
    expect(step(at('Established'), { type: 'ManualStop', notification: n })).toEqual({
      state: at('Idle', { autoStart: false, connectRetryCounter: 0 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'stop-timer', timer: 'hold' },
        { type: 'stop-timer', timer: 'keepalive' },
        { type: 'stop-timer', timer: 'stable' },
        { type: 'stop-timer', timer: 'delayOpen' },
        { type: 'send-notification', notification: n },
        { type: 'disconnect' },
        { type: 'release', cause: 'manual-stop' },
      ],
    })
  })

  it('Idle refuses connections with Cease / Connection Rejected', () => {
    expect(step(at('Idle'), { type: 'TcpConnectionConfirmed' })).toEqual({
      state: at('Idle'),
      actions: [
        {
          type: 'send-notification',
          notification: { type: 'NOTIFICATION', code: 6, subcode: 5, data: '' },
        },
        { type: 'disconnect' },
      ],
    })
  })

  it('a TCP failure in OpenSent goes back to Active (§8.2.2)', () => {
    expect(step(at('OpenSent'), { type: 'TcpConnectionFails' })).toEqual({
      state: at('Active'),
      actions: [{ type: 'stop-timer', timer: 'hold' }, { type: 'disconnect' }],
    })
  })

  it('an active speaker connects, retries on the ConnectRetryTimer, and sends OPEN once connected', () => {
    const active = { ...DEFAULT_FSM_CONFIG, passive: false }
    const s0 = initialState(active)
    const r1 = step(s0, { type: 'ManualStart' })
    expect(r1).toEqual({
      state: { ...s0, name: 'Connect', autoStart: true },
      actions: [
        { type: 'stop-timer', timer: 'idleHold' },
        { type: 'start-timer', timer: 'connectRetry', seconds: 120 },
        { type: 'connect' },
      ],
    })
    expect(step(r1.state, { type: 'ConnectRetryTimerExpires' })).toEqual({
      state: r1.state,
      actions: [
        { type: 'disconnect' },
        { type: 'start-timer', timer: 'connectRetry', seconds: 120 },
        { type: 'connect' },
      ],
    })
    expect(step(r1.state, { type: 'TcpCrAcked' }).state.name).toBe('OpenSent')
  })

  it('with DelayOpen, waits in Active for the peer’s OPEN, then sends ours with the KEEPALIVE (events 12, 20)', () => {
    const config = { ...DEFAULT_FSM_CONFIG, delayOpenTime: 5 }
    const active = at('Active', { config, holdTime: 0 })
    const waiting = step(active, { type: 'TcpConnectionConfirmed' })
    expect(waiting).toEqual({
      state: { ...active, delayingOpen: true },
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'start-timer', timer: 'delayOpen', seconds: 5 },
      ],
    })
    expect(step(waiting.state, { type: 'BGPOpenDelayed', holdTime: 90 })).toEqual({
      state: at('OpenConfirm', { config, holdTime: 90 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'stop-timer', timer: 'delayOpen' },
        { type: 'send-open' },
        { type: 'send-keepalive' },
        { type: 'start-timer', timer: 'keepalive', seconds: 30 },
        { type: 'start-timer', timer: 'hold', seconds: 90 },
      ],
    })
    expect(step(waiting.state, { type: 'DelayOpenTimerExpires' })).toEqual({
      state: at('OpenSent', { config, holdTime: 0 }),
      actions: [
        { type: 'stop-timer', timer: 'connectRetry' },
        { type: 'send-open' },
        { type: 'start-timer', timer: 'hold', seconds: 240 },
      ],
    })
    const early = step(waiting.state, { type: 'KeepAliveMsg' })
    expect([early.state.name, early.actions.filter((a) => a.type === 'send-notification')]).toEqual([
      'Idle',
      [{ type: 'send-notification', notification: { type: 'NOTIFICATION', code: 5, subcode: 0, data: '' } }],
    ])
  })

  it('every state answers every event without throwing, and never leaves a connection behind in Idle', () => {
    const delaying = {
      ...at('Active'),
      config: { ...DEFAULT_FSM_CONFIG, delayOpenTime: 5 },
      delayingOpen: true,
    }
    for (const [name, base] of [...STATES.map((n) => [n, at(n)] as const), ['Active', delaying] as const]) {
      for (const e of ALL_EVENTS) {
        const r = step(base, e)
        expect(STATES).toContain(r.state.name)
        if (r.state.name === 'Idle' && name !== 'Idle') {
          expect(r.actions, `${name} + ${e.type}`).toContainEqual({ type: 'disconnect' })
          expect(r.actions.some((a) => a.type === 'release')).toBe(true)
        }
        // Only OpenSent/OpenConfirm/Established ever talk on the wire, except Idle's refusal.
        const sends = r.actions.filter((a) => a.type.startsWith('send-'))
        if ((name === 'Connect' || name === 'Active') && !base.delayingOpen) {
          expect(
            sends.filter((a) => a.type !== 'send-open'),
            `${name} + ${e.type}`,
          ).toEqual([])
        }
        expect(step(base, e), 'pure').toEqual(r)
      }
    }
  })
})

describe('FSM driven by a manual clock', () => {
  it('establishes, keeps the session alive with keepalives every hold/3, and expires the hold timer', () => {
    const d = drive()
    d.fire({ type: 'ManualStartPassive' })
    d.establish(90)
    expect(d.state.name).toBe('Established')
    // The peer sends a KEEPALIVE every 30 s for two minutes.
    for (let i = 0; i < 4; i++) {
      d.clock.advance(30_000)
      d.fire({ type: 'KeepAliveMsg' })
    }
    expect(d.state.name).toBe('Established')
    expect(d.times('send-keepalive')).toEqual([0, 30, 60, 90, 120])
    // Then silence: the hold timer expires 90 s after the last message.
    d.clock.advance(89_999)
    expect(d.state.name).toBe('Established')
    d.clock.advance(1)
    expect(d.state.name).toBe('Active') // Idle, then the idle hold of 0 s restarts it
    const last = d.log.slice(-3).map((l) => [l.at, l.action])
    expect(last).toEqual([
      [
        210,
        { type: 'send-notification', notification: { type: 'NOTIFICATION', code: 4, subcode: 0, data: '' } },
      ],
      [210, { type: 'disconnect' }],
      [210, { type: 'release', cause: 'hold-timer-expired' }],
    ])
    expect(d.timers()).toEqual([])
  })

  it('backs off after consecutive failures and forgets them after a stable session', () => {
    const d = drive()
    d.fire({ type: 'ManualStartPassive' })
    const restarts: number[] = []
    let last = 0
    for (let i = 0; i < 9; i++) {
      d.establish()
      d.fire({ type: 'TcpConnectionFails' })
      expect(d.state.name).toBe('Idle')
      // A connection during the idle hold is refused.
      const before = d.log.length
      if (d.timers().includes('idleHold')) {
        d.fire({ type: 'TcpConnectionConfirmed' })
        expect(d.log.slice(before).map((l) => l.action.type)).toEqual(['send-notification', 'disconnect'])
      }
      const t = d.clock.now()
      d.clock.advance(400_000)
      expect(d.state.name).toBe('Active')
      restarts.push(d.times('release').length)
      last = (d.clock.now() - t) / 1000
    }
    expect(last).toBe(400)
    expect(restarts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => idleHoldDelay(DEFAULT_FSM_CONFIG, n))).toEqual([
      0, 5, 10, 20, 40, 80, 160, 300, 300,
    ])
    expect(d.state.connectRetryCounter).toBe(9)
    d.establish()
    d.clock.advance(59_000)
    d.fire({ type: 'KeepAliveMsg' })
    expect(d.state.connectRetryCounter).toBe(9)
    d.clock.advance(1_000)
    expect(d.state.connectRetryCounter).toBe(0)
    d.fire({ type: 'TcpConnectionFails' })
    expect(d.state.connectRetryCounter).toBe(1)
    expect(d.timers()).toEqual(['idleHold'])
    d.clock.advance(0)
    expect(d.state.name).toBe('Active')
  })

  it('waits the idle hold before accepting again', () => {
    const d = drive()
    d.fire({ type: 'ManualStartPassive' })
    d.establish()
    d.fire({ type: 'NotifMsg' })
    d.clock.advance(0)
    d.establish()
    d.fire({ type: 'NotifMsg' })
    expect(d.state.name).toBe('Idle')
    d.clock.advance(4_999)
    expect(d.state.name).toBe('Idle')
    d.clock.advance(1)
    expect(d.state.name).toBe('Active')
  })

  it('gives up in OpenSent when no OPEN comes within the large hold time', () => {
    const d = drive()
    d.fire({ type: 'ManualStartPassive' })
    d.fire({ type: 'TcpConnectionConfirmed' })
    d.clock.advance(239_999)
    expect(d.state.name).toBe('OpenSent')
    d.clock.advance(1)
    expect(d.times('release')).toEqual([240])
  })
})
