// A ClickHouse HTTP server for tests (chdb-http-server.ts in its own process),
// which a test can kill and start again on the same port and data.

import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./chdb-http-server.ts', import.meta.url))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export class TestServer {
  readonly dir: string
  readonly port: number
  private child: ChildProcess | undefined

  constructor(dir: string, port: number) {
    this.dir = dir
    this.port = port
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, this.dir, String(this.port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('listening')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`the test ClickHouse server exited (${code})`)))
    })
  }

  /** Gone at once, as a crashed server or a pulled cable: connections are refused from now on. */
  async kill(): Promise<void> {
    const c = this.child
    this.child = undefined
    if (!c || c.exitCode !== null) return
    const exited = new Promise((r) => c.once('exit', r))
    c.kill('SIGKILL')
    await exited
  }
}
