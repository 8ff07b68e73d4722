// The AS path regular expressions of GET /api/v1/search (`pathRegex=`),
// matched in time linear in the text they are tried on.
//
// V8's usual engine backtracks: `(\d|\d| )*x` against an AS path of five
// ASNs (29 characters) took 2.7 s, doubling with every digit, on the thread
// the BGP sessions share. So these patterns run on V8's linear-time engine (a
// Thompson-NFA simulation: the `l` flag, accepted once the flag
// --enable-experimental-regexp-engine is set, which is done here before the
// first such expression is compiled). That engine refuses what it cannot run
// in linear time — backreferences, lookaround, large {n,m} repetitions — and
// so is such a pattern refused here, with the reason.
//
// Linear is not yet cheap: its work per character grows with the states
// that can be alive at once. On the longest AS path a 4096-octet UPDATE can
// carry (1,000 four-octet ASNs, 11,000 characters) `(.*){16}x` took 0.13 s
// and sixteen `.*` repeated {16} (39 characters) about a second. Such
// states come from atoms matching many characters (`.`, classes, `\d`…)
// and from quantifiers, a `{n,m}` repeating its atom m times: their count
// is bounded (MAX_COST); literal ASNs and alternations of them cost
// nothing, their states die at the first character that differs. The
// search also stops a page after a time budget (search.ts).

import { setFlagsFromString } from 'node:v8'

/** Characters of a pattern, at most. */
export const MAX_PATTERN_LENGTH = 200

/** Wildcard atoms and quantifiers, {n,m} repetitions expanded, at most (see `patternCost`). */
export const MAX_COST = 32

/** The flag asking for the linear-time engine (a constant: a literal /…/l would not parse before the flag is set). */
const LINEAR = 'l'

let linear: boolean | undefined

/** Turns V8's linear-time engine on (once); false when this V8 refuses it. */
function linearEngine(): boolean {
  if (linear === undefined) {
    try {
      setFlagsFromString('--enable-experimental-regexp-engine')
      new RegExp('', LINEAR)
      linear = true
    } catch {
      linear = false
    }
  }
  return linear
}

/** The length of a group's opening: `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`. */
function groupOpening(text: string, i: number): number {
  if (text[i + 1] !== '?') return 1
  const c = text[i + 2]
  if (c === ':' || c === '=' || c === '!') return 3
  if (c === '<') {
    if (text[i + 3] === '=' || text[i + 3] === '!') return 4
    const close = text.indexOf('>', i + 3)
    return close > 0 ? close - i + 1 : 3
  }
  return 2
}

/**
 * What the linear engine's work per character grows with: atoms that match
 * more than one character (`.`, `[…]`, `\d \D \w \W \s \S`) and quantifiers
 * (`* + ? {n,m}`), with a quantified atom or group counted as often as
 * `{n,m}` repeats it (m times; n + 1 for `{n,}`). Literal characters,
 * anchors and `|` count nothing. Only an estimate for syntactically valid
 * patterns: the RegExp constructor judges the syntax.
 */
export function patternCost(text: string): number {
  // The cost of each open group so far; the last atom's (or closed group's) cost.
  const groups: number[] = []
  let cost = 0
  let last = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\\') {
      const e = text[i + 1] ?? ''
      last = 'dDwWsS'.includes(e) ? 1 : 0
      cost += last
      i++
      continue
    }
    if (ch === '[') {
      let j = i + 1
      if (text[j] === '^') j++
      while (j < text.length && text[j] !== ']') j += text[j] === '\\' ? 2 : 1
      i = j
      last = 1
      cost += last
      continue
    }
    if (ch === '(') {
      groups.push(cost)
      cost = 0
      last = 0
      i += groupOpening(text, i) - 1
      continue
    }
    if (ch === ')') {
      last = cost
      cost = (groups.pop() ?? 0) + last
      continue
    }
    if (ch === '*' || ch === '+' || ch === '?') {
      cost += 1
      last = 0
      if (text[i + 1] === '?') i++
      continue
    }
    if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(text.slice(i))
      if (m) {
        const n = Number(m[1])
        const max = m[2] === undefined ? n : m[3] ? Number(m[3]) : n + 1
        // The atom is there once already: repeated max times in all, and the loop.
        cost += last * Math.max(0, Math.min(max, 10_000) - 1) + 1
        last = 0
        i += m[0].length - 1
        if (text[i + 1] === '?') i++
        continue
      }
    }
    last = ch === '.' ? 1 : 0
    cost += last
  }
  while (groups.length) cost += groups.pop()!
  return cost
}

/**
 * The expression for a `pathRegex`, `_` standing for a separator or either
 * end; or, when it is refused, the reason (without the parameter's name).
 */
export function compilePathRegex(text: string): RegExp | string {
  if (text.length > MAX_PATTERN_LENGTH) return `at most ${MAX_PATTERN_LENGTH} characters`
  const source = text.replace(/_/g, '(?:^|$| )')
  // The syntax first (constructing compiles nothing): as given, so that errors name the pattern as
  // written, then with `_` replaced (`\_` would leave a stray parenthesis).
  for (const s of [text, source]) {
    try {
      new RegExp(s)
    } catch (e) {
      return (e as Error).message
    }
  }
  const cost = patternCost(text)
  if (cost > MAX_COST)
    return `too complex: ${cost} wildcards and quantifiers (at most ${MAX_COST}; an atom repeated {n,m} counts m times)`
  if (!linearEngine()) return "regular expressions need V8's linear-time engine, which this Node.js refused"
  try {
    return new RegExp(source, LINEAR)
  } catch {
    return 'cannot be matched in linear time: backreferences, lookaround and large {n,m} repetitions are not supported'
  }
}
