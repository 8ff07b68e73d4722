// Charts: updates, announcements and withdrawals per second for the whole
// collector; updates and withdrawals per second per peer; paths held per
// peer over time (/api/v1/stats/paths, counted from the stored updates).
// Rates are the per-interval counts divided by the interval.
// URL: /charts?range=1h&peer=…

import { getJson, type PathCountsResponse, type PeersResponse, type StatsResponse } from '../api.ts'
import { type SeriesSpec, timeChart } from '../charts/chart.ts'
import { h } from '../dom.ts'
import { num, rate } from '../format.ts'
import { link, navigate, type ViewContext } from '../router.ts'
import { card, empty, field, load, pageHeader, select } from '../ui.ts'

/** Range → seconds and the step that keeps a chart near a few hundred points. */
const RANGES = {
  '15m': { seconds: 900, step: 60, label: 'Last 15 minutes' },
  '1h': { seconds: 3600, step: 60, label: 'Last hour' },
  '6h': { seconds: 21600, step: 60, label: 'Last 6 hours' },
  '24h': { seconds: 86400, step: 300, label: 'Last 24 hours' },
  '7d': { seconds: 604800, step: 3600, label: 'Last 7 days' },
  '30d': { seconds: 2592000, step: 86400, label: 'Last 30 days' },
} as const
type Range = keyof typeof RANGES

/** A card with a chart, drawn once the card is in the page (uPlot measures its box); `empty` when there is nothing to draw. */
function chartCard(title: string, note: string, draw: ((box: HTMLElement) => void) | string): HTMLElement {
  if (typeof draw === 'string') return card(title, empty(draw))
  const box = h('div', { class: 'chart-box' })
  queueMicrotask(() => draw(box))
  return card(title, h('p', { class: 'muted small' }, note), box)
}

/** Series of one metric, one per peer, as rates. */
function perPeer(s: StatsResponse, metric: string): { specs: SeriesSpec[]; data: number[][] } {
  const specs: SeriesSpec[] = []
  const data: number[][] = []
  s.series.forEach((x, i) => {
    if (x.metric !== metric || !x.peer) return
    specs.push({ label: x.peer, format: (v) => `${rate(v)}/s` })
    data.push((s.data[i + 1] as number[]).map((v) => v / s.step))
  })
  return { specs, data }
}

export function charts({ root, at, signal }: ViewContext): void {
  const range = (at.params.get('range') ?? '1h') as Range
  const r = RANGES[range] ?? RANGES['1h']
  const peer = at.params.get('peer') ?? ''
  const rangePicker = select(
    'range',
    Object.entries(RANGES).map(([k, v]) => [k, v.label] as const),
    range in RANGES ? range : '1h',
  )
  const peerPicker = select('peer', [['', 'All peers'], ...(peer ? [[peer, peer] as const] : [])], peer)
  const go = () =>
    navigate(
      link('/charts', {
        range: rangePicker.value === '1h' ? undefined : rangePicker.value,
        peer: peerPicker.value,
      }),
    )
  rangePicker.addEventListener('change', go)
  peerPicker.addEventListener('change', go)
  // The peer list fills in when it arrives; the charts do not wait for it.
  getJson<PeersResponse>('/api/v1/peers', {}, signal).then(
    (ps) => {
      for (const x of ps.peers)
        if (x.address !== peer)
          peerPicker.append(h('option', { value: x.address }, `${x.address}${x.asn ? ` (AS${x.asn})` : ''}`))
    },
    () => {},
  )
  const out = h('div', { class: 'charts' })
  root.append(
    pageHeader(
      'Charts',
      h('div', { class: 'toolbar' }, field('Range', rangePicker), field('Peer', peerPicker)),
    ),
    out,
  )

  const to = Math.floor(Date.now() / 1000)
  const q = { from: String(to - r.seconds), to: String(to), step: r.step, peer }
  const per = r.step === 60 ? 'minute' : `${r.step / 60} minutes`
  void load(
    out,
    'Loading statistics…',
    () =>
      Promise.all([
        getJson<StatsResponse>('/api/v1/stats', q, signal),
        getJson<StatsResponse>('/api/v1/stats', { ...q, by: 'peer' }, signal),
        getJson<PathCountsResponse>('/api/v1/stats/paths', q, signal),
      ]),
    ([total, byPeer, paths]) => {
      const col = (m: string) =>
        (total.data[total.series.findIndex((x) => x.metric === m) + 1] as number[]).map((v) => v / total.step)
      const updates = perPeer(byPeer, 'updates')
      const withdrawals = perPeer(byPeer, 'withdrawals')
      const scope = peer ? `peer ${peer}` : 'all peers'
      const note = `Averaged over each ${per}.`
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0) * total.step
      return [
        chartCard(
          `Updates and withdrawals per second, ${scope}`,
          `${note} ${num(sum(col('updates')))} UPDATE messages in the range.`,
          (box) =>
            timeChart(
              box,
              {
                title: `Updates, announcements and withdrawals per second, ${scope}`,
                yLabel: 'per second',
                series: [
                  { label: 'updates', color: '#1d5fd6', format: (v) => `${rate(v)}/s` },
                  { label: 'announcements', color: '#2b8a3e', format: (v) => `${rate(v)}/s` },
                  { label: 'withdrawals', color: '#d9480f', format: (v) => `${rate(v)}/s` },
                ],
                data: [total.data[0] as number[], col('updates'), col('announcements'), col('withdrawals')],
              },
              signal,
            ),
        ),
        h(
          'div',
          { class: 'grid-2' },
          chartCard(
            'Updates per second by peer',
            note,
            updates.specs.length
              ? (box) =>
                  timeChart(
                    box,
                    {
                      title: 'Updates per second by peer',
                      yLabel: 'per second',
                      series: updates.specs,
                      data: [byPeer.data[0] as number[], ...updates.data],
                    },
                    signal,
                  )
              : 'No updates in this range.',
          ),
          chartCard(
            'Withdrawals per second by peer',
            note,
            withdrawals.specs.length
              ? (box) =>
                  timeChart(
                    box,
                    {
                      title: 'Withdrawals per second by peer',
                      yLabel: 'per second',
                      series: withdrawals.specs,
                      data: [byPeer.data[0] as number[], ...withdrawals.data],
                    },
                    signal,
                  )
              : 'No withdrawals in this range.',
          ),
        ),
        chartCard(
          'Paths per peer',
          'Paths held at the end of each interval, counted from the stored announcements and withdrawals.',
          paths.series.length
            ? (box) =>
                timeChart(
                  box,
                  {
                    title: 'Paths held per peer',
                    yLabel: 'paths',
                    series: paths.series.map((x) => ({
                      label: x.label,
                      kind: 'step' as const,
                      format: (v: number) => num(v),
                    })),
                    data: [paths.data[0] as number[], ...(paths.data.slice(1) as number[][])],
                    height: 280,
                    counts: true,
                  },
                  signal,
                )
            : 'No paths stored in this range.',
        ),
      ]
    },
    signal,
  )
}
