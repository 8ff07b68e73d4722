// Looking glass: a prefix or an address across every peer, with the match
// kind (exact, longest, more- or less-specific), optionally one peer, a
// family and an RD. Results are grouped by peer: each peer's paths with AS
// path, next hop, communities, origin, MED, local pref, path id and age.
// URL: /lookup?q=193.0.0.0/21&match=more&peer=…&family=…&rd=…

import { getJson, type LookupResponse, type RibEntryDto, type RouteDto } from '../api.ts'
import { type Child, formValues, h, replace } from '../dom.ts'
import { num } from '../format.ts'
import { routeColumns } from '../route-cells.ts'
import { link, navigate, type ViewContext } from '../router.ts'
import { card, copyButton, empty, errorBox, field, loading, pageHeader, select, table } from '../ui.ts'

const MATCHES = [
  ['', 'Auto'],
  ['exact', 'Exact'],
  ['longest', 'Longest match'],
  ['more', 'More specifics'],
  ['less', 'Less specifics'],
] as const

interface Row {
  readonly entry: RibEntryDto
  readonly route: RouteDto
}

function byPeer(entries: readonly RibEntryDto[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>()
  for (const entry of entries) {
    for (const route of entry.routes) {
      const rows = out.get(route.peer) ?? []
      rows.push({ entry, route })
      out.set(route.peer, rows)
    }
  }
  // Peers in address order (numeric within each part), as the overview lists them.
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })))
}

function results(entries: readonly RibEntryDto[], several: boolean): Child {
  const groups = byPeer(entries)
  if (!groups.size) return empty('No peer has a path for it.')
  const columns = routeColumns({ withPrefix: several }).map((c) => ({
    ...c,
    cell: (r: Row) => c.cell(r.route),
  }))
  return [...groups].map(([peer, rows]) => {
    const asn = rows[0]!.route.peerAsn
    return h(
      'section',
      { class: 'card peer-group', 'data-peer': peer },
      h(
        'div',
        { class: 'group-head' },
        h(
          'h3',
          null,
          h('a', { href: `/peers/${peer}`, class: 'mono' }, peer),
          asn === null ? null : h('span', { class: 'muted' }, ` AS${asn}`),
        ),
        h('span', { class: 'muted small' }, `${rows.length} ${rows.length === 1 ? 'path' : 'paths'}`),
        copyButton(
          `Copy ${peer}'s paths as JSON`,
          () =>
            JSON.stringify(
              rows.map((r) => r.route),
              null,
              2,
            ),
          'Copy JSON',
        ),
      ),
      table(columns, rows, {}, { stack: true }),
    )
  })
}

export function lookup({ root, at, signal }: ViewContext): void {
  const q = at.params.get('q') ?? ''
  const match = at.params.get('match') ?? ''
  const peer = at.params.get('peer') ?? ''
  const family = at.params.get('family') ?? ''
  const rd = at.params.get('rd') ?? ''
  const form = h(
    'form',
    { class: 'query', role: 'search', 'aria-label': 'Looking glass' },
    field(
      'Prefix or address',
      h('input', {
        name: 'q',
        value: q,
        required: true,
        placeholder: '193.0.0.0/21 or 2001:db8::1',
        autocomplete: 'off',
        spellcheck: 'false',
        class: 'mono',
      }),
    ),
    field('Match', select('match', MATCHES, match), 'Auto: exact for a prefix, longest for an address'),
    field(
      'Peer',
      h('input', { name: 'peer', value: peer, placeholder: 'all peers', autocomplete: 'off', class: 'mono' }),
    ),
    h(
      'details',
      { class: 'more-options', ...(family || rd ? { open: true } : {}) },
      h('summary', null, 'Family and RD'),
      h(
        'div',
        { class: 'row' },
        field(
          'Family',
          h('input', {
            name: 'family',
            value: family,
            placeholder: 'from the prefix',
            list: 'families',
            class: 'mono',
          }),
        ),
        field(
          'Route distinguisher',
          h('input', { name: 'rd', value: rd, placeholder: '65000:100 (VPN families)', class: 'mono' }),
        ),
        h(
          'datalist',
          { id: 'families' },
          [
            'ipv4-unicast',
            'ipv6-unicast',
            'ipv4-multicast',
            'ipv6-multicast',
            'ipv4-vpn',
            'ipv6-vpn',
            'ipv4-labeled-unicast',
            'ipv6-labeled-unicast',
          ].map((f) => h('option', { value: f })),
        ),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Look up')),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = formValues(form)
    navigate(link('/lookup', { q: v.q, match: v.match, peer: v.peer, family: v.family, rd: v.rd }))
  })
  const out = h('div', { class: 'results', 'aria-live': 'polite' })
  root.append(pageHeader('Looking glass'), card(null, form), out)
  if (!q) {
    replace(
      out,
      empty('Enter a prefix (193.0.0.0/21) or an address (193.0.6.139) to see every peer’s paths for it.'),
    )
    return
  }

  // `more` pages through the prefixes inside: each page adds its entries and regroups.
  const entries: RibEntryDto[] = []
  const base = { [q.includes('/') ? 'prefix' : 'address']: q, match, peer, family, rd, limit: 100 }
  async function page(cursor?: string): Promise<void> {
    const tail = h('div', null, loading(`Looking up ${q}…`))
    if (!entries.length) replace(out, tail)
    else out.append(tail)
    try {
      const r = await getJson<LookupResponse>('/api/v1/lookup', { ...base, cursor }, signal)
      if (signal.aborted) return
      entries.push(...r.entries)
      const paths = entries.reduce((n, e) => n + e.routes.length, 0)
      const peers = new Set(entries.flatMap((e) => e.routes.map((x) => x.peer))).size
      replace(
        out,
        h(
          'div',
          { class: 'summary-bar' },
          h(
            'span',
            null,
            h('code', null, r.prefix),
            ` · ${r.family} · ${r.match}: `,
            h(
              'strong',
              null,
              `${num(entries.length)} ${entries.length === 1 ? 'prefix' : 'prefixes'}, ${num(paths)} ${paths === 1 ? 'path' : 'paths'} from ${num(peers)} ${peers === 1 ? 'peer' : 'peers'}`,
            ),
          ),
          h(
            'span',
            { class: 'summary-actions' },
            r.prefix.includes('/') && entries.length
              ? h(
                  'a',
                  {
                    href: link('/history', { prefix: entries[0]!.prefix ?? r.prefix }),
                    class: 'button secondary small',
                  },
                  'History',
                )
              : null,
            copyButton('Copy a link to this lookup', () => window.location.href, 'Copy link'),
            copyButton('Copy the whole answer as JSON', () => JSON.stringify(entries, null, 2), 'Copy JSON'),
          ),
        ),
        // The prefix is in the heading of an exact lookup; other matches list several.
        results(entries, !(q.includes('/') && (match === '' || match === 'exact'))),
        r.cursor
          ? h(
              'div',
              { class: 'more' },
              h(
                'button',
                { type: 'button', class: 'secondary', onclick: () => void page(r.cursor) },
                'Load 100 more prefixes',
              ),
            )
          : null,
      )
    } catch (e) {
      if (!signal.aborted) replace(tail, errorBox(e))
    }
  }
  void page()
}
