// The web UI's built assets (web/dist, made by Vite: `npm run build:web`, or
// by `npm start` when they are missing), served at `/` beside the API:
//
//   /assets/*            Vite's content-hashed files: cached for a year, immutable
//   /index.html, /       the shell: revalidated on every load (ETag), so a new build shows at once
//   any other GET path   that is no file and not an asset type: the shell, so a
//                        client-side route (/lookup?prefix=…, /peers/192.0.2.1) survives a reload
//
// /api/*, /v1/*, /metrics and /healthz never fall back to the shell: an
// unknown API path stays the API's JSON 404. Registered after every API
// route, so those always win. Files are read once per (path, size, mtime)
// and kept with their gzip form: the whole UI is a few hundred kilobytes.

import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Context, Hono } from 'hono'
import { chooseEncoding } from './compression.ts'

/** Where `npm run build:web` puts the UI: web/dist of this checkout. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url))

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/** Paths that belong to the API and the live feed: never answered with the shell. */
const RESERVED = /^\/(?:api|v1)(?:\/|$)|^\/(?:metrics|healthz)$/

/**
 * The shell's policy: its own scripts and styles only (Vite emits no inline
 * script), the API and the live feed on this origin. uPlot sizes its elements
 * through element.style, which CSP allows; 'unsafe-inline' styles cover the
 * style attributes it writes into its legend markup.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

interface Cached {
  readonly key: string
  readonly body: Uint8Array
  readonly gzip: Uint8Array | undefined
  readonly etag: string
}

/** Serves a built UI from `root` (registered on `app` last, after the API's routes). */
export function registerWeb(app: Hono, root: string = DEFAULT_WEB_ROOT): void {
  const base = resolve(root)
  const cache = new Map<string, Cached>()

  async function load(file: string): Promise<Cached | undefined> {
    const s = await stat(file).catch(() => undefined)
    if (!s?.isFile()) return undefined
    const key = `${s.size}:${s.mtimeMs}`
    const hit = cache.get(file)
    if (hit?.key === key) return hit
    const body = new Uint8Array(await readFile(file))
    const type = CONTENT_TYPES[extname(file)] ?? ''
    // Images other than SVG are compressed already.
    const packable = /^(?:text\/|application\/(?:json|manifest)|image\/svg)/.test(type) && body.length >= 1024
    const entry: Cached = {
      key,
      body,
      gzip: packable ? new Uint8Array(gzipSync(body, { level: 9 })) : undefined,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    }
    cache.set(file, entry)
    return entry
  }

  function send(
    c: Context,
    file: string,
    entry: Cached,
    cacheControl: string,
    extra: Record<string, string>,
  ) {
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      etag: entry.etag,
      'x-content-type-options': 'nosniff',
      ...extra,
    }
    if (entry.gzip) headers.vary = 'Accept-Encoding'
    if (c.req.header('if-none-match') === entry.etag) return new Response(null, { status: 304, headers })
    const gz = entry.gzip && chooseEncoding(c.req.header('accept-encoding')) === 'gzip'
    const body = gz ? entry.gzip! : entry.body
    if (gz) headers['content-encoding'] = 'gzip'
    headers['content-length'] = String(body.length)
    return new Response(c.req.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers,
    })
  }

  async function shell(c: Context) {
    const file = join(base, 'index.html')
    const entry = await load(file)
    if (!entry) {
      return c.text(
        'The web UI is not built: run `npm run build:web` (or `npm start`, which builds it). The API is at /api/v1/.\n',
        404,
      )
    }
    return send(c, file, entry, 'no-cache', {
      'content-security-policy': CSP,
      'referrer-policy': 'same-origin',
    })
  }

  app.get('*', async (c) => {
    const path = decodePath(c.req.path)
    if (path === undefined || RESERVED.test(path)) return c.notFound()
    if (path === '/' || path === '/index.html') return shell(c)
    const file = normalize(join(base, path))
    if (!file.startsWith(base + sep)) return c.notFound()
    const entry = await load(file)
    if (entry) {
      const hashed = path.startsWith('/assets/')
      return send(c, file, entry, hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=3600', {})
    }
    // A missing script, style or image is a 404 (a stale page asking for an old
    // build's asset must not get HTML); any other path is a client-side route.
    if (CONTENT_TYPES[extname(path)] !== undefined || path.startsWith('/assets/')) return c.notFound()
    return shell(c)
  })
}

/** The URL path decoded, or undefined when it cannot name a file (bad escapes, NUL, `..`). */
function decodePath(raw: string): string | undefined {
  let p: string
  try {
    p = decodeURIComponent(raw)
  } catch {
    return undefined
  }
  if (p.includes('\0') || p.split('/').includes('..') || p.includes('\\')) return undefined
  return p
}
