import { describe, expect, it } from 'vitest'
import {
  matchPath,
  type PathElement,
  type PathPattern,
  parsePathPattern,
  patternKeyAsn,
} from './path-pattern.ts'

function pattern(text: string | number): PathPattern {
  const p = parsePathPattern(text)
  if (typeof p === 'string') throw new Error(p)
  return p
}

const PATH: PathElement[] = [123, 456, 789, [789, 10111]]
const PLAIN: PathElement[] = [3333, 123, 456, 789]

describe('parsePathPattern', () => {
  it('parses anchors, inversion and sets into a canonical form', () => {
    expect(pattern('789$')).toEqual({
      text: '789$',
      negate: false,
      anchorStart: false,
      anchorEnd: true,
      elements: [789],
    })
    expect(pattern('!^ 123, 456,[10111,789]$')).toEqual({
      text: '!^123,456,[789,10111]$',
      negate: true,
      anchorStart: true,
      anchorEnd: true,
      elements: [123, 456, [789, 10111]],
    })
    expect(pattern(64500)).toEqual({
      text: '64500',
      negate: false,
      anchorStart: false,
      anchorEnd: false,
      elements: [64500],
    })
    expect(pattern('[2,1,2]').elements).toEqual([[1, 2]])
  })

  it('says why a pattern is bad', () => {
    expect(parsePathPattern('')).toBe("path '' is not a valid AS path pattern: no AS numbers")
    expect(parsePathPattern('^$')).toBe("path '^$' is not a valid AS path pattern: no AS numbers")
    expect(parsePathPattern('12,ab')).toBe(
      "path '12,ab' is not a valid AS path pattern: 'ab' is not an AS number",
    )
    expect(parsePathPattern('12,,13')).toBe(
      "path '12,,13' is not a valid AS path pattern: an empty element between commas",
    )
    expect(parsePathPattern('12,')).toBe("path '12,' is not a valid AS path pattern: a trailing comma")
    expect(parsePathPattern('12^')).toBe(
      "path '12^' is not a valid AS path pattern: '^' may only lead the pattern (after an optional '!')",
    )
    expect(parsePathPattern('1$,2')).toBe(
      "path '1$,2' is not a valid AS path pattern: '$' may only end the pattern",
    )
    expect(parsePathPattern('[1,2')).toBe(
      "path '[1,2' is not a valid AS path pattern: an AS set '[' is not closed",
    )
    expect(parsePathPattern('[]')).toBe("path '[]' is not a valid AS path pattern: an empty AS set")
    expect(parsePathPattern('[1]2')).toBe(
      "path '[1]2' is not a valid AS path pattern: expected ',' after '[1]'",
    )
    expect(parsePathPattern('4294967296')).toBe(
      "path '4294967296' is not a valid AS path pattern: '4294967296' is not an AS number",
    )
    expect(parsePathPattern(1.5)).toBe('path 1.5 is not an AS number (0..4294967295)')
    expect(parsePathPattern({})).toBe('path must be an AS number or a pattern string such as "64500,64501$"')
    expect(parsePathPattern('1.*')).toBe(
      "path '1.*' is not a valid AS path pattern: '1.*' is not an AS number",
    )
  })
})

describe('matchPath', () => {
  const cases: [string | number, PathElement[], boolean][] = [
    ['789$', PLAIN, true],
    ['789$', PATH, false], // the origin is an AS_SET
    ['[789,10111]$', PATH, true],
    ['789,[789,10111]$', PATH, true],
    ['^123,456,789,[789,10111]$', PATH, true],
    ['^123,456', PATH, true],
    ['^123,456', PLAIN, false],
    ['123,456', PLAIN, true], // unanchored: a contiguous run anywhere
    ['123,789', PLAIN, false],
    ['456,789', PLAIN, true],
    [456, PLAIN, true],
    [10111, PATH, false], // an ASN element never matches inside an AS_SET
    ['!6666$', PLAIN, true],
    ['!789$', PLAIN, false],
    ['!^3333', PLAIN, false],
    ['!^3333', PATH, true],
    ['^3333,123,456,789$', PLAIN, true],
    ['^3333,123,456$', PLAIN, false],
    ['^3333,123,456,789,1$', PLAIN, false],
    ['[1,2]', [1, 2], false],
    ['1,2,3,4,5', PLAIN, false],
  ]
  it.each(cases)('%s on %j → %s', (p, path, want) => {
    expect(matchPath(pattern(p), path)).toBe(want)
  })

  it('keys a positive pattern by an ASN every matching path contains', () => {
    expect(patternKeyAsn(pattern('^1,2,3$'))).toBe(3)
    expect(patternKeyAsn(pattern('1,[5,4]'))).toBe(4)
    expect(patternKeyAsn(pattern('!1'))).toBeUndefined()
  })
})
