import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANNOUNCEMENT_MAX } from '../../domain/overlay.js';
import type { ShowEvent } from '../../domain/show.js';
import type { OverlayView, ShowOverlays } from '../../live/show-overlays.js';
import { ErrorResponseSchema } from '../errors.js';
import { ID_PATTERN, PRINTABLE_TEXT } from '../schemas.js';
import { routeGroup } from '../route-schema.js';
import type { AdminScope } from './admin-scope.js';
import { ShowParams } from './shows.js';

const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' });

const OverlayViewSchema = Type.Object({
  showId: Type.String(),
  state: Type.Object({
    pinnedProductId: Type.Union([Type.String(), Type.Null()]),
    flashSaleId: Type.Union([Type.String(), Type.Null()]),
    announcement: Type.Union([Type.Object({ text: Type.String() }), Type.Null()]),
    qr: Type.Boolean(),
    hidden: Type.Boolean(),
    theme: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    poll: Type.Union([Type.Unknown(), Type.Null()]),
  }),
  pinnedProduct: Type.Union([Type.Object({ id: Type.String(), title: Type.String(), price: Type.Integer(), currency: Type.String() }), Type.Null()]),
  flashSale: Type.Union([
    Type.Object({
      id: Type.String(),
      productId: Type.String(),
      price: Type.Integer(),
      quantity: Type.Integer(),
      remaining: Type.Integer(),
      perCustomerLimit: Type.Union([Type.Integer(), Type.Null()]),
      startsAt: Type.String({ format: 'date-time' }),
      endsAt: Type.String({ format: 'date-time' }),
      secondsLeft: Type.Integer(),
    }),
    Type.Null(),
  ]),
});

const ChangeResponse = Type.Object({
  overlay: OverlayViewSchema,
  event: Type.Object({
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    streamMs: Type.Union([Type.Integer(), Type.Null()]),
    programDateTime: Type.Union([Type.String(), Type.Null()], { description: 'where in the video the change lands (estimate), when the show is being transcoded' }),
  }),
});

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema };
const security = [{ bearer: [] }];

function viewToBody(view: OverlayView) {
  return {
    ...view,
    flashSale: view.flashSale && {
      ...view.flashSale,
      startsAt: new Date(view.flashSale.startsAt).toISOString(),
      endsAt: new Date(view.flashSale.endsAt).toISOString(),
    },
  };
}

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
      overlay: viewToBody(overlays.view(showId)),
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
    async (request) => viewToBody(overlays.view(request.params.id)),
  );

  app.post(
    '/api/shows/:id/pin',
    route('Pin a product: its card (image, title, price, discount) goes on the video', {
      body: Type.Object({ productId: Type.String({ pattern: ID_PATTERN }) }, { additionalProperties: false }),
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
        body: Type.Object(
          {
            productId: Type.String({ pattern: ID_PATTERN }),
            price: Type.Integer({ minimum: 0, maximum: 10_000_000_000 }),
            quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
            durationSeconds: Type.Integer({ minimum: 5, maximum: 6 * 3600 }),
            perCustomerLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
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
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: ANNOUNCEMENT_MAX, pattern: PRINTABLE_TEXT }) }, { additionalProperties: false }),
    }),
    async (request) => respond(request.params.id, overlays.announce(request.params.id, request.body.text.trim())),
  );
  app.delete('/api/shows/:id/announcement', route('Take the announcement down'), async (request) =>
    respond(request.params.id, overlays.announce(request.params.id, null)),
  );

  app.put(
    '/api/shows/:id/qr',
    route("Show or hide the QR code to the pinned product's checkout", {
      body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
    }),
    async (request) => respond(request.params.id, overlays.setQr(request.params.id, request.body.enabled)),
  );

  app.put(
    '/api/shows/:id/overlay/hidden',
    route('Hide every overlay at once (or bring them back), keeping what was set', {
      body: Type.Object({ hidden: Type.Boolean() }, { additionalProperties: false }),
    }),
    async (request) => respond(request.params.id, overlays.setHidden(request.params.id, request.body.hidden)),
  );

  app.put(
    '/api/shows/:id/theme',
    route("Override the default theme for this show", {
      body: Type.Object(
        {
          brandColor: Type.Optional(Color),
          accentColor: Type.Optional(Color),
          textColor: Type.Optional(Color),
          cornerRadius: Type.Optional(Type.Integer({ minimum: 0, maximum: 40 })),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    }),
    async (request) => respond(request.params.id, overlays.setTheme(request.params.id, request.body)),
  );
};
