// The pieces every view is made of: page heading, cards, tables, form
// fields, loading and error states, copy buttons. One look, one behaviour.

import { ApiProblem, isAbort } from './api.ts'
import { type Attrs, type Child, h, replace, uid } from './dom.ts'

/** The view's heading (focused after a navigation, so screen readers announce the new view). */
export function pageHeader(title: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, title), ...extra)
}

export function card(title: Child, ...body: Child[]): HTMLElement {
  return h('section', { class: 'card' }, title ? h('h2', null, title) : null, ...body)
}

export function loading(what: string): HTMLElement {
  return h(
    'p',
    { class: 'loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    what,
  )
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text)
}

/** An error as the API words it, with its status: shown plainly, announced to screen readers. */
export function errorBox(e: unknown, context?: string): HTMLElement {
  const status = e instanceof ApiProblem ? e.status : undefined
  const message = e instanceof Error ? e.message : String(e)
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', null, context ?? (status ? `Error ${status}` : 'Error')),
    context && status ? ` (HTTP ${status})` : null,
    h('span', { class: 'error-text' }, message),
  )
}

/**
 * Fills `into` with a loading line, then with what `render` makes of the
 * data, or with the error. Nothing happens once the view is left (`signal`).
 */
export async function load<T>(
  into: Element,
  what: string,
  fetch: () => Promise<T>,
  render: (data: T) => Child,
  signal: AbortSignal,
): Promise<T | undefined> {
  replace(into, loading(what))
  try {
    const data = await fetch()
    if (signal.aborted) return undefined
    replace(into, render(data))
    return data
  } catch (e) {
    if (isAbort(e) || signal.aborted) return undefined
    replace(into, errorBox(e))
    return undefined
  }
}

export interface Column<R> {
  readonly label: string
  readonly cell: (row: R) => Child
  readonly class?: string
  /** Right-aligned numbers. */
  readonly numeric?: boolean
}

/**
 * A table in a scrolling box (wide tables stay readable on a phone). With
 * `stack`, a phone shows each row as a block of label/value lines instead.
 */
export function table<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  attrs: Attrs = {},
  options: { stack?: boolean } = {},
): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', ...attrs },
    h(
      'table',
      { class: options.stack ? 'stack' : undefined },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => h('th', { scope: 'col', class: cls(c) }, c.label)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            columns.map((c) => h('td', { class: cls(c), 'data-label': c.label }, c.cell(r))),
          ),
        ),
      ),
    ),
  )
}

function cls<R>(c: Column<R>): string | undefined {
  return [c.numeric ? 'num' : '', c.class ?? ''].join(' ').trim() || undefined
}

/** Writes `text` to the clipboard; the Clipboard API needs a secure context, so plain HTTP falls back. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text)
    return
  }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' })
  area.value = text
  document.body.append(area)
  area.select()
  document.execCommand('copy')
  area.remove()
}

/** A small button that copies `text()` and says so. */
export function copyButton(label: string, text: () => string, visible = 'Copy'): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'copy', 'aria-label': label, title: label }, visible)
  b.addEventListener('click', () => {
    copyText(text()).then(
      () => flash(b, 'Copied', visible),
      () => flash(b, 'Copy failed', visible),
    )
  })
  return b
}

function flash(b: HTMLButtonElement, text: string, back: string): void {
  b.textContent = text
  b.classList.add('done')
  setTimeout(() => {
    b.textContent = back
    b.classList.remove('done')
  }, 1500)
}

/** A labelled form control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uid('f')
  control.id = id
  const hintId = hint ? `${id}-hint` : undefined
  if (hintId) control.setAttribute('aria-describedby', hintId)
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { id: hintId, class: 'hint' }, hint) : null,
  )
}

export function checkbox(label: string, name: string, checked: boolean): HTMLElement {
  const id = uid('c')
  return h(
    'div',
    { class: 'field check' },
    h('input', { type: 'checkbox', id, name, checked }),
    h('label', { for: id }, label),
  )
}

export function select(
  name: string,
  options: readonly (readonly [string, string])[],
  value: string,
): HTMLSelectElement {
  return h(
    'select',
    { name, value },
    options.map(([v, text]) => h('option', { value: v }, text)),
  )
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'muted' | 'info'

export function badge(text: string, tone: BadgeTone): HTMLElement {
  return h('span', { class: `badge ${tone}` }, text)
}

/** A definition list from label/value pairs (values left out when undefined). */
export function facts(pairs: readonly (readonly [string, Child | undefined])[]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
  )
}

/** Chips for a list of short values (communities, capabilities). */
export function chips(values: readonly string[], max = 8): Child {
  if (!values.length) return h('span', { class: 'muted' }, '—')
  const shown = values.slice(0, max)
  const rest = values.length - shown.length
  return h(
    'span',
    { class: 'chips' },
    shown.map((v) => h('code', { class: 'chip' }, v)),
    rest > 0 ? h('span', { class: 'muted', title: values.slice(max).join(' ') }, ` +${rest} more`) : null,
  )
}
