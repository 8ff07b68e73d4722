import { describe, expect, it } from 'vitest'
import { type FamilyKey, familyByName } from '../bgp/index.ts'
import { manualClock, type TimerHandle } from './clock.ts'
import {
  GR_IDLE,
  type GrAction,
  type GrEvent,
  type GrState,
  type GrTimer,
  grStep,
} from './graceful-restart.ts'
import type { Negotiated, PeerGracefulRestart } from './negotiate.ts'

const V4 = familyByName('ipv4-unicast')!
const V6 = familyByName('ipv6-unicast')!
const EVPN = familyByName('l2vpn-evpn')!

function session(
  gr: Partial<PeerGracefulRestart> | undefined,
  longLivedStale?: Map<FamilyKey, number>,
  families: FamilyKey[] = [V4, V6, EVPN],
): Negotiated {
  const ctx = { asn4: true, addPath: new Set<number>(), extendedMessage: false }
  return {
    peerAsn: 64500,
    peerBgpId: '192.0.2.9',
    holdTime: 90,
    families,
    context: ctx,
    sendContext: ctx,
    addPathReceive: [],
    addPathSend: [],
    asn4: true,
    extendedMessage: false,
    routeRefresh: true,
    enhancedRouteRefresh: false,
    extendedNextHop: [],
    ...(gr
      ? {
          gracefulRestart: {
            restartTime: 120,
            restarting: false,
            notification: false,
            families: new Map([
              [V4, { forwarding: true }],
              [V6, { forwarding: true }],
            ]),
            ...gr,
          },
        }
      : {}),
    ...(longLivedStale ? { longLivedStale } : {}),
  }
}

const down = (
  negotiated: Negotiated,
  cause: Extract<GrEvent, { type: 'session-down' }>['cause'] = 'tcp-failure',
) => ({ type: 'session-down', cause, negotiated }) as const

/** Runs the helper with its timers on a manual clock, logging the RIB actions with their time. */
function drive() {
  const clock = manualClock()
  const t0 = clock.now()
  const timers = new Map<GrTimer, TimerHandle>()
  const log: [number, GrAction][] = []
  let state: GrState = GR_IDLE
  const fire = (e: GrEvent): void => {
    const r = grStep(state, e)
    state = r.state
    for (const a of r.actions) {
      if (a.type === 'start-timer') {
        const old = timers.get(a.timer)
        if (old) clock.clearTimer(old)
        timers.set(
          a.timer,
          clock.setTimer(a.seconds * 1000, () => {
            timers.delete(a.timer)
            if (a.timer === 'restart') fire({ type: 'restart-timer-expired' })
            else if (a.timer === 'stale') fire({ type: 'stale-timer-expired' })
            else fire({ type: 'llgr-timer-expired', family: Number(a.timer.slice(5)) })
          }),
        )
      } else if (a.type === 'stop-timer') {
        const old = timers.get(a.timer)
        if (old) clock.clearTimer(old)
        timers.delete(a.timer)
      } else log.push([(clock.now() - t0) / 1000, a])
    }
  }
  return {
    fire,
    clock,
    log,
    get state() {
      return state
    },
    timers: () => [...timers.keys()].sort(),
  }
}

describe('graceful restart helper (RFC 4724 §4.2)', () => {
  it('removes everything at once without GR', () => {
    expect(grStep(GR_IDLE, down(session(undefined)))).toEqual({
      state: GR_IDLE,
      actions: [
        { type: 'stop-timer', timer: 'restart' },
        { type: 'stop-timer', timer: 'stale' },
        { type: 'remove-all', families: [V4, V6, EVPN] },
      ],
    })
  })

  it('keeps the preserved families stale for the restart time, and removes the rest', () => {
    expect(grStep(GR_IDLE, down(session({})))).toEqual({
      state: {
        stale: new Map([
          [V4, 'gr'],
          [V6, 'gr'],
        ]),
        terms: { gracefulRestart: session({}).gracefulRestart },
        waiting: true,
      },
      actions: [
        { type: 'stop-timer', timer: 'restart' },
        { type: 'stop-timer', timer: 'stale' },
        { type: 'remove-all', families: [EVPN] },
        { type: 'mark-stale', families: [V4, V6], level: 'gr' },
        { type: 'start-timer', timer: 'restart', seconds: 120 },
      ],
    })
  })

  it('sweeps each family at its End-of-RIB once the peer is back', () => {
    const d = drive()
    d.fire(down(session({})))
    d.clock.advance(30_000)
    d.fire({ type: 'session-up', negotiated: session({ restarting: true }) })
    expect(d.timers()).toEqual(['stale'])
    d.clock.advance(5_000)
    d.fire({ type: 'end-of-rib', family: V4 })
    d.clock.advance(1_000)
    d.fire({ type: 'end-of-rib', family: V6 })
    d.fire({ type: 'end-of-rib', family: V6 })
    expect(d.log).toEqual([
      [0, { type: 'remove-all', families: [EVPN] }],
      [0, { type: 'mark-stale', families: [V4, V6], level: 'gr' }],
      [35, { type: 'remove-stale', families: [V4] }],
      [36, { type: 'remove-stale', families: [V6] }],
    ])
    expect([d.state, d.timers()]).toEqual([{ stale: new Map(), waiting: false }, []])
  })

  it('drops the stale routes of families the new OPEN no longer preserves', () => {
    const d = drive()
    d.fire(down(session({})))
    d.fire({
      type: 'session-up',
      negotiated: session({
        families: new Map([
          [V4, { forwarding: true }],
          [V6, { forwarding: false }],
        ]),
      }),
    })
    expect(d.log.slice(2)).toEqual([[0, { type: 'remove-stale', families: [V6] }]])
    // No End-of-RIB for IPv4 ever comes: the stale timer ends the wait.
    d.clock.advance(360_000)
    expect(d.log.slice(3)).toEqual([[360, { type: 'remove-stale', families: [V4] }]])
    expect(d.timers()).toEqual([])
  })

  it('removes the stale routes when the peer does not come back within its restart time', () => {
    const d = drive()
    d.fire(down(session({}), 'hold-timer-expired'))
    d.clock.advance(119_999)
    expect(d.log.length).toBe(2)
    d.clock.advance(1)
    expect(d.log.slice(2)).toEqual([[120, { type: 'remove-stale', families: [V4, V6] }]])
    expect(d.state).toEqual({
      stale: new Map(),
      terms: { gracefulRestart: session({}).gracefulRestart },
      waiting: false,
    })
  })

  it('retains on a NOTIFICATION only with the N bit on both sides, and never on Hard Reset (RFC 8538)', () => {
    const plain = grStep(GR_IDLE, down(session({}), 'notification-received'))
    expect(plain.actions).toContainEqual({ type: 'remove-all', families: [V4, V6, EVPN] })
    const n = grStep(GR_IDLE, down(session({ notification: true }), 'notification-received'))
    expect(n.actions).toContainEqual({ type: 'mark-stale', families: [V4, V6], level: 'gr' })
    const hard = grStep(GR_IDLE, {
      ...down(session({ notification: true }), 'notification-received'),
      hardReset: true,
    })
    expect(hard.actions).toContainEqual({ type: 'remove-all', families: [V4, V6, EVPN] })
  })

  it('removes everything when we stop the session ourselves', () => {
    for (const cause of ['manual-stop', 'automatic-stop'] as const) {
      expect(grStep(GR_IDLE, down(session({}), cause)).actions).toContainEqual({
        type: 'remove-all',
        families: [V4, V6, EVPN],
      })
    }
  })

  it('marks everything stale again when a restarted session fails before its End-of-RIB', () => {
    const d = drive()
    d.fire(down(session({})))
    d.fire({ type: 'session-up', negotiated: session({}) })
    d.fire(down(session({})))
    expect(d.log.slice(2)).toEqual([
      [0, { type: 'remove-all', families: [EVPN] }],
      [0, { type: 'mark-stale', families: [V4, V6], level: 'gr' }],
    ])
    expect(d.timers()).toEqual(['restart'])
  })
})

describe('long-lived graceful restart (RFC 9494)', () => {
  const ll = new Map([
    [V4, 3600],
    [EVPN, 600],
  ])

  it('turns stale routes long-lived stale when the restart time runs out, then removes them', () => {
    const d = drive()
    d.fire(down(session({}, ll)))
    expect(d.log).toEqual([
      [0, { type: 'mark-stale', families: [V4, V6], level: 'gr' }],
      // EVPN is only in the LLGR capability: long-lived stale at once.
      [0, { type: 'mark-stale', families: [EVPN], level: 'llgr' }],
    ])
    d.clock.advance(120_000)
    expect(d.log.slice(2)).toEqual([
      [120, { type: 'remove-stale', families: [V6] }],
      [120, { type: 'mark-stale', families: [V4], level: 'llgr' }],
    ])
    d.clock.advance(600_000)
    expect(d.log.slice(4)).toEqual([[600, { type: 'remove-stale', families: [EVPN] }]])
    d.clock.advance(3_600_000)
    expect(d.log.slice(5)).toEqual([[3720, { type: 'remove-stale', families: [V4] }]])
    expect(d.timers()).toEqual([])
  })

  it('goes straight to long-lived stale with a restart time of 0', () => {
    const r = grStep(GR_IDLE, down(session({ restartTime: 0 }, ll)))
    expect(r.actions).toEqual([
      { type: 'stop-timer', timer: 'restart' },
      { type: 'stop-timer', timer: 'stale' },
      { type: 'remove-all', families: [V6] },
      { type: 'mark-stale', families: [V4, EVPN], level: 'llgr' },
      { type: 'start-timer', timer: `llgr:${V4}`, seconds: 3600 },
      { type: 'start-timer', timer: `llgr:${EVPN}`, seconds: 600 },
    ])
  })

  it('keeps long-lived stale routes until End-of-RIB when the peer comes back with LLGR', () => {
    const d = drive()
    d.fire(down(session({ restartTime: 0 }, ll)))
    d.clock.advance(500_000)
    d.fire({ type: 'session-up', negotiated: session({}, ll) })
    d.fire({ type: 'end-of-rib', family: V4 })
    expect(d.log.slice(2)).toEqual([[500, { type: 'remove-stale', families: [V4] }]])
    expect(d.timers()).toEqual(['stale'])
    d.fire({ type: 'end-of-rib', family: EVPN })
    expect(d.log.slice(3)).toEqual([[500, { type: 'remove-stale', families: [EVPN] }]])
    expect(d.timers()).toEqual([])
  })
})
