// Real BGP daemons from Debian packages, started by the tests as unprivileged,
// non-system instances on 127.0.0.x: each writes its config into a temp dir,
// connects to the collector's port (we are passive), and is stopped by the
// test. A missing binary skips the suite loudly, naming the package, and fails
// under CI=true (`.ci/run` installs them with tools/install-debian-packages.sh).

import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

export const BINARIES = {
  bird: { path: '/usr/sbin/bird', cli: '/usr/sbin/birdc', pkg: 'bird2' },
  frr: { path: '/usr/lib/frr/bgpd', cli: '/usr/bin/vtysh', pkg: 'frr' },
  gobgp: { path: '/usr/bin/gobgpd', cli: '/usr/bin/gobgp', pkg: 'gobgpd' },
  exabgp: { path: '/usr/sbin/exabgp', cli: '/usr/sbin/exabgp', pkg: 'exabgp' },
} as const

export type DaemonName = keyof typeof BINARIES

/** True when the daemon can run here; otherwise says so loudly (and throws under CI=true). */
export function requireDaemon(name: DaemonName): boolean {
  const b = BINARIES[name]
  if (existsSync(b.path) && existsSync(b.cli)) return true
  const msg = `[${name}] ${b.path} not found: install the Debian package '${b.pkg}' (tools/install-debian-packages.sh)`
  if (process.env.CI === 'true') throw new Error(`${msg}; required under CI=true`)
  console.warn(`\n!!! SKIPPED: ${msg}\n`)
  return false
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, host, () => {
      const a = s.address()
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

export function run(file: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`))
      else resolve(stdout)
    })
  })
}

export interface Daemon {
  readonly name: DaemonName
  readonly address: string
  readonly dir: string
  /** Output so far (for failure messages). */
  output(): string
  /** Starts (again) with the current config. */
  start(): Promise<void>
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>
  /** SIGKILL: a crash, as far as its peers can tell. */
  kill(): Promise<void>
  /** Removes the temp dir after stopping. */
  dispose(): Promise<void>
}

interface DaemonSpec {
  readonly name: DaemonName
  readonly address: string
  readonly command: string
  readonly args: readonly string[]
  readonly env?: Readonly<Record<string, string>>
  readonly dir: string
}

/** A daemon process in its own process group (ExaBGP runs a helper process), stopped by its group id. */
export function daemon(spec: DaemonSpec): Daemon {
  let child: ChildProcess | undefined
  let out = ''
  const exit = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) resolve()
      else c.once('exit', () => resolve())
    })
  const signal = async (sig: NodeJS.Signals) => {
    const c = child
    child = undefined
    if (!c?.pid) return
    try {
      process.kill(-c.pid, sig)
    } catch {
      // already gone
    }
    await exit(c)
  }
  return {
    name: spec.name,
    address: spec.address,
    dir: spec.dir,
    output: () => out,
    async start() {
      if (child) return
      const c = spawn(spec.command, [...spec.args], {
        cwd: spec.dir,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...spec.env },
      })
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      c.stderr!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      child = c
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async dispose() {
      await signal('SIGKILL')
      rmSync(spec.dir, { recursive: true, force: true })
    },
  }
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `routelake-${name}-`))
}

// --- BIRD 2 ---------------------------------------------------------------------

export interface Bird extends Daemon {
  /** Rewrites the config and tells BIRD to reload it. */
  reconfigure(config: string): Promise<void>
  birdc(...args: string[]): Promise<string>
}

export function bird(address: string, config: string): Bird {
  const dir = tempDir('bird')
  const conf = join(dir, 'bird.conf')
  const sock = join(dir, 'bird.ctl')
  writeFileSync(conf, config)
  const d = daemon({
    name: 'bird',
    address,
    dir,
    command: BINARIES.bird.path,
    args: ['-f', '-c', conf, '-s', sock, '-P', join(dir, 'bird.pid')],
  })
  const birdc = (...args: string[]) => run(BINARIES.bird.cli, ['-s', sock, ...args])
  return {
    ...d,
    birdc,
    async reconfigure(text) {
      writeFileSync(conf, text)
      const r = await birdc('configure')
      if (!/Reconfigured|Reconfiguration in progress/.test(r)) throw new Error(`birdc configure: ${r}`)
    },
  }
}

// --- FRR bgpd, standalone (no zebra, no kernel, no listening socket) ------------------

export interface Frr extends Daemon {
  vtysh(...commands: string[]): Promise<string>
}

export function frr(address: string, config: string): Frr {
  const dir = tempDir('frr')
  const conf = join(dir, 'bgpd.conf')
  writeFileSync(conf, config)
  const d = daemon({
    name: 'frr',
    address,
    dir,
    command: BINARIES.frr.path,
    // -Z no zebra, -n no kernel, -S no privilege changes, -p 0 no BGP listener, -P 0 no vty port.
    args: [
      '-f',
      conf,
      '-i',
      join(dir, 'bgpd.pid'),
      '-z',
      join(dir, 'zserv.api'),
      '--vty_socket',
      dir,
      '-Z',
      '-n',
      '-S',
      '-p',
      '0',
      '-P',
      '0',
      '--log',
      'stdout',
    ],
  })
  return {
    ...d,
    vtysh: (...commands) =>
      run(BINARIES.frr.cli, ['--vty_socket', dir, '-d', 'bgpd', ...commands.flatMap((c) => ['-c', c])]),
  }
}

// --- GoBGP ---------------------------------------------------------------------------

export interface Gobgp extends Daemon {
  gobgp(...args: string[]): Promise<string>
}

export function gobgp(address: string, config: string, apiPort: number): Gobgp {
  const dir = tempDir('gobgp')
  const conf = join(dir, 'gobgpd.toml')
  writeFileSync(conf, config)
  const d = daemon({
    name: 'gobgp',
    address,
    dir,
    command: BINARIES.gobgp.path,
    args: ['-f', conf, '--api-hosts', `127.0.0.1:${apiPort}`, '-l', 'info', '--disable-stdlog'],
  })
  return {
    ...d,
    gobgp: (...args) => run(BINARIES.gobgp.cli, ['-u', '127.0.0.1', '-p', String(apiPort), ...args]),
  }
}

// --- ExaBGP 4.2 ------------------------------------------------------------------------

export interface Exabgp extends Daemon {
  /** Appends API commands ("announce route …", "withdraw route …") to what ExaBGP reads. */
  command(line: string): void
  readonly commandsFile: string
}

/** `config` may use %COMMANDS%: the file whose new lines ExaBGP's API process reads. */
export function exabgp(address: string, config: string): Exabgp {
  const dir = tempDir('exabgp')
  const commandsFile = join(dir, 'commands')
  writeFileSync(commandsFile, '')
  const conf = join(dir, 'exabgp.conf')
  writeFileSync(conf, config.replaceAll('%COMMANDS%', commandsFile))
  const d = daemon({
    name: 'exabgp',
    address,
    dir,
    command: BINARIES.exabgp.path,
    args: [conf],
    env: {
      'exabgp.daemon.user': userInfo().username,
      'exabgp.daemon.daemonize': 'false',
      'exabgp.log.destination': 'stdout',
      'exabgp.api.cli': 'false',
      'exabgp.api.ack': 'false',
      'exabgp.daemon.pid': join(dir, 'exabgp.pid'),
    },
  })
  let lines = ''
  return {
    ...d,
    commandsFile,
    command(line) {
      lines += `${line}\n`
      writeFileSync(commandsFile, lines)
    },
  }
}

/** Polls until the condition holds, with the daemon's output in the failure message. */
export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  daemon?: Daemon,
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting until ${what}${daemon ? `\n--- ${daemon.name} output:\n${daemon.output().slice(-4000)}` : ''}`,
      )
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}
