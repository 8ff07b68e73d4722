// The subscription index: which sockets want an event, without looking at
// every subscription. Each subscription is filed under its most selective
// field — prefix (a trie per family), else peer, else an ASN its path pattern
// requires, else its type when not UPDATE, else host, else type UPDATE, else
// the catch-all list — and an event looks up only the entries its own facts
// name (its prefixes, its peer, each ASN of its path, its type, its host). A
// candidate is then checked on its remaining fields. A subscription that
// cannot match an event is never touched, so idle subscribers cost nothing
// per message; the cost follows the subscribers that match.

import type { EventPrefix, Outgoing } from './outgoing.ts'
import { matchPath, patternKeyAsn } from './path-pattern.ts'
import { SubscriptionTrie, type TriePrefix } from './prefix-trie.ts'
import type { RisType, Subscription } from './subscription.ts'

export interface IndexedClient {
  /** The last match round that picked this client (dedupes several matching subscriptions). */
  mark: number
  /** The client's frame variant (which data its `require` reads). */
  readonly variant: number
  readonly includeAll: boolean
}

export interface Entry<C extends IndexedClient> {
  readonly sub: Subscription
  readonly client: C
}

type Slot =
  | { readonly kind: 'prefix' }
  | { readonly kind: 'peer'; readonly key: string }
  | { readonly kind: 'asn'; readonly key: number }
  | { readonly kind: 'type'; readonly key: RisType }
  | { readonly kind: 'host'; readonly key: string }
  | { readonly kind: 'rest' }

function slotOf(s: Subscription): Slot {
  if (s.prefix) return { kind: 'prefix' }
  if (s.peer) return { kind: 'peer', key: s.peer }
  const asn = s.path ? patternKeyAsn(s.path) : undefined
  if (asn !== undefined) return { kind: 'asn', key: asn }
  if (s.type && s.type !== 'UPDATE') return { kind: 'type', key: s.type }
  if (s.host) return { kind: 'host', key: s.host }
  if (s.type) return { kind: 'type', key: s.type }
  return { kind: 'rest' }
}

function bitsEqual(a: Uint8Array, b: Uint8Array, n: number): boolean {
  const whole = n >> 3
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false
  const rest = n & 7
  if (!rest) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (a[whole]! & mask) === (b[whole]! & mask)
}

/** Whether an event prefix matches a subscription's prefix with its more/less-specific flags. */
export function prefixMatches(s: Subscription, p: EventPrefix): boolean {
  const q = s.prefix!
  if (q.v6 !== p.v6) return false
  if (p.length === q.length) return bitsEqual(p.address, q.address, q.length)
  if (p.length > q.length) return s.moreSpecific && bitsEqual(p.address, q.address, q.length)
  return s.lessSpecific && bitsEqual(p.address, q.address, p.length)
}

/** Every field of a subscription but its prefix. */
export function matchesFields(s: Subscription, o: Outgoing, variant: number): boolean {
  if (s.type !== undefined && s.type !== o.type) return false
  if (s.host !== undefined && s.host !== o.host) return false
  if (s.peer !== undefined && s.peer !== o.peer) return false
  if (s.path !== undefined) {
    const path = o.path()
    // A path filter matches only UPDATEs that carry a path, whichever way it points.
    if (!path.length || !matchPath(s.path, path)) return false
  }
  if (s.require !== undefined && !o.hasKey(s.require, variant)) return false
  return true
}

/** The whole subscription, prefix included (used where there is no index: resume). */
export function matchesSubscription(s: Subscription, o: Outgoing, variant: number): boolean {
  if (s.prefix) {
    let any = false
    for (const p of o.prefixes()) if ((any = prefixMatches(s, p))) break
    if (!any) return false
  }
  return matchesFields(s, o, variant)
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let set = m.get(k)
  if (!set) m.set(k, (set = new Set()))
  set.add(v)
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const set = m.get(k)
  if (!set) return
  set.delete(v)
  if (!set.size) m.delete(k)
}

export class FilterIndex<C extends IndexedClient> {
  private readonly trie4 = new SubscriptionTrie<Entry<C>>()
  private readonly trie6 = new SubscriptionTrie<Entry<C>>()
  private readonly byPeer = new Map<string, Set<Entry<C>>>()
  private readonly byAsn = new Map<number, Set<Entry<C>>>()
  private readonly byType = new Map<RisType, Set<Entry<C>>>()
  private readonly byHost = new Map<string, Set<Entry<C>>>()
  private readonly rest = new Set<Entry<C>>()
  private round = 0
  size = 0

  add(e: Entry<C>): void {
    const slot = slotOf(e.sub)
    switch (slot.kind) {
      case 'prefix': {
        const p = e.sub.prefix!
        ;(p.v6 ? this.trie6 : this.trie4).add(p as TriePrefix, {
          value: e,
          moreSpecific: e.sub.moreSpecific,
          lessSpecific: e.sub.lessSpecific,
        })
        break
      }
      case 'peer':
        addTo(this.byPeer, slot.key, e)
        break
      case 'asn':
        addTo(this.byAsn, slot.key, e)
        break
      case 'type':
        addTo(this.byType, slot.key, e)
        break
      case 'host':
        addTo(this.byHost, slot.key, e)
        break
      case 'rest':
        this.rest.add(e)
        break
    }
    this.size++
  }

  remove(e: Entry<C>): void {
    const slot = slotOf(e.sub)
    switch (slot.kind) {
      case 'prefix': {
        const p = e.sub.prefix!
        ;(p.v6 ? this.trie6 : this.trie4).remove(p as TriePrefix, {
          value: e,
          moreSpecific: e.sub.moreSpecific,
          lessSpecific: e.sub.lessSpecific,
        })
        break
      }
      case 'peer':
        removeFrom(this.byPeer, slot.key, e)
        break
      case 'asn':
        removeFrom(this.byAsn, slot.key, e)
        break
      case 'type':
        removeFrom(this.byType, slot.key, e)
        break
      case 'host':
        removeFrom(this.byHost, slot.key, e)
        break
      case 'rest':
        this.rest.delete(e)
        break
    }
    this.size--
  }

  /** The match running (match() is not reentrant); fields, not closures made per event. */
  private event: Outgoing | undefined
  private visit: ((c: C) => void) | undefined
  private readonly checkPrefixed = (e: Entry<C>): void => this.check(e, true)

  private check(e: Entry<C>, prefixDone: boolean): void {
    const c = e.client
    if (c.mark === this.round) return
    const o = this.event!
    if (o.allOnly && !c.includeAll) return
    if (!prefixDone && e.sub.prefix) return
    if (!matchesFields(e.sub, o, c.variant)) return
    c.mark = this.round
    this.visit!(c)
  }

  /** Calls `visit` once for every client with a subscription matching the event. */
  match(o: Outgoing, visit: (c: C) => void): void {
    this.round++
    this.event = o
    this.visit = visit
    try {
      this.matchAll(o)
    } finally {
      this.event = undefined
      this.visit = undefined
    }
  }

  private matchAll(o: Outgoing): void {
    if (o.type === 'UPDATE' && (this.trie4.size || this.trie6.size)) {
      for (const p of o.prefixes()) {
        const t = p.v6 ? this.trie6 : this.trie4
        if (t.size) t.match(p, this.checkPrefixed)
      }
    }
    if (this.byPeer.size) {
      const set = this.byPeer.get(o.peer)
      if (set) for (const e of set) this.check(e, false)
    }
    if (this.byAsn.size && o.type === 'UPDATE') {
      for (const a of o.pathAsns()) {
        const set = this.byAsn.get(a)
        if (set) for (const e of set) this.check(e, false)
      }
    }
    if (this.byType.size) {
      const set = this.byType.get(o.type)
      if (set) for (const e of set) this.check(e, false)
    }
    if (this.byHost.size) {
      const set = this.byHost.get(o.host)
      if (set) for (const e of set) this.check(e, false)
    }
    for (const e of this.rest) this.check(e, false)
  }
}
