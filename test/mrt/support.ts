// Shared helpers of the MRT tests: the testdata files, the real programs
// (bgpdump, exabgp, gobgp) with a loud skip when missing (a failure under
// CI=true), our bgpdump formatter run in-process, temporary directories.

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { type MrtInput, MrtReader, type MrtRecord } from '../../collector/src/mrt/index.ts'
import { BgpdumpFormatter, type BgpdumpOptions } from '../../tools/mrt/bgpdump.ts'
import { Out } from '../../tools/mrt/out.ts'

export { requireTestdata } from '../../collector/test-support/testdata.ts'

function found(bin: string): boolean {
  try {
    execFileSync('which', [bin], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** True when every program is installed; otherwise a loud skip (a failure under CI=true). */
export function requireTools(suite: string, ...bins: string[]): boolean {
  const missing = bins.filter((b) => !found(b))
  if (!missing.length) return true
  const msg = `[${suite}] ${missing.join(', ')} not installed (tools/install-debian-packages.sh)`
  if (process.env.CI === 'true') throw new Error(`${msg}; required under CI=true`)
  console.warn(`\n!!! SKIPPED: ${msg}\n`)
  return false
}

/** The MRT files of the shared testdata (not the derived text files). */
export function mrtFiles(testdata: string): string[] {
  const base = join(testdata, 'mrt')
  const out: string[] = []
  for (const d of readdirSync(base).sort()) {
    for (const f of readdirSync(join(base, d)).sort()) {
      const p = join(base, d, f)
      if (statSync(p).isFile() && !f.includes('.txt')) out.push(p)
    }
  }
  return out
}

/** What the real bgpdump prints (stderr, its log, ignored). */
export function bgpdump(args: string[]): string {
  const r = spawnSync('bgpdump', args, { maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`bgpdump ${args.join(' ')} exited ${r.status ?? r.signal}`)
  return r.stdout.toString('latin1')
}

/** What our --format bgpdump prints for an input. */
export async function ours(input: MrtInput, options: BgpdumpOptions = {}): Promise<string> {
  const blocks: Uint8Array[] = []
  const out = new Out((b) => blocks.push(b))
  const f = new BgpdumpFormatter(out, options)
  for await (const batch of new MrtReader(input, { validate: false }).batches())
    for (const r of batch) f.record(r)
  out.flush()
  return Buffer.concat(blocks).toString('latin1')
}

export async function records(input: MrtInput): Promise<MrtRecord[]> {
  const all: MrtRecord[] = []
  for await (const r of new MrtReader(input)) all.push(r)
  return all
}

/** A temporary directory removed after the file's tests. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `routelake-${name}-`))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
