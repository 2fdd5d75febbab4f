import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { reactionKinds } from '../domain/audience.js';
import { clipStatuses } from '../domain/clip.js';
import type { WireOrder, WireOrderDetail } from '../domain/order.js';
import { showPhaseKinds } from '../domain/show-phase.js';
import { OverlayViewSchema } from './overlay-wire.js';

/** What the server sends on /api/shows/:id/live (protocol 1); tests check every frame against these. */
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });

export const ChatViewerSchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  level: Type.Integer({ minimum: 0 }),
  badge: Type.String(),
  role: Type.Union([Type.Literal('host'), Type.Literal('moderator'), Type.Literal('viewer')]),
});

export const ChatLineSchema = Type.Object({
  id: Type.String(),
  viewer: ChatViewerSchema,
  text: Type.String({ description: 'as typed: draw it as text (textContent), never as HTML' }),
  at: Iso,
  streamMs: Nullable(Type.Integer()),
});
export type ChatLine = Static<typeof ChatLineSchema>;

export const PollResultsSchema = Type.Object({
  id: Type.String(),
  question: Type.String(),
  options: Type.Array(Type.Object({ label: Type.String(), votes: Type.Integer({ minimum: 0 }) })),
  totalVotes: Type.Integer({ minimum: 0 }),
  open: Type.Boolean(),
  onOverlay: Type.Boolean(),
});

export const QuestionViewSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('question'), Type.Literal('demo')]),
  text: Type.String(),
  productId: Nullable(Type.String()),
  viewer: Type.Object({ id: Type.String(), displayName: Type.String() }),
  votes: Type.Integer({ minimum: 0 }),
  at: Iso,
  answered: Type.Boolean(),
});
export type QuestionView = Static<typeof QuestionViewSchema>;

const Counts = Type.Object(Object.fromEntries(reactionKinds.map((k) => [k, Type.Integer({ minimum: 0 })])));

export const FlashSaleViewSchema = Type.Object({
  id: Type.String(),
  productId: Type.String(),
  variantId: Nullable(Type.String()),
  price: Type.Integer(),
  quantity: Type.Integer(),
  remaining: Type.Integer({ minimum: 0 }),
  endsAt: Iso,
});

/** A lineup product as it can be bought now (src/commerce/show-offers.ts builds it). */
export const OfferSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  price: Type.Integer({ description: 'the regular price, minor units' }),
  currency: Type.String(),
  compareAtPrice: Nullable(Type.Integer()),
  stock: Type.Integer({ minimum: 0 }),
  imageUrl: Nullable(Type.String()),
  thumbUrl: Nullable(Type.String()),
  priceNow: Type.Integer({ description: 'the price an order is charged now (a running flash sale sets it)' }),
  stockLeft: Type.Integer({ minimum: 0, description: 'how many can be bought now at priceNow' }),
  saleId: Nullable(Type.String({ description: 'the sale that sets priceNow: one on the whole product (a sale on one variant sets only that variant\'s)' })),
  options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) }), { description: 'what a buyer chooses between; empty without variants' }),
  variants: Type.Array(
    Type.Object({
      id: Type.String(),
      sku: Type.String(),
      options: Type.Record(Type.String(), Type.String()),
      price: Type.Integer({ description: 'the regular price, minor units' }),
      compareAtPrice: Nullable(Type.Integer()),
      priceNow: Type.Integer({ description: 'the price an order of this variant is charged now' }),
      stockLeft: Type.Integer({ minimum: 0 }),
      saleId: Nullable(Type.String()),
      thumbUrl: Type.Optional(Type.String()),
    }),
    { description: 'with variants, an order names one; the offer\'s stockLeft is their sum, at most what a sale on the whole product has left' },
  ),
});

/** The show's products and its latest flash sale as they stand: in the welcome, and pushed on every change. */
export const LineupStateSchema = Type.Object({
  items: Type.Array(OfferSchema),
  sale: Nullable(Type.Composite([FlashSaleViewSchema, Type.Object({ state: Type.Union([Type.Literal('running'), Type.Literal('sold out'), Type.Literal('ended')]) })])),
});
export type LineupStateMessage = Static<typeof LineupStateSchema>;

/** A demo clip (ClipView of src/domain/clip.ts): the welcome's ready clips, the `clip` message, GET .../clips. */
export const ClipViewSchema = Type.Object({
  id: Type.String(),
  showId: Type.String(),
  productId: Type.String(),
  startMs: Type.Integer({ minimum: 0, description: 'the pin span, stream time' }),
  endMs: Type.Integer({ minimum: 0 }),
  status: Type.Union(clipStatuses.map((s) => Type.Literal(s))),
  durationMs: Nullable(Type.Integer({ minimum: 0, description: 'what was cut (whole segments)' })),
  url: Nullable(Type.String({ description: 'the HLS master, once ready' })),
  mp4Url: Nullable(Type.String()),
  posterUrl: Nullable(Type.String({ description: 'a JPEG of its first frame' })),
  createdAt: Iso,
  readyAt: Nullable(Iso),
});

/** A fan's product suggestion before the show (SuggestionView of src/reach/suggestions.ts): the `suggestion` message, GET .../suggestions. */
export const SuggestionViewSchema = Type.Object({
  id: Type.String(),
  viewerId: Type.String(),
  displayName: Type.String(),
  text: Type.String({ description: 'as typed: draw it as text (textContent), never as HTML' }),
  productId: Nullable(Type.String()),
  productTitle: Nullable(Type.String()),
  votes: Type.Integer({ minimum: 0 }),
  createdAt: Iso,
});

const PhaseSchema = Type.Union(showPhaseKinds.map((k) => Type.Literal(k)));

export const ServerMessageSchema = Type.Union([
  Type.Object({
    type: Type.Literal('welcome'),
    protocol: Type.Integer(),
    show: Type.Object({ id: Type.String(), title: Type.String(), host: Type.String(), status: Type.String(), scheduledAt: Nullable(Iso), startedAt: Nullable(Iso) }),
    you: Type.Object({
      viewerId: Nullable(Type.String()),
      displayName: Nullable(Type.String()),
      role: Type.Union([Type.Literal('host'), Type.Literal('moderator'), Type.Literal('viewer'), Type.Literal('anonymous')]),
      level: Nullable(Type.Integer()),
      badge: Nullable(Type.String()),
    }),
    history: Type.Array(ChatLineSchema),
    pinned: Nullable(ChatLineSchema),
    settings: Type.Object({ slowModeSeconds: Type.Integer(), linksAllowed: Type.Boolean(), maxLength: Type.Integer() }),
    poll: Nullable(PollResultsSchema),
    questions: Type.Array(QuestionViewSchema),
    overlay: OverlayViewSchema,
    lineup: LineupStateSchema,
    presence: Type.Object({ viewers: Type.Integer(), peak: Type.Integer() }),
    /** the show's ready demo clips, newest first */
    clips: Type.Array(ClipViewSchema),
    serverTime: Iso,
  }),
  Type.Object({ type: Type.Literal('chat'), ...ChatLineSchema.properties }),
  Type.Object({ type: Type.Literal('chat.deleted'), id: Type.String() }),
  Type.Object({ type: Type.Literal('chat.pinned'), message: Nullable(ChatLineSchema) }),
  Type.Object({ type: Type.Literal('chat.settings'), slowModeSeconds: Type.Integer(), linksAllowed: Type.Boolean(), maxLength: Type.Integer() }),
  Type.Object({
    type: Type.Literal('overlay'),
    change: Type.Record(Type.String(), Type.Unknown()),
    /** the overlay view after the change (pinned product, flash sale) */
    overlay: OverlayViewSchema,
    programDateTime: Nullable(Iso),
    at: Iso,
  }),
  Type.Object({ type: Type.Literal('flash_sale'), sale: FlashSaleViewSchema }),
  Type.Object({ type: Type.Literal('lineup'), ...LineupStateSchema.properties }),
  Type.Object({ type: Type.Literal('poll'), poll: PollResultsSchema }),
  Type.Object({ type: Type.Literal('reactions'), counts: Counts, totals: Counts }),
  Type.Object({ type: Type.Literal('presence'), viewers: Type.Integer(), peak: Type.Integer() }),
  Type.Object({ type: Type.Literal('questions'), items: Type.Array(QuestionViewSchema) }),
  Type.Object({ type: Type.Literal('show'), status: Type.String() }),
  // before the show: a suggestion made or voted on; hidden: the merchant took it off the list
  Type.Object({ type: Type.Literal('suggestion'), suggestion: SuggestionViewSchema, hidden: Type.Boolean() }),
  // a demo clip of the show is ready ("Watch the demo")
  Type.Object({ type: Type.Literal('clip'), clip: ClipViewSchema }),
  // the host's sockets only: with the welcome and on each change
  Type.Object({ type: Type.Literal('phase'), phase: PhaseSchema }),
  Type.Object({
    type: Type.Literal('source'),
    source: Nullable(Type.Object({ width: Type.Integer(), height: Type.Integer(), fps: Nullable(Type.Number()), audio: Type.Boolean() })),
    refused: Nullable(Type.String({ description: 'why the stream cannot be transcoded, for the host' })),
  }),
  Type.Object({ type: Type.Literal('notice'), code: Type.String(), message: Type.String(), until: Nullable(Iso) }),
  Type.Object({ type: Type.Literal('coupon.unlocked'), coupon: Type.Record(Type.String(), Type.Unknown()) }),
  // the host's cockpit: every order placed or moved in the show (OrderDetailSchema of the HTTP routes)
  Type.Object({ type: Type.Literal('order'), order: Type.Unsafe<WireOrderDetail>(Type.Record(Type.String(), Type.Unknown())) }),
  // the buyer's own sockets: their order moved (paid, shipped, expired, ...) (OrderSchema)
  Type.Object({ type: Type.Literal('my-order'), order: Type.Unsafe<WireOrder>(Type.Record(Type.String(), Type.Unknown())) }),
  Type.Object({ type: Type.Literal('error'), code: Type.String(), message: Type.String(), ref: Type.Optional(Type.String()) }),
]);
export type ServerMessage = Static<typeof ServerMessageSchema>;
