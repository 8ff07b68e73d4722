// How peers and paths read wherever they are listed (overview, looking
// glass, a peer's routes): the same state badges, the same columns and the
// same copyable AS path everywhere.

import type { PeerStateName, RouteDto } from './api.ts'
import { type Child, h } from './dom.ts'
import { duration, num, time } from './format.ts'
import { link } from './router.ts'
import { type BadgeTone, badge, type Column, chips, copyButton } from './ui.ts'

export function asPath(path: string): Child {
  if (!path) return h('span', { class: 'muted' }, '(empty)')
  return h(
    'span',
    { class: 'aspath' },
    h('code', null, path),
    copyButton(`Copy AS path ${path}`, () => path),
  )
}

export function prefixLink(r: RouteDto): Child {
  const text = r.rd ? `${r.rd} ${r.prefix ?? r.key}` : (r.prefix ?? r.key)
  if (!r.prefix || r.rd) return h('code', { class: 'key' }, text)
  return h('a', { href: link('/lookup', { q: r.prefix, match: 'exact' }), class: 'mono' }, text)
}

/** The NLRI of families that are not plain prefixes (EVPN, FlowSpec…), as the codec decodes it. */
function nlri(r: RouteDto): Child {
  return r.nlri === undefined ? null : h('div', { class: 'sub mono' }, JSON.stringify(r.nlri))
}

const dash = () => h('span', { class: 'muted' }, '—')

/** Columns for routes; `withPrefix` adds the prefix (lists of many prefixes), `withPeer` the peer. */
export function routeColumns(o: { withPrefix: boolean; withPeer?: boolean }): Column<RouteDto>[] {
  return [
    ...(o.withPeer
      ? [
          {
            label: 'Peer',
            cell: (r: RouteDto) => h('a', { href: `/peers/${r.peer}`, class: 'mono' }, r.peer),
          },
        ]
      : []),
    ...(o.withPrefix
      ? [
          {
            label: 'Prefix',
            cell: (r: RouteDto) => [
              prefixLink(r),
              r.family.endsWith('-unicast') ? null : h('div', { class: 'sub' }, r.family),
              nlri(r),
            ],
          },
        ]
      : []),
    { label: 'Path id', cell: (r) => (r.pathId === undefined ? dash() : String(r.pathId)), numeric: true },
    { label: 'AS path', cell: (r) => asPath(r.asPath), class: 'wide' },
    { label: 'Next hop', cell: (r) => (r.nextHop.length ? h('code', null, r.nextHop.join(' ')) : dash()) },
    { label: 'Origin', cell: (r) => r.origin ?? dash() },
    { label: 'MED', cell: (r) => (r.med === undefined ? dash() : num(r.med)), numeric: true },
    {
      label: 'Local pref',
      cell: (r) => (r.localPref === undefined ? dash() : num(r.localPref)),
      numeric: true,
    },
    { label: 'Communities', cell: (r) => chips(r.communities) },
    { label: 'Large communities', cell: (r) => chips(r.largeCommunities) },
    {
      label: 'Age',
      cell: (r) =>
        r.age === undefined ? dash() : h('span', { title: `since ${time(r.since)}` }, duration(r.age)),
      numeric: true,
    },
  ]
}

// RFC 4271 §8.2.2's names for the states, and how worried to look.
const STATES: Record<PeerStateName, readonly [string, BadgeTone]> = {
  established: ['Established', 'ok'],
  idle: ['Idle', 'muted'],
  connect: ['Connect', 'warn'],
  active: ['Active', 'warn'],
  opensent: ['OpenSent', 'info'],
  openconfirm: ['OpenConfirm', 'info'],
}

export function stateBadge(state: PeerStateName): HTMLElement {
  return badge(...STATES[state])
}

export function peerLink(address: string): HTMLElement {
  return h('a', { href: `/peers/${address}`, class: 'mono strong' }, address)
}
