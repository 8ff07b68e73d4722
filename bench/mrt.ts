// `npm run bench -- mrt`: MRT reading throughput against bgpdump, in the same
// run, on two synthetic files written by `routelake synth`:
//
//   rib      a full table as TABLE_DUMP_V2 (≈1.0M IPv4 + ≈0.23M IPv6 prefixes,
//            one peer by default: --peers N for more), full MP_REACH_NLRI form
//   updates  the same table as a BGP4MP_ET updates file: the peer sends it as
//            ≈3 prefixes per UPDATE, then withdraws every tenth prefix
//
// Figures per file (records/s, prefixes/s, each in a fresh process):
//   decode        our reader: stream, frame, parse every record (attributes
//                 and messages stay octets, decoded on demand)
//   decode+attrs  the same plus the codec's full decode of every message and
//                 RIB entry's attributes (the JSON form's content)
//   bgpdump-format  `routelake mrt --format bgpdump FILE > /dev/null`, whole CLI
//   bgpdump -m    `bgpdump -m FILE > /dev/null`, the real one (Debian 1.6.2)
// and the ratios ours / bgpdump's, plus every process's peak RSS (VmHWM).
// Each figure is the best of --runs N (default 3) runs, ours and bgpdump's
// alike, interleaved: the machine's other load only ever slows a run down.
// Options: --scale F (table size factor), --peers N, --runs N, --dir DIR
// (keep and reuse the files), --gzip (gzip the files: both readers inflate them).

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { BenchSuite } from '../tools/bench.ts'
import { report } from './report.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

interface Run {
  readonly seconds: number
  readonly maxRssKb: number
  readonly stdout: string
}

/** Runs a command with stdout to /dev/null (or captured), timing it and sampling its peak RSS. */
function run(cmd: string, args: string[], capture = false): Promise<Run> {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint()
    const devnull = capture ? 'pipe' : openSync('/dev/null', 'w')
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', devnull, 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    let peak = 0
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) peak = Math.max(peak, Number(m[1]))
      } catch {
        // the process is gone
      }
    }
    const timer = setInterval(sample, 20)
    child.on('error', fail)
    child.on('exit', (code) => {
      clearInterval(timer)
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      if (code !== 0) fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))
      else done({ seconds, maxRssKb: peak, stdout })
    })
  })
}

/** In a child process: read a file and print what was read, how long it took and the peak RSS. */
export async function childMain(mode: string, file: string): Promise<void> {
  const { MrtReader, decodeRecord } = await import('../collector/src/mrt/index.ts')
  const start = process.hrtime.bigint()
  const reader = new MrtReader(file, { validate: true })
  let records = 0
  for await (const batch of reader.batches()) {
    for (const rec of batch) {
      if (mode === 'full') decodeRecord(rec)
      records++
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  process.stdout.write(`${JSON.stringify({ records, seconds, maxRssKb: process.resourceUsage().maxRSS })}\n`)
}

async function child(
  mode: string,
  file: string,
): Promise<{ records: number; seconds: number; maxRssKb: number }> {
  const url = pathToFileURL(join(root, 'bench/mrt.ts')).href
  const r = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import(${JSON.stringify(url)}).then((m) => m.childMain(${JSON.stringify(mode)}, ${JSON.stringify(file)}))`,
    ],
    true,
  )
  return JSON.parse(r.stdout.trim().split('\n').pop()!)
}

export const suite: BenchSuite = {
  summary: 'MRT reading (decode, bgpdump format) against bgpdump -m',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: '1' },
        peers: { type: 'string', default: '1' },
        dir: { type: 'string' },
        gzip: { type: 'boolean' },
        runs: { type: 'string', default: '3' },
      },
    })
    const runs = Math.max(1, Number(values.runs))
    const scale = Number(values.scale)
    const peers = Number(values.peers)
    const ipv4 = Math.round(1_000_000 * scale)
    const ipv6 = Math.round(230_000 * scale)
    const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'routelake-bench-mrt-'))
    mkdirSync(dir, { recursive: true })
    const ext = values.gzip ? '.mrt.gz' : '.mrt'
    const { writeSynthRib, writeSynthUpdates } = await import('../tools/synth-cmd.ts')
    const ribFile = join(dir, `synth-rib-${ipv4}-${ipv6}-${peers}p${ext}`)
    const updFile = join(dir, `synth-updates-${ipv4}-${ipv6}-${peers}p${ext}`)
    const files: { name: string; path: string; prefixes: number }[] = []
    process.stderr.write(`mrt: files in ${dir}\n`)
    if (!existsSync(ribFile)) {
      process.stderr.write(`mrt: writing ${ribFile} (routelake synth)…\n`)
      await writeSynthRib(ribFile, { ipv4, ipv6, peers })
    }
    files.push({ name: 'rib', path: ribFile, prefixes: (ipv4 + ipv6) * peers })
    if (!existsSync(updFile)) {
      process.stderr.write(`mrt: writing ${updFile} (routelake synth --updates)…\n`)
      await writeSynthUpdates(updFile, { ipv4, ipv6, peers })
    }
    // Announced plus withdrawn (every tenth prefix), per peer.
    files.push({
      name: 'updates',
      path: updFile,
      prefixes: (ipv4 + ipv6 + Math.ceil((ipv4 + ipv6) / 10)) * peers,
    })
    const haveBgpdump = existsSync('/usr/bin/bgpdump')
    if (!haveBgpdump)
      process.stderr.write('mrt: bgpdump not installed: no comparison (apt install bgpdump)\n')
    for (const f of files) {
      const base = { suite: 'mrt', file: f.name, peers, gzip: values.gzip ?? false, prefixes: f.prefixes }
      type Timed = { seconds: number; maxRssKb: number }
      const best = <T extends Timed>(a: T | undefined, b: T): T => (a && a.seconds <= b.seconds ? a : b)
      let decode: { records: number } & Timed = { records: 0, seconds: Number.POSITIVE_INFINITY, maxRssKb: 0 }
      let full: Timed | undefined
      let ours: Timed | undefined
      let theirs: Timed | undefined
      for (let i = 0; i < runs; i++) {
        decode = best(decode, await child('decode', f.path))
        full = best(full, await child('full', f.path))
        ours = best(
          ours,
          await run(process.execPath, [
            join(root, 'bin/routelake.js'),
            'mrt',
            '--no-progress',
            '--format',
            'bgpdump',
            f.path,
          ]),
        )
        if (haveBgpdump) theirs = best(theirs, await run('/usr/bin/bgpdump', ['-q', '-m', f.path]))
      }
      const records = decode.records
      const figure = (name: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
        report({ ...base, records, name: `${f.name} ${name}`, value, unit, ...extra })
      figure('decode records/s', records / decode.seconds, 'records/s', { seconds: decode.seconds })
      figure('decode prefixes/s', f.prefixes / decode.seconds, 'prefixes/s')
      figure('decode peak RSS', decode.maxRssKb / 1024, 'MiB')
      figure('decode+attrs records/s', records / full!.seconds, 'records/s', { seconds: full!.seconds })
      figure('decode+attrs prefixes/s', f.prefixes / full!.seconds, 'prefixes/s')
      figure('bgpdump-format records/s', records / ours!.seconds, 'records/s', { seconds: ours!.seconds })
      figure('bgpdump-format prefixes/s', f.prefixes / ours!.seconds, 'prefixes/s')
      figure('bgpdump-format peak RSS', ours!.maxRssKb / 1024, 'MiB')
      if (theirs) {
        figure('bgpdump -m records/s', records / theirs.seconds, 'records/s', { seconds: theirs.seconds })
        figure('bgpdump -m prefixes/s', f.prefixes / theirs.seconds, 'prefixes/s')
        figure('bgpdump -m peak RSS', theirs.maxRssKb / 1024, 'MiB')
        figure('decode speed vs bgpdump -m', theirs.seconds / decode.seconds, 'x')
        figure('decode+attrs speed vs bgpdump -m', theirs.seconds / full!.seconds, 'x')
        figure('bgpdump-format speed vs bgpdump -m', theirs.seconds / ours!.seconds, 'x')
      }
    }
    if (!values.dir) rmSync(dir, { recursive: true, force: true })
  },
}
