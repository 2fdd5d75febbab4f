// Compiled with the server (tsconfig.json), never shipped to a browser: the wire types the
// pages are checked against (wire.d.ts) must be the routes' schemas exactly, or
// `npm run typecheck` fails here.
import type { Static } from '@sinclair/typebox';
import type { OrderDetailSchema, OrderSchema, ProfileSchema, QuoteSchema, ShowStatsSchema } from '../http/schemas/orders.js';
import type { ProductSchema } from '../http/schemas/products.js';
import type { ChapterSchema } from '../http/schemas/chapters.js';
import type { ShowSchema } from '../http/schemas/shows.js';
import type { StorageTotalsSchema } from '../http/schemas/storage.js';
import type { ShowReportSchema } from '../http/schemas/report.js';
import type { ClipView } from '../domain/clip.js';
import type { ChannelFeedSchema } from '../http/schemas/channel.js';
import type { ChannelFeed } from './wire.js';
import type { Chapter, Clip, Order, OrderDetail, Product, Profile, Quote, Show, ShowReport, ShowStats, StorageTotals } from './wire.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type ShowMatches = Assert<Equal<Show, Static<typeof ShowSchema>>>;
export type ProductMatches = Assert<Equal<Product, Static<typeof ProductSchema>>>;
// the stats route's response schema drops any field it does not name: it must name them all
export type ShowStatsMatches = Assert<Equal<ShowStats, Static<typeof ShowStatsSchema>>>;
export type OrderMatches = Assert<Equal<Order, Static<typeof OrderSchema>>>;
export type OrderDetailMatches = Assert<Equal<OrderDetail, Static<typeof OrderDetailSchema>>>;
export type QuoteMatches = Assert<Equal<Quote, Static<typeof QuoteSchema>>>;
export type ProfileMatches = Assert<Equal<Profile, Static<typeof ProfileSchema>>>;
export type StorageTotalsMatches = Assert<Equal<StorageTotals, Static<typeof StorageTotalsSchema>>>;
// the clip the maker tells (clip.ready) is the clip the socket and the clip routes send
export type ClipMatches = Assert<Equal<Clip, ClipView>>;
// the report's response schema drops any field it does not name: it must name them all
export type ShowReportMatches = Assert<Equal<ShowReport, Static<typeof ShowReportSchema>>>;
export type ChapterMatches = Assert<Equal<Chapter, Static<typeof ChapterSchema>>>;
// the channel feed's response schema drops any field it does not name: it must name them all
export type ChannelFeedMatches = Assert<Equal<ChannelFeed, Static<typeof ChannelFeedSchema>>>;
