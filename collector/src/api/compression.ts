// Response compression: gzip (or deflate) for JSON, CSV and text bodies of
// 1 KiB and more, when the client accepts it. The body is compressed in
// zlib's thread pool, not on the event loop; small answers go out as they are
// (a compression stream per request costs more than it saves on a lookup of
// one prefix). Streams (MRT export, already gzip) are left alone.

import { promisify } from 'node:util'
import { deflate, gzip } from 'node:zlib'
import type { MiddlewareHandler } from 'hono'

const gzipAsync = promisify(gzip)
const deflateAsync = promisify(deflate)

const COMPRESSIBLE = /^(?:application\/json|text\/)/i

/** The encoding to use from Accept-Encoding: gzip first, then deflate; undefined for none. */
export function chooseEncoding(accept: string | undefined): 'gzip' | 'deflate' | undefined {
  if (!accept) return undefined
  const q = new Map<string, number>()
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    q.set(name!, qp ? Number(qp.slice(2)) || 0 : 1)
  }
  const of = (e: string) => q.get(e) ?? q.get('*') ?? 0
  if (of('gzip') > 0) return 'gzip'
  if (of('deflate') > 0) return 'deflate'
  return undefined
}

export function compression(threshold = 1024): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const res = c.res
    if (c.req.method === 'HEAD' || !res.body || res.headers.has('content-encoding')) return
    if (!COMPRESSIBLE.test(res.headers.get('content-type') ?? '')) return
    if (/no-transform/i.test(res.headers.get('cache-control') ?? '')) return
    const headers = new Headers(res.headers)
    const vary = headers.get('vary')
    if (!vary) headers.set('vary', 'Accept-Encoding')
    else if (!/accept-encoding/i.test(vary)) headers.set('vary', `${vary}, Accept-Encoding`)
    const encoding = chooseEncoding(c.req.header('accept-encoding'))
    const body = new Uint8Array(await res.arrayBuffer())
    if (!encoding || body.length < threshold) {
      headers.set('content-length', String(body.length))
      c.res = new Response(body, { status: res.status, statusText: res.statusText, headers })
      return
    }
    const packed = encoding === 'gzip' ? await gzipAsync(body) : await deflateAsync(body)
    headers.set('content-encoding', encoding)
    headers.set('content-length', String(packed.length))
    c.res = new Response(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), {
      status: res.status,
      statusText: res.statusText,
      headers,
    })
  }
}
