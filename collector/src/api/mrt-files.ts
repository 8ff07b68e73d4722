// The MRT dump files the mrt-dump sink publishes (RIS-style updates and
// bview files under <dir>/YYYY.MM/), listed and downloadable:
//
//   GET /api/v1/mrt/files                          every published file, oldest first
//   GET /api/v1/mrt/files/{month}/{name}           one file (2024.05/updates.20240501.1200.gz)
//
// Only names in the sink's layout are served (the sink checks the path), so
// nothing outside the dump directory can be asked for.

import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { MrtFileInfo } from '../sinks/mrt-dump/index.ts'
import type { ApiContext } from './deps.ts'
import type { MrtFilesResponse } from './dto.ts'
import { ApiError } from './errors.ts'
import { isoMillis } from './params.ts'
import { ErrorSchema, errorResponses, MrtFilesResponseSchema } from './schemas.ts'

/** The mrt-dump sink as the API reads it. */
export interface MrtFiles {
  list(): Promise<MrtFileInfo[]>
  file(path: string): Promise<{ readonly path: string; readonly size: number } | undefined>
}

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/mrt/files',
  tags: ['mrt'],
  summary: 'The MRT files the collector writes (updates every few minutes, RIB dumps every few hours)',
  responses: {
    200: {
      description: 'Published files, oldest first',
      content: { 'application/json': { schema: MrtFilesResponseSchema } },
    },
    503: { description: 'MRT dump files are off', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
})

const fileRoute = createRoute({
  method: 'get',
  path: '/api/v1/mrt/files/{month}/{name}',
  tags: ['mrt'],
  summary: 'One published MRT file',
  request: {
    params: z.object({
      month: z.string().openapi({ param: { name: 'month', in: 'path' }, example: '2024.05' }),
      name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'updates.20240501.1200.gz' }),
    }),
  },
  responses: {
    200: {
      description: 'The file (gzip MRT)',
      content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    404: { description: 'No such file', content: { 'application/json': { schema: ErrorSchema } } },
    503: { description: 'MRT dump files are off', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
})

function need(ctx: ApiContext): MrtFiles {
  const m = ctx.deps.mrtFiles
  if (!m) throw new ApiError(503, 'MRT dump files are off (mrt-dump: off)')
  return m
}

export function registerMrtFiles(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(listRoute, async (c) => {
    const files = await need(ctx).list()
    const body: MrtFilesResponse = {
      files: files.map((f) => ({
        path: f.path,
        kind: f.kind,
        time: isoMillis(f.time),
        size: f.size,
        modified: isoMillis(f.modified),
        url: `/api/v1/mrt/files/${f.path}`,
      })),
    }
    return c.json(body as never, 200)
  })
  app.openapi(fileRoute, async (c) => {
    const { month, name } = c.req.valid('param')
    const path = `${month}/${name}`
    const f = await need(ctx).file(path)
    if (!f) throw new ApiError(404, `no MRT file ${path}`)
    const stream = Readable.toWeb(createReadStream(f.path)) as ReadableStream
    return new Response(stream, {
      status: 200,
      headers: {
        'content-type': 'application/gzip',
        'content-length': String(f.size),
        'content-disposition': `attachment; filename="${name}"`,
      },
    }) as never
  })
}
