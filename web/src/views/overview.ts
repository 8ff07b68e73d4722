// Overview: the collector at a glance (sessions up, paths held, message
// rate, storage) and every peer with its state, uptime, AS, paths per family
// and a sparkline of its updates over the last hour. A peer's address opens
// its page. Refreshed every 30 s while shown.

import { type CollectorDto, getJson, type PeerDto, type PeersResponse, type StatsResponse } from '../api.ts'
import { sparkline } from '../charts/chart.ts'
import { type Child, h, replace } from '../dom.ts'
import { duration, num, rate, time } from '../format.ts'
import { peerLink, stateBadge } from '../route-cells.ts'
import type { ViewContext } from '../router.ts'
import { badge, card, errorBox, facts, loading, pageHeader, table } from '../ui.ts'

const REFRESH_MS = 30_000

interface Data {
  readonly collector: CollectorDto
  readonly peers: readonly PeerDto[]
  /** Per-minute counts of the last hour (absent when storage is off). */
  readonly total?: StatsResponse
  readonly byPeer?: StatsResponse
  readonly statsError?: unknown
}

async function fetchAll(signal: AbortSignal): Promise<Data> {
  const from = String(Math.floor(Date.now() / 1000) - 3600)
  const [collector, peers, stats] = await Promise.all([
    getJson<CollectorDto>('/api/v1/collector', {}, signal),
    getJson<PeersResponse>('/api/v1/peers', {}, signal),
    Promise.all([
      getJson<StatsResponse>('/api/v1/stats', { from }, signal),
      getJson<StatsResponse>('/api/v1/stats', { from, by: 'peer' }, signal),
    ]).catch((e: unknown) => e),
  ])
  return Array.isArray(stats)
    ? { collector, peers: peers.peers, total: stats[0], byPeer: stats[1] }
    : { collector, peers: peers.peers, statsError: stats }
}

function tile(label: string, value: Child, sub?: Child): HTMLElement {
  return h(
    'div',
    { class: 'tile' },
    h('div', { class: 'tile-label' }, label),
    h('div', { class: 'tile-value' }, value),
    sub ? h('div', { class: 'tile-sub' }, sub) : null,
  )
}

function series(s: StatsResponse | undefined, metric: string, peer?: string): number[] | undefined {
  const i = s?.series.findIndex((x) => x.metric === metric && x.peer === peer) ?? -1
  return i < 0 ? undefined : (s!.data[i + 1] as number[])
}

function summary(d: Data, signal: AbortSignal): Child {
  const c = d.collector
  const messages = series(d.total, 'messages')
  const storage = !c.storage.enabled
    ? badge('off', 'muted')
    : c.storage.connected === false
      ? badge('unreachable', 'bad')
      : badge('connected', 'ok')
  return [
    h(
      'div',
      { class: 'tiles' },
      tile('Peers up', `${num(c.peers.up)} / ${num(c.peers.total)}`),
      tile('Paths', num(c.paths), `${num(c.prefixes)} prefixes`),
      tile(
        'Messages/s',
        rate(c.messagesPerSecond),
        messages && d.total
          ? sparkline(messages, d.total.data[0] as number[], 'BGP messages per minute, last hour', signal)
          : `${num(c.messagesReceived)} received`,
      ),
      tile('Uptime', duration(c.uptime), `since ${time(c.startedAt)}`),
    ),
    h(
      'div',
      { class: 'grid-2' },
      card(
        'Collector',
        facts([
          ['Name', h('code', null, c.name)],
          ['Version', c.version],
          ['AS', `AS${c.asn}`],
          ['Router ID', h('code', null, c.routerId)],
          ['Storage', storage],
          ['Messages received', num(c.messagesReceived)],
        ]),
      ),
      card(
        'Families',
        c.families.length
          ? table(
              [
                { label: 'Family', cell: (f) => h('code', null, f.family) },
                { label: 'Paths', cell: (f) => num(f.paths), numeric: true },
                { label: 'Prefixes', cell: (f) => num(f.prefixes), numeric: true },
              ],
              c.families,
            )
          : h('p', { class: 'empty' }, 'No paths held yet.'),
      ),
    ),
  ]
}

function peersTable(d: Data, signal: AbortSignal): Child {
  if (!d.peers.length)
    return h(
      'p',
      { class: 'empty' },
      'No peers yet: routers in the accepted ranges may open sessions to the collector.',
    )
  const families = [...new Set(d.peers.flatMap((p) => Object.keys(p.families)))].sort((a, b) => {
    const total = (f: string) => d.peers.reduce((n, p) => n + (p.families[f]?.paths ?? 0), 0)
    return total(b) - total(a) || a.localeCompare(b)
  })
  // A column for each of the busiest families (all of them when four fit),
  // then one that lists the others a peer has paths in.
  const own = families.length <= 4 ? families : families.slice(0, 3)
  const others = families.slice(own.length)
  const familyColumns = [
    ...own.map((f) => ({
      label: f,
      numeric: true,
      cell: (p: PeerDto) => (p.families[f] ? num(p.families[f]!.paths) : h('span', { class: 'muted' }, '—')),
    })),
    ...(others.length
      ? [
          {
            label: 'Other families',
            cell: (p: PeerDto) => {
              const held = others.filter((f) => (p.families[f]?.paths ?? 0) > 0)
              return held.length
                ? h(
                    'ul',
                    { class: 'plain' },
                    held.map((f) => h('li', null, h('code', null, f), ' ', num(p.families[f]!.paths))),
                  )
                : h('span', { class: 'muted' }, '—')
            },
          },
        ]
      : []),
  ]
  const xs = d.byPeer?.data[0] as number[] | undefined
  return table<PeerDto>(
    [
      {
        label: 'Peer',
        cell: (p) => [
          peerLink(p.address),
          p.description || p.hostname ? h('div', { class: 'sub' }, p.description ?? p.hostname) : null,
        ],
      },
      { label: 'AS', cell: (p) => (p.asn === null ? h('span', { class: 'muted' }, 'any') : `AS${p.asn}`) },
      { label: 'State', cell: (p) => stateBadge(p.state) },
      {
        label: 'Uptime',
        cell: (p) =>
          p.state === 'established'
            ? duration(p.uptime)
            : h(
                'span',
                { class: 'muted' },
                `down ${duration((Date.now() - Date.parse(p.stateSince)) / 1000)}`,
              ),
      },
      ...familyColumns,
      {
        label: 'Updates, last hour',
        cell: (p) => {
          const values = series(d.byPeer, 'updates', p.address)
          if (!values || !xs) return h('span', { class: 'muted' }, d.statsError ? 'no storage' : 'none')
          const total = values.reduce((a, b) => a + b, 0)
          return h(
            'span',
            { class: 'spark-cell' },
            sparkline(values, xs, `${total} updates in the last hour`, signal),
            h('span', { class: 'num' }, num(total)),
          )
        },
      },
    ],
    d.peers,
    { 'data-testid': 'peers' },
  )
}

export function overview({ root, signal }: ViewContext): void {
  const updated = h('span', { class: 'muted small', 'aria-live': 'polite' })
  const refreshButton = h('button', { type: 'button', class: 'secondary' }, 'Refresh')
  const top = h('div', null, loading('Loading the collector…'))
  const peers = h('div')
  root.append(
    pageHeader('Overview', h('div', { class: 'head-actions' }, updated, refreshButton)),
    top,
    card('Peers', peers),
  )

  // Each refresh draws into its own signal, so the sparklines it replaces are destroyed.
  let drawn: AbortController | undefined
  signal.addEventListener('abort', () => drawn?.abort())
  let running = false
  async function refresh(): Promise<void> {
    if (running) return
    running = true
    try {
      const d = await fetchAll(signal)
      if (signal.aborted) return
      drawn?.abort()
      drawn = new AbortController()
      // Keep keyboard focus on the same link through a refresh.
      const focused = (document.activeElement as HTMLAnchorElement | null)?.getAttribute?.('href')
      replace(top, summary(d, drawn.signal))
      replace(
        peers,
        peersTable(d, drawn.signal),
        d.statsError ? errorBox(d.statsError, 'Sparklines unavailable') : null,
      )
      if (focused && root.contains(document.activeElement) === false)
        root.querySelector<HTMLElement>(`a[href="${CSS.escape(focused)}"]`)?.focus()
      updated.textContent = `Updated ${time(Date.now()).slice(11)}`
    } catch (e) {
      if (!signal.aborted) replace(top, errorBox(e))
    } finally {
      running = false
    }
  }
  refreshButton.addEventListener('click', () => void refresh())
  void refresh()
  const timer = setInterval(() => void refresh(), REFRESH_MS)
  signal.addEventListener('abort', () => clearInterval(timer))
}
