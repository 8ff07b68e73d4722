// One event on its way to the live clients: the facts the filters read
// (type, peer, host, prefixes, AS path), computed once, and the serialised
// frames, built lazily and once per distinct option set — never once per
// subscriber. A thousand sockets with the same options share one Buffer,
// down to the WebSocket frame: a server's frames are not masked (RFC 6455
// §5.1), and with permessage-deflate negotiated without context takeover and
// with one window size for every socket (RFC 7692 §7.1.1), a compressed
// message is the same octets for every socket too.

import { constants, deflateRawSync } from 'node:zlib'
import type { IpPrefixNlri } from '../../bgp/index.ts'
import { jsonReplacer } from '../../bgp/index.ts'
import type { BusEvent } from '../../events/index.ts'
import { parseIP } from '../../wire/ip.ts'
import { normalSet, type PathElement } from './path-pattern.ts'
import type { TriePrefix } from './prefix-trie.ts'
import { classify, risData, risExtras, upperHex } from './ris-message.ts'
import { normalHost, type RisType } from './subscription.ts'

/** Frame variants: bits of the options that change the bytes. */
export const VARIANT_RAW = 1
export const VARIANT_ALL = 2
/** A trailing newline (NDJSON, the HTTP stream). */
export const VARIANT_LINE = 4

/** Messages this long or longer are compressed for sockets that negotiated permessage-deflate. */
export const DEFLATE_THRESHOLD = 1024
/** The server_max_window_bits every deflate socket negotiates (websocket.ts). */
export const DEFLATE_WINDOW_BITS = 10

export function variantOf(o: { includeRaw: boolean; includeAll: boolean }, line: boolean): number {
  return (o.includeRaw ? VARIANT_RAW : 0) | (o.includeAll ? VARIANT_ALL : 0) | (line ? VARIANT_LINE : 0)
}

export interface EventPrefix extends TriePrefix {
  readonly v6: boolean
}

const EMPTY: readonly PathElement[] = []

/** Parses "a.b.c.d/len" without allocating strings; undefined when not that form. */
function parseV4Prefix(s: string, into: Uint8Array): number {
  let octet = 0
  let i = 0
  let digits = 0
  let k = 0
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48)
      if (++digits > 3 || octet > 255) return -1
    } else if (c === 46 || c === 47) {
      if (!digits || k > 3) return -1
      into[k++] = octet
      octet = 0
      digits = 0
      if (c === 47) break
    } else return -1
  }
  if (k !== 4 || i >= s.length) return -1
  let len = 0
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return -1
    len = len * 10 + (c - 48)
  }
  return len <= 32 ? len : -1
}

/**
 * JSON of ris_message data. Only includeAll data can hold 64-bit values
 * (bigint, as in docs/json.md), and rarely; a replacer would cost a call per
 * key of every message, so it is used only when plain JSON.stringify refuses.
 */
function stringify(d: Record<string, unknown>, all: boolean): string {
  if (!all) return JSON.stringify(d)
  try {
    return JSON.stringify(d)
  } catch {
    return JSON.stringify(d, jsonReplacer)
  }
}

export class Outgoing {
  readonly event: BusEvent
  readonly type: RisType
  /** Only includeAll sockets see this event. */
  readonly allOnly: boolean
  readonly peer: string
  /** Lower case, without the configured domain suffix (as subscriptions have it). */
  readonly host: string
  private pathCache: readonly PathElement[] | undefined
  private asnCache: readonly number[] | undefined
  private prefixCache: readonly EventPrefix[] | undefined
  private readonly datas: (Record<string, unknown> | undefined)[] = []
  private readonly frames: (Buffer | undefined)[] = []
  private baseJson: string | undefined
  private extrasJson: string | undefined
  private readonly wsFrames: (Buffer | undefined)[] = []

  /** undefined when the live feed never shows the event. */
  static of(e: BusEvent, domain?: string): Outgoing | undefined {
    const c = classify(e)
    return c ? new Outgoing(e, c.type, c.allOnly, domain) : undefined
  }

  private constructor(e: BusEvent, type: RisType, allOnly: boolean, domain: string | undefined) {
    this.event = e
    this.type = type
    this.allOnly = allOnly
    this.peer = e.peerAddress
    this.host = normalHost(e.host, domain)
  }

  /** The AS path of an UPDATE that announces something (AS_SETs normalised); empty otherwise. */
  path(): readonly PathElement[] {
    if (this.pathCache) return this.pathCache
    const e = this.event
    let path = EMPTY
    if (e.type === 'message' && e.routes?.announce.length && e.routes.attributes.asPath.length) {
      const out: PathElement[] = []
      for (const s of e.routes.attributes.asPath) {
        if (s.type === 'AS_SET' || s.type === 'AS_CONFED_SET') out.push(normalSet(s.asns))
        else for (const a of s.asns) out.push(a)
      }
      path = out
    }
    this.pathCache = path
    return path
  }

  /** Every distinct ASN of the path, AS_SET members included. */
  pathAsns(): readonly number[] {
    if (this.asnCache) return this.asnCache
    const seen = new Set<number>()
    for (const x of this.path()) {
      if (typeof x === 'number') seen.add(x)
      else for (const a of x) seen.add(a)
    }
    this.asnCache = [...seen]
    return this.asnCache
  }

  /** The IPv4 and IPv6 unicast prefixes announced or withdrawn. */
  prefixes(): readonly EventPrefix[] {
    if (this.prefixCache) return this.prefixCache
    const out: EventPrefix[] = []
    const e = this.event
    if (e.type === 'message' && e.routes) {
      for (const list of [e.routes.announce, e.routes.withdraw]) {
        for (const f of list) {
          const v6 = f.family === 'ipv6-unicast'
          if (!v6 && f.family !== 'ipv4-unicast') continue
          for (const n of f.nlri) {
            const text = (n as IpPrefixNlri).prefix
            if (!v6) {
              const address = new Uint8Array(4)
              const length = parseV4Prefix(text, address)
              if (length >= 0) out.push({ address, length, v6 })
              continue
            }
            const slash = text.lastIndexOf('/')
            const address = parseIP(text.slice(0, slash))
            if (address) out.push({ address, length: Number(text.slice(slash + 1)), v6 })
          }
        }
      }
    }
    this.prefixCache = out
    return out
  }

  /** The ris_message data for a variant (its LINE bit aside). */
  data(variant: number): Record<string, unknown> {
    const v = variant & (VARIANT_RAW | VARIANT_ALL)
    const cached = this.datas[v]
    if (cached) return cached
    const d = risData(this.event, {
      includeRaw: (v & VARIANT_RAW) !== 0,
      includeAll: (v & VARIANT_ALL) !== 0,
    })!
    this.datas[v] = d
    return d
  }

  /**
   * The data's JSON. The RIS fields are serialised once; includeAll's keys and
   * `raw` come after them, so the other variants append to that text instead
   * of serialising the whole object again.
   */
  private json(v: number): string {
    const m = this.event.type === 'message' ? this.event.message : undefined
    if (this.allOnly || (v & VARIANT_ALL && m?.type === 'NOTIFICATION')) {
      return stringify(this.data(v), (v & VARIANT_ALL) !== 0)
    }
    this.baseJson ??= JSON.stringify(this.data(0))
    let body = this.baseJson
    if (v & VARIANT_ALL) {
      this.extrasJson ??= stringify(risExtras(this.event), true)
      if (this.extrasJson.length > 2) body = `${body.slice(0, -1)},${this.extrasJson.slice(1)}`
    }
    if (v & VARIANT_RAW && this.event.type === 'message') {
      body = `${body.slice(0, -1)},"raw":"${upperHex(this.event.raw)}"}`
    }
    return body
  }

  /** `require`: the data of this variant has the key, with a value that is not empty. */
  hasKey(key: string, variant: number): boolean {
    const v = this.data(variant)[key]
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)
  }

  /** The whole ris_message envelope, serialised once per variant. */
  frame(variant: number): Buffer {
    const cached = this.frames[variant]
    if (cached) return cached
    const json = this.json(variant & (VARIANT_RAW | VARIANT_ALL))
    const f = Buffer.from(`{"type":"ris_message","data":${json}}${variant & VARIANT_LINE ? '\n' : ''}`)
    this.frames[variant] = f
    return f
  }

  /**
   * The whole WebSocket frame of a variant (FIN, text, unmasked), compressed
   * (RSV1) when `deflate` and the message is long enough.
   */
  wsFrame(variant: number, deflate: boolean): Buffer {
    const key = (variant & (VARIANT_RAW | VARIANT_ALL)) | (deflate ? 4 : 0)
    const cached = this.wsFrames[key]
    if (cached) return cached
    let body = this.frame(variant & (VARIANT_RAW | VARIANT_ALL))
    let first = 0x81
    if (deflate && body.length >= DEFLATE_THRESHOLD) {
      // RFC 7692 §7.2.1: DEFLATE, sync flush, the trailing 00 00 FF FF removed.
      const z = deflateRawSync(body, {
        level: 1,
        windowBits: DEFLATE_WINDOW_BITS,
        memLevel: 8,
        finishFlush: constants.Z_SYNC_FLUSH,
      })
      body = z.subarray(0, z.length - 4)
      first = 0xc1
    }
    const n = body.length
    const head = n < 126 ? 2 : n < 65536 ? 4 : 10
    const f = Buffer.allocUnsafe(head + n)
    f[0] = first
    if (head === 2) f[1] = n
    else if (head === 4) {
      f[1] = 126
      f.writeUInt16BE(n, 2)
    } else {
      f[1] = 127
      f.writeUInt32BE(0, 2)
      f.writeUInt32BE(n, 6)
    }
    body.copy(f, head)
    this.wsFrames[key] = f
    return f
  }
}
