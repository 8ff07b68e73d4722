// uPlot with the UI's defaults: as wide as its box (it follows resizes),
// times in UTC, a palette that stays distinct for many peers, destroyed when
// the view is left. The box carries `data-series` (the series drawn), which
// the browser tests read along with the legend.

import uPlot from 'uplot'

// Distinct at a glance for the first ten series; after that the golden angle
// spreads hues so that neighbours in the legend differ.
const PALETTE = [
  '#1d5fd6',
  '#d9480f',
  '#2b8a3e',
  '#ae3ec9',
  '#e8590c',
  '#0c8599',
  '#c2255c',
  '#5c940d',
  '#495057',
  '#f08c00',
] as const

export function color(i: number): string {
  return PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)} 62% 42%)`
}

export interface SeriesSpec {
  readonly label: string
  readonly color?: string
  /** Which y scale: the left one (default) or the right one. */
  readonly scale?: 'y' | 'y2'
  readonly kind?: 'line' | 'step' | 'points' | 'bars'
  /** Value format in the legend. */
  readonly format?: (v: number) => string
}

export interface ChartOptions {
  readonly series: readonly SeriesSpec[]
  readonly data: uPlot.AlignedData
  readonly height?: number
  readonly yLabel?: string
  readonly y2Label?: string
  /** Accessible name of the chart (the canvas itself says nothing to a screen reader). */
  readonly title: string
  /** The values are counts: ticks on whole numbers only. */
  readonly counts?: boolean
}

// Tick steps of whole numbers, 1-2-5 and 25 per decade, for axes of counts.
const WHOLE = Array.from({ length: 10 }, (_, e) => [1, 2, 2.5, 5].map((m) => m * 10 ** e))
  .flat()
  .filter(Number.isInteger)

const plain = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2))

function paths(kind: SeriesSpec['kind']): uPlot.Series.PathBuilder | undefined {
  if (kind === 'step') return uPlot.paths.stepped?.({ align: 1 })
  if (kind === 'bars') return uPlot.paths.bars?.({ size: [0.6, 40] })
  return undefined
}

const UTC = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC')
// 24-hour UTC clock on the axis (dates once the range spans days), full time in the legend.
const SECONDS = uPlot.fmtDate('{HH}:{mm}:{ss}')
const HOURS = uPlot.fmtDate('{HH}:{mm}')
const DAYS = uPlot.fmtDate('{YYYY}-{MM}-{DD}')
const FULL = uPlot.fmtDate('{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}')
const xTicks = (u: uPlot, splits: number[]) => {
  const span = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)
  const fmt = span > 3 * 86400 ? DAYS : span < 600 ? SECONDS : HOURS
  return splits.map((t) => fmt(UTC(t)))
}

/** Draws a time series chart into `box`; it goes away with `signal`. */
export function timeChart(box: HTMLElement, o: ChartOptions, signal: AbortSignal): uPlot {
  const height = o.height ?? 240
  const axis = { stroke: '#5b6675', grid: { stroke: '#e9ecf1', width: 1 }, ticks: { stroke: '#dde1e7' } }
  const opts: uPlot.Options = {
    width: Math.max(200, box.clientWidth),
    height,
    tzDate: UTC,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true }, ...(o.series.some((s) => s.scale === 'y2') ? { y2: {} } : {}) },
    axes: [
      { ...axis, values: xTicks },
      { ...axis, size: 60, ...(o.yLabel ? { label: o.yLabel } : {}), ...(o.counts ? { incrs: WHOLE } : {}) },
      ...(o.series.some((s) => s.scale === 'y2')
        ? [
            {
              ...axis,
              scale: 'y2',
              side: 1,
              size: 50,
              grid: { show: false },
              ...(o.y2Label ? { label: o.y2Label } : {}),
              ...(o.counts ? { incrs: WHOLE } : {}),
            },
          ]
        : []),
    ],
    series: [
      { label: 'Time (UTC)', value: (_u: uPlot, t: number | null) => (t === null ? '—' : FULL(UTC(t))) },
      ...o.series.map((s, i): uPlot.Series => {
        const c = s.color ?? color(i)
        const p = paths(s.kind)
        return {
          label: s.label,
          stroke: c,
          width: 1.6,
          scale: s.scale ?? 'y',
          ...(s.kind === 'bars' ? { fill: `${c}99`, width: 0 } : {}),
          ...(s.kind === 'points'
            ? { paths: () => null, points: { show: true, size: 7, fill: c } }
            : { points: { show: false } }),
          ...(p ? { paths: p } : {}),
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : (s.format ?? plain)(v)),
        }
      }),
    ],
  }
  box.classList.add('chart')
  box.setAttribute('role', 'img')
  box.setAttribute('aria-label', o.title)
  box.dataset.series = String(o.series.length)
  const u = new uPlot(opts, o.data, box)
  const resize = new ResizeObserver(() => {
    const w = Math.max(200, box.clientWidth)
    if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height })
  })
  resize.observe(box)
  signal.addEventListener('abort', () => {
    resize.disconnect()
    u.destroy()
  })
  return u
}

/** A tiny line with no axes or legend: a rate at a glance in a table cell. */
export function sparkline(
  values: readonly number[],
  xs: readonly number[],
  label: string,
  signal: AbortSignal,
): HTMLElement {
  const box = document.createElement('span')
  box.className = 'sparkline'
  box.setAttribute('role', 'img')
  box.setAttribute('aria-label', label)
  box.title = label
  const u = new uPlot(
    {
      width: 120,
      height: 28,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      // A little room below zero, so that a quiet peer's flat line shows.
      scales: {
        x: { time: false },
        y: { range: (_u, _min, max) => [-Math.max(1, max) * 0.08, Math.max(1, max) * 1.05] },
      },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: '#1d5fd6', width: 1.4, fill: 'rgba(29,95,214,0.12)', points: { show: false } }],
    },
    [xs as number[], values as number[]],
    box,
  )
  signal.addEventListener('abort', () => u.destroy())
  return box
}
