// Rows from batch records, in the writer child: each message is decoded again
// (decodeMessage + updateRoutes, as the session did) and becomes one
// `messages` row, one `updates` row per NLRI, and a `peer_events` row when it
// is an OPEN or a NOTIFICATION; a state change becomes a `peer_events` row.
//
// Rows are built column by column into Native blocks (native.ts). The column
// names, order and types come from columns.ts; each table's builder only says
// how to fill each named column, and is checked to fill exactly those.
// The attribute values of an UPDATE are formatted once per message and pushed
// for each of its NLRI. NLRI of a family the session had disabled (RFC 7606)
// get no rows, as they got no place in the RIB.

import {
  type AsPathSegment,
  decodeMessage,
  familyCodec,
  familyNameOfKey,
  formatExtendedCommunity,
  formatIpv6ExtendedCommunity,
  type Nlri,
  type NotificationMessage,
  type OpenMessage,
  openAsn,
  openCapabilities,
  originAs,
  type RouteAttributes,
  toJson,
  type UpdateRoutes,
  updateRoutes,
} from '../bgp/index.ts'
import { parseIP, parseIPv4 } from '../wire/ip.ts'
import type { BatchRecord, MessageRecord, StateRecord } from './batch.ts'
import { STATE_CODES } from './batch.ts'
import {
  type Column as ColumnDecl,
  MESSAGES_COLUMNS,
  PEER_EVENTS_COLUMNS,
  UPDATES_COLUMNS,
  type WrittenTable,
} from './columns.ts'
import {
  ArrayColumn,
  type Column,
  encodeBlock,
  Ipv6Column,
  NullableColumn,
  NumberColumn,
  StringColumn,
  TupleColumn,
  wireType,
} from './native.ts'

/** Which families' NLRI are nothing but a prefix: no key or JSON of their own. */
const PLAIN_FAMILIES = new Set(['ipv4-unicast', 'ipv6-unicast', 'ipv4-multicast', 'ipv6-multicast'])

/** Enum8 values, as the DDL numbers them (message types: the header's type code, 1–5). */
const DIRECTION = { received: 1, sent: 2 } as const
const ORIGIN: Readonly<Record<string, number>> = { igp: 1, egp: 2, incomplete: 3 }
const SEGMENT: Readonly<Record<string, number>> = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
}
const ACTION = { announce: 1, withdraw: 2 } as const
const EVENT = { state: 1, open: 2, notification: 3 } as const

/** NLRI without an IP prefix (EVPN, FlowSpec, BGP-LS…): a length no prefix can have. */
export const NO_PREFIX_LENGTH = 255
const NO_ADDRESS = new Uint8Array(16)

export interface PrefixColumns {
  /** The network address (host bits cleared), 4 or 16 octets. */
  readonly address: Uint8Array
  readonly length: number
}

const NO_PREFIX: PrefixColumns = { address: NO_ADDRESS, length: NO_PREFIX_LENGTH }

/**
 * "a.b.c.d/len" into a reused 4-octet buffer and the length, or undefined:
 * the common case of prefixColumns, without the splitting and regular
 * expressions of a general parser (this runs for every stored NLRI).
 */
const V4 = new Uint8Array(4)
function quickIpv4Prefix(text: string): number | undefined {
  let part = 0
  let value = 0
  let digits = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48)
      if (++digits > 3 || value > 255) return undefined
    } else if (c === 46 && part < 3 && digits) {
      V4[part++] = value
      value = 0
      digits = 0
    } else if (c === 47 && part === 3 && digits) {
      V4[3] = value
      const length = Number(text.slice(i + 1))
      return Number.isInteger(length) && length >= 0 && length <= 32 && i + 1 < text.length
        ? length
        : undefined
    } else {
      return undefined
    }
  }
  return undefined
}

/** The prefix of an NLRI with a text `prefix` field ("192.0.2.0/24"); `::`/255 for any other. */
export function prefixColumns(nlri: Nlri): PrefixColumns {
  const text = (nlri as { prefix?: unknown }).prefix
  if (typeof text !== 'string') return NO_PREFIX
  let bytes: Uint8Array | undefined
  let length = quickIpv4Prefix(text)
  if (length !== undefined) {
    bytes = V4.slice()
  } else {
    const slash = text.indexOf('/')
    if (slash < 0) return NO_PREFIX
    length = Number(text.slice(slash + 1))
    bytes = parseIP(text.slice(0, slash))
    if (!bytes || !Number.isInteger(length) || length < 0 || length > bytes.length * 8) return NO_PREFIX
  }
  for (let bit = length; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7))
  return { address: bytes, length }
}

function ipv4Number(text: string): number {
  const b = parseIPv4(text)
  return b ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : 0
}

// --- column helpers ------------------------------------------------------------

const u8 = () => new NumberColumn(1)
const u16 = () => new NumberColumn(2)
const u32 = () => new NumberColumn(4)
const u64 = () => new NumberColumn(8)
const str = () => new StringColumn()
const strings = () => new ArrayColumn(new StringColumn())
const nullableU32 = () => new NullableColumn(new NumberColumn(4), (c) => c.push(0))

function pushStrings(c: ArrayColumn<StringColumn>, list: readonly string[]): void {
  for (const s of list) c.inner.push(s)
  c.endRow()
}

function pushNumbers(c: ArrayColumn<NumberColumn>, list: readonly number[]): void {
  for (const n of list) c.inner.push(n)
  c.endRow()
}

function pushNullable(c: NullableColumn<NumberColumn>, v: number | undefined): void {
  if (v === undefined) c.pushNull()
  else c.value().push(v)
}

/** A table's block: its columns by name, in columns.ts's order and types. */
class Block<C extends Record<string, Column>> {
  readonly cols: C
  private readonly decl: readonly ColumnDecl[]

  constructor(decl: readonly ColumnDecl[], cols: C) {
    const names = decl.map((d) => d[0])
    const have = Object.keys(cols)
    if (names.length !== have.length || names.some((n) => !(n in cols))) {
      throw new Error(`row builder columns ${have.join(',')} differ from the table's ${names.join(',')}`)
    }
    this.decl = decl
    this.cols = cols
  }

  get rows(): number {
    return (Object.values(this.cols)[0] as Column).length
  }

  encode(): Uint8Array {
    return encodeBlock(this.decl.map(([name, type]) => [name, wireType(type), this.cols[name]!] as const))
  }
}

function messagesBlock() {
  return new Block(MESSAGES_COLUMNS, {
    time: u64(),
    collector: str(),
    peer_address: new Ipv6Column(),
    peer_asn: u32(),
    local_asn: u32(),
    sequence: u64(),
    direction: u8(),
    type: u8(),
    raw: str(),
    asn4: u8(),
    add_path: strings(),
    extended_message: u8(),
    synthetic: u8(),
    announced: u32(),
    withdrawn: u32(),
    end_of_rib: str(),
    problems: strings(),
  })
}

function updatesBlock() {
  return new Block(UPDATES_COLUMNS, {
    prefix: new Ipv6Column(),
    prefix_length: u8(),
    nlri_key: str(),
    path_id: u32(),
    rd: str(),
    nlri_json: str(),
    action: u8(),
    family: str(),
    next_hop: strings(),
    collector: str(),
    peer_address: new Ipv6Column(),
    time: u64(),
    sequence: u64(),
    peer_asn: u32(),
    treat_as_withdraw: u8(),
    synthetic: u8(),
    origin: u8(),
    as_path: new ArrayColumn(u32()),
    as_path_segments: new ArrayColumn(new TupleColumn([u8(), u16()])),
    origin_asn: u32(),
    med: nullableU32(),
    local_pref: nullableU32(),
    atomic_aggregate: u8(),
    aggregator_asn: nullableU32(),
    aggregator_address: nullableU32(),
    communities: strings(),
    large_communities: strings(),
    extended_communities: strings(),
    ipv6_extended_communities: strings(),
    originator_id: nullableU32(),
    cluster_list: new ArrayColumn(u32()),
    otc: nullableU32(),
    aigp: new NullableColumn(new NumberColumn(8), (c) => c.push(0)),
    other_attributes: str(),
  })
}

function peerEventsBlock() {
  return new Block(PEER_EVENTS_COLUMNS, {
    time: u64(),
    collector: str(),
    peer_address: new Ipv6Column(),
    peer_asn: u32(),
    local_asn: u32(),
    sequence: u64(),
    event: u8(),
    direction: u8(),
    from_state: u8(),
    to_state: u8(),
    reason: str(),
    open_asn: u32(),
    bgp_id: u32(),
    hold_time: u16(),
    capabilities: strings(),
    notification_code: u8(),
    notification_subcode: u8(),
    notification: str(),
    shutdown_message: str(),
    message: str(),
    raw: str(),
  })
}

type UpdatesCols = ReturnType<typeof updatesBlock>['cols']

/** An UPDATE's attributes, formatted once for all its announced NLRI. */
interface Announced {
  readonly origin: number
  readonly asPath: readonly number[]
  readonly segments: readonly (readonly [type: number, length: number])[]
  readonly originAsn: number
  readonly a: RouteAttributes
  readonly extended: readonly string[]
  readonly ipv6Extended: readonly string[]
  readonly clusterList: readonly number[]
  readonly other: string
}

function announced(a: RouteAttributes): Announced {
  const asPath: number[] = []
  const segments: [number, number][] = []
  for (const s of a.asPath as readonly AsPathSegment[]) {
    for (const n of s.asns) asPath.push(n)
    const t = SEGMENT[s.type]
    if (t !== undefined) segments.push([t, s.asns.length])
  }
  return {
    origin: a.origin ? (ORIGIN[a.origin] ?? 0) : 0,
    asPath,
    segments,
    originAsn: originAs(a.asPath) ?? 0,
    a,
    extended: a.extendedCommunities.map(formatExtendedCommunity),
    ipv6Extended: a.ipv6ExtendedCommunities.map(formatIpv6ExtendedCommunity),
    clusterList: (a.clusterList ?? []).map(ipv4Number),
    other: a.other.length ? toJson(a.other) : '',
  }
}

function pushAttributes(c: UpdatesCols, x: Announced | undefined): void {
  if (!x) {
    c.origin.push(0)
    c.as_path.endRow()
    c.as_path_segments.endRow()
    c.origin_asn.push(0)
    c.med.pushNull()
    c.local_pref.pushNull()
    c.atomic_aggregate.push(0)
    c.aggregator_asn.pushNull()
    c.aggregator_address.pushNull()
    c.communities.endRow()
    c.large_communities.endRow()
    c.extended_communities.endRow()
    c.ipv6_extended_communities.endRow()
    c.originator_id.pushNull()
    c.cluster_list.endRow()
    c.otc.pushNull()
    c.aigp.pushNull()
    c.other_attributes.push('')
    return
  }
  const a = x.a
  c.origin.push(x.origin)
  pushNumbers(c.as_path, x.asPath)
  const [types, lengths] = c.as_path_segments.inner.parts as [NumberColumn, NumberColumn]
  for (const [t, n] of x.segments) {
    types.push(t)
    lengths.push(n)
  }
  c.as_path_segments.endRow()
  c.origin_asn.push(x.originAsn)
  pushNullable(c.med, a.med)
  pushNullable(c.local_pref, a.localPref)
  c.atomic_aggregate.push(a.atomicAggregate ? 1 : 0)
  pushNullable(c.aggregator_asn, a.aggregator?.asn)
  pushNullable(c.aggregator_address, a.aggregator ? ipv4Number(a.aggregator.address) : undefined)
  pushStrings(c.communities, a.communities)
  pushStrings(c.large_communities, a.largeCommunities)
  pushStrings(c.extended_communities, x.extended)
  pushStrings(c.ipv6_extended_communities, x.ipv6Extended)
  pushNullable(c.originator_id, a.originatorId !== undefined ? ipv4Number(a.originatorId) : undefined)
  pushNumbers(c.cluster_list, x.clusterList)
  pushNullable(c.otc, a.otc)
  if (a.aigp === undefined) c.aigp.pushNull()
  else c.aigp.value().pushBigint(a.aigp)
  c.other_attributes.push(x.other)
}

/**
 * The routes without the families the session had disabled (RFC 7606 §2): the
 * RIB ignored their NLRI, so `updates` does too (the message is in `messages`).
 */
function withoutFamilies(r: UpdateRoutes, disabled: readonly number[]): UpdateRoutes {
  const keep = (f: { readonly afi: number; readonly safi: number }) =>
    !disabled.includes(f.afi * 256 + f.safi)
  return { ...r, announce: r.announce.filter(keep), withdraw: r.withdraw.filter(keep) }
}

/** The rows of a batch, per table, as Native blocks. */
export class RowSet {
  private readonly messages = messagesBlock()
  private readonly updates = updatesBlock()
  private readonly peerEvents = peerEventsBlock()
  private readonly addPathNames = new Map<string, readonly string[]>()

  /** Rows per table so far. */
  get counts(): Record<WrittenTable, number> {
    return { messages: this.messages.rows, updates: this.updates.rows, peer_events: this.peerEvents.rows }
  }

  add(r: BatchRecord): void {
    if (r.kind === 'message') this.addMessage(r)
    else this.addState(r)
  }

  /** The Native block of a table; undefined when it has no rows. */
  block(table: WrittenTable): Uint8Array | undefined {
    const b = table === 'messages' ? this.messages : table === 'updates' ? this.updates : this.peerEvents
    return b.rows ? b.encode() : undefined
  }

  private addPathNamesOf(keys: readonly number[]): readonly string[] {
    if (keys.length === 0) return []
    const id = keys.join(',')
    let names = this.addPathNames.get(id)
    if (!names) {
      names = keys.map(familyNameOfKey)
      this.addPathNames.set(id, names)
    }
    return names
  }

  private addMessage(r: MessageRecord): void {
    const d = decodeMessage(r.raw, r.context)
    const m = d.message
    const decoded = m?.type === 'UPDATE' ? updateRoutes(m, d.problems, r.context) : undefined
    const routes = decoded && r.disabled.length ? withoutFamilies(decoded, r.disabled) : decoded
    let nAnnounced = 0
    let nWithdrawn = 0
    if (routes) {
      for (const f of routes.announce) nAnnounced += f.nlri.length
      for (const f of routes.withdraw) nWithdrawn += f.nlri.length
    }
    const c = this.messages.cols
    c.time.push(Math.round(r.timestamp))
    c.collector.push(r.host)
    c.peer_address.push(r.peerAddressBytes)
    c.peer_asn.push(r.peerAsn)
    c.local_asn.push(r.localAsn)
    c.sequence.push(r.sequence)
    c.direction.push(DIRECTION[r.direction])
    // The header's type octet, also for a message whose body did not decode; 0 (UNKNOWN) otherwise.
    const code = r.raw.length >= 19 ? r.raw[18]! : 0
    c.type.push(code >= 1 && code <= 5 ? code : 0)
    c.raw.pushBytes(r.raw)
    c.asn4.push(r.context.asn4 ? 1 : 0)
    pushStrings(c.add_path, this.addPathNamesOf(r.addPath))
    c.extended_message.push(r.context.extendedMessage ? 1 : 0)
    c.synthetic.push(r.synthetic ? 1 : 0)
    c.announced.push(nAnnounced)
    c.withdrawn.push(nWithdrawn)
    c.end_of_rib.push(routes?.endOfRib ?? '')
    pushStrings(c.problems, [...new Set(d.problems.map((p) => p.kind))])
    if (routes) this.addUpdates(r, routes)
    if (m && (m.type === 'OPEN' || m.type === 'NOTIFICATION')) this.addPeerMessage(r, m)
  }

  private addUpdates(r: MessageRecord, routes: UpdateRoutes): void {
    const attrs = routes.announce.length ? announced(routes.attributes) : undefined
    for (const f of routes.announce) this.addNlri(r, routes, f, f.nextHop, ACTION.announce, attrs)
    for (const f of routes.withdraw) this.addNlri(r, routes, f, [], ACTION.withdraw, undefined)
  }

  private addNlri(
    r: MessageRecord,
    routes: UpdateRoutes,
    f: {
      readonly family: string
      readonly afi: number
      readonly safi: number
      readonly nlri: readonly Nlri[]
    },
    nextHop: readonly string[],
    action: number,
    attrs: Announced | undefined,
  ): void {
    const c = this.updates.cols
    const codec = PLAIN_FAMILIES.has(f.family) ? undefined : familyCodec(f.afi, f.safi)
    const time = Math.round(r.timestamp)
    for (const n of f.nlri) {
      const p = prefixColumns(n)
      const rd = (n as { rd?: unknown }).rd
      c.prefix.push(p.address)
      c.prefix_length.push(p.length)
      c.nlri_key.push(codec ? codec.key(n) : '')
      c.path_id.push(n.pathId ?? 0)
      c.rd.push(typeof rd === 'string' ? rd : '')
      c.nlri_json.push(codec ? toJson(n) : '')
      c.action.push(action)
      c.family.push(f.family)
      pushStrings(c.next_hop, nextHop)
      c.collector.push(r.host)
      c.peer_address.push(r.peerAddressBytes)
      c.time.push(time)
      c.sequence.push(r.sequence)
      c.peer_asn.push(r.peerAsn)
      c.treat_as_withdraw.push(routes.treatedAsWithdraw ? 1 : 0)
      c.synthetic.push(r.synthetic ? 1 : 0)
      pushAttributes(c, attrs)
    }
  }

  private addPeerMessage(r: MessageRecord, m: OpenMessage | NotificationMessage): void {
    const c = this.peerEvents.cols
    this.peerEventOrigin(r)
    c.event.push(m.type === 'OPEN' ? EVENT.open : EVENT.notification)
    c.direction.push(DIRECTION[r.direction])
    c.from_state.push(0)
    c.to_state.push(0)
    c.reason.push('')
    if (m.type === 'OPEN') {
      c.open_asn.push(openAsn(m))
      c.bgp_id.push(ipv4Number(m.bgpId))
      c.hold_time.push(m.holdTime)
      pushStrings(
        c.capabilities,
        openCapabilities(m).map((x) => x.name),
      )
      c.notification_code.push(0)
      c.notification_subcode.push(0)
      c.notification.push('')
      c.shutdown_message.push('')
    } else {
      c.open_asn.push(0)
      c.bgp_id.push(0)
      c.hold_time.push(0)
      c.capabilities.endRow()
      c.notification_code.push(m.code)
      c.notification_subcode.push(m.subcode)
      c.notification.push(m.codeName ? (m.subcodeName ? `${m.codeName}.${m.subcodeName}` : m.codeName) : '')
      c.shutdown_message.push(m.shutdownMessage ?? '')
    }
    c.message.push(toJson(m))
    c.raw.pushBytes(r.raw)
  }

  private peerEventOrigin(r: BatchRecord): void {
    const c = this.peerEvents.cols
    c.time.push(Math.round(r.timestamp))
    c.collector.push(r.host)
    c.peer_address.push(r.peerAddressBytes)
    c.peer_asn.push(r.peerAsn)
    c.local_asn.push(r.localAsn)
    c.sequence.push(r.sequence)
  }

  private addState(r: StateRecord): void {
    const c = this.peerEvents.cols
    this.peerEventOrigin(r)
    c.event.push(EVENT.state)
    c.direction.push(0)
    c.from_state.push(STATE_CODES[r.from])
    c.to_state.push(STATE_CODES[r.to])
    c.reason.push(r.reason ?? '')
    c.open_asn.push(0)
    c.bgp_id.push(0)
    c.hold_time.push(0)
    c.capabilities.endRow()
    c.notification_code.push(0)
    c.notification_subcode.push(0)
    c.notification.push('')
    c.shutdown_message.push('')
    c.message.push('')
    c.raw.push('')
  }
}
