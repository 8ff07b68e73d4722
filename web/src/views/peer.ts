// One peer: its session (state, timers, addresses, what both OPENs said),
// paths per family with End-of-RIB, message counters, the last error, its
// updates and withdrawals over the last hour, and its routes a page at a
// time (by family).

import { getJson, type PeerDto, type PeerRoutesResponse, type StatsResponse } from '../api.ts'
import { timeChart } from '../charts/chart.ts'
import { type Child, h, replace } from '../dom.ts'
import { duration, num, time } from '../format.ts'
import { routeColumns, stateBadge } from '../route-cells.ts'
import { link, navigate, type ViewContext } from '../router.ts'
import {
  card,
  chips,
  copyButton,
  errorBox,
  facts,
  field,
  load,
  loading,
  pageHeader,
  select,
  table,
} from '../ui.ts'

function counters(p: PeerDto): Child {
  const types = [
    ...new Set([...Object.keys(p.counters.messagesReceived), ...Object.keys(p.counters.messagesSent)]),
  ].sort()
  const problems = Object.entries(p.counters.problems ?? {})
  return [
    table(
      [
        { label: 'Message', cell: (t: string) => t },
        { label: 'Received', cell: (t) => num(p.counters.messagesReceived[t] ?? 0), numeric: true },
        { label: 'Sent', cell: (t) => num(p.counters.messagesSent[t] ?? 0), numeric: true },
      ],
      types,
    ),
    facts([
      ['NLRI announced', num(p.counters.announced)],
      ['NLRI withdrawn', num(p.counters.withdrawn)],
      ['Times established', num(p.counters.establishedCount)],
      ['Connections refused', num(p.counters.refusedConnections)],
      [
        'Disabled families',
        p.counters.disabledFamilies.length ? chips(p.counters.disabledFamilies) : undefined,
      ],
      [
        'RFC 7606 problems',
        problems.length ? h('code', null, JSON.stringify(p.counters.problems)) : undefined,
      ],
    ]),
  ]
}

function session(p: PeerDto): Child {
  const n = p.negotiated
  return facts([
    ['State', [stateBadge(p.state), ` since ${time(p.stateSince)}`]],
    ['Uptime', p.uptime === undefined ? undefined : duration(p.uptime)],
    ['AS', p.asn === null ? 'any (no OPEN yet)' : `AS${p.asn}`],
    ['Configured AS', p.configuredAsn === 'any' ? 'any' : `AS${p.configuredAsn}`],
    ['Local AS', `AS${p.localAsn}`],
    ['Router ID', p.routerId ? h('code', null, p.routerId) : undefined],
    ['Hostname', p.hostname],
    ['Software', p.softwareVersion],
    ['Remote', p.remotePort ? h('code', null, `${p.address} port ${p.remotePort}`) : undefined],
    ['Local', p.localAddress ? h('code', null, `${p.localAddress} port ${p.localPort ?? '?'}`) : undefined],
    [
      'Hold / keepalive',
      p.holdTime === undefined ? undefined : `${p.holdTime} s / ${p.keepaliveTime ?? '—'} s`,
    ],
    ['Admitted by', p.matchedPrefix ? h('code', null, p.matchedPrefix) : undefined],
    ['Families', n ? chips(n.families, 20) : undefined],
    ['ADD-PATH (receive)', n?.addPath.length ? chips(n.addPath, 20) : undefined],
    [
      'Options',
      n
        ? [
            n.asn4 ? '4-octet AS' : '2-octet AS',
            n.extendedMessage ? ', extended messages' : '',
            n.routeRefresh ? ', route refresh' : '',
            n.enhancedRouteRefresh ? ', enhanced route refresh' : '',
          ].join('')
        : undefined,
    ],
    [
      'Graceful restart',
      n?.gracefulRestart
        ? `${n.gracefulRestart.restartTime} s: ${n.gracefulRestart.families.join(', ')}`
        : undefined,
    ],
  ])
}

function capabilities(p: PeerDto): Child {
  // Multiprotocol appears once per family: its family is what tells them apart.
  const names = (list: PeerDto['capabilities']['sent']) =>
    list.map((c) => {
      const v = (c as { value?: unknown }).value as { family?: string; asn?: number } | undefined
      if (c.name === 'MULTIPROTOCOL' && v?.family) return `MULTIPROTOCOL ${v.family}`
      if (c.name === 'FOUR_OCTET_AS' && v?.asn !== undefined) return `FOUR_OCTET_AS ${v.asn}`
      return c.name === 'UNKNOWN' ? `capability ${c.code}` : c.name
    })
  return facts([
    ['Received', chips(names(p.capabilities.received), 40)],
    ['Sent', chips(names(p.capabilities.sent), 40)],
  ])
}

function families(p: PeerDto): Child {
  const rows = Object.entries(p.families)
  if (!rows.length) return h('p', { class: 'empty' }, 'No paths held.')
  return table(
    [
      { label: 'Family', cell: ([f]: (typeof rows)[number]) => h('code', null, f) },
      { label: 'Paths', cell: ([, x]) => num(x.paths), numeric: true },
      { label: 'Prefixes', cell: ([, x]) => num(x.prefixes), numeric: true },
      { label: 'Stale', cell: ([, x]) => num(x.stale), numeric: true },
      {
        label: 'End-of-RIB',
        cell: ([, x]) => (x.endOfRib ? time(x.endOfRib) : h('span', { class: 'muted' }, 'not yet')),
      },
    ],
    rows,
  )
}

function activity(box: HTMLElement, address: string, signal: AbortSignal): void {
  const from = String(Math.floor(Date.now() / 1000) - 3600)
  void load(
    box,
    'Loading activity…',
    () => getJson<StatsResponse>('/api/v1/stats', { from, peer: address, by: 'peer' }, signal),
    (s) => {
      const xs = s.data[0] as number[]
      const col = (m: string) =>
        (s.data[s.series.findIndex((x) => x.metric === m) + 1] as number[] | undefined) ?? xs.map(() => 0)
      const holder = h('div')
      // The chart measures its box, so it is drawn once the box is in the page.
      queueMicrotask(() =>
        timeChart(
          holder,
          {
            title: `Updates and withdrawals per minute of ${address}, last hour`,
            yLabel: 'per minute',
            series: [
              { label: 'updates', kind: 'bars', color: '#1d5fd6' },
              { label: 'withdrawals', kind: 'line', color: '#d9480f' },
            ],
            data: [xs, col('updates'), col('withdrawals')],
            height: 200,
          },
          signal,
        ),
      )
      return holder
    },
    signal,
  )
}

function routes(box: HTMLElement, p: PeerDto, family: string, signal: AbortSignal): void {
  const list = h('div')
  const more = h('div', { class: 'more' })
  const fams = Object.keys(p.families)
  const picker = select('family', [['', 'All families'], ...fams.map((f) => [f, f] as const)], family)
  picker.addEventListener('change', () =>
    navigate(link(`/peers/${p.address}`, { family: picker.value }), { replace: true }),
  )
  replace(box, h('div', { class: 'toolbar' }, field('Family', picker)), list, more)
  let shown = 0
  async function page(cursor?: string): Promise<void> {
    replace(more, loading('Loading routes…'))
    try {
      const r = await getJson<PeerRoutesResponse>(
        `/api/v1/peers/${encodeURIComponent(p.address)}/routes`,
        { family, limit: 100, cursor },
        signal,
      )
      if (signal.aborted) return
      shown += r.routes.length
      list.append(table(routeColumns({ withPrefix: true }), r.routes, {}, { stack: true }))
      replace(
        more,
        h('span', { class: 'muted' }, `${num(shown)} routes shown`),
        r.cursor
          ? h(
              'button',
              { type: 'button', class: 'secondary', onclick: () => void page(r.cursor) },
              'Load 100 more',
            )
          : null,
      )
    } catch (e) {
      if (!signal.aborted) replace(more, errorBox(e))
    }
  }
  void page()
}

export function peer({ root, at, signal }: ViewContext): void {
  const address = at.path.slice('/peers/'.length)
  const body = h('div', null, loading(`Loading ${address}…`))
  root.append(
    pageHeader(
      `Peer ${address}`,
      h(
        'div',
        { class: 'head-actions' },
        copyButton('Copy the peer address', () => address, 'Copy address'),
        h('a', { href: '/', class: 'button secondary small' }, 'All peers'),
      ),
    ),
    body,
  )
  void load(
    body,
    `Loading ${address}…`,
    () => getJson<PeerDto>(`/api/v1/peers/${encodeURIComponent(address)}`, {}, signal),
    (p) => {
      const chart = h('div')
      const routeBox = h('div')
      const out = [
        h(
          'div',
          { class: 'grid-2' },
          card('Session', session(p)),
          h('div', null, card('Paths by family', families(p)), card('Capabilities', capabilities(p))),
        ),
        p.lastError
          ? card(
              'Last error',
              facts([
                ['When', time(p.lastError.at)],
                ['Who', p.lastError.direction],
                ['Reason', p.lastError.reason],
              ]),
            )
          : null,
        h('div', { class: 'grid-2' }, card('Activity, last hour', chart), card('Messages', counters(p))),
        card('Routes', routeBox),
      ]
      queueMicrotask(() => {
        activity(chart, p.address, signal)
        routes(routeBox, p, at.params.get('family') ?? '', signal)
      })
      return out
    },
    signal,
  )
}
