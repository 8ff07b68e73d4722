// What a peer's UPDATEs do once its session is up: the Adj-RIB-In side of a
// peer, apart from the connection and FSM side (peer.ts).
//
//  - every UPDATE goes, read in place when clean (lean-update.ts) and decoded
//    otherwise, to the RIB and as an UpdateEvent to the bus;
//  - RFC 7606 as the codec reports it: problems counted per action and kind,
//    afi-safi-disable switching the family off for the session (§2), a
//    session-reset problem handed back to the peer to send its NOTIFICATION;
//  - End-of-RIB per family (when, for the API, and for the GR helper);
//  - the prefix limit (max-prefix.ts), handed back to the peer to end the session;
//  - the graceful restart helper (graceful-restart.ts): its timers, and its
//    actions on the RIB (stale marking, sweeps, removal);
//  - routes removed by the collector itself (session loss, sweeps, disabled
//    families) become synthetic withdrawal events, so sinks stay consistent.

import {
  type CodecContext,
  DEFAULT_CONTEXT,
  type DecodeResult,
  decodeMessage,
  type FamilyKey,
  familyByName,
  familyKey,
  familyNameOfKey,
  type NotificationMessage,
  type RouteRefreshMessage,
  type UpdateMessage,
  type UpdateRoutes,
  updateRoutes,
} from '../bgp/index.ts'
import type { EventOrigin } from '../events/index.ts'
import type { Logger } from '../log/logger.ts'
import type { ReleaseCause } from './fsm.ts'
import {
  DEFAULT_GR_OPTIONS,
  GR_IDLE,
  type GrEvent,
  type GrOptions,
  type GrState,
  type GrTimer,
  grStep,
} from './graceful-restart.ts'
import {
  announcedFamilies,
  newUpdateScan,
  scannedRoutes,
  scanUpdate,
  UNDECODED_ATTRIBUTES,
} from './lean-update.ts'
import { crossedLimit, maxPrefixNotification } from './max-prefix.ts'
import type { Negotiated } from './negotiate.ts'
import { receivedUpdate } from './received-update.ts'
import type { RemovedRoutes } from './route-table.ts'
import type { PeerSettings, SessionDeps } from './settings.ts'
import { Timers } from './timers.ts'
import { ProblemCounter, type ProblemCounts, updateNotification } from './update-errors.ts'
import { withdrawalMessages } from './withdrawals.ts'

/** What the intake needs from its peer. */
export interface IntakeHooks {
  /** Who and when, for an event (and the next sequence number). */
  origin(): EventOrigin
  /** The session's codec context (the one in force, or the last one). */
  context(): CodecContext
  /** A sign of life (an UPDATE was accepted): restart the hold timer. */
  alive(): void
  /** A malformed UPDATE must reset the session with this NOTIFICATION (RFC 7606 §2). */
  reset(notification: NotificationMessage, reason: string): void
  /** The peer is over its prefix limit: end the session with this Cease (RFC 4486). */
  overLimit(notification: NotificationMessage, reason: string): void
}

export interface IntakeView {
  readonly families: Readonly<
    Record<string, { paths: number; prefixes: number; stale: number; endOfRibAt?: number }>
  >
  readonly announced: number
  readonly withdrawn: number
  readonly problems: ProblemCounts
  readonly disabledFamilies: readonly string[]
  readonly gracefulRestart?: { readonly waiting: boolean; readonly stale: Readonly<Record<string, string>> }
}

export class RouteIntake {
  private readonly deps: SessionDeps
  private readonly settings: PeerSettings
  private readonly hooks: IntakeHooks
  private readonly log: Logger
  private readonly grOptions: GrOptions
  private readonly grTimers: Timers<GrTimer>
  private readonly ribPeer: number
  private readonly disabled = new Set<FamilyKey>()
  private readonly endOfRibAt = new Map<FamilyKey, number>()
  private readonly problems = new ProblemCounter()
  private gr: GrState = GR_IDLE
  /** Paths the peer has in the RIB (kept up to date without asking the RIB per UPDATE). */
  private pathTotal = 0
  private announced = 0
  private withdrawn = 0
  /** Where the routes of the UPDATE at hand are (the fast path's, reused). */
  private readonly scan = newUpdateScan()

  constructor(address: string, settings: PeerSettings, deps: SessionDeps, hooks: IntakeHooks, log: Logger) {
    this.deps = deps
    this.settings = settings
    this.hooks = hooks
    this.log = log
    this.grOptions = { ...DEFAULT_GR_OPTIONS, ...deps.gr }
    this.grTimers = new Timers(deps.clock, (name) => this.onGrTimer(name))
    this.ribPeer = deps.rib.peer(address)
  }

  /** The session is Established with these terms. */
  sessionUp(n: Negotiated): void {
    this.disabled.clear()
    this.endOfRibAt.clear()
    this.pathTotal = this.deps.rib.count(this.ribPeer).paths
    this.grStep({ type: 'session-up', negotiated: n })
  }

  /** The session went down; its routes go now, or stay stale (graceful restart). */
  sessionDown(cause: ReleaseCause, n: Negotiated, hardReset: boolean): void {
    this.grStep({ type: 'session-down', cause, negotiated: n, ...(hardReset ? { hardReset } : {}) })
  }

  /** Stops the helper's timers (the collector is going away). */
  stop(): void {
    this.grTimers.stopAll()
  }

  /** One received UPDATE (the whole message, a view valid during the call). */
  update(raw: Uint8Array, ctx: CodecContext): void {
    // The fast path: a clean UPDATE read in place, and into the RIB from its octets.
    const scan = this.scan
    if (scanUpdate(raw, ctx, scan)) {
      this.hooks.alive()
      if (this.disabled.size) {
        const routes = this.withoutDisabled(scannedRoutes(raw, ctx, scan)!)
        const added = this.apply(raw, ctx, routes)
        if (this.deps.bus.active)
          this.deps.bus.publish(receivedUpdate(this.hooks.origin(), raw.slice(), ctx, routes, this.disabled))
        this.after(scan.endOfRib, added, routes)
        return
      }
      const res = this.deps.rib.applyRaw(this.ribPeer, raw, ctx)
      this.count(res)
      // The event reads the routes from its copy if a sink asks for them.
      if (this.deps.bus.active)
        this.deps.bus.publish(receivedUpdate(this.hooks.origin(), raw.slice(), ctx, undefined))
      this.after(scan.endOfRib, res.added, undefined)
      return
    }
    const d = decodeMessage(raw, ctx)
    if (d.problems.length) this.problems.add(d.problems)
    if (d.action === 'session-reset') {
      this.publish(raw, d, ctx)
      const reason = d.problems.find((p) => p.action === 'session-reset')?.reason ?? 'malformed UPDATE'
      this.log.info('update error', { reason })
      this.hooks.reset(updateNotification(d.problems, raw), `UPDATE error: ${reason}`)
      return
    }
    this.hooks.alive()
    let routes = updateRoutes(d.message as UpdateMessage, d.problems, ctx)
    for (const name of routes.disabled) {
      const key = familyByName(name)
      if (key !== undefined && !this.disabled.has(key)) this.disable(key, d)
    }
    if (this.disabled.size) routes = this.withoutDisabled(routes)
    const added = this.apply(raw, ctx, routes)
    this.publish(raw, d, ctx, routes)
    this.after(routes.endOfRib === undefined ? -1 : (familyByName(routes.endOfRib) ?? -1), added, routes)
  }

  /** RFC 7313 §4: BoRR marks the family's routes stale, EoRR removes what was not refreshed. */
  refreshMarker(m: RouteRefreshMessage): void {
    const name = familyNameOfKey(familyKey(m.afi, m.safi))
    if (m.subtype === 1) this.deps.rib.markStale(this.ribPeer, [name])
    else if (m.subtype === 2) {
      this.deps.rib.sweepStale(this.ribPeer, [name], (b) => this.emitSynthetic(b))
      this.pathTotal = this.deps.rib.count(this.ribPeer).paths
    }
  }

  view(negotiated: readonly FamilyKey[]): IntakeView {
    const families: Record<string, { paths: number; prefixes: number; stale: number; endOfRibAt?: number }> =
      {}
    for (const f of negotiated) families[familyNameOfKey(f)] = { paths: 0, prefixes: 0, stale: 0 }
    for (const c of this.deps.rib.counts(this.ribPeer)) {
      families[c.family] = { paths: c.paths, prefixes: c.prefixes, stale: c.stale }
    }
    for (const [f, at] of this.endOfRibAt) {
      const name = familyNameOfKey(f)
      families[name] = { ...(families[name] ?? { paths: 0, prefixes: 0, stale: 0 }), endOfRibAt: at }
    }
    const stale = [...this.gr.stale].map(([f, level]) => [familyNameOfKey(f), level])
    return {
      families,
      announced: this.announced,
      withdrawn: this.withdrawn,
      problems: this.problems.snapshot(),
      disabledFamilies: [...this.disabled].map(familyNameOfKey),
      ...(stale.length
        ? { gracefulRestart: { waiting: this.gr.waiting, stale: Object.fromEntries(stale) } }
        : {}),
    }
  }

  // --- UPDATEs -----------------------------------------------------------------------

  /** Applies the routes to the RIB; returns the paths added. */
  private apply(raw: Uint8Array, ctx: CodecContext, routes: UpdateRoutes): number {
    if (!routes.announce.length && !routes.withdraw.length) return 0
    const res = this.deps.rib.apply(this.ribPeer, routes, raw, ctx)
    this.count(res)
    return res.added
  }

  private count(res: {
    readonly added: number
    readonly replaced: number
    readonly withdrawn: number
  }): void {
    this.pathTotal += res.added - res.withdrawn
    this.announced += res.added + res.replaced
    this.withdrawn += res.withdrawn
  }

  private publish(raw: Uint8Array, d: DecodeResult, ctx: CodecContext, routes?: UpdateRoutes): void {
    if (!this.deps.bus.active) return
    this.deps.bus.publish({
      type: 'message',
      ...this.hooks.origin(),
      direction: 'received',
      raw: raw.slice(),
      message: d.message,
      context: ctx,
      ...(routes ? { routes } : {}),
      problems: d.problems,
      ...(this.disabled.size ? { disabledFamilies: [...this.disabled] } : {}),
    })
  }

  /**
   * End-of-RIB (a family key, or -1) and the prefix limit, once the UPDATE is
   * in the RIB and on the bus; the families announced are those of `routes`,
   * or of the scan when the fast path took the UPDATE whole.
   */
  private after(endOfRib: FamilyKey, added: number, routes: UpdateRoutes | undefined): void {
    if (endOfRib >= 0) {
      this.endOfRibAt.set(endOfRib, this.deps.clock.now())
      this.grStep({ type: 'end-of-rib', family: endOfRib })
    }
    const limits = this.settings.maxPrefixes
    if (!limits || added === 0) return
    const touched = routes
      ? routes.announce.map((a) => familyKey(a.afi, a.safi))
      : announcedFamilies(this.scan)
    const hit = crossedLimit(
      limits,
      this.pathTotal,
      touched,
      (f) => this.deps.rib.count(this.ribPeer, familyNameOfKey(f)).paths,
    )
    if (!hit) return
    const family = familyNameOfKey(hit.family)
    this.log.warn('max prefixes', { limit: hit.limit, family, paths: this.pathTotal })
    this.hooks.overLimit(
      maxPrefixNotification(hit.family, hit.limit),
      `maximum prefixes: more than ${hit.limit} paths (${family})`,
    )
  }

  private withoutDisabled(r: UpdateRoutes): UpdateRoutes {
    const keep = (x: { afi: number; safi: number }) => !this.disabled.has(familyKey(x.afi, x.safi))
    return { ...r, announce: r.announce.filter(keep), withdraw: r.withdraw.filter(keep) }
  }

  /** RFC 7606 §2 AFI/SAFI disable: the family's routes go, and later UPDATEs of it are ignored. */
  private disable(key: FamilyKey, d: DecodeResult): void {
    this.disabled.add(key)
    const reason = d.problems.find((p) => p.action === 'afi-safi-disable')?.reason
    this.log.warn('family disabled', { family: familyNameOfKey(key), reason })
    this.removeFamilies([key])
  }

  // --- graceful restart and route removal ------------------------------------------

  private onGrTimer(name: GrTimer): void {
    if (name === 'restart') this.grStep({ type: 'restart-timer-expired' })
    else if (name === 'stale') this.grStep({ type: 'stale-timer-expired' })
    else this.grStep({ type: 'llgr-timer-expired', family: Number(name.slice(5)) })
  }

  private grStep(e: GrEvent): void {
    const r = grStep(this.gr, e, this.grOptions)
    this.gr = r.state
    if (r.actions.length) {
      this.log.debug('graceful restart', { event: e.type, actions: r.actions.map((a) => a.type).join(',') })
    }
    let changed = false
    for (const a of r.actions) {
      switch (a.type) {
        case 'start-timer':
          this.grTimers.start(a.timer, a.seconds)
          break
        case 'stop-timer':
          this.grTimers.stop(a.timer)
          break
        case 'remove-all':
          this.removeFamilies(a.families)
          changed = true
          break
        case 'mark-stale': {
          const names = a.families.map(familyNameOfKey)
          const marked =
            a.level === 'gr'
              ? this.deps.rib.markStale(this.ribPeer, names)
              : this.deps.rib.markLlgrStale(this.ribPeer, names, (b) => this.emitSynthetic(b))
          this.log.info('routes kept as stale', { families: names.join(','), level: a.level, paths: marked })
          changed = true
          break
        }
        case 'remove-stale': {
          const names = a.families.map(familyNameOfKey)
          const n = this.deps.rib.sweepStale(this.ribPeer, names, (b) => this.emitSynthetic(b))
          if (n) this.log.info('stale routes removed', { families: names.join(','), paths: n })
          changed = true
          break
        }
      }
    }
    if (changed) this.pathTotal = this.deps.rib.count(this.ribPeer).paths
  }

  private removeFamilies(families: readonly FamilyKey[]): void {
    let n = 0
    for (const batch of this.deps.rib.withdraw(this.ribPeer, { families: families.map(familyNameOfKey) })) {
      n += batch.nlri.length
      this.emitSynthetic(batch)
    }
    if (n) this.log.info('routes removed', { families: families.map(familyNameOfKey).join(','), paths: n })
    this.pathTotal = this.deps.rib.count(this.ribPeer).paths
  }

  private emitSynthetic(batch: RemovedRoutes): void {
    if (!this.deps.bus.active) return
    const ctx = this.hooks.context() ?? DEFAULT_CONTEXT
    for (const w of withdrawalMessages(batch, ctx)) {
      this.deps.bus.publish({
        type: 'message',
        ...this.hooks.origin(),
        direction: 'received',
        raw: w.raw,
        message: w.message,
        context: ctx,
        routes: {
          announce: [],
          withdraw: [{ family: batch.family, afi: batch.afi, safi: batch.safi, nlri: w.nlri }],
          // A withdrawal has no attributes: the same empty set the fast path leaves.
          attributes: UNDECODED_ATTRIBUTES,
          disabled: [],
          treatedAsWithdraw: false,
        },
        problems: [],
        synthetic: true,
      })
    }
  }
}
