// Both exporters as the composition root wires them from the config (YAML,
// environment and flags: mrt-dump-dir, mrt-updates-interval, bmp-stations…):
// a BMP station gets Initiation with the collector's name, the peers and
// their UPDATEs, and Termination when the collector stops; the updates file
// is listed and downloadable through the API (GET /api/v1/mrt/files).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BmpFramer, decodeBmpMessage } from '../../collector/src/bmp/index.ts'
import { loadConfig } from '../../collector/src/config/config.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { createCollector } from '../../collector/src/main.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import { establish, RecordingStation, UNICAST, until, v4update } from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

describe('exporters in the collector', () => {
  it('reads their settings from the file, the environment and flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-exporters-config-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'c.yaml')
    writeFileSync(
      file,
      'router-id: 192.0.2.1\nmrt-retention: 30\nbmp-stations: [127.0.0.1:1790, "[::1]:11019"]\n',
    )
    const c = loadConfig(
      { config: file, 'mrt-updates-interval': '15' },
      { 'data-dir': '/srv/rl', 'mrt-rib-interval': '2' },
    )
    expect([c.mrtDump, c.bmp]).toEqual([
      { dir: '/srv/rl/mrt', updatesIntervalMinutes: 15, ribIntervalHours: 2, retentionDays: 30 },
      {
        stations: [
          { host: '127.0.0.1', port: 1790 },
          { host: '::1', port: 11019 },
        ],
        statsIntervalSeconds: 60,
      },
    ])
    expect(loadConfig({ 'router-id': '192.0.2.1', 'mrt-dump': 'off' }).mrtDump).toBeUndefined()
    expect(() => loadConfig({ 'router-id': '192.0.2.1', 'mrt-updates-interval': '7' })).toThrow(
      "mrt-updates-interval: '7' minutes does not divide a day",
    )
    expect(() => loadConfig({ 'router-id': '192.0.2.1', 'bmp-stations': 'station.example:1790' })).toThrow(
      /bmp-stations/,
    )
  })

  it('export to a BMP station and to MRT files, listed and served by the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-exporters-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const station = await RecordingStation.start()
    cleanup.push(() => station.close())
    const config = loadConfig(
      {
        'bgp-listen': '127.0.0.1:0',
        'http-listen': 'off',
        'router-id': '192.0.2.254',
        host: 'rl-exporters',
        accept: '127.0.0.0/8',
        storage: 'off',
        'data-dir': dir,
        'bmp-stations': `127.0.0.1:${station.port}`,
      },
      {},
    )
    const c = createCollector(config, { clock: systemClock(), logger: memoryLogger() })
    const { bgp } = await c.start()
    let stopped = false
    cleanup.push(() => (stopped ? undefined : c.stop()))
    const h = {
      port: bgp[0]!.port,
      sessions: c.sessions,
      until: (w: string, f: () => boolean) => until(w, f),
    }
    const s = await establish(h, '127.0.0.7', UNICAST, { asn: 64507 })
    cleanup.push(() => s.close())
    s.send(v4update([{ prefix: '198.51.100.0/24' }], [64507, 65001]))
    await until('route', () => c.rib.stats().paths === 1)
    await until('the station got it', () => {
      let rm = 0
      new BmpFramer().push(station.bytes(), (m) => {
        if (decodeBmpMessage(m).message?.type === 'ROUTE_MONITORING') rm++
      })
      return rm >= 1
    })
    c.mrtDump!.rotateUpdates()
    await until('published', () => c.mrtDump!.stats().updates.files === 1)

    const list = await c.api.request('/api/v1/mrt/files')
    expect(list.status).toBe(200)
    const { files } = (await list.json()) as {
      files: { path: string; kind: string; url: string; size: number }[]
    }
    expect(files.map((f) => [f.kind, /^\d{4}\.\d{2}\/updates\.\d{8}\.\d{4}\.gz$/.test(f.path)])).toEqual([
      ['updates', true],
    ])
    const got = await c.api.request(files[0]!.url)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('application/gzip')
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(
      new Uint8Array(readFileSync(join(dir, 'mrt', files[0]!.path))),
    )
    expect((await c.api.request('/api/v1/mrt/files/..%2F..%2Fetc/passwd')).status).toBe(404)

    await c.stop()
    stopped = true
    await until('the station saw the end', () => station.connections[0]!.socket.readableEnded)
    const types: string[] = []
    new BmpFramer().push(station.bytes(), (m) => types.push(decodeBmpMessage(m).message!.type))
    // The station was there before the peer: nothing to dump, the peer and its UPDATE come live.
    expect(types).toEqual(['INITIATION', 'PEER_UP', 'ROUTE_MONITORING', 'PEER_DOWN', 'TERMINATION'])
  })
})
