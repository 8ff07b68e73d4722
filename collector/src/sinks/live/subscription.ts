// A `ris_subscribe` data object, validated and normalised (docs/live.md
// "Subscriptions"). Every field is optional and every field present must
// match. `prefix` may be an array: each element becomes a subscription of its
// own, unsubscribable alone. Two subscriptions are the same when their
// normalised fields are (canonical peer address, masked prefix, canonical path
// pattern, upper-case type, host without the configured domain suffix), so a
// repeated subscribe is a no-op and an unsubscribe needs only an equal object.

import { formatIPv4, formatIPv6, maskPrefix, parseIP, parsePrefix } from '../../wire/ip.ts'
import { type PathPattern, parsePathPattern } from './path-pattern.ts'

/** Message types a subscription can ask for (ROUTE_REFRESH and UNKNOWN only reach includeAll sockets). */
export const RIS_TYPES = [
  'UPDATE',
  'OPEN',
  'NOTIFICATION',
  'KEEPALIVE',
  'RIS_PEER_STATE',
  'ROUTE_REFRESH',
  'UNKNOWN',
] as const
export type RisType = (typeof RIS_TYPES)[number]

export interface SubscriptionPrefix {
  /** Canonical text, host bits cleared. */
  readonly text: string
  readonly address: Uint8Array
  readonly length: number
  readonly v6: boolean
}

export interface Subscription {
  /** Identity for repeats and unsubscribe. */
  readonly key: string
  /** Lower case, without the configured domain suffix. */
  readonly host?: string
  readonly type?: RisType
  readonly require?: string
  /** Canonical address text. */
  readonly peer?: string
  readonly path?: PathPattern
  readonly prefix?: SubscriptionPrefix
  readonly moreSpecific: boolean
  readonly lessSpecific: boolean
}

export interface SocketOptions {
  readonly includeRaw: boolean
  readonly acknowledge: boolean
  readonly includeAll: boolean
}

export const DEFAULT_SOCKET_OPTIONS: SocketOptions = {
  includeRaw: false,
  acknowledge: false,
  includeAll: false,
}

/** Where `resumeFrom` starts: after a message id, or at a time (microseconds since the epoch). */
export type ResumePosition =
  | { readonly kind: 'id'; readonly text: string; readonly peer: string; readonly sequence: number }
  | { readonly kind: 'time'; readonly text: string; readonly micros: number }

export interface ParsedSubscribe {
  readonly subscriptions: readonly Subscription[]
  /** Present when the message carried socketOptions (they replace the socket's). */
  readonly socketOptions?: SocketOptions
  readonly resumeFrom?: ResumePosition
  /** The data as sent, without socketOptions (for ris_subscribe_ok). */
  readonly echo: Readonly<Record<string, unknown>>
}

export interface SubscribeContext {
  /** The domain suffix collector names may be written with ("rl00.example.net"). */
  readonly domain?: string
}

const FIELDS = new Set(['host', 'type', 'require', 'peer', 'path', 'prefix', 'moreSpecific', 'lessSpecific'])
const SOCKET_OPTIONS = new Set(['includeRaw', 'acknowledge', 'includeAll', 'resumeFrom'])

export class SubscribeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SubscribeError'
  }
}

function canonicalAddress(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b)
}

/** Canonical text of a peer address (IPv4-mapped IPv6 as IPv4, as sessions name peers); undefined when not an address. */
export function canonicalPeer(text: string): string | undefined {
  const b = parseIP(text.trim())
  if (!b) return undefined
  if (b.length === 16 && b[10] === 0xff && b[11] === 0xff && b.subarray(0, 10).every((x) => x === 0)) {
    return formatIPv4(b.subarray(12))
  }
  return canonicalAddress(b)
}

function parsePrefixField(v: unknown): SubscriptionPrefix {
  if (typeof v !== 'string') throw new SubscribeError(`prefix ${JSON.stringify(v)} is not a CIDR string`)
  const text = v.trim()
  const p = text.includes('/') ? parsePrefix(text) : undefined
  if (!p) {
    throw new SubscribeError(
      `prefix '${v}' is not a CIDR prefix (address/length, e.g. 192.0.2.0/24 or 2001:db8::/32)`,
    )
  }
  const address = maskPrefix(new Uint8Array(p.address), p.length)
  return {
    text: `${canonicalAddress(address)}/${p.length}`,
    address,
    length: p.length,
    v6: address.length === 16,
  }
}

function bool(o: Record<string, unknown>, name: string, dflt: boolean, where = ''): boolean {
  const v = o[name]
  if (v === undefined || v === null) return dflt
  if (typeof v !== 'boolean')
    throw new SubscribeError(`${where}${name} must be true or false, not ${JSON.stringify(v)}`)
  return v
}

const ID = /^(.+)-([0-9a-fA-F]{16})$/

/** `resumeFrom`: a message id (`<peer>-<16 hex digits>`), Unix seconds, or an ISO 8601 time. */
export function parseResumeFrom(v: unknown): ResumePosition {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0)
      throw new SubscribeError(`resumeFrom ${v} is not a Unix time in seconds`)
    return { kind: 'time', text: String(v), micros: Math.round(v * 1e6) }
  }
  if (typeof v !== 'string' || v.trim() === '') {
    throw new SubscribeError('resumeFrom must be a message id, a Unix time in seconds or an ISO 8601 time')
  }
  const text = v.trim()
  const id = ID.exec(text)
  if (id) {
    const peer = canonicalPeer(id[1]!)
    if (peer) return { kind: 'id', text, peer, sequence: Number.parseInt(id[2]!, 16) }
  }
  if (/^\d+(\.\d+)?$/.test(text)) return { kind: 'time', text, micros: Math.round(Number(text) * 1e6) }
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN
  if (Number.isFinite(ms)) return { kind: 'time', text, micros: ms * 1000 }
  throw new SubscribeError(
    `resumeFrom '${v}' is neither a message id (<peer>-<16 hex digits>), a Unix time in seconds, nor an ISO 8601 time`,
  )
}

function parseSocketOptions(v: unknown): { options: SocketOptions; resumeFrom?: ResumePosition } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SubscribeError('socketOptions must be an object')
  }
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!SOCKET_OPTIONS.has(k)) {
      throw new SubscribeError(
        `unknown socket option '${k}' (known: includeRaw, acknowledge, includeAll, resumeFrom)`,
      )
    }
  }
  const options: SocketOptions = {
    includeRaw: bool(o, 'includeRaw', false, 'socketOptions.'),
    acknowledge: bool(o, 'acknowledge', false, 'socketOptions.'),
    includeAll: bool(o, 'includeAll', false, 'socketOptions.'),
  }
  const r = o.resumeFrom
  return r === undefined || r === null ? { options } : { options, resumeFrom: parseResumeFrom(r) }
}

function str(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.trim() === '') throw new SubscribeError(`${name} must be a non-empty string`)
  return v.trim()
}

/** A collector name as subscriptions compare it: lower case, without the domain suffix. */
export function normalHost(host: string, domain: string | undefined): string {
  const h = host.toLowerCase()
  const d = domain?.toLowerCase().replace(/^\./, '')
  return d && h.endsWith(`.${d}`) ? h.slice(0, -(d.length + 1)) : h
}

/**
 * Validates a ris_subscribe (or ris_unsubscribe) data object; `null`, an
 * absent data and `{}` subscribe to everything. Throws SubscribeError with
 * the message for ris_error.
 */
export function parseSubscribe(data: unknown, ctx: SubscribeContext = {}): ParsedSubscribe {
  if (data === undefined || data === null) data = {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new SubscribeError('the subscription must be an object (or null for everything)')
  }
  const o = data as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (k !== 'socketOptions' && !FIELDS.has(k)) {
      throw new SubscribeError(
        `unknown subscription field '${k}' (known: host, type, require, peer, path, prefix, moreSpecific, lessSpecific, socketOptions)`,
      )
    }
  }
  const host = str(o, 'host')
  const typeText = str(o, 'type')
  let type: RisType | undefined
  if (typeText !== undefined) {
    type = RIS_TYPES.find((t) => t === typeText.toUpperCase())
    if (!type) throw new SubscribeError(`type '${typeText}' is not one of ${RIS_TYPES.join(', ')}`)
  }
  const require = str(o, 'require')
  const peerText = str(o, 'peer')
  let peer: string | undefined
  if (peerText !== undefined) {
    peer = canonicalPeer(peerText)
    if (!peer) throw new SubscribeError(`peer '${peerText}' is not an IPv4 or IPv6 address`)
  }
  let path: PathPattern | undefined
  if (o.path !== undefined && o.path !== null) {
    const p = parsePathPattern(o.path)
    if (typeof p === 'string') throw new SubscribeError(p)
    path = p
  }
  const moreSpecific = bool(o, 'moreSpecific', true)
  const lessSpecific = bool(o, 'lessSpecific', false)
  let prefixes: (SubscriptionPrefix | undefined)[] = [undefined]
  if (o.prefix !== undefined && o.prefix !== null) {
    if (Array.isArray(o.prefix)) {
      if (o.prefix.length === 0) throw new SubscribeError('prefix is an empty array')
      const seen = new Map<string, SubscriptionPrefix>()
      for (const x of o.prefix) {
        const p = parsePrefixField(x)
        seen.set(p.text, p)
      }
      prefixes = [...seen.values()]
    } else prefixes = [parsePrefixField(o.prefix)]
  }
  const base = {
    ...(host !== undefined ? { host: normalHost(host, ctx.domain) } : {}),
    ...(type ? { type } : {}),
    ...(require !== undefined ? { require } : {}),
    ...(peer ? { peer } : {}),
    ...(path ? { path } : {}),
  }
  const subscriptions = prefixes.map((prefix): Subscription => {
    // moreSpecific and lessSpecific mean nothing without a prefix: leave them out of the identity.
    const key = JSON.stringify([
      base.host ?? null,
      base.type ?? null,
      base.require ?? null,
      base.peer ?? null,
      base.path?.text ?? null,
      prefix?.text ?? null,
      prefix ? moreSpecific : null,
      prefix ? lessSpecific : null,
    ])
    return { key, ...base, ...(prefix ? { prefix } : {}), moreSpecific, lessSpecific }
  })
  const { socketOptions, ...echo } = o
  if (socketOptions === undefined || socketOptions === null) return { subscriptions, echo }
  const so = parseSocketOptions(socketOptions)
  return {
    subscriptions,
    socketOptions: so.options,
    ...(so.resumeFrom ? { resumeFrom: so.resumeFrom } : {}),
    echo,
  }
}
