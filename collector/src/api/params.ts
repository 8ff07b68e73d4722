// Parameter parsing shared by the routes: times (Unix seconds or ISO 8601),
// prefixes and addresses, family names, page sizes and opaque cursors. Each
// throws a 400 ApiError naming the parameter and what was wrong with it.

import { familyByName, knownFamilyNames } from '../bgp/index.ts'
import { formatIPv4, formatIPv6, maskPrefix, parseIP, parsePrefix } from '../wire/ip.ts'
import { badRequest } from './errors.ts'

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/

/**
 * A time parameter in microseconds since the epoch: Unix seconds ("1714564800",
 * fractions allowed) or ISO 8601 ("2024-05-01T12:00:00Z"; no zone means UTC).
 */
export function parseTime(name: string, text: string): number {
  const t = text.trim()
  if (/^\d{1,12}(?:\.\d{1,6})?$/.test(t)) return Math.round(Number(t) * 1e6)
  if (ISO.test(t)) {
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t) || !t.includes(':') ? t : `${t}Z`
    const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : zoned.replace(' ', 'T'))
    if (!Number.isNaN(ms)) {
      const frac = /\.(\d{4,9})/.exec(t)
      const extra = frac ? Number(frac[1]!.slice(3, 6).padEnd(3, '0')) : 0
      return ms * 1000 + extra
    }
  }
  throw badRequest(
    `${name}: '${text}' is not a time (Unix seconds, or ISO 8601 such as 2024-05-01T12:00:00Z)`,
  )
}

export function optionalTime(name: string, text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : parseTime(name, text)
}

/** ISO 8601 in UTC with microseconds ("2024-05-01T12:00:00.123456Z"). */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000)
  const micros = Math.round(us - ms * 1000)
  const base = new Date(ms).toISOString()
  return `${base.slice(0, 23)}${String(micros).padStart(3, '0')}Z`
}

export function isoMillis(ms: number): string {
  return new Date(ms).toISOString()
}

/** A time range: `from` before `to`, both optional. */
export function timeRange(
  from: string | undefined,
  to: string | undefined,
): { from: number | undefined; to: number | undefined } {
  const f = optionalTime('from', from)
  const t = optionalTime('to', to)
  if (f !== undefined && t !== undefined && f > t) throw badRequest('from: is after to')
  return { from: f, to: t }
}

export interface ParsedPrefixParam {
  /** Canonical text with host bits cleared. */
  readonly prefix: string
  readonly length: number
  readonly v6: boolean
  /** The bits after the length were not zero as given. */
  readonly hostBits: boolean
}

function canonical(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b)
}

export function parsePrefixParam(name: string, text: string): ParsedPrefixParam {
  const p = parsePrefix(text.trim())
  if (!p) throw badRequest(`${name}: '${text}' is not a prefix such as 192.0.2.0/24 or 2001:db8::/32`)
  const masked = maskPrefix(new Uint8Array(p.address), p.length)
  const hostBits = masked.some((b, i) => b !== p.address[i])
  return {
    prefix: `${canonical(masked)}/${p.length}`,
    length: p.length,
    v6: p.address.length === 16,
    hostBits,
  }
}

export function parseAddressParam(name: string, text: string): { address: string; v6: boolean } {
  const b = parseIP(text.trim())
  if (!b) throw badRequest(`${name}: '${text}' is not an IPv4 or IPv6 address`)
  return { address: canonical(b), v6: b.length === 16 }
}

export function parseFamilyParam(name: string, text: string): string {
  if (familyByName(text) === undefined) {
    throw badRequest(`${name}: unknown family '${text}' (known: ${knownFamilyNames().join(', ')})`)
  }
  return text
}

export function parseAsn(name: string, text: string): number {
  const t = text.trim().replace(/^AS/i, '')
  const n = /^\d{1,10}$/.test(t) ? Number(t) : Number.NaN
  if (!Number.isInteger(n) || n > 0xffffffff) throw badRequest(`${name}: '${text}' is not an AS number`)
  return n
}

/** A page size: 1 ≤ n ≤ max, `dflt` when absent. */
export function parseLimit(text: string | undefined, dflt: number, max: number): number {
  if (text === undefined || text === '') return Math.min(dflt, max)
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(n) || n < 1) throw badRequest(`limit: '${text}' is not a positive whole number`)
  if (n > max) throw badRequest(`limit: ${n} is over the limit of ${max} (api-max-results)`)
  return n
}

export function parseBool(name: string, text: string | undefined, dflt: boolean): boolean {
  if (text === undefined || text === '') return dflt
  if (['true', '1', 'yes', 'on'].includes(text)) return true
  if (['false', '0', 'no', 'off'].includes(text)) return false
  throw badRequest(`${name}: '${text}' is not true or false`)
}

/** Opaque cursors: a JSON value in base64url, tagged with what it continues. */
export function encodeCursor(kind: string, value: unknown): string {
  return Buffer.from(JSON.stringify([kind, value])).toString('base64url')
}

export function decodeCursor<T>(kind: string, text: string, check: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString())
    if (Array.isArray(v) && v.length === 2 && v[0] === kind && check(v[1])) return v[1]
  } catch {
    // reported below
  }
  throw badRequest('cursor: not a cursor this request gave out (pass back `cursor` as it came)')
}

export const isOffset = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0
