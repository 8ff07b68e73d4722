// The Adj-RIB-In behind index.ts: peers, one FamilyTable per family, the
// interned attribute sets, and the operations sessions and the looking glass
// use. Query results (RibRoute, RibEntry, AttributeSet) are built on demand;
// nothing per path is a JS object except the NLRI that families with more
// than a key keep (family-table.ts).

import {
  type CodecContext,
  familyByName,
  familyCodec,
  familyName,
  type IpPrefixNlri,
  type Nlri,
  type UpdateRoutes,
  type VpnNlri,
} from '../bgp/index.ts'
import { reader, u32 } from '../wire/reader.ts'
import { AttributeSets } from './attribute-sets.ts'
import { type Cursor, decodeCursor, encodeCursor } from './cursor.ts'
import {
  FamilyTable,
  HAS_PATH_ID,
  LLGR_STALE,
  type RemovedPath,
  STALE,
  type TableKind,
} from './family-table.ts'
import type {
  ApplyResult,
  AttributeSet,
  FamilyCount,
  ListOptions,
  LookupOptions,
  PeerId,
  RangeOptions,
  RibEntry,
  RibOptions,
  RibPage,
  RibRoute,
  RibStats,
  WithdrawalBatch,
  WithdrawOptions,
} from './index.ts'
import { formatPrefixWords, formatRdWords, parsePrefixInto, parseRdInto, readPrefixInto } from './keys.ts'
import type { PrefixIndex } from './prefix-index.ts'
import { SetBuilder } from './raw-update.ts'
import { FamilyScan } from './scan.ts'
import { hasNoLlgr, SetHandle } from './set-handle.ts'

const MAX_PEERS = 1 << 24
const V4_UNICAST = 1 * 256 + 1
/** New keys between two prepareWalks() calls beyond which a table transfer is taken to be under way. */
const QUIET_KEYS = 1024

/** The NLRI of one field decoded by the family's codec; RangeError if they do not parse. */
function decodeField(
  afi: number,
  safi: number,
  raw: Uint8Array,
  start: number,
  end: number,
  addPath: boolean,
  withdraw: boolean,
): Nlri[] {
  // As the codec's NLRI list does (bgp/nlri/nlri-list.ts): an opaque family is one NLRI.
  const codec = familyCodec(afi, safi)
  const r = reader(raw, start, end)
  const out: Nlri[] = []
  try {
    if (codec.opaque) {
      if (r.pos < r.end) out.push(codec.decode(r, undefined, withdraw))
      return out
    }
    while (r.pos < r.end) out.push(codec.decode(r, addPath ? u32(r) : undefined, withdraw))
    return out
  } catch (e) {
    throw new RangeError(`rib: ${familyName(afi, safi)} NLRI do not parse: ${(e as Error).message}`)
  }
}

function tableKind(afi: number, safi: number): TableKind {
  if ((afi === 1 || afi === 2) && !familyCodec(afi, safi).opaque) {
    if (safi === 1 || safi === 2 || safi === 4) return 'ip'
    if (safi === 128 || safi === 129) return 'vpn'
  }
  return 'map'
}

interface NodeInfo {
  readonly key: string
  readonly prefix: string | undefined
  readonly rd: string | undefined
  /** Plain IP families: the NLRI of the paths without a path id, shared. */
  readonly nlri: IpPrefixNlri | undefined
}

export class AdjRibIn {
  private readonly sets: AttributeSets
  private readonly tables = new Map<number, FamilyTable>()
  private sortedTables: FamilyTable[] = []
  private readonly builder = new SetBuilder()
  private readonly names: (string | undefined)[] = []
  private readonly byName = new Map<string, PeerId>()
  private readonly spareIds: PeerId[] = []
  private readonly scratch = new Uint32Array(6)
  /** What readPrefix read besides the prefix. */
  private nlriPathId = 0
  private nlriNext = 0
  /** New keys over all families at the last prepareWalks(). */
  private keysAdded = 0
  // What the UPDATE being applied did (see ApplyResult).
  private added = 0
  private replaced = 0
  private withdrawn = 0
  private unknown = 0

  constructor(options: RibOptions) {
    this.sets = new AttributeSets(options.attributeCacheSize ?? 65536)
  }

  // Peers.

  peer(name: string): PeerId {
    let id = this.byName.get(name)
    if (id !== undefined) return id
    id = this.spareIds.pop() ?? this.names.length
    if (id >= MAX_PEERS) throw new RangeError('rib: too many peers')
    this.names[id] = name
    this.byName.set(name, id)
    return id
  }

  peerName(peer: PeerId): string | undefined {
    return this.names[peer]
  }

  peers(): readonly PeerId[] {
    const out: PeerId[] = []
    for (let i = 0; i < this.names.length; i++) if (this.names[i] !== undefined) out.push(i)
    return out
  }

  forgetPeer(peer: PeerId): void {
    const name = this.checkPeer(peer)
    if (this.count(peer).paths) throw new RangeError(`rib: peer ${name} still has paths`)
    for (const t of this.sortedTables) t.bits[peer] = undefined
    this.names[peer] = undefined
    this.byName.delete(name)
    this.spareIds.push(peer)
  }

  private checkPeer(peer: PeerId): string {
    const name = this.names[peer]
    if (name === undefined) throw new RangeError(`rib: no peer ${peer}`)
    return name
  }

  // Updates.

  private table(afi: number, safi: number): FamilyTable {
    const key = afi * 256 + safi
    let t = this.tables.get(key)
    if (!t) {
      t = new FamilyTable(familyName(afi, safi), afi, safi, tableKind(afi, safi), familyCodec(afi, safi))
      this.tables.set(key, t)
      this.sortedTables = [...this.tables.values()].sort((a, b) => a.key - b.key)
    }
    return t
  }

  /** The node of an NLRI in t (added with `insert`), 0 if absent; RangeError if it is not of t's shape. */
  private locate(t: FamilyTable, nlri: Nlri, insert: boolean): number {
    if (t.kind === 'map') {
      const key = t.codec.key(nlri)
      return insert ? t.insertKey(key) : t.map!.find(key)
    }
    const qk = t.trie!.qk
    let len: number
    const prefix = (nlri as Partial<IpPrefixNlri>).prefix
    if (typeof prefix !== 'string') len = -1
    else if (t.kind === 'ip') len = parsePrefixInto(prefix, t.v6, qk, 0)
    else {
      const rd = (nlri as Partial<VpnNlri>).rd
      len = typeof rd === 'string' && parseRdInto(rd, qk) ? parsePrefixInto(prefix, t.v6, qk, 2) : -1
      if (len >= 0) len += 64
    }
    if (len < 0) throw new RangeError(`rib: ${t.family} NLRI without a valid prefix: ${JSON.stringify(nlri)}`)
    return insert ? t.insertPrefix(len) : t.trie!.find(len)
  }

  apply(peer: PeerId, routes: UpdateRoutes, raw: Uint8Array, ctx: Pick<CodecContext, 'asn4'>): ApplyResult {
    this.checkPeer(peer)
    this.startCount()
    for (const w of routes.withdraw) {
      const t = this.tables.get(w.afi * 256 + w.safi)
      if (!t) this.unknown += w.nlri.length
      else this.withdrawNlri(t, peer, w.nlri)
    }
    if (routes.announce.length) {
      const b = this.builder
      b.load(raw)
      try {
        for (let i = 0; i < routes.announce.length; i++) {
          const a = routes.announce[i]!
          const fromField = i === 0 && a.afi === 1 && a.safi === 1 && b.hasNlriField
          const set = this.sets.intern(b.scratch, b.build(ctx.asn4, fromField), b.end)
          try {
            this.announceNlri(this.table(a.afi, a.safi), peer, a.nlri, set)
          } finally {
            this.sets.releaseIfUnused(set)
          }
        }
      } finally {
        b.clear()
      }
    }
    this.tidy()
    return this.result()
  }

  applyRaw(peer: PeerId, raw: Uint8Array, ctx: Pick<CodecContext, 'asn4' | 'addPath'>): ApplyResult {
    this.checkPeer(peer)
    this.startCount()
    const b = this.builder
    b.load(raw)
    try {
      if (b.withdrawnEnd > b.withdrawnStart) {
        this.withdrawField(peer, 1, 1, raw, b.withdrawnStart, b.withdrawnEnd, ctx.addPath.has(V4_UNICAST))
      }
      if (b.unreachEnd > b.unreachStart) {
        const addPath = ctx.addPath.has(b.unreachAfi * 256 + b.unreachSafi)
        this.withdrawField(peer, b.unreachAfi, b.unreachSafi, raw, b.unreachStart, b.unreachEnd, addPath)
      }
      if (b.nlriEnd > b.nlriStart) {
        const addPath = ctx.addPath.has(V4_UNICAST)
        this.announceField(peer, 1, 1, raw, b.nlriStart, b.nlriEnd, addPath, ctx.asn4, true)
      }
      if (b.reachEnd > b.reachStart) {
        const addPath = ctx.addPath.has(b.reachAfi * 256 + b.reachSafi)
        this.announceField(
          peer,
          b.reachAfi,
          b.reachSafi,
          raw,
          b.reachStart,
          b.reachEnd,
          addPath,
          ctx.asn4,
          false,
        )
      }
    } finally {
      b.clear()
    }
    this.tidy()
    return this.result()
  }

  private startCount(): void {
    this.added = 0
    this.replaced = 0
    this.withdrawn = 0
    this.unknown = 0
  }

  private result(): ApplyResult {
    return { added: this.added, replaced: this.replaced, withdrawn: this.withdrawn, unknown: this.unknown }
  }

  private withdrawNlri(t: FamilyTable, peer: PeerId, nlri: readonly Nlri[]): void {
    for (const x of nlri) this.withdrawAt(t, this.locate(t, x, false), peer, x.pathId ?? 0)
  }

  private withdrawAt(t: FamilyTable, n: number, peer: PeerId, pathId: number): void {
    const set = n === 0 ? 0 : t.remove(n, peer, pathId)
    if (set === 0) this.unknown++
    else {
      this.sets.release(set)
      this.withdrawn++
    }
  }

  /** Adds the NLRI with the interned set (each path takes a reference). */
  private announceNlri(t: FamilyTable, peer: PeerId, nlri: readonly Nlri[], set: number): void {
    const keep = t.keepNlri
    for (const x of nlri) {
      const pathId = x.pathId
      this.putAt(
        t,
        this.locate(t, x, true),
        peer,
        pathId ?? 0,
        pathId !== undefined,
        set,
        keep ? x : undefined,
      )
    }
  }

  private putAt(
    t: FamilyTable,
    n: number,
    peer: PeerId,
    pathId: number,
    hasPathId: boolean,
    set: number,
    nlri: Nlri | undefined,
  ): void {
    this.sets.retain(set)
    const old = t.put(n, peer, pathId, hasPathId, set, nlri)
    if (old === 0) this.added++
    else {
      this.sets.release(old)
      this.replaced++
    }
  }

  /** Withdrawn routes of a family read from raw[start..end): plain IP prefixes in place, others decoded. */
  private withdrawField(
    peer: PeerId,
    afi: number,
    safi: number,
    raw: Uint8Array,
    start: number,
    end: number,
    addPath: boolean,
  ): void {
    const t = this.tables.get(afi * 256 + safi)
    if (t === undefined) {
      this.unknown += decodeField(afi, safi, raw, start, end, addPath, true).length
      return
    }
    if (t.kind !== 'ip' || t.keepNlri) {
      this.withdrawNlri(t, peer, decodeField(afi, safi, raw, start, end, addPath, true))
      return
    }
    const trie = t.trie!
    for (let p = start; p < end; p = this.nlriNext) {
      const bits = this.readPrefix(raw, p, end, addPath, trie)
      this.withdrawAt(t, trie.find(bits), peer, this.nlriPathId)
    }
  }

  /**
   * Reads the plain IP NLRI at raw[p..end): its prefix into trie.qk, its path
   * id (0 without ADD-PATH) into nlriPathId and the offset after it into
   * nlriNext; returns its length in bits. RangeError if it overruns the field.
   */
  private readPrefix(raw: Uint8Array, p: number, end: number, addPath: boolean, trie: PrefixIndex): number {
    let pathId = 0
    if (addPath) {
      if (p + 4 > end) throw new RangeError('rib: NLRI path identifier overruns its field')
      pathId = ((raw[p]! << 24) | (raw[p + 1]! << 16) | (raw[p + 2]! << 8) | raw[p + 3]!) >>> 0
      p += 4
    }
    const bits = raw[p]!
    this.nlriNext = readPrefixInto(raw, p + 1, end, bits, trie.qk, trie.words)
    this.nlriPathId = pathId
    return bits
  }

  /** Routes of a family read from raw[start..end) with the family's attribute set: plain IP prefixes in place, others decoded. */
  private announceField(
    peer: PeerId,
    afi: number,
    safi: number,
    raw: Uint8Array,
    start: number,
    end: number,
    addPath: boolean,
    asn4: boolean,
    fromField: boolean,
  ): void {
    const b = this.builder
    const set = this.sets.intern(b.scratch, b.build(asn4, fromField), b.end)
    try {
      const t = this.table(afi, safi)
      if (t.kind !== 'ip' || t.keepNlri) {
        this.announceNlri(t, peer, decodeField(afi, safi, raw, start, end, addPath, false), set)
        return
      }
      const trie = t.trie!
      for (let p = start; p < end; p = this.nlriNext) {
        const bits = this.readPrefix(raw, p, end, addPath, trie)
        this.putAt(t, trie.insert(bits), peer, this.nlriPathId, addPath, set, undefined)
      }
    } finally {
      this.sets.releaseIfUnused(set)
    }
  }

  /** Compacts storage that churn has left mostly free. */
  private tidy(): void {
    this.sets.tidy()
    for (const t of this.sortedTables) t.tidy()
  }

  // Lookups.

  private tableByName(family: string): { t: FamilyTable | undefined; afi: number; safi: number } {
    const key = familyByName(family)
    if (key === undefined) throw new RangeError(`rib: unknown family ${family}`)
    return { t: this.tables.get(key), afi: key >> 8, safi: key & 0xff }
  }

  /** Parses a lookup's prefix into the family's trie key; the table (if any) and the key length. */
  private query(
    family: string,
    text: string,
    rd: string | undefined,
    allowAddress: boolean,
  ): { t: FamilyTable | undefined; len: number } {
    const { t, afi, safi } = this.tableByName(family)
    const kind = tableKind(afi, safi)
    if (kind === 'map') throw new RangeError(`rib: ${family} has no prefix lookups (use get)`)
    const k = this.scratch
    const v6 = afi === 2
    let len: number
    if (kind === 'vpn') {
      if (rd === undefined) throw new RangeError(`rib: ${family} lookups need a route distinguisher`)
      if (!parseRdInto(rd, k)) throw new RangeError(`rib: not a route distinguisher: ${rd}`)
      len = parsePrefixInto(text, v6, k, 2, allowAddress)
      if (len >= 0) len += 64
    } else len = parsePrefixInto(text, v6, k, 0, allowAddress)
    if (len < 0)
      throw new RangeError(
        `rib: not an ${v6 ? 'IPv6' : 'IPv4'} ${allowAddress ? 'address or ' : ''}prefix: ${text}`,
      )
    if (t) t.trie!.qk.set(k.subarray(0, t.trie!.words))
    return { t, len }
  }

  exact(family: string, prefix: string, options: LookupOptions = {}): RibEntry | undefined {
    const { t, len } = this.query(family, prefix, options.rd, false)
    const n = t ? t.trie!.find(len) : 0
    return n === 0 ? undefined : this.entry(t!, n, new Map())
  }

  longest(family: string, addressOrPrefix: string, options: LookupOptions = {}): RibEntry | undefined {
    const { t, len } = this.query(family, addressOrPrefix, options.rd, true)
    if (!t) return undefined
    const found: number[] = []
    t.trie!.covering(len, found)
    return found.length ? this.entry(t, found[found.length - 1]!, new Map()) : undefined
  }

  moreSpecifics(family: string, prefix: string, options: RangeOptions = {}): IterableIterator<RibEntry> {
    const { t, len } = this.query(family, prefix, options.rd, false)
    return this.entriesBelow(
      t,
      t ? t.trie!.walkInside(len) : undefined,
      options.includeSelf === false ? len : -1,
    )
  }

  private *entriesBelow(
    t: FamilyTable | undefined,
    nodes: Iterable<number> | undefined,
    skipLen: number,
  ): Generator<RibEntry> {
    if (!t || !nodes) return
    const handles = new Map<number, SetHandle>()
    const trie = t.trie!
    for (const n of nodes) if (trie.lenOf(n) !== skipLen) yield this.entry(t, n, handles)
  }

  lessSpecifics(family: string, prefix: string, options: RangeOptions = {}): RibEntry[] {
    const { t, len } = this.query(family, prefix, options.rd, false)
    if (!t) return []
    const found: number[] = []
    t.trie!.covering(len, found)
    const handles = new Map<number, SetHandle>()
    const out: RibEntry[] = []
    for (const n of found)
      if (options.includeSelf !== false || t.trie!.lenOf(n) !== len) out.push(this.entry(t, n, handles))
    return out
  }

  get(family: string, key: string): RibEntry | undefined {
    const { t } = this.tableByName(family)
    if (!t) return undefined
    let n = 0
    if (t.kind === 'map') n = t.map!.find(key)
    else if (t.kind === 'ip') {
      const len = parsePrefixInto(key, t.v6, t.trie!.qk, 0)
      n = len < 0 ? 0 : t.trie!.find(len)
    } else {
      const space = key.indexOf(' ')
      const len =
        space > 0 && parseRdInto(key.slice(0, space), t.trie!.qk)
          ? parsePrefixInto(key.slice(space + 1), t.v6, t.trie!.qk, 2)
          : -1
      n = len < 0 ? 0 : t.trie!.find(len + 64)
    }
    return n === 0 ? undefined : this.entry(t, n, new Map())
  }

  entries(family: string): IterableIterator<RibEntry> {
    const { t } = this.tableByName(family)
    return this.allEntries(t)
  }

  private *allEntries(t: FamilyTable | undefined): Generator<RibEntry> {
    if (!t) return
    const handles = new Map<number, SetHandle>()
    const nodes = t.trie ? t.trie.walk() : t.map!.sorted()
    for (const n of nodes) yield this.entry(t, n, handles)
  }

  families(): string[] {
    return this.sortedTables.filter((t) => t.paths > 0).map((t) => t.family)
  }

  private info(t: FamilyTable, n: number): NodeInfo {
    if (t.kind === 'map') return { key: t.map!.keyOf(n), prefix: undefined, rd: undefined, nlri: undefined }
    const trie = t.trie!
    const records = trie.recordsOf(n)
    const at = trie.base(n)
    if (t.kind === 'ip') {
      const prefix = formatPrefixWords(records, at, trie.lenOf(n), t.v6)
      return { key: prefix, prefix, rd: undefined, nlri: t.keepNlri ? undefined : { prefix } }
    }
    const rd = formatRdWords(records, at)
    const prefix = formatPrefixWords(records, at + 2, trie.lenOf(n) - 64, t.v6)
    return { key: `${rd} ${prefix}`, prefix, rd, nlri: undefined }
  }

  private handle(id: number, handles: Map<number, SetHandle>): SetHandle {
    let h = handles.get(id)
    if (!h) {
      h = new SetHandle(this.sets, id)
      handles.set(id, h)
    }
    return h
  }

  /** The route of path i of a node (after t.list). */
  private route(t: FamilyTable, info: NodeInfo, i: number, handles: Map<number, SetHandle>): RibRoute {
    const flags = t.entryFlags(i)
    const pathId = flags & HAS_PATH_ID ? t.entryPathId(i) : undefined
    let nlri = t.entryNlri(i)
    if (!nlri) {
      const ip: IpPrefixNlri = pathId === undefined ? info.nlri! : { prefix: info.prefix!, pathId }
      nlri = ip
    }
    return {
      peer: t.entryPeer(i),
      family: t.family,
      key: info.key,
      prefix: info.prefix,
      rd: info.rd,
      pathId,
      nlri,
      attributes: this.handle(t.entrySet(i), handles),
      stale: (flags & STALE) !== 0,
      llgrStale: (flags & LLGR_STALE) !== 0,
    }
  }

  private entry(t: FamilyTable, n: number, handles: Map<number, SetHandle>): RibEntry {
    const info = this.info(t, n)
    const len = t.list(n)
    const routes: RibRoute[] = []
    for (let i = 0; i < len; i++) routes.push(this.route(t, info, i, handles))
    return { family: t.family, key: info.key, prefix: info.prefix, rd: info.rd, routes }
  }

  // Per peer.

  list(peer: PeerId, options: ListOptions = {}): RibPage {
    this.checkPeer(peer)
    const limit = Math.max(1, options.limit ?? 1000)
    const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor)
    const only = options.family === undefined ? undefined : familyByName(options.family)
    if (options.family !== undefined && only === undefined)
      throw new RangeError(`rib: unknown family ${options.family}`)
    const routes: RibRoute[] = []
    const handles = new Map<number, SetHandle>()
    for (const t of this.sortedTables) {
      if (only !== undefined && t.key !== only) continue
      if (cursor && t.key < cursor.family) continue
      if (!t.peerPaths[peer]) continue
      const from = cursor && t.key === cursor.family ? cursor : undefined
      for (const n of this.peerOrder(t, peer, from)) {
        const info = this.info(t, n)
        const len = t.list(n)
        const after = from && info.key === from.key ? from.pathId : -1
        for (let i = 0; i < len; i++) {
          if (t.entryPeer(i) !== peer || (after >= 0 && t.entryPathId(i) <= after)) continue
          routes.push(this.route(t, info, i, handles))
          if (routes.length === limit) {
            const last = routes[routes.length - 1]!
            return {
              routes,
              cursor: encodeCursor({ family: t.key, key: last.key, pathId: last.pathId ?? 0 }),
            }
          }
        }
      }
    }
    return { routes }
  }

  scan(family: string, peer?: PeerId): FamilyScan {
    if (peer !== undefined) this.checkPeer(peer)
    const { t, afi, safi } = this.tableByName(family)
    return new FamilyScan(family, afi, safi, t, this.sets, peer)
  }

  prepareWalks(ms: number): boolean {
    let added = 0
    for (const t of this.sortedTables) if (t.trie) added += t.trie.added
    const arriving = added - this.keysAdded > QUIET_KEYS
    this.keysAdded = added
    if (arriving) return false
    const deadline = performance.now() + ms
    for (const t of this.sortedTables) {
      if (t.trie && !t.trie.prepare(Math.max(0, deadline - performance.now()))) return false
    }
    return true
  }

  /** The peer's nodes in t in key order, from the cursor's key (included, its paths filtered by the caller). */
  private *peerOrder(t: FamilyTable, peer: PeerId, from: Cursor | undefined): Generator<number> {
    if (t.map) {
      const nodes = [...t.peerNodes(peer)].map((n) => [t.map!.keyOf(n), n] as const)
      nodes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      for (const [key, n] of nodes) if (!from || key >= from.key) yield n
      return
    }
    const trie = t.trie!
    let walk: Generator<number>
    if (from) {
      const n = this.locateKey(t, from.key)
      if (n > 0 && t.hasPeer(peer, n)) yield n
      const len = this.keyLen(t, from.key)
      walk = len < 0 ? trie.walk() : trie.walkAfter(len)
    } else walk = trie.walk()
    for (const n of walk) if (t.hasPeer(peer, n)) yield n
  }

  /** Parses a trie family's key text into trie.qk; its length or -1. */
  private keyLen(t: FamilyTable, key: string): number {
    const qk = t.trie!.qk
    if (t.kind === 'ip') return parsePrefixInto(key, t.v6, qk, 0)
    const space = key.indexOf(' ')
    if (space <= 0 || !parseRdInto(key.slice(0, space), qk)) return -1
    const len = parsePrefixInto(key.slice(space + 1), t.v6, qk, 2)
    return len < 0 ? -1 : len + 64
  }

  private locateKey(t: FamilyTable, key: string): number {
    const len = this.keyLen(t, key)
    return len < 0 ? 0 : t.trie!.find(len)
  }

  counts(peer: PeerId): FamilyCount[] {
    this.checkPeer(peer)
    const out: FamilyCount[] = []
    for (const t of this.sortedTables) {
      const paths = t.peerPaths[peer] ?? 0
      if (paths)
        out.push({ family: t.family, paths, prefixes: t.peerPrefixes[peer]!, stale: t.peerStale[peer]! })
    }
    return out
  }

  count(peer: PeerId, family?: string): { readonly paths: number; readonly prefixes: number } {
    this.checkPeer(peer)
    let paths = 0
    let prefixes = 0
    const only = family === undefined ? undefined : familyByName(family)
    if (family !== undefined && only === undefined) throw new RangeError(`rib: unknown family ${family}`)
    for (const t of this.sortedTables) {
      if (only !== undefined && t.key !== only) continue
      paths += t.peerPaths[peer] ?? 0
      prefixes += t.peerPrefixes[peer] ?? 0
    }
    return { paths, prefixes }
  }

  // Graceful restart and removal.

  private selected(families: readonly string[] | undefined): FamilyTable[] {
    if (families === undefined) return this.sortedTables
    const keys = new Set<number>()
    for (const f of families) {
      const k = familyByName(f)
      if (k === undefined) throw new RangeError(`rib: unknown family ${f}`)
      keys.add(k)
    }
    return this.sortedTables.filter((t) => keys.has(t.key))
  }

  markStale(peer: PeerId, families?: readonly string[]): number {
    this.checkPeer(peer)
    let marked = 0
    for (const t of this.selected(families))
      for (const n of t.peerNodes(peer)) marked += t.markPeer(n, peer, STALE)
    return marked
  }

  markLlgrStale(
    peer: PeerId,
    families?: readonly string[],
    onBatch?: (batch: WithdrawalBatch) => void,
  ): number {
    this.checkPeer(peer)
    let marked = 0
    const noLlgr = new Map<number, boolean>()
    const drop = (set: number): boolean => {
      let v = noLlgr.get(set)
      if (v === undefined) {
        v = hasNoLlgr(this.sets.view(set))
        noLlgr.set(set, v)
      }
      return v
    }
    for (const t of this.selected(families)) {
      const batcher = this.batcher(t, peer, 1000, onBatch)
      for (const n of t.peerNodes(peer)) {
        batcher.at(n)
        t.bulk = true
        try {
          marked += t.markPeer(n, peer, STALE | LLGR_STALE, drop, batcher.report)
        } finally {
          t.bulk = false
        }
        batcher.flushIfFull()
      }
      batcher.flush()
      t.tidy()
    }
    this.sets.tidy()
    return marked
  }

  sweepStale(peer: PeerId, families?: readonly string[], onBatch?: (batch: WithdrawalBatch) => void): number {
    return this.drain(this.withdraw(peer, { ...(families ? { families } : {}), staleOnly: true }), onBatch)
  }

  removePeer(peer: PeerId, onBatch?: (batch: WithdrawalBatch) => void): number {
    this.checkPeer(peer)
    // Drained at once, so a family the peer holds alone can be dropped whole (dropTable).
    return this.drain(this.withdrawing(peer, this.sortedTables, false, 1000, true), onBatch)
  }

  private drain(
    it: Iterable<WithdrawalBatch>,
    onBatch: ((batch: WithdrawalBatch) => void) | undefined,
  ): number {
    let n = 0
    for (const b of it) {
      n += b.nlri.length
      onBatch?.(b)
    }
    return n
  }

  withdraw(peer: PeerId, options: WithdrawOptions = {}): IterableIterator<WithdrawalBatch> {
    this.checkPeer(peer)
    return this.withdrawing(
      peer,
      this.selected(options.families),
      options.staleOnly ?? false,
      options.batchSize ?? 1000,
      false,
    )
  }

  private *withdrawing(
    peer: PeerId,
    tables: readonly FamilyTable[],
    staleOnly: boolean,
    size: number,
    drained: boolean,
  ): Generator<WithdrawalBatch> {
    const out: WithdrawalBatch[] = []
    for (const selected of tables) {
      // The family's table now (a removal of another peer may have replaced it since the call).
      const t = this.tables.get(selected.key)
      if (!t?.peerPaths[peer]) continue
      if (drained && !staleOnly && t.peerPaths[peer] === t.paths) {
        yield* this.dropTable(t, peer, size)
        continue
      }
      const batcher = this.batcher(t, peer, size, (b) => out.push(b))
      for (const n of t.peerNodes(peer)) {
        batcher.at(n)
        // Emptied keys are taken out of the prefix index together by tidy().
        t.bulk = true
        try {
          t.removePeer(n, peer, staleOnly, batcher.report)
        } finally {
          t.bulk = false
        }
        batcher.flushIfFull()
        while (out.length) yield out.shift()!
      }
      batcher.flush()
      t.tidy()
      this.sets.tidy()
      while (out.length) yield out.shift()!
    }
  }

  /**
   * The peer holds every path of t's family: an empty table takes t's place at
   * once, the sets are released in one pass, and the withdrawals are read
   * from the detached table as they are asked for.
   */
  private *dropTable(t: FamilyTable, peer: PeerId, size: number): Generator<WithdrawalBatch> {
    this.tables.set(t.key, new FamilyTable(t.family, t.afi, t.safi, t.kind, t.codec))
    this.sortedTables = [...this.tables.values()].sort((a, b) => a.key - b.key)
    for (const n of t.peerNodes(peer)) {
      const len = t.list(n)
      for (let i = 0; i < len; i++) this.sets.release(t.entrySet(i))
    }
    this.sets.tidy()
    let nlri: Nlri[] = []
    for (const n of t.peerNodes(peer)) {
      const info = this.info(t, n)
      const len = t.list(n)
      for (let i = 0; i < len; i++) {
        const kept = t.entryNlri(i)
        if (kept) nlri.push(kept)
        else if (t.entryFlags(i) & HAS_PATH_ID) {
          const ip: IpPrefixNlri = { prefix: info.prefix!, pathId: t.entryPathId(i) }
          nlri.push(ip)
        } else nlri.push(info.nlri!)
      }
      if (nlri.length >= size) {
        yield { peer, family: t.family, afi: t.afi, safi: t.safi, nlri }
        nlri = []
      }
    }
    if (nlri.length) yield { peer, family: t.family, afi: t.afi, safi: t.safi, nlri }
  }

  /** Collects removed paths of one peer in one table into batches of withdrawals, releasing their sets. */
  private batcher(
    t: FamilyTable,
    peer: PeerId,
    size: number,
    emit: ((batch: WithdrawalBatch) => void) | undefined,
  ): { at(n: number): void; report: RemovedPath; flushIfFull(): void; flush(): void } {
    let nlri: Nlri[] = []
    let prefix: string | undefined
    let node = 0
    const sets = this.sets
    const flush = () => {
      if (nlri.length && emit) emit({ peer, family: t.family, afi: t.afi, safi: t.safi, nlri })
      nlri = []
    }
    return {
      at: (n) => {
        node = n
        prefix = undefined
      },
      report: (pathId, set, kept) => {
        if (kept) nlri.push(kept)
        else {
          prefix ??= this.info(t, node).prefix!
          const ip: IpPrefixNlri = pathId === undefined ? { prefix } : { prefix, pathId }
          nlri.push(ip)
        }
        sets.release(set)
      },
      flushIfFull: () => {
        if (nlri.length >= size) flush()
      },
      flush,
    }
  }

  // Attribute sets and figures.

  attributeSet(id: number): AttributeSet | undefined {
    return this.sets.has(id) ? new SetHandle(this.sets, id) : undefined
  }

  stats(): RibStats {
    let paths = 0
    let prefixes = 0
    let storage = this.sets.storageBytes()
    const families: { family: string; paths: number; prefixes: number }[] = []
    for (const t of this.sortedTables) {
      paths += t.paths
      prefixes += t.prefixes
      storage += t.storageBytes()
      if (t.paths) families.push({ family: t.family, paths: t.paths, prefixes: t.prefixes })
    }
    return {
      peers: this.byName.size,
      paths,
      prefixes,
      attributeSets: this.sets.count,
      attributeBytes: this.sets.bytes,
      storageBytes: storage,
      families,
    }
  }
}
