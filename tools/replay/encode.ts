// Encoding the replay feed: UPDATEs packed from MRT RIB entries (a router's
// Adj-RIB-Out on session start: prefixes sharing an attribute set share
// messages, RFC 4271 §9.2), End-of-RIB markers, and updates-file messages
// re-encoded for the session, written straight into big chunks.

import {
  type BgpMessage,
  type CodecContext,
  decodeMessage,
  effectivePath,
  encodeMessage,
  type FamilyKey,
  familyKey,
  familyNameOfKey,
  type PathAttribute,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import {
  type Bgp4mpMessage,
  isAbbreviatedMpReach,
  messageContext,
  type RibRecord,
} from '../../collector/src/mrt/index.ts'

/** UPDATE size limit (RFC 4271 §4.1); we never send extended messages. */
export const MAX_MESSAGE = 4096
const CHUNK = 256 * 1024
/** Attribute sets with prefixes waiting to be packed, at most. */
const OPEN_GROUPS = 1 << 20

/** Encoded messages in big chunks, as they will be written. */
export class Chunks {
  readonly done: Uint8Array[] = []
  private buf = Buffer.allocUnsafe(CHUNK)
  private pos = 0
  messages = 0
  prefixes = 0

  /** Room for one message of up to n octets; returns the buffer and offset to write at. */
  reserve(n: number): { buf: Buffer; at: number } {
    if (this.pos + n > this.buf.length) this.cut()
    return { buf: this.buf, at: this.pos }
  }

  commit(n: number, prefixes: number): void {
    this.pos += n
    this.messages++
    this.prefixes += prefixes
  }

  add(bytes: Uint8Array, prefixes: number): void {
    const { buf, at } = this.reserve(bytes.length)
    buf.set(bytes, at)
    this.commit(bytes.length, prefixes)
  }

  /** Closes the current chunk (if it holds anything). */
  cut(): void {
    if (this.pos === 0) return
    this.done.push(this.buf.subarray(0, this.pos))
    this.buf = Buffer.allocUnsafe(CHUNK)
    this.pos = 0
  }

  take(): Uint8Array[] {
    this.cut()
    return this.done.splice(0)
  }
}

function writeHeader(buf: Buffer, at: number, length: number): void {
  buf.fill(0xff, at, at + 16)
  buf[at + 16] = length >>> 8
  buf[at + 17] = length & 0xff
  buf[at + 18] = 2
}

interface Group {
  readonly family: FamilyKey
  /** Attributes other than MP_REACH_NLRI, as stored. */
  readonly attributes: Uint8Array
  /** MP families: the next hop field; IPv4 unicast: undefined (NEXT_HOP is among the attributes). */
  readonly nextHop: Uint8Array | undefined
  nlri: Uint8Array[]
  nlriOctets: number
}

/** Octets of a message carrying the group's attributes and n NLRI octets. */
function messageOctets(g: Group, nlri: number): number {
  const mp = g.nextHop ? 4 + 5 + g.nextHop.length : 0
  return 19 + 4 + mp + g.attributes.length + nlri
}

/**
 * Packs RIB entries into UPDATEs: entries with the same attributes share
 * messages, as a router's Adj-RIB-Out does (RFC 4271 §9.2).
 */
export class RibPacker {
  private readonly groups = new Map<string, Group>()
  readonly families = new Set<FamilyKey>()
  skipped = 0
  private readonly out: Chunks
  private readonly ctx: CodecContext

  constructor(out: Chunks, ctx: CodecContext) {
    this.out = out
    this.ctx = ctx
  }

  add(rib: RibRecord, attributes: Uint8Array, pathId: number | undefined): void {
    const family = familyKey(rib.afi, rib.safi)
    let rest: Uint8Array = attributes
    let nextHop: Uint8Array | undefined
    const mp = findAttribute(attributes, 14)
    if (mp) {
      const v = attributes.subarray(mp.value, mp.end)
      // RFC 6396 §4.3.4 short form (next hop only), or the full attribute some writers store.
      nextHop = isAbbreviatedMpReach(v) ? v.subarray(1) : v.subarray(4, 4 + (v[3] ?? 0))
      rest = withoutRange(attributes, mp.start, mp.end)
    } else if (family !== familyKey(1, 1)) {
      this.skipped++
      return
    }
    const key = `${family}/${nextHop ? Buffer.from(nextHop).toString('latin1') : ''}/${Buffer.from(rest).toString('latin1')}`
    let g = this.groups.get(key)
    if (!g) {
      if (this.groups.size >= OPEN_GROUPS) this.flushOldest()
      g = {
        family,
        attributes: Uint8Array.from(rest),
        nextHop: nextHop && Uint8Array.from(nextHop),
        nlri: [],
        nlriOctets: 0,
      }
      this.groups.set(key, g)
    }
    const addPath = this.ctx.addPath.has(family)
    const n = new Uint8Array((addPath ? 4 : 0) + rib.nlri.length)
    if (addPath) new DataView(n.buffer).setUint32(0, pathId ?? 1)
    n.set(rib.nlri, addPath ? 4 : 0)
    if (g.nlri.length && messageOctets(g, g.nlriOctets + n.length) > MAX_MESSAGE) this.emit(g)
    g.nlri.push(n)
    g.nlriOctets += n.length
    this.families.add(family)
  }

  private flushOldest(): void {
    const first = this.groups.entries().next().value
    if (!first) return
    this.emit(first[1])
    this.groups.delete(first[0])
  }

  private emit(g: Group): void {
    if (!g.nlri.length) return
    const length = messageOctets(g, g.nlriOctets)
    const { buf, at } = this.out.reserve(length)
    writeHeader(buf, at, length)
    let p = at + 19
    buf[p++] = 0
    buf[p++] = 0
    const attrLength = length - 23 - (g.nextHop ? 0 : g.nlriOctets)
    buf[p++] = attrLength >>> 8
    buf[p++] = attrLength & 0xff
    if (g.nextHop) {
      // MP_REACH_NLRI first (RFC 4760 §3), with the extended length bit.
      const v = 5 + g.nextHop.length + g.nlriOctets
      buf[p++] = 0x90
      buf[p++] = 14
      buf[p++] = v >>> 8
      buf[p++] = v & 0xff
      buf[p++] = g.family >>> 16
      buf[p++] = (g.family >>> 8) & 0xff
      buf[p++] = g.family & 0xff
      buf[p++] = g.nextHop.length
      buf.set(g.nextHop, p)
      p += g.nextHop.length
      buf[p++] = 0
      for (const n of g.nlri) {
        buf.set(n, p)
        p += n.length
      }
      buf.set(g.attributes, p)
      p += g.attributes.length
    } else {
      buf.set(g.attributes, p)
      p += g.attributes.length
      for (const n of g.nlri) {
        buf.set(n, p)
        p += n.length
      }
    }
    this.out.commit(length, g.nlri.length)
    g.nlri = []
    g.nlriOctets = 0
  }

  /** Sends what is waiting. */
  flush(): void {
    for (const g of this.groups.values()) this.emit(g)
    this.groups.clear()
  }
}

/** Where the first attribute of a type lies in an attribute section. */
function findAttribute(
  a: Uint8Array,
  type: number,
): { start: number; value: number; end: number } | undefined {
  let p = 0
  while (p + 3 <= a.length) {
    const ext = (a[p]! & 0x10) !== 0
    const len = ext ? (a[p + 2]! << 8) | (a[p + 3] ?? 0) : a[p + 2]!
    const value = p + (ext ? 4 : 3)
    const end = value + len
    if (end > a.length) return undefined
    if (a[p + 1] === type) return { start: p, value, end }
    p = end
  }
  return undefined
}

function withoutRange(a: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(a.length - (end - start))
  out.set(a.subarray(0, start))
  out.set(a.subarray(end), start)
  return out
}

export function endOfRib(f: FamilyKey): Uint8Array {
  const m: UpdateMessage =
    f === familyKey(1, 1)
      ? { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }
      : {
          type: 'UPDATE',
          withdrawn: [],
          attributes: [
            {
              code: 15,
              flags: 0x80,
              name: 'MP_UNREACH_NLRI',
              value: { afi: f >>> 8, safi: f & 0xff, family: familyNameOfKey(f), nlri: [] },
            },
          ],
          nlri: [],
        }
  return encodeMessage(m, { asn4: true, addPath: new Set(), extendedMessage: false })
}

/** An updates-file UPDATE for this session: as recorded, or re-encoded for the session's context. */
export function sessionMessage(m: Bgp4mpMessage, ctx: CodecContext): Uint8Array | undefined {
  if (m.message.length < 19 || m.message[18] !== 2) return undefined
  const sameWidth = m.as4 === ctx.asn4
  const noPathIds = !m.addPath && ctx.addPath instanceof Set && ctx.addPath.size === 0
  if (sameWidth && noPathIds && m.message.length <= MAX_MESSAGE) return m.message
  const d = decodeMessage(m.message, messageContext(m.as4, m.addPath))
  if (d.message?.type !== 'UPDATE' || d.action === 'session-reset') return undefined
  let attributes: readonly PathAttribute[] = d.message.attributes
  if (!m.as4 && ctx.asn4) {
    // RFC 6793 §4.2.3: rebuild the 4-octet path from AS_PATH and AS4_PATH.
    const get = <N extends PathAttribute['name']>(name: N) =>
      attributes.find((a) => a.name === name) as Extract<PathAttribute, { name: N }> | undefined
    const eff = effectivePath(
      false,
      get('AS_PATH')?.value,
      get('AGGREGATOR')?.value,
      get('AS4_PATH')?.value,
      get('AS4_AGGREGATOR')?.value,
    )
    attributes = attributes
      .filter((a) => a.code !== 17 && a.code !== 18)
      .map((a) =>
        a.name === 'AS_PATH'
          ? { ...a, value: eff.asPath }
          : a.name === 'AGGREGATOR' && eff.aggregator
            ? { ...a, value: eff.aggregator }
            : a,
      )
  }
  try {
    const bytes = encodeMessage({ ...d.message, attributes } as BgpMessage, ctx)
    return bytes.length <= MAX_MESSAGE ? bytes : undefined
  } catch {
    return undefined
  }
}
