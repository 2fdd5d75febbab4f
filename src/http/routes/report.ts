import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ProductAliases } from '../../report/aliases.js';
import { reportCsv } from '../../report/report-csv.js';
import { BURST_DEFAULTS, type ShowReport, type ShowReportData } from '../../report/show-report.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { AliasesBody, AliasesSchema, ReportCsvParams, ReportQuery, ShowReportSchema } from '../schemas/report.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const security = [{ bearer: [] }];

const iso = (ms: number) => new Date(ms).toISOString();
const toWire = (r: ShowReportData) => ({ ...r, startedAt: iso(r.startedAt), endedAt: r.endedAt === null ? null : iso(r.endedAt) });

export interface ReportRoutesOptions {
  report: ShowReport;
  aliases: ProductAliases;
  admin: AdminScope;
}

/** The post-show report (JSON and a CSV per table) and the product aliases it matches chat with. */
export const reportRoutes: FastifyPluginAsyncTypebox<ReportRoutesOptions> = async (scope, { report, aliases, admin }) => {
  await admin(scope);
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/shows/:id/report',
    {
      schema: {
        tags: ['report'],
        summary: "The post-show report: viewers and orders per stream minute, watch time, each product's sales while pinned, questions, chat mentions, keyword bursts, the restock signal, and the host's previous shows averaged (409 SHOW_NOT_STARTED before Go live)",
        security,
        params: IdParams,
        querystring: ReportQuery,
        response: { 200: ShowReportSchema, ...errors },
      },
    },
    async (request) => toWire(report.build(request.params.id, { ...BURST_DEFAULTS, ...request.query })),
  );
  app.get(
    '/api/shows/:id/report/:table.csv',
    {
      schema: {
        tags: ['report'],
        summary: "One table of the report as CSV: viewers, orders, products, questions, mentions, bursts, restock, comparison (cells a spreadsheet would run as a formula start with ')",
        security,
        params: ReportCsvParams,
        querystring: ReportQuery,
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="report-${request.params.id}-${request.params.table}.csv"`)
        .send(reportCsv(report.build(request.params.id, { ...BURST_DEFAULTS, ...request.query }), request.params.table)),
  );
  app.get('/api/products/:id/aliases', { schema: { tags: ['report'], summary: "What viewers call a product in chat besides its title and SKU (the report's mentions)", security, params: IdParams, response: { 200: AliasesSchema, ...errors } } }, async (request) => ({
    aliases: aliases.list(request.params.id),
  }));
  app.put(
    '/api/products/:id/aliases',
    {
      schema: {
        tags: ['report'],
        summary: "Replace a product's aliases: at most 20, each 1-60 characters, unique without case or accents (422 INVALID_ALIASES naming each entry)",
        security,
        params: IdParams,
        body: AliasesBody,
        response: { 200: AliasesSchema, ...errors },
      },
    },
    async (request) => ({ aliases: aliases.replace(request.params.id, request.body.aliases) }),
  );
};
