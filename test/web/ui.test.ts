// The web UI in a real browser: Debian's Chromium, driven by playwright-core,
// against a collector fed by real sessions (test/api/fixture.ts: a replay of
// a RIS updates file over 18 sessions, and a scripted speaker). The UI is
// built with Vite first, into web/dist, which the collector serves. Every view
// is opened, used, and photographed (test-artifacts/web/, desktop and phone).
// Also here, since it needs the same fixture: GET /api/v1/stats/paths, which
// the charts view draws.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LookupResponse, PeersResponse, StatsResponse } from '../../collector/src/api/index.ts'
import { type PathCountsResponse, PathCountsResponseSchema } from '../../collector/src/api/stats-paths.ts'
import { displayAddress } from '../../collector/src/storage/queries.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { buildWeb, WEB_DIST } from '../../tools/build-web.ts'
import { type ApiFixture, SPEAKER, startApiFixture, until } from '../api/fixture.ts'
import { bulk, establish } from '../live/feed.ts'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { ARTIFACTS, DESKTOP, firstLoad, launchChromium, PHONE, requireChromium } from './support.ts'

type Browser = Awaited<ReturnType<typeof launchChromium>>
type Page = Awaited<ReturnType<Browser['newPage']>>

const testdata = requireTestdata('web ui')
const haveChromium = requireChromium()

let f: ApiFixture
let browser: Browser | undefined
let buildMs = 0
const pages: Page[] = []

beforeAll(async () => {
  if (!testdata) return
  const [, fixture] = await Promise.all([
    haveChromium
      ? (async () => {
          const t = Date.now()
          await buildWeb()
          buildMs = Date.now() - t
          browser = await launchChromium()
        })()
      : undefined,
    startApiFixture(testdata, { mrtDump: true }),
  ])
  f = fixture
}, 300_000)

afterAll(async () => {
  for (const p of pages) await p.context().close()
  await browser?.close()
  await f?.stop()
})

const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${f.base}${path}`)
  expect([path, res.status]).toEqual([path, 200])
  return (await res.json()) as T
}

/**
 * A fresh page at `path`. Errors the page itself makes (uncaught exceptions,
 * console errors other than the browser's note on an HTTP error status a test
 * asked for) are collected in `problems`, which every test expects empty.
 */
async function open(path: string, viewport: { width: number; height: number } = DESKTOP) {
  const context = await browser!.newContext({ viewport, acceptDownloads: true })
  const page = await context.newPage()
  pages.push(page)
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    if (/Failed to load resource: the server responded with a status of (400|404)/.test(m.text())) return
    problems.push(`console: ${m.text()}`)
  })
  await page.goto(`${f.base}${path}`)
  return { page, problems }
}

/** A screenshot of the whole page, or of what fits the window for long pages. */
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage })

/** Every cell of a table, row by row: its text, chips (communities) joined by a space, an AS path without its copy button. */
const cells = (page: Page, selector: string) =>
  page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((r) =>
      Array.from(r.querySelectorAll('td')).map((td) => {
        const chips = Array.from(td.querySelectorAll('.chip'))
        if (chips.length) return chips.map((c) => c.textContent).join(' ')
        return (td.querySelector('.aspath code') ?? td).textContent!.trim()
      }),
    ),
  )

/**
 * How a uPlot canvas was drawn: pixels painted at all, and pixels in colour.
 * Axes, ticks and grid are grey; only the series are coloured.
 */
const canvasPixels = (chart: ReturnType<Page['locator']>) =>
  chart.locator('canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let painted = 0
    let series = 0
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! === 0) continue
      painted++
      if (Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 60) series++
    }
    return { painted, series, size: canvas.width * canvas.height }
  })

describe.runIf(testdata)('GET /api/v1/stats/paths', () => {
  it("ends each peer's series at the paths it holds now, and validates against its schema", async () => {
    const body = PathCountsResponseSchema.parse(await api<PathCountsResponse>('/api/v1/stats/paths'))
    const peers = (await api<PeersResponse>('/api/v1/peers')).peers
    const held = Object.fromEntries(
      peers
        .map((p) => [p.address, Object.values(p.families).reduce((n, x) => n + x.paths, 0)] as const)
        .filter(([, n]) => n > 0),
    )
    const last = Object.fromEntries(body.series.map((s, i) => [s.peer, body.data[i + 1]!.at(-1)]))
    expect(last).toEqual(held)
    expect(body.step).toBe(60)
    expect(body.data[0]!.length).toBe(61)
    // Everything was announced within the hour: the first point is before any of it for most peers.
    const speaker = body.series.findIndex((s) => s.peer === SPEAKER)
    expect(body.data[speaker + 1]!.at(-1)).toBe(5)
  })

  it('counts each route once across re-announcements, and one peer alone with peer=', async () => {
    const [{ peer, paths }] = (await f.collector.storage!.query<{ peer: string; paths: string }>(
      `SELECT toString(peer_address) AS peer, count() AS paths FROM (
         SELECT peer_address, family, prefix, prefix_length, nlri_key, path_id, argMax(action, (time, sequence)) AS last
         FROM updates GROUP BY peer_address, family, prefix, prefix_length, nlri_key, path_id)
       WHERE last = 'announce' GROUP BY peer_address ORDER BY paths DESC LIMIT 1`,
    )) as [{ peer: string; paths: string }]
    const one = await api<PathCountsResponse>(`/api/v1/stats/paths?peer=${displayAddress(peer)}&step=300`)
    expect([one.series, one.data.length, one.data[1]!.at(-1)]).toEqual([
      [{ label: displayAddress(peer), peer: displayAddress(peer) }],
      2,
      Number(paths),
    ])
    const bad = await fetch(`${f.base}/api/v1/stats/paths?step=7`)
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { status: 400, error: "step: '7' is not one of 60, 300, 900, 3600, 86400" },
    ])
  })
})

describe.runIf(testdata && haveChromium)('the web UI in Chromium', () => {
  it('builds, and a first load is under 200 KB gzipped (exactly the files the browser fetches)', async () => {
    const load = firstLoad(WEB_DIST)
    console.log(`web UI: built in ${buildMs} ms; first load ${load.total} octets gzipped`, load.files)
    expect(load.total).toBeLessThan(200 * 1024)
    const fetched: string[] = []
    const context = await browser!.newContext()
    const page = await context.newPage()
    pages.push(page)
    page.on('request', (r) => {
      const u = new URL(r.url())
      if (u.origin === f.base && !/^\/(api|v1)\//.test(u.pathname)) fetched.push(u.pathname)
    })
    await page.goto(f.base)
    await page.waitForSelector('[data-testid=peers]')
    expect(fetched.sort()).toEqual(
      Object.keys(load.files)
        .map((p) => (p === 'index.html' ? '/' : p))
        .sort(),
    )
  })

  it('overview: the collector and every peer with state, AS and paths; a peer opens its page', async () => {
    const { page, problems } = await open('/')
    await page.waitForSelector('[data-testid=peers] tbody tr')
    const peers = (await api<PeersResponse>('/api/v1/peers')).peers
    const rows = await cells(page, '[data-testid=peers]')
    expect(rows.map((r) => r.slice(0, 3))).toEqual(
      peers.map((p) => [
        `${p.address}${p.description ?? p.hostname ?? ''}`,
        p.asn === null ? 'any' : `AS${p.asn}`,
        'Established',
      ]),
    )
    // The replayed sessions' updates have sparklines (storage is on).
    await page.waitForSelector('[data-testid=peers] .sparkline canvas')
    expect(await page.locator('.tile-value').first().textContent()).toBe(`${peers.length} / ${peers.length}`)
    await shot(page, 'overview-desktop')

    await page.getByRole('link', { name: SPEAKER, exact: true }).click()
    await page.waitForURL(`${f.base}/peers/${SPEAKER}`)
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Peer ${SPEAKER}`)
    await page.waitForSelector('.card:has(h2:text("Routes")) table tbody tr')
    const families = await cells(page, '.card:has(h2:text("Paths by family"))')
    expect(families.map((r) => r.slice(0, 3)).sort()).toEqual([
      ['ipv4-flowspec', '1', '1'],
      ['ipv4-unicast', '2', '2'],
      ['ipv4-vpn', '1', '1'],
      ['l2vpn-evpn', '1', '1'],
    ])
    expect(await page.locator('.facts').first().textContent()).toContain('AS65020')
    const routes = await cells(page, '.card:has(h2:text("Routes"))')
    expect(routes.length).toBe(5)
    await page.waitForSelector('.card:has(h2:text("Activity")) canvas')
    await shot(page, 'peer-desktop')
    expect(problems).toEqual([])

    const phone = await open('/', PHONE)
    await phone.page.waitForSelector('[data-testid=peers] .sparkline canvas')
    await shot(phone.page, 'overview-phone')
    // Nothing wider than the phone but the tables, which scroll in their own box.
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBe(0)
    expect(phone.problems).toEqual([])
  })

  it('looking glass: a prefix shows the expected route, grouped by peer, copyable', async () => {
    const { page, problems } = await open('/lookup')
    await page.getByLabel('Prefix or address').fill('203.0.113.0/24')
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.waitForURL(/\/lookup\?q=203\.0\.113\.0%2F24$/)
    const group = page.locator(`.peer-group[data-peer="${SPEAKER}"]`)
    await group.waitFor()
    expect(await page.locator('.peer-group').count()).toBe(1)
    expect(await group.locator('h3').textContent()).toBe(`${SPEAKER} AS65020`)
    const [row] = await cells(page, `.peer-group[data-peer="${SPEAKER}"]`)
    // Path id, AS path (with its copy button), next hop, origin, MED, local pref, communities, large communities, age.
    expect(row!.slice(0, 8)).toEqual([
      '—',
      '65020 65021 65022',
      '192.0.2.20',
      'igp',
      '50',
      '—',
      '65020:100 65020:200 NO_EXPORT',
      '65020:1:2',
    ])
    // The age comes from storage: the speaker announced it a few seconds or minutes ago.
    expect(row![8]).toMatch(/^\d+(s|m \d+s)$/)
    await shot(page, 'lookup-desktop')

    // A replayed prefix: every peer the API names, each with its AS path.
    const answer = (await (
      await f.collector.api.request('/api/v1/lookup?prefix=0.0.0.0/0&match=more&limit=1000&age=false')
    ).json()) as LookupResponse
    const widest = answer.entries.reduce((a, b) => (b.routes.length > a.routes.length ? b : a))
    const prefix = widest.prefix!
    expect(widest.routes.length).toBeGreaterThan(3)
    await page.getByLabel('Prefix or address').fill(prefix)
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.waitForURL(new RegExp(`q=${encodeURIComponent(prefix)}$`))
    const expected = answer.entries.find((e) => e.prefix === prefix)!.routes
    await page
      .locator('.peer-group')
      .nth(expected.length - 1)
      .waitFor()
    const shown = await page.$$eval('.peer-group', (gs) =>
      gs.map((g) => [g.getAttribute('data-peer'), g.querySelector('.aspath code')?.textContent]),
    )
    expect(shown).toEqual(
      [...expected]
        .sort((a, b) => a.peer.localeCompare(b.peer, 'en', { numeric: true }))
        .map((r) => [r.peer, r.asPath]),
    )

    // Copy: the AS path lands on the clipboard (http://127.0.0.1 is a secure context).
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: f.base })
    await page.locator('.peer-group').first().locator('.aspath button').click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(shown[0]![1])
    expect(await page.locator('.peer-group').first().locator('.aspath button').textContent()).toBe('Copied')
    expect(problems).toEqual([])

    const phone = await open('/lookup?q=203.0.113.0/24&match=more', PHONE)
    await phone.page.locator('.peer-group').first().waitFor()
    await shot(phone.page, 'lookup-phone')
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
    expect(phone.problems).toEqual([])
  })

  it('deep links: reloading a looking-glass URL restores the query and its answer', async () => {
    const { page, problems } = await open('/lookup?q=203.0.113.0/24&match=more')
    const prefixes = () =>
      page.$$eval('.peer-group tbody tr td:first-child', (tds) => tds.map((td) => td.textContent))
    await page.locator('.peer-group').first().waitFor()
    expect(await prefixes()).toEqual(['203.0.113.0/24', '203.0.113.128/25'])
    await page.reload()
    await page.locator('.peer-group').first().waitFor()
    expect([
      await page.getByLabel('Prefix or address').inputValue(),
      await page.getByLabel('Match').inputValue(),
    ]).toEqual(['203.0.113.0/24', 'more'])
    expect(await prefixes()).toEqual(['203.0.113.0/24', '203.0.113.128/25'])
    // Back and forward walk the queries made in the page.
    await page.getByLabel('Match').selectOption('exact')
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.waitForURL(/match=exact/)
    await page.goBack()
    await page.waitForURL(/match=more/)
    await expect.poll(prefixes).toEqual(['203.0.113.0/24', '203.0.113.128/25'])
    expect(problems).toEqual([])
  })

  it('live feed: subscribes with filters, shows messages as they arrive, pauses and resumes', async () => {
    const { page, problems } = await open('/live?prefix=100.64.0.0/10&type=UPDATE')
    expect(await page.getByLabel('Prefix').inputValue()).toBe('100.64.0.0/10')
    await expect.poll(() => page.locator('.live-status').textContent()).toBe('live')
    let speaker: ScriptedSpeaker | undefined
    try {
      speaker = await establish(f.collector.sessions.bound[0]!.port, { address: '127.0.0.31', asn: 64531 })
      for (const u of bulk(30, 64531, '127.0.0.31')) speaker.send(u)
      const rows = page.locator('[data-testid=live-messages] tbody tr')
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(30)
      expect((await cells(page, '[data-testid=live-messages]')).map((r) => r.slice(1))).toEqual(
        Array.from({ length: 30 }, (_, i) => [
          '127.0.0.31',
          'AS64531',
          'UPDATE',
          `+1 100.64.${29 - i}.0/24 path 64531 64999`,
        ]),
      )
      await expect.poll(() => page.getByTestId('rate').textContent()).toMatch(/^[1-9][\d.]* msg\/s$/)
      await shot(page, 'live-desktop', false)

      await page.getByRole('button', { name: 'Pause' }).click()
      for (const u of bulk(10, 64531, '127.0.0.31', 30)) speaker.send(u)
      await expect
        .poll(() => page.locator('.live-status').textContent(), { timeout: 15_000 })
        .toBe('paused · 10 held')
      expect(await rows.count()).toBe(30)
      await page.getByRole('button', { name: 'Resume' }).click()
      await expect.poll(() => rows.count()).toBe(40)
      expect(await rows.first().locator('td').nth(4).textContent()).toBe('+1 100.64.39.0/24 path 64531 64999')
    } finally {
      await speaker?.close()
    }
    // A refused subscription is shown as the feed words it.
    await page.getByLabel('AS path').fill('not a pattern')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await expect
      .poll(() => page.locator('.error').first().textContent())
      .toMatch(/^The feed refused the subscription.+path/)
    expect(problems).toEqual([])

    const phone = await open('/live?prefix=100.64.0.0/10', PHONE)
    await expect.poll(() => phone.page.locator('.live-status').textContent()).toBe('live')
    await shot(phone.page, 'live-phone')
  })

  it('charts: uPlot draws each chart with the expected series (totals, per peer, paths per peer)', async () => {
    const { page, problems } = await open('/charts')
    await page.waitForSelector('.chart canvas')
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(4)
    const from = Math.floor(Date.now() / 1000) - 3600
    const byPeer = await api<StatsResponse>(`/api/v1/stats?by=peer&from=${from}`)
    const paths = await api<PathCountsResponse>(`/api/v1/stats/paths?from=${from}`)
    const updatesPeers = byPeer.series.filter((s) => s.metric === 'updates').length
    const withdrawalPeers = byPeer.series.filter((s) => s.metric === 'withdrawals').length
    const charts = page.locator('.chart')
    const series = await charts.evaluateAll((cs) =>
      cs.map((c) => [
        c.getAttribute('data-series'),
        c.querySelectorAll('.u-legend .u-series').length,
        c.getAttribute('aria-label'),
      ]),
    )
    expect(series).toEqual([
      ['3', 4, 'Updates, announcements and withdrawals per second, all peers'],
      [String(updatesPeers), updatesPeers + 1, 'Updates per second by peer'],
      [String(withdrawalPeers), withdrawalPeers + 1, 'Withdrawals per second by peer'],
      [String(paths.series.length), paths.series.length + 1, 'Paths held per peer'],
    ])
    expect(updatesPeers).toBeGreaterThan(18)
    await shot(page, 'charts-desktop')
    const total = await canvasPixels(page.locator('.chart').nth(0))
    expect(total.painted).toBeGreaterThan(total.size / 50)
    expect(total.series).toBeGreaterThan(50)
    const pathsChart = await canvasPixels(page.locator('.chart').nth(3))
    expect(pathsChart.series).toBeGreaterThan(20)

    // One peer: the per-peer charts narrow to it.
    await page.getByLabel('Peer', { exact: true }).selectOption(SPEAKER)
    await page.waitForURL(/peer=127\.0\.0\.20/)
    await expect.poll(() => page.locator('.chart').nth(3).getAttribute('data-series')).toBe('1')
    expect(problems).toEqual([])
  })

  it('prefix history: a timeline of peers seeing the prefix and the table of its changes', async () => {
    const [{ p, l }] = (await f.collector.storage!.query<{ p: string; l: number }>(
      `SELECT toString(prefix) AS p, prefix_length AS l FROM updates WHERE family = 'ipv4-unicast'
       GROUP BY p, l ORDER BY uniqExact(peer_address) * 100 + count() DESC, p LIMIT 1`,
    )) as [{ p: string; l: number }]
    const prefix = `${displayAddress(p)}/${l}`
    const changes = (await api<{ changes: unknown[] }>(`/api/v1/history/prefix?prefix=${prefix}&limit=1000`))
      .changes
    const { page, problems } = await open(`/history?prefix=${encodeURIComponent(prefix)}`)
    await page.waitForSelector('.chart canvas')
    await page.waitForSelector('[data-testid=history-changes] tbody tr')
    expect(await page.locator('[data-testid=history-changes] tbody tr').count()).toBe(changes.length)
    expect(await page.locator('.chart').getAttribute('data-series')).toBe('3')
    expect((await canvasPixels(page.locator('.chart'))).series).toBeGreaterThan(20)
    await shot(page, 'history-desktop', false)
    expect(problems).toEqual([])
  })

  it('SQL console: a query shows its result table and downloads as CSV; a refused query says why', async () => {
    const { page, problems } = await open('/sql')
    const query = 'SELECT family, count() AS n FROM updates GROUP BY family ORDER BY family'
    await page.getByLabel('Query').fill(query)
    await page.getByRole('button', { name: 'Run' }).click()
    await page.waitForSelector('[data-testid=sql-table]')
    const expected = await f.collector.storage!.query<{ family: string; n: string }>(query)
    expect(await cells(page, '[data-testid=sql-table]')).toEqual(expected.map((r) => [r.family, r.n]))
    expect(await page.getByTestId('sql-summary').textContent()).toMatch(
      new RegExp(`^${expected.length} rows · `),
    )
    await shot(page, 'sql-desktop')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ])
    const csv = await fetch(`${f.base}/api/v1/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/csv' },
      body: JSON.stringify({ query }),
    })
    expect([download.suggestedFilename(), readFileSync(await download.path()).toString()]).toEqual([
      'query.csv',
      await csv.text(),
    ])

    // Reloading the URL runs the query again.
    await page.reload()
    await page.waitForSelector('[data-testid=sql-table]')
    expect(await page.getByLabel('Query').inputValue()).toBe(query)

    await page.getByLabel('Query').fill('DROP TABLE updates')
    await page.getByRole('button', { name: 'Run' }).click()
    const refusal = (await (
      await fetch(`${f.base}/api/v1/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'DROP TABLE updates' }),
      })
    ).json()) as { status: number; error: string }
    expect(refusal.status).toBe(400)
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe(`The query failed (HTTP 400)${refusal.error}`)
    expect(refusal.error).toMatch(/^query refused: /)
    await shot(page, 'sql-error-desktop')
    expect(problems).toEqual([])

    const phone = await open(`/sql?q=${encodeURIComponent(query)}`, PHONE)
    await phone.page.waitForSelector('[data-testid=sql-table]')
    await shot(phone.page, 'sql-phone')
  })

  it('MRT: the dump files are listed with download links; the export form downloads or says why not', async () => {
    f.collector.mrtDump!.rotateUpdates()
    await f.collector.mrtDump!.dumpRib()
    await until('both kinds of file published', async () => {
      const files = (await api<{ files: { kind: string }[] }>('/api/v1/mrt/files')).files
      return new Set(files.map((x) => x.kind)).size === 2
    })
    const listed = (await api<{ files: { path: string; url: string }[] }>('/api/v1/mrt/files')).files
    const { page, problems } = await open('/mrt')
    await page.waitForSelector('[data-testid=mrt-files] tbody tr')
    const links = await page.$$eval('[data-testid=mrt-files] tbody tr td:first-child a', (as) =>
      as.map((a) => [a.textContent, a.getAttribute('href')]),
    )
    expect(links).toEqual([...listed].reverse().map((x) => [x.path, x.url]))
    await shot(page, 'mrt-desktop')

    // A range that ends before it starts: the API's reason, not a saved error file.
    await page.getByLabel('From').fill('2030-01-02T00:00:00')
    await page.getByLabel('To', { exact: true }).fill('2030-01-01T00:00:00')
    await page.getByRole('button', { name: 'Download updates' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The export failed (HTTP 400)from: is after to')

    const start = new Date(f.started - 60_000).toISOString().slice(0, 19)
    await page.getByLabel('From').fill(start)
    await page.getByLabel('To', { exact: true }).fill('')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download updates' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^updates\.\d{8}\.\d{4}\.gz$/)
    const file = readFileSync(await download.path())
    expect([file[0], file[1], file.length > 10_000]).toEqual([0x1f, 0x8b, true])
    expect(page.url()).toContain(`from=${encodeURIComponent(start)}`)
    expect(problems).toEqual([])
  })

  it('keyboard: Tab reaches the navigation with a visible focus, Enter opens a view, its form works', async () => {
    const { page, problems } = await open('/')
    await page.waitForSelector('[data-testid=peers]')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    let reached = false
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(
        () =>
          document.activeElement?.closest('nav') !== null &&
          document.activeElement?.textContent === 'Looking glass',
      )
    }
    expect(reached).toBe(true)
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${f.base}/lookup`)
    expect(
      await page.evaluate(() => [document.activeElement?.tagName, document.activeElement?.textContent]),
    ).toEqual(['H1', 'Looking glass'])
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Looking glass')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q')
    await page.keyboard.type('203.0.113.128/25')
    await page.keyboard.press('Enter')
    await page.locator(`.peer-group[data-peer="${SPEAKER}"]`).waitFor()
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q')
    expect(problems).toEqual([])
  })
})
