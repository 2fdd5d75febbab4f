import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShowEvent } from '../../domain/show.js';
import type { ShowOverlays } from '../../live/show-overlays.js';
import { overlayToWire } from '../../realtime/overlay-wire.js';
import { ErrorResponseSchema } from '../errors.js';
import { routeGroup } from '../route-schema.js';
import { IdParams as ShowParams } from '../schemas/common.js';
import { AnnouncementBody, ChangeResponse, HiddenBody, OverlayViewSchema, PinBody, QrBody, StartFlashSaleBody, ThemeBody } from '../schemas/overlays.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };
const security = [{ bearer: [] }];

export interface OverlayRoutesOptions {
  overlays: ShowOverlays;
  admin: AdminScope;
}

export const overlayRoutes: FastifyPluginAsyncTypebox<OverlayRoutesOptions> = async (app, { overlays, admin }) => {
  await admin(app);

  /** Answers once the change is drawn into the files FFmpeg reads. */
  const respond = async (showId: string, result: { event: ShowEvent; drawn: Promise<unknown> }) => {
    await result.drawn;
    const pdt = result.event.payload.programDateTime;
    return {
      overlay: overlayToWire(overlays.view(showId)),
      event: {
        id: result.event.id,
        at: new Date(result.event.at).toISOString(),
        streamMs: result.event.streamMs,
        programDateTime: typeof pdt === 'string' ? pdt : null,
      },
    };
  };
  const route = routeGroup({ tags: ['overlay'], security, params: ShowParams, response: { 200: ChangeResponse, ...errors } });

  app.get(
    '/api/shows/:id/overlay',
    { schema: { tags: ['overlay'], summary: 'What is on screen now', security, params: ShowParams, response: { 200: OverlayViewSchema, ...errors } } },
    async (request) => overlayToWire(overlays.view(request.params.id)),
  );

  app.post(
    '/api/shows/:id/pin',
    route('Pin a product: its card (image, title, price, discount) goes on the video', {
      body: PinBody,
    }),
    async (request) => respond(request.params.id, overlays.pin(request.params.id, request.body.productId)),
  );
  app.delete('/api/shows/:id/pin', route('Unpin the product'), async (request) => respond(request.params.id, overlays.unpin(request.params.id)));

  app.post(
    '/api/shows/:id/flash-sales',
    {
      schema: {
        tags: ['overlay'],
        summary: 'Start a flash sale: sale price, countdown and stock left go on the video',
        security,
        params: ShowParams,
        body: StartFlashSaleBody,
        response: { 201: ChangeResponse, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await respond(request.params.id, overlays.startFlashSale(request.params.id, request.body))),
  );
  app.delete('/api/shows/:id/flash-sales/current', route('Stop the running flash sale'), async (request) =>
    respond(request.params.id, overlays.stopFlashSale(request.params.id)),
  );

  app.put(
    '/api/shows/:id/announcement',
    route('Show a lower-third announcement (a promo code, "free gift for the next 10 orders")', {
      body: AnnouncementBody,
    }),
    async (request) => respond(request.params.id, overlays.announce(request.params.id, request.body.text.trim())),
  );
  app.delete('/api/shows/:id/announcement', route('Take the announcement down'), async (request) =>
    respond(request.params.id, overlays.announce(request.params.id, null)),
  );

  app.put(
    '/api/shows/:id/qr',
    route("Show or hide the QR code to the pinned product's checkout", {
      body: QrBody,
    }),
    async (request) => respond(request.params.id, overlays.setQr(request.params.id, request.body.enabled)),
  );

  app.put(
    '/api/shows/:id/overlay/hidden',
    route('Hide every overlay at once (or bring them back), keeping what was set', {
      body: HiddenBody,
    }),
    async (request) => respond(request.params.id, overlays.setHidden(request.params.id, request.body.hidden)),
  );

  app.put(
    '/api/shows/:id/theme',
    route("Override the default theme for this show", {
      body: ThemeBody,
    }),
    async (request) => respond(request.params.id, overlays.setTheme(request.params.id, request.body)),
  );
};
