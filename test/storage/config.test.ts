// Storage settings: the embedded engine under the data directory by default,
// a ClickHouse server from ROUTELAKE_CLICKHOUSE_URL (and its user, password,
// database), flags over the environment over the file, `storage: off`, and a
// clear error for each mistake.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, settingsFromEnv } from '../../collector/src/config/config.ts'
import { writerOptions } from '../../collector/src/sinks/clickhouse/index.ts'
import { describeTarget } from '../../collector/src/storage/connection.ts'
import { cleanDirs, tempDir } from './support.ts'

afterEach(cleanDirs)

const base = { 'router-id': '192.0.2.1', host: 'rl00' }

describe('storage settings', () => {
  it('default to the embedded engine under the data directory', () => {
    expect(loadConfig({ ...base, 'data-dir': '/var/lib/routelake/' }).storage).toEqual({
      clickhouseDatabase: 'routelake',
      embeddedPath: '/var/lib/routelake/clickhouse',
      spoolDir: '/var/lib/routelake/spool',
      batchEvents: 20000,
      batchAgeMs: 1000,
    })
    expect(loadConfig(base).storage?.embeddedPath).toBe('./data/clickhouse')
  })

  it('take a server from the environment, overridden by flags, over the file', () => {
    const dir = tempDir()
    const file = join(dir, 'routelake.yaml')
    writeFileSync(
      file,
      'clickhouse-url: http://file:8123\nclickhouse-database: from_file\nstorage-batch-size: 5000\nspool-dir: /spool\n',
    )
    const env = settingsFromEnv({
      ROUTELAKE_CLICKHOUSE_URL: 'https://clickhouse.example.net:8443',
      ROUTELAKE_CLICKHOUSE_USER: 'routelake',
      ROUTELAKE_CLICKHOUSE_PASSWORD: 's3cret',
      ROUTELAKE_STORAGE_BATCH_AGE: '250',
    })
    const c = loadConfig({ ...base, config: file, 'clickhouse-database': 'bgp' }, env)
    expect(c.storage).toEqual({
      clickhouseUrl: 'https://clickhouse.example.net:8443',
      clickhouseUser: 'routelake',
      clickhousePassword: 's3cret',
      clickhouseDatabase: 'bgp',
      embeddedPath: './data/clickhouse',
      spoolDir: '/spool',
      batchEvents: 5000,
      batchAgeMs: 250,
    })
    const target = writerOptions(c.storage!).target
    expect(describeTarget(target)).toBe(
      'ClickHouse at https://clickhouse.example.net:8443/ (database bgp, user routelake)',
    )
    expect(describeTarget({ ...target, url: 'http://u:pw@h:8123' })).not.toContain('pw')
  })

  it('can be turned off, and name every mistake', () => {
    expect(loadConfig({ ...base, storage: 'off' }).storage).toBeUndefined()
    const bad: [Record<string, string>, RegExp][] = [
      [{ storage: 'maybe' }, /storage: 'maybe' is not on or off/],
      [{ 'clickhouse-url': 'clickhouse:9000' }, /clickhouse-url: 'clickhouse:9000' is not an http/],
      [{ 'clickhouse-database': 'bgp-data' }, /clickhouse-database: 'bgp-data' is not a plain identifier/],
      [{ 'clickhouse-cluster': 'c1' }, /a cluster needs clickhouse-url/],
      [{ 'storage-batch-size': '0' }, /storage-batch-size: '0' is not a whole number ≥ 1/],
      [{ 'storage-batch-age': 'soon' }, /storage-batch-age: 'soon' is not a whole number/],
    ]
    for (const [flags, message] of bad) {
      expect(() => loadConfig({ ...base, ...flags })).toThrow(ConfigError)
      expect(() => loadConfig({ ...base, ...flags })).toThrow(message)
    }
  })
})
