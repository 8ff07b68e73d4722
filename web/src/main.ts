// The web UI's entry point: the navigation, and the router that puts one
// view at a time into <main>. Each view is a function of its URL that builds
// its part of the page; leaving it aborts its signal, which cancels its
// requests, closes its sockets and destroys its charts.

import type { CollectorDto } from './api.ts'
import { getJson } from './api.ts'
import { h, replace } from './dom.ts'
import { startRouter, type ViewContext } from './router.ts'
import { charts } from './views/charts.ts'
import { history } from './views/history.ts'
import { live } from './views/live.ts'
import { lookup } from './views/lookup.ts'
import { mrt } from './views/mrt.ts'
import { overview } from './views/overview.ts'
import { peer } from './views/peer.ts'
import { sql } from './views/sql.ts'

type View = (ctx: ViewContext) => void

interface Page {
  readonly path: string
  readonly title: string
  readonly view: View
  /** Shown in the navigation. */
  readonly nav?: boolean
}

const PAGES: readonly Page[] = [
  { path: '/', title: 'Overview', view: overview, nav: true },
  { path: '/lookup', title: 'Looking glass', view: lookup, nav: true },
  { path: '/history', title: 'Prefix history', view: history, nav: true },
  { path: '/live', title: 'Live feed', view: live, nav: true },
  { path: '/charts', title: 'Charts', view: charts, nav: true },
  { path: '/sql', title: 'SQL', view: sql, nav: true },
  { path: '/mrt', title: 'MRT', view: mrt, nav: true },
  { path: '/peers/', title: 'Peer', view: peer },
]

function pageOf(path: string): Page | undefined {
  return PAGES.find((p) =>
    p.path.endsWith('/') && p.path !== '/' ? path.startsWith(p.path) : path === p.path,
  )
}

function notFound({ root, at }: ViewContext): void {
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Not found')),
    h(
      'p',
      null,
      'Nothing lives at ',
      h('code', null, at.path),
      '. ',
      h('a', { href: '/' }, 'Back to the overview'),
      '.',
    ),
  )
}

const nav = document.getElementById('nav')!
const main = document.getElementById('main')!

replace(
  nav,
  h(
    'ul',
    null,
    PAGES.filter((p) => p.nav).map((p) =>
      h('li', null, h('a', { href: p.path, 'data-path': p.path }, p.title)),
    ),
  ),
)

let leaving: AbortController | undefined
let shown: Page | undefined

startRouter((at, how) => {
  leaving?.abort()
  leaving = new AbortController()
  const page = pageOf(at.path)
  // A new query in the same view keeps focus on the control that sent it.
  const focusedName = shown === page ? document.activeElement?.getAttribute('name') : null
  shown = page
  for (const a of Array.from(nav.querySelectorAll('a'))) {
    const p = a.dataset.path!
    const active = p === '/' ? at.path === '/' || at.path.startsWith('/peers/') : at.path === p
    if (active) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
  document.title = `${page?.title ?? 'Not found'} · Routelake`
  main.replaceChildren()
  ;(page?.view ?? notFound)({ root: main, at, signal: leaving.signal })
  // After a navigation, focus goes to the new view's heading (the page did not reload).
  const again = focusedName ? main.querySelector<HTMLElement>(`[name="${CSS.escape(focusedName)}"]`) : null
  if (again) again.focus()
  else if (how !== 'load') (main.querySelector('h1') ?? main).focus()
  if (how === 'push') window.scrollTo(0, 0)
})

// The collector's name beside the brand: which collector this is, at a glance.
getJson<CollectorDto>('/api/v1/collector').then(
  (c) => {
    const el = document.getElementById('collector-name')!
    el.textContent = `${c.name} · AS${c.asn}`
    el.title = c.version
  },
  () => {},
)
