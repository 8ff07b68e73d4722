// Prefix history: every announcement and withdrawal of one prefix (exact)
// over a time range, from storage. The chart steps through how many peers
// had a path for it and marks when paths changed; the table lists the
// changes, newest first. With a start time, the peers that already had it
// then come from the table at that time (/api/v1/history/rib).
// URL: /history?prefix=193.0.0.0/21&from=…&to=…&peer=…

import {
  getJson,
  type PathChangeDto,
  type PrefixHistoryResponse,
  type RibAtResponse,
  type StoredRouteDto,
} from '../api.ts'
import { timeChart } from '../charts/chart.ts'
import { type Child, formValues, h, replace } from '../dom.ts'
import { num, TIME_HINT, TIME_NOTE, time, toSeconds } from '../format.ts'
import { link, navigate, type ViewContext } from '../router.ts'
import { badge, card, chips, empty, errorBox, field, loading, pageHeader, table } from '../ui.ts'

/** Changes read at most (10 pages of 1000): enough to see a prefix's story, bounded for the browser. */
const MAX_CHANGES = 10_000

interface Timeline {
  readonly xs: number[]
  readonly peers: number[]
  readonly announced: (number | null)[]
  readonly withdrawn: (number | null)[]
}

/** Replays the changes over the starting state: peers holding a path after each instant. */
export function timeline(
  start: readonly StoredRouteDto[],
  changes: readonly PathChangeDto[],
  from?: number,
  to?: number,
): Timeline {
  const held = new Map<string, Set<string>>()
  const apply = (r: StoredRouteDto, announce: boolean) => {
    const paths = held.get(r.peer) ?? new Set<string>()
    const k = `${r.collector}|${r.rd}|${r.pathId}`
    if (announce) paths.add(k)
    else paths.delete(k)
    if (paths.size) held.set(r.peer, paths)
    else held.delete(r.peer)
  }
  for (const r of start) apply(r, true)
  const t: Timeline = { xs: [], peers: [], announced: [], withdrawn: [] }
  const first = from ?? (changes.length ? Date.parse(changes[0]!.time) / 1000 - 1 : undefined)
  if (first !== undefined) {
    t.xs.push(first)
    t.peers.push(held.size)
    t.announced.push(null)
    t.withdrawn.push(null)
  }
  for (const c of changes) {
    const x = Date.parse(c.time) / 1000
    apply(c, c.action === 'announce')
    const i = t.xs.length - 1
    // One point per instant: changes of one UPDATE (or the same millisecond) add up.
    if (i >= 0 && t.xs[i] === x) {
      t.peers[i] = held.size
      if (c.action === 'announce') t.announced[i] = (t.announced[i] ?? 0) + 1
      else t.withdrawn[i] = (t.withdrawn[i] ?? 0) + 1
      continue
    }
    t.xs.push(x)
    t.peers.push(held.size)
    t.announced.push(c.action === 'announce' ? 1 : null)
    t.withdrawn.push(c.action === 'withdraw' ? 1 : null)
  }
  const last = to ?? Date.now() / 1000
  if (t.xs.length && last > t.xs[t.xs.length - 1]!) {
    t.xs.push(last)
    t.peers.push(held.size)
    t.announced.push(null)
    t.withdrawn.push(null)
  }
  return t
}

function changesTable(changes: readonly PathChangeDto[]): Child {
  const newest = [...changes].reverse()
  return table(
    [
      {
        label: 'Time (UTC)',
        cell: (c: PathChangeDto) => h('span', { class: 'nowrap', title: c.time }, time(c.time).slice(0, 19)),
      },
      { label: 'Peer', cell: (c) => h('a', { href: `/peers/${c.peer}`, class: 'mono' }, c.peer) },
      {
        label: 'Action',
        cell: (c) => (c.action === 'announce' ? badge('announce', 'ok') : badge('withdraw', 'bad')),
      },
      {
        label: 'AS path',
        cell: (c) =>
          c.asPath.length ? h('code', null, c.asPath.join(' ')) : h('span', { class: 'muted' }, '—'),
        class: 'wide',
      },
      { label: 'Next hop', cell: (c) => h('code', null, c.nextHop.join(' ')) },
      { label: 'Origin', cell: (c) => c.origin || '—' },
      { label: 'MED', cell: (c) => (c.med === null ? '—' : num(c.med)), numeric: true },
      { label: 'Local pref', cell: (c) => (c.localPref === null ? '—' : num(c.localPref)), numeric: true },
      { label: 'Communities', cell: (c) => chips([...c.communities, ...c.largeCommunities]) },
      { label: 'Path id', cell: (c) => String(c.pathId), numeric: true },
    ],
    newest,
    { 'data-testid': 'history-changes' },
  )
}

async function fetchChanges(
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<{ changes: PathChangeDto[]; more: boolean }> {
  const changes: PathChangeDto[] = []
  let cursor: string | undefined
  do {
    const r = await getJson<PrefixHistoryResponse>(
      '/api/v1/history/prefix',
      { ...params, limit: 1000, cursor },
      signal,
    )
    changes.push(...r.changes)
    cursor = r.cursor
  } while (cursor && changes.length < MAX_CHANGES)
  return { changes, more: cursor !== undefined }
}

export function history({ root, at, signal }: ViewContext): void {
  const prefix = at.params.get('prefix') ?? ''
  const from = at.params.get('from') ?? ''
  const to = at.params.get('to') ?? ''
  const peer = at.params.get('peer') ?? ''
  const form = h(
    'form',
    { class: 'query', role: 'search', 'aria-label': 'Prefix history' },
    field(
      'Prefix',
      h('input', {
        name: 'prefix',
        value: prefix,
        required: true,
        placeholder: '193.0.0.0/21',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'From',
      h('input', {
        name: 'from',
        value: from,
        placeholder: 'the beginning',
        title: TIME_HINT,
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'To',
      h('input', {
        name: 'to',
        value: to,
        placeholder: 'now',
        title: TIME_HINT,
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'Peer',
      h('input', { name: 'peer', value: peer, placeholder: 'all peers', class: 'mono', autocomplete: 'off' }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show history')),
    h('p', { class: 'form-note' }, TIME_NOTE),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = formValues(form)
    navigate(link('/history', { prefix: v.prefix, from: v.from, to: v.to, peer: v.peer }))
  })
  const chartCard = h('div')
  const out = h('div')
  root.append(pageHeader('Prefix history'), card(null, form), chartCard, out)
  if (!prefix) {
    replace(out, empty('Enter a prefix to see when peers announced and withdrew it.'))
    return
  }
  replace(out, loading(`Loading the history of ${prefix}…`))
  const params = { prefix, from, to, peer }
  Promise.all([
    fetchChanges(params, signal),
    from
      ? getJson<RibAtResponse>(
          '/api/v1/history/rib',
          { prefix, at: from, match: 'exact', peer, limit: 1000 },
          signal,
        )
      : undefined,
  ]).then(
    ([{ changes, more }, start]) => {
      if (signal.aborted) return
      if (!changes.length && !start?.routes.length) {
        replace(
          out,
          empty(`No announcement or withdrawal of ${prefix} is stored${from || to ? ' in this range' : ''}.`),
        )
        return
      }
      const t = timeline(start?.routes ?? [], changes, toSeconds(from), toSeconds(to))
      const box = h('div')
      replace(
        chartCard,
        card(
          `Peers with a path for ${prefix}`,
          h(
            'p',
            { class: 'muted small' },
            'The line is how many peers held a path; the dots are the announcements and withdrawals at each instant (right axis).',
          ),
          box,
        ),
      )
      timeChart(
        box,
        {
          title: `How many peers had a path for ${prefix}, and when paths changed`,
          yLabel: 'peers',
          y2Label: 'changes',
          series: [
            { label: 'peers with a path', kind: 'step', color: '#1d5fd6' },
            { label: 'announcements', kind: 'points', color: '#2b8a3e', scale: 'y2' },
            { label: 'withdrawals', kind: 'points', color: '#d9480f', scale: 'y2' },
          ],
          data: [t.xs, t.peers, t.announced, t.withdrawn],
          height: 260,
          counts: true,
        },
        signal,
      )
      replace(
        out,
        card(
          `${num(changes.length)} changes${more ? ` (the first ${num(MAX_CHANGES)}: narrow the time range for the rest)` : ''}, newest first`,
          changesTable(changes),
        ),
      )
    },
    (e: unknown) => {
      if (!signal.aborted) replace(out, errorBox(e))
    },
  )
}
