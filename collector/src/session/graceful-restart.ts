// The graceful restart helper (RFC 4724 §4.2, RFC 8538, RFC 9494), per peer,
// as a pure function like the FSM: step(state, event) → { state, actions }.
// The peer adapter runs the timers and applies the actions to the Adj-RIB-In.
//
//   session down, GR negotiated ──▶ retained families: routes marked stale,
//   (TCP failure, hold timer, or     restart timer = the peer's Restart Time;
//    a NOTIFICATION with N bits      other families: routes removed now
//    on both sides, not Hard Reset)
//   restart timer expires ──▶ families with a long-lived stale time: routes
//                             become LLGR-stale (RFC 9494 §4.3) for that time;
//                             the rest are removed
//   session up again ──▶ families the new OPEN does not preserve (absent, or
//                        F bit clear) lose their stale routes now; the others
//                        keep them until that family's End-of-RIB, or until
//                        the stale timer (our bound on waiting) expires
//   End-of-RIB for a family ──▶ its routes still stale are removed
//
// Without GR the session's routes are removed at once. A session we stop
// ourselves (shutdown, max-prefix) removes them too: we are not the one
// restarting, and a peer over its limit must not keep routes in the RIB.

import type { FamilyKey } from '../bgp/index.ts'
import type { ReleaseCause } from './fsm.ts'
import type { Negotiated } from './negotiate.ts'

export type StaleLevel = 'gr' | 'llgr'

export interface GrState {
  /** Families holding stale routes, and how stale. */
  readonly stale: ReadonlyMap<FamilyKey, StaleLevel>
  /** The peer's graceful restart terms from the session that went down. */
  readonly terms?: Pick<Negotiated, 'gracefulRestart' | 'longLivedStale'>
  /** Waiting for the peer to come back (restart timer running). */
  readonly waiting: boolean
}

export const GR_IDLE: GrState = { stale: new Map(), waiting: false }

export type GrTimer = 'restart' | 'stale' | `llgr:${number}`

export type GrEvent =
  | {
      readonly type: 'session-down'
      readonly cause: ReleaseCause
      /** The families of the session that went down, and its terms. */
      readonly negotiated: Negotiated
      /** The NOTIFICATION was a Cease / Hard Reset (RFC 8538 §3): no retention. */
      readonly hardReset?: boolean
    }
  | { readonly type: 'restart-timer-expired' }
  | { readonly type: 'llgr-timer-expired'; readonly family: FamilyKey }
  | { readonly type: 'stale-timer-expired' }
  | { readonly type: 'session-up'; readonly negotiated: Negotiated }
  | { readonly type: 'end-of-rib'; readonly family: FamilyKey }

export type GrAction =
  /** Remove every route of these families (session down without retention). */
  | { readonly type: 'remove-all'; readonly families: readonly FamilyKey[] }
  /** Mark every route of these families stale (RFC 4724) or long-lived stale (RFC 9494). */
  | { readonly type: 'mark-stale'; readonly families: readonly FamilyKey[]; readonly level: StaleLevel }
  /** Remove the routes of these families that are still stale. */
  | { readonly type: 'remove-stale'; readonly families: readonly FamilyKey[] }
  | { readonly type: 'start-timer'; readonly timer: GrTimer; readonly seconds: number }
  | { readonly type: 'stop-timer'; readonly timer: GrTimer }

export interface GrResult {
  readonly state: GrState
  readonly actions: readonly GrAction[]
}

export interface GrOptions {
  /** Seconds to wait for End-of-RIB after the peer is back before dropping what is still stale. */
  readonly staleTime: number
}

export const DEFAULT_GR_OPTIONS: GrOptions = { staleTime: 360 }

function retains(e: Extract<GrEvent, { type: 'session-down' }>): boolean {
  const gr = e.negotiated.gracefulRestart
  if (!gr) return false
  switch (e.cause) {
    case 'tcp-failure':
    case 'hold-timer-expired':
    case 'collision':
      return true
    case 'notification-received':
    case 'notification-sent':
      return gr.notification && !e.hardReset
    default:
      return false
  }
}

function sessionDown(s: GrState, e: Extract<GrEvent, { type: 'session-down' }>): GrResult {
  // Families still stale from an earlier restart that never completed count too.
  const families = [...new Set([...e.negotiated.families, ...s.stale.keys()])]
  const actions: GrAction[] = stopTimers(s)
  if (!retains(e)) {
    if (families.length) actions.push({ type: 'remove-all', families })
    return { state: GR_IDLE, actions }
  }
  const gr = e.negotiated.gracefulRestart!
  const ll = e.negotiated.longLivedStale ?? new Map<FamilyKey, number>()
  const keep = families.filter((f) => (gr.restartTime > 0 && gr.families.has(f)) || ll.has(f))
  const drop = families.filter((f) => !keep.includes(f))
  if (drop.length) actions.push({ type: 'remove-all', families: drop })
  const stale = new Map<FamilyKey, StaleLevel>()
  const terms = { gracefulRestart: gr, ...(e.negotiated.longLivedStale ? { longLivedStale: ll } : {}) }
  const grFamilies = keep.filter((f) => gr.restartTime > 0 && gr.families.has(f))
  // A family only in the LLGR capability (or Restart Time 0) goes long-lived stale at once (RFC 9494 §4.2).
  const llOnly = keep.filter((f) => !grFamilies.includes(f))
  if (grFamilies.length) actions.push({ type: 'mark-stale', families: grFamilies, level: 'gr' })
  for (const f of grFamilies) stale.set(f, 'gr')
  actions.push(...enterLongLived(llOnly, ll, stale))
  if (grFamilies.length) actions.push({ type: 'start-timer', timer: 'restart', seconds: gr.restartTime })
  return { state: { stale, terms, waiting: stale.size > 0 }, actions }
}

function enterLongLived(
  families: readonly FamilyKey[],
  ll: ReadonlyMap<FamilyKey, number>,
  stale: Map<FamilyKey, StaleLevel>,
): GrAction[] {
  const actions: GrAction[] = []
  if (!families.length) return actions
  actions.push({ type: 'mark-stale', families, level: 'llgr' })
  for (const f of families) {
    stale.set(f, 'llgr')
    actions.push({ type: 'start-timer', timer: `llgr:${f}`, seconds: ll.get(f)! })
  }
  return actions
}

function stopTimers(s: GrState): GrAction[] {
  const out: GrAction[] = [
    { type: 'stop-timer', timer: 'restart' },
    { type: 'stop-timer', timer: 'stale' },
  ]
  for (const [f, level] of s.stale) if (level === 'llgr') out.push({ type: 'stop-timer', timer: `llgr:${f}` })
  return out
}

function restartExpired(s: GrState): GrResult {
  if (!s.waiting) return { state: s, actions: [] }
  const ll = s.terms?.longLivedStale ?? new Map<FamilyKey, number>()
  const stale = new Map(s.stale)
  const gr = [...s.stale].filter(([, level]) => level === 'gr').map(([f]) => f)
  const toLong = gr.filter((f) => ll.has(f))
  const gone = gr.filter((f) => !ll.has(f))
  const actions: GrAction[] = []
  if (gone.length) {
    actions.push({ type: 'remove-stale', families: gone })
    for (const f of gone) stale.delete(f)
  }
  actions.push(...enterLongLived(toLong, ll, stale))
  return { state: { ...s, stale, waiting: stale.size > 0 }, actions }
}

function sessionUp(s: GrState, e: Extract<GrEvent, { type: 'session-up' }>, o: GrOptions): GrResult {
  if (s.stale.size === 0) return { state: GR_IDLE, actions: [] }
  const gr = e.negotiated.gracefulRestart
  const actions: GrAction[] = [{ type: 'stop-timer', timer: 'restart' }]
  const stale = new Map(s.stale)
  const purge: FamilyKey[] = []
  for (const [f, level] of s.stale) {
    // RFC 4724 §4.2: kept only if the new OPEN lists the family with the F bit set;
    // RFC 9494 §4.3: the same for long-lived stale routes.
    const preserved =
      gr?.families.get(f)?.forwarding === true ||
      (level === 'llgr' && e.negotiated.longLivedStale?.has(f) === true)
    if (!preserved) purge.push(f)
    if (level === 'llgr') actions.push({ type: 'stop-timer', timer: `llgr:${f}` })
  }
  if (purge.length) {
    actions.push({ type: 'remove-stale', families: purge })
    for (const f of purge) stale.delete(f)
  }
  if (stale.size) actions.push({ type: 'start-timer', timer: 'stale', seconds: o.staleTime })
  return { state: { stale, waiting: false }, actions }
}

function endOfRib(s: GrState, family: FamilyKey): GrResult {
  if (s.waiting || !s.stale.has(family)) return { state: s, actions: [] }
  const stale = new Map(s.stale)
  stale.delete(family)
  const actions: GrAction[] = [{ type: 'remove-stale', families: [family] }]
  if (stale.size === 0) actions.push({ type: 'stop-timer', timer: 'stale' })
  return { state: { ...s, stale }, actions }
}

export function grStep(s: GrState, e: GrEvent, o: GrOptions = DEFAULT_GR_OPTIONS): GrResult {
  switch (e.type) {
    case 'session-down':
      return sessionDown(s, e)
    case 'restart-timer-expired':
      return restartExpired(s)
    case 'llgr-timer-expired': {
      if (s.stale.get(e.family) !== 'llgr') return { state: s, actions: [] }
      const stale = new Map(s.stale)
      stale.delete(e.family)
      return {
        state: { ...s, stale, waiting: s.waiting && stale.size > 0 },
        actions: [{ type: 'remove-stale', families: [e.family] }],
      }
    }
    case 'stale-timer-expired': {
      if (s.waiting || s.stale.size === 0) return { state: s, actions: [] }
      return { state: GR_IDLE, actions: [{ type: 'remove-stale', families: [...s.stale.keys()] }] }
    }
    case 'session-up':
      return sessionUp(s, e, o)
    case 'end-of-rib':
      return endOfRib(s, e.family)
  }
}
