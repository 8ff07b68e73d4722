// The API's settings: YAML file < environment < flags, with the same names
// (DESIGN.md "Interfaces"), defaults when unset, a ConfigError naming the
// setting for a bad value.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  ConfigError,
  DEFAULT_API_SETTINGS,
  loadConfig,
  settingsFromEnv,
} from '../../collector/src/config/config.ts'

const dir = mkdtempSync(join(tmpdir(), 'routelake-api-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('API settings', () => {
  it('default when unset', () => {
    expect(loadConfig({ 'router-id': '192.0.2.1' }).api).toEqual(DEFAULT_API_SETTINGS)
    expect(DEFAULT_API_SETTINGS).toEqual({
      corsOrigins: [],
      rateLimit: 600,
      maxResults: 10_000,
      sqlMaxExecutionTime: 10,
      sqlMaxRows: 100_000,
      sqlMaxBytes: 104_857_600,
    })
  })

  it('come from the file, the environment and flags, in rising priority', () => {
    const file = join(dir, 'routelake.yaml')
    writeFileSync(
      file,
      [
        'router-id: 192.0.2.1',
        'api-cors-origins: [https://lg.example.net, https://ui.example.net]',
        'api-rate-limit: 120',
        'api-max-results: 500',
        'sql-token: from-file',
        'sql-max-execution-time: 5',
        'sql-max-rows: 1000',
        'sql-max-bytes: 2048',
      ].join('\n'),
    )
    const env = settingsFromEnv({ ROUTELAKE_SQL_TOKEN: 'from-env', ROUTELAKE_API_RATE_LIMIT: '0' })
    expect(loadConfig({ config: file, 'sql-max-rows': '7' }, env).api).toEqual({
      corsOrigins: ['https://lg.example.net', 'https://ui.example.net'],
      rateLimit: 0,
      maxResults: 500,
      sqlToken: 'from-env',
      sqlMaxExecutionTime: 5,
      sqlMaxRows: 7,
      sqlMaxBytes: 2048,
    })
    expect(loadConfig({ 'router-id': '192.0.2.1', 'api-cors-origins': '*' }).api?.corsOrigins).toEqual(['*'])
  })

  it('refuse bad values, naming the setting', () => {
    const bad: [Record<string, string>, string][] = [
      [{ 'api-rate-limit': '-1' }, "api-rate-limit: '-1' is not a whole number ≥ 0"],
      [{ 'api-max-results': '0' }, "api-max-results: '0' is not a whole number ≥ 1"],
      [{ 'sql-max-execution-time': '1.5' }, "sql-max-execution-time: '1.5' is not a whole number ≥ 1"],
      [{ 'sql-max-bytes': '10' }, "sql-max-bytes: '10' is not a whole number ≥ 1024"],
      [
        { 'api-cors-origins': 'lg.example.net' },
        "api-cors-origins: 'lg.example.net' is not * or an origin such as https://lg.example.net",
      ],
    ]
    for (const [flags, message] of bad) {
      expect(() => loadConfig({ 'router-id': '192.0.2.1', ...flags })).toThrow(ConfigError)
      expect(() => loadConfig({ 'router-id': '192.0.2.1', ...flags })).toThrow(message)
    }
  })
})
