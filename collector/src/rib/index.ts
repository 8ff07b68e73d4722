// The Adj-RIB-In: every path every peer sent, per peer, per family, per path
// id (RFC 4271 §3.2, RFC 7911), with the attribute sets interned by their raw
// bytes and a prefix index across peers for looking-glass lookups. This file
// is the RIB's public surface; everything outside rib/ imports from here.
//
// Input is what a session decodes: `updateRoutes(update, problems, ctx)` from
// bgp/ (treat-as-withdraw and afi-safi-disable already applied) together with
// the UPDATE's raw octets, the whole message as received; or, for an UPDATE
// the session's fast path found clean, the octets alone (`applyRaw`: plain IP
// prefixes go from the wire into the index without becoming objects or text).
// The raw octets may point into a socket buffer: the RIB copies the attribute
// bytes it keeps into its own storage and never holds on to the given array.
//
// Keys. IP families (unicast, multicast, labeled) are keyed by the prefix
// with its host bits cleared: 10.1.2.3/8 from a peer is stored, listed and
// withdrawn as 10.0.0.0/8 (the index needs one canonical key; RFC 4271 §4.3
// leaves the trailing bits undefined). VPN families (SAFI 128, 129) are keyed
// by route distinguisher and masked prefix, "RD prefix" as their codec's key,
// and are indexed under their RD. Every other family (EVPN, FlowSpec,
// BGP-LS, RTC, families carried raw…) is keyed by `familyCodec(afi, safi).key(nlri)`.
// A path is identified by (peer, family, key, path id); no path id counts as 0.
//
// Memory. Paths, prefixes and attribute sets live in typed arrays, not in one
// JS object per path (rib/pool.ts): per path 8 octets (12 with a path id, 4
// more in families that keep the NLRI object) in one list per prefix shared by
// all peers, except a prefix's only path, kept in its index record; per prefix
// an index record (16 octets IPv4, 28 IPv6), a hash slot, and an entry in the
// ordered index (8 octets IPv4, 20 IPv6, in blocks ~70% full), which is built
// when a walk first needs it (prefix-index.ts); per distinct attribute set its
// bytes plus ~26 octets. Storage that churn leaves free is compacted. Query
// results are built on demand. With the synthetic full table (bench/rib.ts,
// the order built) this is ~70 octets per path with one peer and ~53 with
// four, where attribute sets are most of it.

import type { CodecContext, FamilyNlri, Nlri, RouteAttributes, UpdateRoutes } from '../bgp/index.ts'
import { SET_ASN4, SET_HEADER } from './attribute-sets.ts'
import { AdjRibIn } from './rib.ts'

/** A peer's small integer handle in this RIB (see `Rib.peer`). */
export type PeerId = number

/**
 * An interned attribute set in a query result: the RIB keeps one copy of each
 * distinct (4-octet AS flag, next hop, attribute section), shared by every
 * path that carries it. The handle copies the bytes out on first use (and then
 * keeps them); read it before the set is released (its last path withdrawn),
 * or that first use throws a RangeError. Query results are meant to be used
 * at once, as the looking glass and sinks do.
 */
export interface AttributeSet {
  /** The set's number in the RIB; stable while any path refers to it, reused after. */
  readonly id: number
  /** The session had 4-octet AS numbers (RFC 6793): how AS_PATH and AGGREGATOR are laid out in `raw`. */
  readonly asn4: boolean
  /**
   * The family's next hop octets as received: NEXT_HOP's value for the IPv4
   * NLRI field, MP_REACH_NLRI's next hop field otherwise (RFC 4760 §3).
   */
  readonly nextHopRaw: Uint8Array
  /**
   * The next hop as text, from its length: 4 octets IPv4, 16 IPv6, 32 IPv6
   * global + link-local (RFC 2545), 12/24/48 the same after an RD (RFC 4364,
   * RFC 4659; a zero RD is dropped, any other is written "RD address"), 0 none;
   * any other length one "0x…" hex string.
   */
  readonly nextHop: readonly string[]
  /**
   * The path attribute section as received, without MP_REACH_NLRI and
   * MP_UNREACH_NLRI (and with NEXT_HOP when the peer sent one): what MRT and
   * BMP exports re-emit, with the next hop, for each family.
   */
  readonly raw: Uint8Array
  /** The attributes decoded (as `routeAttributes` does), on first use; cached by the RIB. */
  readonly attributes: RouteAttributes
}

/** One path of one peer. */
export interface RibRoute {
  readonly peer: PeerId
  readonly family: string
  /** The route's key in its family (see the top of this file). */
  readonly key: string
  /** IP and VPN families: the masked prefix. */
  readonly prefix?: string
  /** VPN families: the route distinguisher (wire/rd.ts text). */
  readonly rd?: string
  /** RFC 7911 path identifier, when the peer sent one. */
  readonly pathId?: number
  /**
   * The NLRI: as received for families that carry more than their key
   * (labels, EVPN fields…), rebuilt from the masked prefix for plain IP families.
   */
  readonly nlri: Nlri
  readonly attributes: AttributeSet
  /** Graceful restart (RFC 4724 §4.2): not refreshed since the peer's session went down. */
  readonly stale: boolean
  /** Long-lived graceful restart (RFC 9494 §4.3): kept as LLGR_STALE. */
  readonly llgrStale: boolean
}

/** Every path, of every peer, for one key of one family. Routes are ordered by peer, then path id. */
export interface RibEntry {
  readonly family: string
  readonly key: string
  readonly prefix?: string
  readonly rd?: string
  readonly routes: readonly RibRoute[]
}

/** What one `apply` changed. */
export interface ApplyResult {
  /** Paths the peer had not sent before. */
  readonly added: number
  /** Paths that replaced one the peer had sent (an implicit withdraw, RFC 4271 §3.1), changed or not. */
  readonly replaced: number
  /** Paths removed by withdrawals. */
  readonly withdrawn: number
  /** Withdrawals of paths the RIB did not hold (counted, otherwise ignored). */
  readonly unknown: number
}

/** A run of withdrawals of one peer in one family, as an UPDATE would carry them. */
export interface WithdrawalBatch extends FamilyNlri {
  readonly peer: PeerId
}

export interface WithdrawOptions {
  /** Only these families (names); default every family. */
  readonly families?: readonly string[]
  /** Only paths marked stale or LLGR-stale (a graceful-restart sweep). */
  readonly staleOnly?: boolean
  /** NLRI per batch (default 1000). */
  readonly batchSize?: number
}

/** Paths and distinct keys of one peer in one family. */
export interface FamilyCount {
  readonly family: string
  readonly paths: number
  readonly prefixes: number
  /** Paths marked stale or LLGR-stale. */
  readonly stale: number
}

export interface ListOptions {
  /** One family (name); default every family, in family-number order. */
  readonly family?: string
  /** Routes per page (default 1000). */
  readonly limit?: number
  /** Where the previous page ended (`RibPage.cursor`). */
  readonly cursor?: string
}

export interface RibPage {
  readonly routes: readonly RibRoute[]
  /** Pass back to get the next page; absent on the last page. */
  readonly cursor?: string
}

export interface LookupOptions {
  /** VPN families: the route distinguisher to look under (required for them). */
  readonly rd?: string
}

export interface RangeOptions extends LookupOptions {
  /** Include the prefix itself (default true). */
  readonly includeSelf?: boolean
}

export interface RibStats {
  readonly peers: number
  readonly paths: number
  /** Distinct keys over all families. */
  readonly prefixes: number
  readonly attributeSets: number
  /** Octets of interned attribute bytes. */
  readonly attributeBytes: number
  /** Octets the RIB's typed arrays take (allocated, used or free). */
  readonly storageBytes: number
  readonly families: readonly { readonly family: string; readonly paths: number; readonly prefixes: number }[]
}

/**
 * The exporters' walk over one family, key by key in key order (VPN: by RD,
 * then prefix; other non-IP families: by key text), reading the RIB in place:
 * the fields and accessors describe the key being visited and are valid only
 * inside `run`'s visitor. `run` visits keys from where the last run stopped
 * until the visitor returns false (after that key) or the family ends; the
 * RIB may change between runs (see scan.ts for what a walk then sees).
 */
export interface RibScan {
  readonly family: string
  readonly afi: number
  readonly safi: number
  /** Every key has been visited. */
  readonly done: boolean
  /**
   * Does up to `ms` milliseconds of the work the walk must do before its
   * first key (after a table transfer, putting the family's keys in order:
   * some 100 ms per million); true when `run` would start at once. Call it
   * between pauses until true, or let the first `run` do it all.
   */
  prepare(ms: number): boolean
  /** Visits keys until `visit` returns false or the family ends; true when it ended. */
  run(visit: (scan: RibScan) => boolean): boolean
  /** IP and VPN families: the prefix length in bits. */
  readonly prefixLength: number
  /** IP and VPN families: the address octets (4 of IPv4, 16 of IPv6), host bits clear. */
  readonly address: Uint8Array
  /** VPN families: the route distinguisher's octets. */
  readonly rd: Uint8Array
  /** Other families: the key text (as in RibRoute.key). */
  readonly keyText: string
  /** Paths of the key, every peer's (ordered by peer, then path id). */
  readonly paths: number
  peer(i: number): PeerId
  pathId(i: number): number | undefined
  /** Stale or LLGR-stale. */
  stale(i: number): boolean
  /** The path's attribute set id (as AttributeSet.id). */
  setId(i: number): number
  /**
   * The set's octets as stored, a view into the RIB: flags (1: 4-octet AS),
   * next hop length, next hop, then the attribute section (AttributeSet.raw);
   * see setAsn4, setNextHop and setAttributesStart.
   */
  set(i: number): Uint8Array
  /** Families that keep more than their key (labels, EVPN fields…): the NLRI as received. */
  nlri(i: number): Nlri | undefined
}

/** A set's octets (RibScan.set): the session had 4-octet AS numbers. */
export function setAsn4(set: Uint8Array): boolean {
  return (set[0]! & SET_ASN4) !== 0
}

/** A set's octets: where the next hop starts (it ends at setAttributesStart). */
export const SET_NEXT_HOP_START = SET_HEADER

/** A set's octets: where the attribute section starts (it ends with the set). */
export function setAttributesStart(set: Uint8Array): number {
  return SET_HEADER + set[1]!
}

export interface RibOptions {
  /** Decoded attribute sets kept for lookups (default 65536). */
  readonly attributeCacheSize?: number
}

export interface Rib {
  /** The handle of a peer by name (the session uses the peer's address), registered on first use. */
  peer(name: string): PeerId
  peerName(peer: PeerId): string | undefined
  /** Registered peers. */
  peers(): readonly PeerId[]
  /** Forgets a peer's registration (its id may be reused); it must hold no paths (RangeError otherwise). */
  forgetPeer(peer: PeerId): void

  /**
   * Applies one UPDATE of a peer: withdrawals first, then announcements (RFC
   * 4271 §4.3: a prefix in both is announced). `raw` is the whole message as
   * received; `ctx.asn4` is the session's. End-of-RIB and `disabled` families
   * are for the session to act on (`sweepStale`, `withdraw` with `families`).
   */
  apply(peer: PeerId, routes: UpdateRoutes, raw: Uint8Array, ctx: Pick<CodecContext, 'asn4'>): ApplyResult
  /**
   * The same as `apply` with the routes `updateRoutes` would give, read from
   * the octets: for an UPDATE the codec finds clean (no problems at all; the
   * session's fast path, session/lean-update.ts, vouches for that) with the
   * session's context. Plain IP unicast and multicast prefixes go into the
   * RIB without becoming NLRI objects or text; other families are decoded by
   * their codec. RangeError if the NLRI do not parse.
   */
  applyRaw(peer: PeerId, raw: Uint8Array, ctx: Pick<CodecContext, 'asn4' | 'addPath'>): ApplyResult

  /** Every path for exactly this prefix (host bits ignored). */
  exact(family: string, prefix: string, options?: LookupOptions): RibEntry | undefined
  /** The longest prefix that covers an address ("192.0.2.1") or a prefix. */
  longest(family: string, addressOrPrefix: string, options?: LookupOptions): RibEntry | undefined
  /** The prefix and everything inside it, in address order (lazy: take what you need, before changing the RIB). */
  moreSpecifics(family: string, prefix: string, options?: RangeOptions): IterableIterator<RibEntry>
  /** The prefixes covering this one, shortest first (the prefix itself last, if held and included). */
  lessSpecifics(family: string, prefix: string, options?: RangeOptions): RibEntry[]
  /** Any family: the entry for a key as `familyCodec(afi, safi).key(nlri)` makes it (IP families: a prefix). */
  get(family: string, key: string): RibEntry | undefined
  /** Every entry of a family in key order (VPN: by RD, then prefix; other non-IP families: by key text). */
  entries(family: string): IterableIterator<RibEntry>
  /** Families holding at least one path, in family-number order. */
  families(): string[]

  /**
   * A page of a peer's routes in a stable order (family number, key order as
   * in `entries`, path id). The cursor is resumable across changes: a route
   * held throughout a listing is returned exactly once.
   */
  list(peer: PeerId, options?: ListOptions): RibPage
  /** Walks a family key by key for exporters (only the keys where `peer` has paths, if given). */
  scan(family: string, peer?: PeerId): RibScan
  /**
   * Upkeep between events: does up to `ms` milliseconds of the ordering work
   * walks (looking-glass ranges, listings, dumps) need after a table
   * transfer, so that none of them pays it at once; true when none is left.
   * While many new keys keep arriving (a transfer in progress, which would
   * undo the work) it does nothing and returns false.
   */
  prepareWalks(ms: number): boolean
  /** Per family counts for a peer (families with paths only). */
  counts(peer: PeerId): FamilyCount[]
  /** Paths and prefixes of a peer, in one family or in all. */
  count(peer: PeerId, family?: string): { readonly paths: number; readonly prefixes: number }

  /** Graceful restart (RFC 4724 §4.2): marks the peer's paths (in these families, default all) stale; returns how many. */
  markStale(peer: PeerId, families?: readonly string[]): number
  /**
   * Long-lived GR (RFC 9494 §4.2): marks the paths LLGR-stale (and stale).
   * Paths carrying the NO_LLGR community (65535:7) are removed instead, reported
   * through `onBatch`. Returns how many were marked.
   */
  markLlgrStale(
    peer: PeerId,
    families?: readonly string[],
    onBatch?: (batch: WithdrawalBatch) => void,
  ): number
  /**
   * Removes the peer's paths that are still stale (End-of-RIB, or the restart
   * or stale timer expired), reporting them through `onBatch`; returns how many.
   * A re-announced path is no longer stale.
   */
  sweepStale(peer: PeerId, families?: readonly string[], onBatch?: (batch: WithdrawalBatch) => void): number
  /** Session down without GR: removes every path of the peer, reporting the withdrawals; returns how many. */
  removePeer(peer: PeerId, onBatch?: (batch: WithdrawalBatch) => void): number
  /**
   * Removes paths of a peer as it is iterated, one batch at a time, so a
   * million withdrawals never sit in one array. Each path is reported exactly
   * once. Use it to its end (or `return()` it) before changing that peer again.
   */
  withdraw(peer: PeerId, options?: WithdrawOptions): IterableIterator<WithdrawalBatch>

  /** The attribute set of an id, or undefined if no path holds it. */
  attributeSet(id: number): AttributeSet | undefined
  stats(): RibStats
}

export function createRib(options: RibOptions = {}): Rib {
  return new AdjRibIn(options) as unknown as Rib
}
