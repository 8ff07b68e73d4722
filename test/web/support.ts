// What the web UI tests share: Debian's Chromium driven by playwright-core
// (skipped loudly without it, a failure under CI=true, like the daemons of
// test/sessions), the screenshot folder, and the size of a first load.

import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { type Browser, chromium } from 'playwright-core'
import { repoRoot } from '../../collector/test-support/testdata.ts'

export const CHROMIUM = '/usr/bin/chromium'

/** Screenshots of every view, kept as test artifacts (gitignored). */
export const ARTIFACTS = join(repoRoot, 'test-artifacts', 'web')

/** True when Chromium can run here; otherwise says so loudly (and throws under CI=true). */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM)) return true
  const msg = `[web] ${CHROMIUM} not found: needs Debian package chromium (tools/install-debian-packages.sh)`
  if (process.env.CI === 'true') throw new Error(`${msg}; required under CI=true`)
  console.warn(`\n!!! SKIPPED: ${msg}\n`)
  return false
}

/** Headless Chromium with the flags this kind of machine needs (no sandbox, no GPU, nothing phoning home). */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export const DESKTOP = { width: 1440, height: 900 } as const
export const PHONE = { width: 390, height: 844 } as const

/**
 * What a first visit downloads, gzip-compressed as the collector serves it:
 * index.html and every file it names (scripts, module preloads, styles, icon).
 */
export function firstLoad(dist: string): { files: Record<string, number>; total: number } {
  const html = readFileSync(join(dist, 'index.html'))
  const files: Record<string, number> = { 'index.html': gzipSync(html, { level: 9 }).length }
  for (const m of html.toString().matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(\/[^"]+)"/g)) {
    const path = m[1]!
    files[path] = gzipSync(readFileSync(join(dist, path)), { level: 9 }).length
  }
  return { files, total: Object.values(files).reduce((a, b) => a + b, 0) }
}
