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
import type { ShareAnswer } from '../http/schemas/referrals.js';
import type { ClipView } from '../domain/clip.js';
import type { PreshowSchema, SuggestionViewSchema } from '../http/schemas/preshow.js';
import type { PreshowView, SuggestionView } from '../reach/suggestions.js';
import type { ChannelFeed, Chapter, Clip, Order, OrderDetail, Preshow, Product, Profile, Quote, ShareLink, Show, ShowReport, ShowStats, StorageTotals, Suggestion } from './wire.js';
import type { ChannelFeedSchema } from '../http/schemas/channel.js';

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
// before the show: what Suggestions builds is what the routes and the socket send, and what the pages read
export type SuggestionMatches = Assert<Equal<Suggestion, Static<typeof SuggestionViewSchema>>>;
export type SuggestionViewMatches = Assert<Equal<SuggestionView, Static<typeof SuggestionViewSchema>>>;
export type PreshowMatches = Assert<Equal<Preshow, Static<typeof PreshowSchema>>>;
export type PreshowViewMatches = Assert<Equal<PreshowView, Static<typeof PreshowSchema>>>;
export type ShareLinkMatches = Assert<Equal<ShareLink, Static<typeof ShareAnswer>>>;
// the channel feed's response schema drops any field it does not name: it must name them all
export type ChannelFeedMatches = Assert<Equal<ChannelFeed, Static<typeof ChannelFeedSchema>>>;
