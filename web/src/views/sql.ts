// SQL console: one read-only query of the stored tables (POST /api/v1/sql),
// its result as a table, or as CSV to download. What the sandbox or
// ClickHouse says about a refused or failed query is shown as it is.
// URL: /sql?q=SELECT… (a shared link runs the query when opened)

import { isAbort, postSql, type SqlResponse } from '../api.ts'
import { h, replace } from '../dom.ts'
import { num } from '../format.ts'
import { link, navigate, type ViewContext } from '../router.ts'
import { card, empty, errorBox, field, loading, pageHeader, select, table } from '../ui.ts'

const EXAMPLES = [
  ['', 'Examples…'],
  [
    'SELECT family, action, count() AS n\nFROM updates\nGROUP BY family, action\nORDER BY n DESC',
    'Updates by family and action',
  ],
  [
    "SELECT toString(peer_address) AS peer, peer_asn, count() AS updates\nFROM messages\nWHERE type = 'UPDATE'\nGROUP BY peer, peer_asn\nORDER BY updates DESC\nLIMIT 20",
    'Busiest peers',
  ],
  [
    "SELECT origin_asn, uniqExact(prefix, prefix_length) AS prefixes\nFROM updates\nWHERE action = 'announce' AND origin_asn != 0\nGROUP BY origin_asn\nORDER BY prefixes DESC\nLIMIT 20",
    'Origins with the most prefixes',
  ],
  [
    'SELECT minute, sum(announcements) AS announcements, sum(withdrawals) AS withdrawals\nFROM update_counts_1m\nGROUP BY minute\nORDER BY minute DESC\nLIMIT 60',
    'Announcements and withdrawals per minute',
  ],
  [
    "SELECT time, toString(peer_address) AS peer, from_state, to_state, reason\nFROM peer_events\nWHERE event = 'state'\nORDER BY time DESC\nLIMIT 50",
    'Session state changes',
  ],
] as const

/** Rows drawn at most; the CSV has them all. */
const SHOW = 1000

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function resultTable(r: SqlResponse): HTMLElement {
  const rows = r.data.slice(0, SHOW)
  return h(
    'div',
    { class: 'sql-result' },
    h(
      'p',
      { class: 'muted small', 'data-testid': 'sql-summary' },
      `${num(r.rows)} ${r.rows === 1 ? 'row' : 'rows'}${r.rows > SHOW ? ` (the first ${num(SHOW)} shown; download the CSV for all)` : ''} · ${r.statistics.elapsed.toFixed(3)} s · ${num(r.statistics.rows_read)} rows read`,
    ),
    r.rows
      ? table(
          r.meta.map((m) => ({
            label: m.name,
            numeric: /^(?:Nullable\()?(?:U?Int|Float|Decimal)/.test(m.type),
            cell: (row: Record<string, unknown>) => h('span', { title: m.type }, cell(row[m.name])),
          })),
          rows,
          { 'data-testid': 'sql-table' },
        )
      : empty('The query returned no rows.'),
  )
}

export function sql({ root, at, signal }: ViewContext): void {
  const q = at.params.get('q') ?? ''
  const area = h('textarea', {
    name: 'q',
    rows: 7,
    class: 'mono',
    spellcheck: 'false',
    placeholder: 'SELECT family, count() AS n FROM updates GROUP BY family',
    value: q || EXAMPLES[1][0],
  })
  const examples = select('example', EXAMPLES, '')
  examples.addEventListener('change', () => {
    if (examples.value) area.value = examples.value
    examples.value = ''
    area.focus()
  })
  const csvButton = h('button', { type: 'button', class: 'secondary' }, 'Download CSV')
  const form = h(
    'form',
    { class: 'sql-form', 'aria-label': 'SQL console' },
    field(
      'Query',
      area,
      'One SELECT of messages, updates, peer_events, message_counts_1m, update_counts_1m (docs/storage.md). Ctrl+Enter runs it.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Run'),
      csvButton,
      h('span', { class: 'spacer' }),
      examples,
    ),
  )
  const out = h('div', { 'aria-live': 'polite' })
  root.append(pageHeader('SQL'), card(null, form), out)

  // Running puts the query in the URL (shareable, back button), which renders this view again and runs it.
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    navigate(link('/sql', { q: area.value.trim() }), { replace: area.value.trim() === q })
  })
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      form.requestSubmit()
    }
  })
  csvButton.addEventListener('click', async () => {
    const text = area.value.trim()
    if (!text) return
    csvButton.disabled = true
    try {
      const res = await postSql(text, 'csv', signal)
      const blob = await res.blob()
      const href = URL.createObjectURL(blob)
      const a = h('a', { href, download: 'query.csv', class: 'offscreen' })
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(href), 10_000)
    } catch (e) {
      if (!isAbort(e)) replace(out, errorBox(e, 'The query failed'))
    } finally {
      csvButton.disabled = false
    }
  })

  if (!q) {
    replace(out, empty('Write a query and run it; the result shows here.'))
    return
  }
  replace(out, loading('Running the query…'))
  postSql(q, 'json', signal)
    .then((res) => res.json() as Promise<SqlResponse>)
    .then(
      (r) => {
        if (!signal.aborted) replace(out, card('Result', resultTable(r)))
      },
      (e: unknown) => {
        if (!signal.aborted && !isAbort(e)) replace(out, errorBox(e, 'The query failed'))
      },
    )
}
