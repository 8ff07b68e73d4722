// `--stats`: what a file holds. Records per MRT type and subtype; per peer
// (address and AS) the RIB entries, announcements, withdrawals, state changes
// and other messages; per address family the RIB entries, announcements and
// withdrawals (NLRI counted one by one, every family); the time range.

import { type BgpMessage, codecContext, decodeMessage, familyName } from '../../collector/src/bgp/index.ts'
import {
  legacyMessage,
  type MrtRecord,
  messageContext,
  mrtSubtypeName,
  mrtTypeName,
  parseRecord,
} from '../../collector/src/mrt/index.ts'
import { formatIP } from '../../collector/src/wire/ip.ts'
import type { MrtFilter, RouteInfo } from './filter.ts'
import { recordRoutes } from './routes.ts'

interface Counts {
  rib: number
  announce: number
  withdraw: number
  state: number
  message: number
}

function counts(): Counts {
  return { rib: 0, announce: 0, withdraw: 0, state: 0, message: 0 }
}

const LEGACY = codecContext({ asn4: false })

export class MrtStats {
  records = 0
  first = Number.POSITIVE_INFINITY
  last = Number.NEGATIVE_INFINITY
  readonly types = new Map<string, number>()
  readonly peers = new Map<string, Counts>()
  readonly families = new Map<string, Counts>()
  readonly #filter: MrtFilter | undefined

  constructor(filter?: MrtFilter) {
    this.#filter = filter && !filter.empty ? filter : undefined
  }

  add(rec: MrtRecord): void {
    const f = this.#filter
    if (f && !f.typeMatches(rec.type, rec.subtype)) return
    const body = parseRecord(rec)
    let message: BgpMessage | undefined
    if (body.kind === 'BGP4MP_MESSAGE') {
      message = decodeMessage(
        body.message.message,
        messageContext(body.message.as4, body.message.addPath),
      ).message
    } else if (body.kind === 'BGP' && body.bgp.kind === 'message') {
      message = decodeMessage(legacyMessage(rec.subtype, body.bgp.body), LEGACY).message
    }
    let counted = false
    recordRoutes(rec, body, message, (r: RouteInfo) => {
      if (f && !f.route(r)) return
      counted = true
      const k =
        r.kind === 'rib' || r.kind === 'announce' || r.kind === 'withdraw' || r.kind === 'state'
          ? r.kind
          : 'message'
      if (r.kind === 'peer-index' || r.kind === 'other') return
      if (r.peer) {
        const key = `${formatIP(r.peer, 0, r.peer.length === 16 ? 16 : 4)} AS${r.peerAs ?? '?'}`
        const c = this.peers.get(key) ?? counts()
        this.peers.set(key, c)
        c[k]++
      }
      if (k === 'rib' || k === 'announce' || k === 'withdraw') {
        const fam = familyName(r.afi, r.safi)
        const c = this.families.get(fam) ?? counts()
        this.families.set(fam, c)
        c[k]++
      }
    })
    if (!counted) return
    this.records++
    const key = `${mrtTypeName(rec.type)}/${mrtSubtypeName(rec.type, rec.subtype)}`
    this.types.set(key, (this.types.get(key) ?? 0) + 1)
    const t = rec.timestamp + (rec.microseconds ?? 0) / 1e6
    if (t < this.first) this.first = t
    if (t > this.last) this.last = t
  }

  /** A plain-text report. */
  report(extra: { bytes?: number; skipped?: number } = {}): string {
    const lines: string[] = []
    const pad = (s: string, n: number) => s.padEnd(n)
    const num = (n: number) => n.toLocaleString('en-US').padStart(12)
    lines.push(`records ${this.records.toLocaleString('en-US')}`)
    if (extra.bytes !== undefined) lines.push(`octets  ${extra.bytes.toLocaleString('en-US')} (decompressed)`)
    if (extra.skipped) lines.push(`skipped ${extra.skipped.toLocaleString('en-US')} corrupt record(s)`)
    if (this.records) {
      const iso = (t: number) => new Date(t * 1000).toISOString()
      lines.push(`time    ${iso(this.first)} .. ${iso(this.last)}`)
    }
    lines.push('', 'by type')
    for (const [k, v] of [...this.types].sort()) lines.push(`  ${pad(k, 44)}${num(v)}`)
    const table = (title: string, m: Map<string, Counts>) => {
      lines.push(
        '',
        `${pad(title, 46)}${['rib', 'announce', 'withdraw', 'state', 'message'].map((h) => h.padStart(12)).join('')}`,
      )
      for (const [k, c] of [...m].sort()) {
        lines.push(
          `  ${pad(k, 44)}${num(c.rib)}${num(c.announce)}${num(c.withdraw)}${num(c.state)}${num(c.message)}`,
        )
      }
    }
    table('by peer', this.peers)
    table('by family', this.families)
    return `${lines.join('\n')}\n`
  }
}
