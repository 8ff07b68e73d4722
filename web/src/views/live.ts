// Live feed: the collector's RIS Live WebSocket (/v1/ws/, docs/live.md) with
// the protocol's filters — prefix with more/less specifics, peer, host,
// type, AS path pattern, require — and Routelake's includeAll. Messages show
// newest first (the last 250); pause holds new ones until resume; the rate
// is messages per second over the last five seconds.
// URL: /live?prefix=…&more=0&less=1&peer=…&host=…&type=UPDATE&path=…&require=…&all=1

import { type Child, formValues, h, replace } from '../dom.ts'
import { clock, num, rate } from '../format.ts'
import { link, navigate, type ViewContext } from '../router.ts'
import { badge, card, checkbox, errorBox, field, pageHeader, select } from '../ui.ts'

const KEEP = 250
const TYPES = [
  ['', 'Any'],
  ['UPDATE', 'UPDATE'],
  ['OPEN', 'OPEN'],
  ['NOTIFICATION', 'NOTIFICATION'],
  ['KEEPALIVE', 'KEEPALIVE'],
  ['RIS_PEER_STATE', 'RIS_PEER_STATE'],
] as const

/** A ris_message's data, as much of it as the table shows. */
interface RisMessage {
  readonly timestamp: number
  readonly peer: string
  readonly peer_asn: string
  readonly id: string
  readonly host: string
  readonly type: string
  readonly path?: readonly (number | readonly number[])[]
  readonly announcements?: readonly { readonly next_hop: string; readonly prefixes: readonly string[] }[]
  readonly withdrawals?: readonly string[]
  readonly state?: string
  readonly direction?: string
  readonly notification?: { readonly code: number; readonly subcode: number }
  readonly routes?: {
    readonly announce?: readonly { family: string; nlri: readonly unknown[] }[]
    readonly withdraw?: readonly { family: string; nlri: readonly unknown[] }[]
  }
}

/** The subscription the URL asks for, in the protocol's terms. */
export function subscription(p: URLSearchParams): Record<string, unknown> {
  const s: Record<string, unknown> = {}
  const prefixes = (p.get('prefix') ?? '').split(/[\s,]+/).filter(Boolean)
  if (prefixes.length) {
    s.prefix = prefixes.length === 1 ? prefixes[0] : prefixes
    if (p.get('more') === '0') s.moreSpecific = false
    if (p.get('less') === '1') s.lessSpecific = true
  }
  for (const k of ['peer', 'host', 'type', 'path', 'require'] as const) {
    const v = p.get(k)
    if (v) s[k] = v
  }
  return s
}

function pathText(path: RisMessage['path']): string {
  return (path ?? []).map((a) => (Array.isArray(a) ? `{${a.join(',')}}` : String(a))).join(' ')
}

function summary(m: RisMessage): Child {
  if (m.type === 'UPDATE') {
    const ann = (m.announcements ?? []).flatMap((a) => a.prefixes)
    const wd = m.withdrawals ?? []
    const other = (m.routes?.announce ?? [])
      .filter((r) => !r.family.endsWith('-unicast'))
      .reduce((n, r) => n + r.nlri.length, 0)
    const list = (xs: readonly string[]) =>
      xs.slice(0, 4).join(' ') + (xs.length > 4 ? ` +${xs.length - 4}` : '')
    return [
      ann.length ? h('span', { class: 'ann' }, `+${ann.length} `, h('code', null, list(ann))) : null,
      wd.length ? h('span', { class: 'wd' }, `−${wd.length} `, h('code', null, list(wd))) : null,
      other ? h('span', { class: 'muted' }, ` +${other} other-family NLRI`) : null,
      m.path?.length ? h('span', { class: 'path' }, ' path ', h('code', null, pathText(m.path))) : null,
    ]
  }
  if (m.type === 'RIS_PEER_STATE') return badge(m.state ?? '?', m.state === 'connected' ? 'ok' : 'bad')
  if (m.type === 'NOTIFICATION')
    return `code ${m.notification?.code}, subcode ${m.notification?.subcode} (${m.direction ?? ''})`
  if (m.type === 'OPEN') return m.direction ?? ''
  return ''
}

function row(m: RisMessage): HTMLTableRowElement {
  return h(
    'tr',
    null,
    h('td', { class: 'nowrap mono' }, clock(m.timestamp * 1000)),
    h('td', null, h('a', { href: `/peers/${m.peer}`, class: 'mono' }, m.peer)),
    h('td', { class: 'nowrap' }, `AS${m.peer_asn}`),
    h('td', null, h('span', { class: `type t-${m.type.toLowerCase()}` }, m.type)),
    h('td', { class: 'wide' }, summary(m)),
  )
}

export function live({ root, at, signal }: ViewContext): void {
  const p = at.params
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'Live feed filters' },
    field(
      'Prefix',
      h('input', {
        name: 'prefix',
        value: p.get('prefix') ?? '',
        placeholder: '193.0.0.0/16 (several: comma separated)',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    h(
      'div',
      { class: 'checks' },
      checkbox('More specifics', 'more', p.get('more') !== '0'),
      checkbox('Less specifics', 'less', p.get('less') === '1'),
    ),
    field(
      'Peer',
      h('input', {
        name: 'peer',
        value: p.get('peer') ?? '',
        placeholder: 'any peer',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'AS path',
      h('input', {
        name: 'path',
        value: p.get('path') ?? '',
        placeholder: '^64500,3333$ or !6666$',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field('Type', select('type', TYPES, p.get('type') ?? '')),
    field(
      'Require',
      h('input', {
        name: 'require',
        value: p.get('require') ?? '',
        placeholder: 'announcements, withdrawals…',
        list: 'require-keys',
        autocomplete: 'off',
      }),
    ),
    h(
      'datalist',
      { id: 'require-keys' },
      ['announcements', 'withdrawals', 'community', 'med', 'aggregator', 'origin'].map((k) =>
        h('option', { value: k }),
      ),
    ),
    field(
      'Host',
      h('input', {
        name: 'host',
        value: p.get('host') ?? '',
        placeholder: 'collector name',
        autocomplete: 'off',
      }),
    ),
    h(
      'div',
      { class: 'checks' },
      checkbox('All families and attributes (includeAll)', 'all', p.get('all') === '1'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Subscribe')),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = formValues(form)
    navigate(
      link('/live', {
        prefix: v.prefix,
        more: v.prefix && !v.more ? '0' : undefined,
        less: v.prefix && v.less ? '1' : undefined,
        peer: v.peer,
        path: v.path,
        type: v.type,
        require: v.require,
        host: v.host,
        all: v.all ? '1' : undefined,
      }),
    )
  })

  const status = h('span', { class: 'live-status', role: 'status' }, badge('connecting', 'info'))
  const rateText = h('span', { class: 'live-rate', 'data-testid': 'rate' }, '0 msg/s')
  const totalText = h('span', { class: 'muted' }, '0 received')
  const pauseButton = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Pause')
  const clearButton = h('button', { type: 'button', class: 'secondary' }, 'Clear')
  const problems = h('div')
  const tbody = h('tbody')
  const list = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'live-table', 'data-testid': 'live-messages' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Time (UTC)', 'Peer', 'Peer AS', 'Type', 'Message'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      tbody,
    ),
  )
  const waiting = h('p', { class: 'empty' }, 'Waiting for messages that match…')
  list.hidden = true
  root.append(
    pageHeader('Live feed'),
    card(null, form),
    h(
      'div',
      { class: 'live-bar card' },
      status,
      rateText,
      totalText,
      h('span', { class: 'spacer' }),
      pauseButton,
      clearButton,
    ),
    problems,
    card(null, waiting, list),
  )

  let paused = false
  let total = 0
  let held: RisMessage[] = []
  let pending: RisMessage[] = []
  const perSecond: number[] = [0, 0, 0, 0, 0, 0]

  // Rows go in at most ten times a second, in one batch: a busy feed must not
  // cost a layout per message.
  function flush(): void {
    if (!pending.length) return
    const batch = pending.slice(-KEEP)
    pending = []
    waiting.hidden = true
    list.hidden = false
    const frag = document.createDocumentFragment()
    for (let i = batch.length - 1; i >= 0; i--) frag.append(row(batch[i]!))
    tbody.prepend(frag)
    while (tbody.rows.length > KEEP) tbody.deleteRow(-1)
  }

  pauseButton.addEventListener('click', () => {
    paused = !paused
    pauseButton.textContent = paused ? 'Resume' : 'Pause'
    pauseButton.setAttribute('aria-pressed', String(paused))
    if (!paused) {
      pending.push(...held)
      held = []
      flush()
    }
    setStatus()
  })
  clearButton.addEventListener('click', () => {
    tbody.replaceChildren()
    held = []
    pending = []
    waiting.hidden = false
    list.hidden = true
  })

  let state: 'connecting' | 'subscribed' | 'closed' = 'connecting'
  let closedWhy = ''
  function setStatus(): void {
    const b =
      state === 'subscribed'
        ? badge(paused ? `paused · ${num(held.length)} held` : 'live', paused ? 'warn' : 'ok')
        : state === 'connecting'
          ? badge('connecting', 'info')
          : badge(`disconnected${closedWhy ? `: ${closedWhy}` : ''}`, 'bad')
    replace(status, b)
  }

  const ticker = setInterval(() => {
    flush()
  }, 100)
  const second = setInterval(() => {
    perSecond.unshift(0)
    perSecond.length = 6
    // The last five whole seconds (the first slot is the one being counted).
    const sum = perSecond.slice(1).reduce((a, b) => a + b, 0)
    rateText.textContent = `${rate(sum / 5)} msg/s`
    totalText.textContent = `${num(total)} received`
    if (paused) setStatus()
  }, 1000)

  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const ws = new WebSocket(`${proto}//${window.location.host}/v1/ws/?client=routelake-web`)
  ws.addEventListener('open', () => {
    ws.send(
      JSON.stringify({
        type: 'ris_subscribe',
        data: { ...subscription(p), socketOptions: { acknowledge: true, includeAll: p.get('all') === '1' } },
      }),
    )
  })
  ws.addEventListener('message', (e) => {
    let env: { type: string; data: unknown }
    try {
      env = JSON.parse(String(e.data)) as { type: string; data: unknown }
    } catch {
      return
    }
    if (env.type === 'ris_message') {
      total += 1
      perSecond[0]! += 1
      const m = env.data as RisMessage
      if (paused) {
        held.push(m)
        if (held.length > KEEP) held = held.slice(-KEEP)
      } else pending.push(m)
    } else if (env.type === 'ris_subscribe_ok') {
      state = 'subscribed'
      setStatus()
    } else if (env.type === 'ris_error') {
      // The server refused something (a bad CIDR, path pattern…): the socket stays open.
      problems.append(
        errorBox(
          new Error((env.data as { message?: string })?.message ?? 'unknown error'),
          'The feed refused the subscription',
        ),
      )
    }
  })
  ws.addEventListener('close', (e) => {
    if (signal.aborted) return
    state = 'closed'
    closedWhy = e.reason || `code ${e.code}`
    setStatus()
    problems.append(
      h(
        'p',
        { class: 'notice' },
        'The feed closed. ',
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => navigate(window.location.pathname + window.location.search, { replace: true }),
          },
          'Reconnect',
        ),
      ),
    )
  })
  signal.addEventListener('abort', () => {
    clearInterval(ticker)
    clearInterval(second)
    ws.close(1000)
  })
}
