// Builds the web UI (web/ → web/dist) with Vite's build API: `npm start`
// calls ensureWebBuilt so that a fresh clone serves the UI without a separate
// step, and the browser tests build it before they start. Vite is a
// devDependency: an install without it (npm ci --omit=dev) must come with a
// built web/dist, or the collector serves the API alone and says so.
//
// A build goes to a folder of its own beside web/dist and is renamed into
// place, so that a collector serving web/dist never sees half a build, and
// two builds at once (a test suite starting `routelake serve` while the
// browser tests build) cannot mix their files.

import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '../collector/src/log/logger.ts'

export const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url))
export const WEB_DIST = join(WEB_DIR, 'dist')

const unique = () => `${process.pid}-${randomBytes(4).toString('hex')}`

/**
 * Runs Vite's production build of web/ and puts it at `outDir` (default
 * web/dist). With `onlyIfMissing`, a build that finds one already in place
 * when it is done leaves that one. True when this build was put in place.
 */
export async function buildWeb(outDir: string = WEB_DIST, options: { onlyIfMissing?: boolean } = {}) {
  const { build } = await import('vite')
  const fresh = `${outDir}.building-${unique()}`
  try {
    await build({
      root: WEB_DIR,
      configFile: false,
      logLevel: 'warn',
      build: { outDir: fresh, emptyOutDir: true },
    })
    return await swapIn(fresh, outDir, options.onlyIfMissing ?? false)
  } finally {
    await rm(fresh, { recursive: true, force: true })
  }
}

async function swapIn(fresh: string, dir: string, onlyIfMissing: boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (onlyIfMissing && existsSync(join(dir, 'index.html'))) return false
    const old = `${dir}.old-${unique()}`
    try {
      await rename(dir, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e
      })
      await rename(fresh, dir)
      return true
    } catch (e) {
      // Another build put its folder there between our two renames: go again.
      if (!['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e
    } finally {
      await rm(old, { recursive: true, force: true })
    }
  }
  throw new Error(`could not put the web UI build in place at ${dir}`)
}

/** Builds web/dist when it is missing; without Vite, warns and lets the API run without the UI. */
export async function ensureWebBuilt(
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<'present' | 'built' | 'unavailable'> {
  if (existsSync(join(WEB_DIST, 'index.html'))) return 'present'
  try {
    await import('vite')
  } catch {
    log.warn('web UI not built and Vite is not installed: serving the API without the UI', {
      fix: 'npm install (with dev dependencies), then npm run build:web',
    })
    return 'unavailable'
  }
  const started = Date.now()
  try {
    if (!(await buildWeb(WEB_DIST, { onlyIfMissing: true }))) return 'present'
  } catch (e) {
    log.warn('web UI build failed: serving the API without the UI', { reason: (e as Error).message })
    return 'unavailable'
  }
  log.info('web UI built', { dir: WEB_DIST, ms: Date.now() - started })
  return 'built'
}
