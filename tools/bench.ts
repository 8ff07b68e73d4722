// `routelake bench [suite…]` (npm run bench): performance suites, each printing
// a human summary on stderr and one JSON line per figure on stdout.

import type { Command } from './cli.ts'

export interface BenchSuite {
  readonly summary: string
  run(args: string[]): Promise<void>
}

const SUITES: Record<string, () => Promise<BenchSuite>> = {
  decode: async () => (await import('../bench/decode.ts')).suite,
  ingest: async () => (await import('../bench/ingest.ts')).suite,
  rib: async () => (await import('../bench/rib.ts')).suite,
  mrt: async () => (await import('../bench/mrt.ts')).suite,
  fuzz: async () => (await import('../bench/fuzz.ts')).suite,
  export: async () => (await import('../bench/export.ts')).suite,
  storage: async () => (await import('../bench/storage.ts')).suite,
  live: async () => (await import('../bench/live.ts')).suite,
  api: async () => (await import('../bench/api.ts')).suite,
}

export const command: Command = {
  summary: 'run benchmarks',
  async run(args) {
    const [first, ...rest] = args
    if (first === '--help' || first === '-h') {
      console.log(
        `usage: routelake bench [suite] [options]\n\nsuites: ${Object.keys(SUITES).join(', ')} (default: decode)`,
      )
      return 0
    }
    const name = first ?? 'decode'
    const load = SUITES[name]
    if (!load) {
      console.error(`routelake bench: unknown suite '${name}' (${Object.keys(SUITES).join(', ')})`)
      return 2
    }
    await (await load()).run(rest)
    return 0
  },
}
