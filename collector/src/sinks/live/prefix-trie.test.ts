import { describe, expect, it } from 'vitest'
import { parsePrefix } from '../../wire/ip.ts'
import { SubscriptionTrie, type TriePrefix } from './prefix-trie.ts'

function p(text: string): TriePrefix {
  const x = parsePrefix(text)!
  return { address: x.address, length: x.length }
}

function hits<T>(t: SubscriptionTrie<T>, text: string): T[] {
  const out = new Set<T>()
  t.match(p(text), (v) => out.add(v))
  return [...out].sort()
}

describe('SubscriptionTrie', () => {
  const t = new SubscriptionTrie<string>()
  t.add(p('10.0.0.0/8'), { value: 'a:10/8 more', moreSpecific: true, lessSpecific: false })
  t.add(p('10.1.0.0/16'), { value: 'b:10.1/16 exact', moreSpecific: false, lessSpecific: false })
  t.add(p('10.1.2.0/24'), { value: 'c:10.1.2/24 less', moreSpecific: false, lessSpecific: true })
  t.add(p('10.1.2.0/24'), { value: 'd:10.1.2/24 both', moreSpecific: true, lessSpecific: true })
  t.add(p('0.0.0.0/0'), { value: 'e:0/0 exact', moreSpecific: false, lessSpecific: false })
  t.add(p('192.0.2.0/24'), { value: 'f:192.0.2/24 less', moreSpecific: false, lessSpecific: true })

  it('finds covering, exact and contained subscriptions by one walk', () => {
    expect(hits(t, '10.1.2.0/24')).toEqual(['a:10/8 more', 'c:10.1.2/24 less', 'd:10.1.2/24 both'])
    expect(hits(t, '10.1.2.128/25')).toEqual(['a:10/8 more', 'd:10.1.2/24 both'])
    expect(hits(t, '10.1.0.0/16')).toEqual([
      'a:10/8 more',
      'b:10.1/16 exact',
      'c:10.1.2/24 less',
      'd:10.1.2/24 both',
    ])
    expect(hits(t, '10.1.0.0/17')).toEqual(['a:10/8 more', 'c:10.1.2/24 less', 'd:10.1.2/24 both'])
    expect(hits(t, '10.1.128.0/17')).toEqual(['a:10/8 more'])
    expect(hits(t, '0.0.0.0/0')).toEqual([
      'c:10.1.2/24 less',
      'd:10.1.2/24 both',
      'e:0/0 exact',
      'f:192.0.2/24 less',
    ])
    expect(hits(t, '11.0.0.0/8')).toEqual([])
    expect(hits(t, '192.0.0.0/16')).toEqual(['f:192.0.2/24 less'])
  })

  it('forgets removed subscriptions and prunes their nodes', () => {
    const u = new SubscriptionTrie<string>()
    const e = { value: 'x', moreSpecific: true, lessSpecific: true }
    u.add(p('2001:db8::/32'), e)
    expect(hits(u, '2001:db8:1::/48')).toEqual(['x'])
    expect(hits(u, '2001::/16')).toEqual(['x'])
    u.remove(p('2001:db8::/32'), e)
    expect(u.size).toBe(0)
    expect(hits(u, '2001:db8:1::/48')).toEqual([])
    expect(hits(u, '2001::/16')).toEqual([])
    expect(u).toEqual(new SubscriptionTrie<string>())
  })
})
