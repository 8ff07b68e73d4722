// The `path` field of a RIS Live subscription: a comma-separated AS pattern,
// not a regular expression (docs/live.md "path"):
//
//   [!] [^] element { , element } [$]
//   element = ASN | "[" ASN { , ASN } "]"        (an AS_SET)
//
// `^` anchors the first element at the first AS of the path (the peer side),
// `$` the last element at the origin, `!` in front inverts the whole pattern.
// Without anchors the elements must appear as a contiguous run anywhere in the
// path. An ASN element matches one AS of an AS_SEQUENCE, never an AS_SET, so
// `N$` does not match a route whose origin is an AS_SET; a set element matches
// an AS_SET with exactly those members (order and repeats aside). Whitespace
// is ignored; set members may be written in any order (they are kept sorted).
// A bare integer subscribes like the pattern of that one ASN.

/** One position of a path: an ASN, or an AS_SET's members sorted ascending without repeats. */
export type PathElement = number | readonly number[]

export interface PathPattern {
  /** The canonical text (what ris_subscribe_ok and unsubscribe keys use). */
  readonly text: string
  readonly negate: boolean
  readonly anchorStart: boolean
  readonly anchorEnd: boolean
  readonly elements: readonly PathElement[]
}

const MAX_ASN = 0xffffffff

function asn(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined
  const n = Number(text)
  return n <= MAX_ASN ? n : undefined
}

/** Sorted, without repeats: the canonical form of an AS_SET. */
export function normalSet(asns: readonly number[]): number[] {
  const out = [...asns].sort((a, b) => a - b)
  let w = 0
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[w - 1]) out[w++] = out[i]!
  out.length = w
  return out
}

function elementText(e: PathElement): string {
  return typeof e === 'number' ? String(e) : `[${e.join(',')}]`
}

/** Parses a subscription's `path`; a string is the reason it is not a pattern. */
export function parsePathPattern(input: unknown): PathPattern | string {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0 || input > MAX_ASN) {
      return `path ${input} is not an AS number (0..4294967295)`
    }
    return { text: String(input), negate: false, anchorStart: false, anchorEnd: false, elements: [input] }
  }
  if (typeof input !== 'string') return 'path must be an AS number or a pattern string such as "64500,64501$"'
  let s = input.replace(/\s+/g, '')
  const bad = (why: string) => `path '${input}' is not a valid AS path pattern: ${why}`
  let negate = false
  let anchorStart = false
  let anchorEnd = false
  if (s.startsWith('!')) {
    negate = true
    s = s.slice(1)
  }
  if (s.startsWith('^')) {
    anchorStart = true
    s = s.slice(1)
  }
  if (s.endsWith('$')) {
    anchorEnd = true
    s = s.slice(0, -1)
  }
  if (s === '') return bad('no AS numbers')
  const elements: PathElement[] = []
  let i = 0
  while (i < s.length) {
    if (s[i] === '[') {
      const close = s.indexOf(']', i)
      if (close < 0) return bad("an AS set '[' is not closed")
      const members = s.slice(i + 1, close)
      if (members === '') return bad('an empty AS set')
      const asns: number[] = []
      for (const m of members.split(',')) {
        const n = asn(m)
        if (n === undefined) return bad(`'${m}' in an AS set is not an AS number`)
        asns.push(n)
      }
      elements.push(normalSet(asns))
      i = close + 1
    } else {
      let j = i
      while (j < s.length && s[j] !== ',') j++
      const part = s.slice(i, j)
      const n = asn(part)
      if (n === undefined) {
        if (part.includes('^')) return bad("'^' may only lead the pattern (after an optional '!')")
        if (part.includes('$')) return bad("'$' may only end the pattern")
        if (part.includes('!')) return bad("'!' may only lead the pattern")
        return bad(part === '' ? 'an empty element between commas' : `'${part}' is not an AS number`)
      }
      elements.push(n)
      i = j
    }
    if (i < s.length) {
      if (s[i] !== ',') return bad(`expected ',' after '${elementText(elements[elements.length - 1]!)}'`)
      i++
      if (i === s.length) return bad('a trailing comma')
    }
  }
  const text = `${negate ? '!' : ''}${anchorStart ? '^' : ''}${elements.map(elementText).join(',')}${anchorEnd ? '$' : ''}`
  return { text, negate, anchorStart, anchorEnd, elements }
}

function same(e: PathElement, p: PathElement): boolean {
  if (typeof e === 'number') return e === p
  if (typeof p === 'number' || p.length !== e.length) return false
  for (let i = 0; i < e.length; i++) if (e[i] !== p[i]) return false
  return true
}

function runAt(elements: readonly PathElement[], path: readonly PathElement[], at: number): boolean {
  for (let k = 0; k < elements.length; k++) if (!same(elements[k]!, path[at + k]!)) return false
  return true
}

/**
 * Whether a path (ASNs, AS_SETs as normalised arrays, see normalSet) matches.
 * The caller decides what a message without a path means (docs/live.md: a
 * `path` subscription matches only UPDATEs that carry one).
 */
export function matchPath(p: PathPattern, path: readonly PathElement[]): boolean {
  const m = p.elements.length
  const n = path.length
  let found = false
  if (m <= n) {
    if (p.anchorStart && p.anchorEnd) found = m === n && runAt(p.elements, path, 0)
    else if (p.anchorStart) found = runAt(p.elements, path, 0)
    else if (p.anchorEnd) found = runAt(p.elements, path, n - m)
    else for (let i = 0; i + m <= n && !found; i++) found = runAt(p.elements, path, i)
  }
  return p.negate ? !found : found
}

/**
 * An ASN every path this (non-inverted) pattern matches contains, for the
 * subscription index: the last element's (first) ASN, usually the origin.
 */
export function patternKeyAsn(p: PathPattern): number | undefined {
  if (p.negate) return undefined
  const last = p.elements[p.elements.length - 1]!
  return typeof last === 'number' ? last : last[0]
}
