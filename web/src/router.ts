// Client-side routes on real paths (/lookup?q=…, /peers/192.0.2.1): the URL
// is the state, so a reload or a shared link opens the same view with the
// same query. The collector answers every such path with the shell
// (collector/src/api/web.ts). Views change the query by navigating, which
// keeps the back button meaningful.

export interface Location {
  readonly path: string
  readonly params: URLSearchParams
}

/** What a view is drawn with: where to draw, the URL it was opened at, and a signal aborted when it is left. */
export interface ViewContext {
  readonly root: HTMLElement
  readonly at: Location
  readonly signal: AbortSignal
}

type Listener = (at: Location, how: 'load' | 'push' | 'pop') => void
let listener: Listener | undefined

export function current(): Location {
  return { path: decodeURI(window.location.pathname), params: new URLSearchParams(window.location.search) }
}

/** `path?query`, leaving out empty values. */
export function link(path: string, params: Readonly<Record<string, string | undefined>> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v)
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = new URL(to, window.location.href)
  if (options.replace) history.replaceState(null, '', target)
  else if (target.href !== window.location.href) history.pushState(null, '', target)
  listener?.(current(), 'push')
}

/** Starts routing: `onChange` runs now and at every navigation. */
export function startRouter(onChange: Listener): void {
  listener = onChange
  window.addEventListener('popstate', () => onChange(current(), 'pop'))
  // Same-origin links to UI paths navigate in place; the API, downloads, new
  // tabs (modifier keys, middle button) are left to the browser.
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    const a = (e.target as Element | null)?.closest?.('a')
    if (!a || a.target || a.hasAttribute('download')) return
    const target = new URL(a.href, window.location.href)
    if (target.origin !== window.location.origin) return
    if (/^\/(?:api|v1|metrics|healthz)(?:\/|$)/.test(target.pathname)) return
    if (
      target.pathname === window.location.pathname &&
      target.search === window.location.search &&
      target.hash
    )
      return
    e.preventDefault()
    navigate(target.pathname + target.search)
  })
  onChange(current(), 'load')
}
