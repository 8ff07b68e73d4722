// MRT: export the stored messages of a time range (optionally one peer or
// one prefix) as an updates file, or the table at a time T as a RIB dump,
// and the files the collector writes on its own (mrt-dump), to download.
// URL: /mrt?from=…&to=…&peer=…&prefix=…&match=…&at=…&ribPeer=…

import { getJson, isAbort, type MrtFileDto, type MrtFilesResponse, problem, request, url } from '../api.ts'
import { formValues, h, replace } from '../dom.ts'
import { bytes, isoAgo, TIME_HINT, TIME_NOTE, time } from '../format.ts'
import { link, type ViewContext } from '../router.ts'
import { card, empty, errorBox, field, load, loading, pageHeader, select, table } from '../ui.ts'

/**
 * Starts the download of an export. The API streams exports, so errors in the
 * parameters would otherwise arrive as a saved JSON file: the request is made
 * once to read the status (and cancelled as soon as it is known to work, which
 * stops the export on the server), then the browser downloads it.
 */
async function download(href: string, status: HTMLElement, signal: AbortSignal): Promise<void> {
  replace(status, loading('Checking the export…'))
  const probe = new AbortController()
  signal.addEventListener('abort', () => probe.abort())
  try {
    const res = await request(href, { signal: probe.signal })
    if (!res.ok) throw await problem(res)
    probe.abort()
    const a = h('a', { href, download: '', class: 'offscreen' })
    document.body.append(a)
    a.click()
    a.remove()
    replace(status, h('p', { class: 'ok-text' }, 'Download started: ', h('a', { href, download: '' }, href)))
  } catch (e) {
    if (!isAbort(e)) replace(status, errorBox(e, 'The export failed'))
  }
}

function filesTable(files: readonly MrtFileDto[]): HTMLElement {
  if (!files.length)
    return empty(
      'No file yet: the collector publishes an updates file at the end of each interval (5 minutes by default) and a RIB dump every few hours.',
    )
  return table(
    [
      {
        label: 'File',
        cell: (f: MrtFileDto) => h('a', { href: f.url, download: '', class: 'mono' }, f.path),
      },
      { label: 'Kind', cell: (f) => (f.kind === 'bview' ? 'RIB dump' : 'updates') },
      { label: 'Time (UTC)', cell: (f) => time(f.time) },
      { label: 'Size', cell: (f) => bytes(f.size), numeric: true },
      { label: 'Completed', cell: (f) => time(f.modified) },
    ],
    // Newest first: the latest file is the one usually wanted.
    [...files].reverse(),
    { 'data-testid': 'mrt-files' },
  )
}

export function mrt({ root, at, signal }: ViewContext): void {
  const p = at.params
  const updatesForm = h(
    'form',
    { class: 'query', 'aria-label': 'Export updates' },
    field(
      'From',
      h('input', {
        name: 'from',
        required: true,
        value: p.get('from') ?? isoAgo(900),
        title: TIME_HINT,
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'To',
      h('input', {
        name: 'to',
        value: p.get('to') ?? '',
        placeholder: 'now',
        title: TIME_HINT,
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'Peer',
      h('input', {
        name: 'peer',
        value: p.get('peer') ?? '',
        placeholder: 'all peers',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'Prefix',
      h('input', {
        name: 'prefix',
        value: p.get('prefix') ?? '',
        placeholder: 'all prefixes',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'Match',
      select(
        'match',
        [
          ['exact', 'Exact'],
          ['more', 'More specifics'],
          ['less', 'Less specifics'],
        ],
        p.get('match') ?? 'exact',
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Download updates')),
    h('p', { class: 'form-note' }, TIME_NOTE),
  )
  const updatesStatus = h('div', { 'aria-live': 'polite' })
  const ribForm = h(
    'form',
    { class: 'query', 'aria-label': 'Export a RIB dump' },
    field(
      'At',
      h('input', {
        name: 'at',
        value: p.get('at') ?? '',
        placeholder: 'now',
        title: TIME_HINT,
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    field(
      'Peer',
      h('input', {
        name: 'ribPeer',
        value: p.get('ribPeer') ?? '',
        placeholder: 'all peers',
        class: 'mono',
        autocomplete: 'off',
      }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Download RIB dump')),
    h('p', { class: 'form-note' }, TIME_NOTE),
  )
  const ribStatus = h('div', { 'aria-live': 'polite' })
  const files = h('div')
  root.append(
    pageHeader('MRT'),
    h(
      'div',
      { class: 'grid-2' },
      card(
        'Updates of a time range',
        h('p', { class: 'muted small' }, 'BGP4MP_ET messages as received, gzip, as RIPE RIS publishes them.'),
        updatesForm,
        updatesStatus,
      ),
      card(
        'RIB at a time',
        h('p', { class: 'muted small' }, 'A TABLE_DUMP_V2 dump rebuilt from the stored updates.'),
        ribForm,
        ribStatus,
      ),
    ),
    card('Dump files', files),
  )

  // The forms' values go into the URL too (without drawing the page again), so
  // an export can be shared as a link to this page.
  const remember = () => {
    const u = formValues(updatesForm)
    const r = formValues(ribForm)
    return {
      from: u.from,
      to: u.to,
      peer: u.peer,
      prefix: u.prefix,
      match: u.prefix ? u.match : undefined,
      at: r.at,
      ribPeer: r.ribPeer,
    }
  }
  updatesForm.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = formValues(updatesForm)
    const href = url('/api/v1/mrt/updates', {
      from: v.from,
      to: v.to,
      peer: v.peer,
      prefix: v.prefix,
      match: v.prefix ? v.match : undefined,
    })
    history.replaceState(null, '', link('/mrt', remember()))
    void download(href, updatesStatus, signal)
  })
  ribForm.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = formValues(ribForm)
    const href = url('/api/v1/mrt/rib', { at: v.at, peer: v.ribPeer })
    history.replaceState(null, '', link('/mrt', remember()))
    void download(href, ribStatus, signal)
  })
  void load(
    files,
    'Loading the dump files…',
    () => getJson<MrtFilesResponse>('/api/v1/mrt/files', {}, signal),
    (r) => filesTable(r.files),
    signal,
  )
}
