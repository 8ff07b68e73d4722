// Where the shared real-world fixtures live (../shared/testdata beside the
// repository, or ROUTELAKE_TESTDATA). They are read in place, never copied.
// Without them the conformance suites are skipped with a loud message, except
// under CI=true, where their absence is a failure.

import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export function testdataDir(): string | undefined {
  const dir = process.env.ROUTELAKE_TESTDATA ?? join(repoRoot, '..', 'shared', 'testdata')
  return existsSync(join(dir, 'MANIFEST.md')) ? dir : undefined
}

/** The testdata directory, or undefined after saying loudly why the caller must skip. Throws under CI=true. */
export function requireTestdata(suite: string): string | undefined {
  const dir = testdataDir()
  if (dir) return dir
  const msg = `[${suite}] shared testdata not found (set ROUTELAKE_TESTDATA or place it at ../shared/testdata)`
  if (process.env.CI === 'true') throw new Error(`${msg}; required under CI=true`)
  console.warn(`\n!!! SKIPPED: ${msg}\n`)
  return undefined
}

export { repoRoot }
