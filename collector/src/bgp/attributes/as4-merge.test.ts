import { describe, expect, it } from 'vitest'
import { AS_TRANS } from '../constants.ts'
import { effectivePath, flattenPath, originAs, pathLength } from './as4-merge.ts'
import type { AsPathSegment } from './types.ts'

const seq = (...asns: number[]): AsPathSegment => ({ type: 'AS_SEQUENCE', asns })
const set = (...asns: number[]): AsPathSegment => ({ type: 'AS_SET', asns })
const cseq = (...asns: number[]): AsPathSegment => ({ type: 'AS_CONFED_SEQUENCE', asns })
const cset = (...asns: number[]): AsPathSegment => ({ type: 'AS_CONFED_SET', asns })

const A = 4200000001
const B = 4200000002
const T = AS_TRANS
const aggr = (asn: number) => ({ asn, address: '192.0.2.9' })

describe('effectivePath (RFC 6793 §4.2.3)', () => {
  it('on a 4-octet session AS_PATH and AGGREGATOR are exact; AS4_PATH and AS4_AGGREGATOR are ignored', () => {
    expect(effectivePath(true, [seq(65001, T)], aggr(T), [seq(A)], aggr(A))).toEqual({
      asPath: [seq(65001, T)],
      aggregator: aggr(T),
    })
  })

  it('AS_TRANS in AS_PATH: the leading ASes of AS_PATH, then AS4_PATH', () => {
    expect(effectivePath(false, [seq(65001, T, T)], undefined, [seq(A, B)], undefined)).toEqual({
      asPath: [seq(65001, A, B)],
      aggregator: undefined,
    })
  })

  it('as long as AS4_PATH: AS4_PATH replaces the whole path', () => {
    expect(effectivePath(false, [seq(T, T)], undefined, [seq(A, B)], undefined).asPath).toEqual([seq(A, B)])
  })

  it('AS_PATH shorter than AS4_PATH: AS4_PATH is ignored', () => {
    expect(effectivePath(false, [seq(T)], undefined, [seq(A, B)], undefined)).toEqual({
      asPath: [seq(T)],
      aggregator: undefined,
    })
  })

  it('AGGREGATOR with an AS other than AS_TRANS: AS4_PATH and AS4_AGGREGATOR are ignored', () => {
    expect(effectivePath(false, [seq(65001, T)], aggr(65002), [seq(A)], aggr(A))).toEqual({
      asPath: [seq(65001, T)],
      aggregator: aggr(65002),
    })
  })

  it('AGGREGATOR of AS_TRANS: AS4_AGGREGATOR is the aggregator, and AS4_PATH is merged', () => {
    expect(effectivePath(false, [seq(65001, T)], aggr(T), [seq(A)], aggr(A))).toEqual({
      asPath: [seq(65001, A)],
      aggregator: aggr(A),
    })
    // Without AS4_AGGREGATOR the AGGREGATOR stays as sent.
    expect(effectivePath(false, [seq(T)], aggr(T), undefined, undefined)).toEqual({
      asPath: [seq(T)],
      aggregator: aggr(T),
    })
    // AS4_AGGREGATOR without AGGREGATOR means nothing.
    expect(effectivePath(false, [seq(T)], undefined, undefined, aggr(A)).aggregator).toBeUndefined()
  })

  it('an AS_SET counts as one AS on both sides', () => {
    // AS_PATH: 65001 T {1 2 3} = 3 ASes; AS4_PATH: A {1 2 3} = 2 ASes; one leading AS kept.
    expect(
      effectivePath(false, [seq(65001, T), set(1, 2, 3)], undefined, [seq(A), set(1, 2, 3)], undefined)
        .asPath,
    ).toEqual([seq(65001, A), set(1, 2, 3)])
    // AS_PATH {1 2 3 4} = 1 AS, AS4_PATH A = 1 AS: AS4_PATH whole.
    expect(effectivePath(false, [set(1, 2, 3, 4)], undefined, [seq(A)], undefined).asPath).toEqual([seq(A)])
    // A leading AS_SET is kept as a whole.
    expect(effectivePath(false, [set(7, 8), seq(T)], undefined, [seq(A)], undefined).asPath).toEqual([
      set(7, 8),
      seq(A),
    ])
  })

  it('confederation segments of AS_PATH are kept in front and count as no AS', () => {
    expect(
      effectivePath(false, [cseq(65100, 65101), seq(65001, T)], undefined, [seq(A)], undefined).asPath,
    ).toEqual([cseq(65100, 65101), seq(65001, A)])
    expect(effectivePath(false, [cset(65100), seq(T)], undefined, [seq(A)], undefined).asPath).toEqual([
      cset(65100),
      seq(A),
    ])
  })

  it('confederation segments inside AS4_PATH are dropped (RFC 6793 §6)', () => {
    expect(
      effectivePath(false, [seq(65001, T)], undefined, [cseq(9, 10), seq(A), cset(11)], undefined).asPath,
    ).toEqual([seq(65001, A)])
  })

  it('no AS4_PATH: the path as sent; no AS_PATH: empty', () => {
    expect(effectivePath(false, [seq(65001, T)], undefined, undefined, undefined).asPath).toEqual([
      seq(65001, T),
    ])
    expect(effectivePath(false, undefined, undefined, [seq(A)], undefined).asPath).toEqual([])
    expect(effectivePath(true, undefined, undefined, undefined, undefined)).toEqual({
      asPath: [],
      aggregator: undefined,
    })
  })

  it('a segment split by the count gives its leading ASes, and AS4_PATH continues that sequence', () => {
    // AS_PATH of 4 in two segments, AS4_PATH of 2: 1, then 2 of the second segment, then AS4_PATH.
    expect(effectivePath(false, [seq(1), seq(2, T, T)], undefined, [seq(A, B)], undefined).asPath).toEqual([
      seq(1),
      seq(2, A, B),
    ])
  })
})

describe('pathLength, flattenPath, originAs', () => {
  it('pathLength counts a sequence by its ASes, a set as one, confederation segments as none', () => {
    expect(pathLength([seq(1, 2, 3), set(4, 5), cseq(6, 7), cset(8)])).toBe(4)
    expect(pathLength([])).toBe(0)
  })

  it('flattenPath writes sets as nested lists, as RIS Live does', () => {
    expect(flattenPath([cseq(65100), seq(1, 2), set(3, 4), cset(5)])).toEqual([65100, 1, 2, [3, 4], [5]])
    expect(flattenPath([])).toEqual([])
  })

  it('originAs is the last AS of a path ending in a sequence', () => {
    expect(originAs([seq(1, 2, 3)])).toBe(3)
    expect(originAs([set(1), seq(4)])).toBe(4)
    expect(originAs([seq(1), set(2, 3)])).toBeUndefined()
    expect(originAs([seq(1), cseq(9)])).toBeUndefined()
    expect(originAs([])).toBeUndefined()
  })
})
