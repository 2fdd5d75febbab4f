// The service graph behind the API, on one database: main.ts (the composition root) and the
// HTTP tests build the same one, so what the tests drive is what runs.
import { join } from 'node:path';
import type { HawkerConfig } from './config/schema.js';
import type { Db } from './db/open.js';
import { createProductRepository } from './db/product-repository.js';
import { createFlashSaleRepository } from './db/flash-sale-repository.js';
import { createOverlayStateRepository } from './db/overlay-state-repository.js';
import { ProductCatalog } from './commerce/product-catalog.js';
import { ProductImages } from './commerce/product-images.js';
import { ShowOverlays } from './live/show-overlays.js';
import { createOrderLedger } from './db/order-ledger.js';
import { createPaymentCustomerRepository, createPaymentEventRepository } from './db/payment-repository.js';
import { ManualGateway } from './commerce/payments/manual.js';
import { Payments } from './commerce/payments/payments.js';
import { PaymentGateways } from './commerce/payments/registry.js';
import { StripeGateway } from './commerce/payments/stripe.js';
import { StripeWebhooks } from './commerce/payments/stripe-webhooks.js';
import { createViewerRepository } from './db/viewer-repository.js';
import { createWebhookStore } from './db/webhook-store.js';
import { checkoutRules, Orders } from './commerce/orders.js';
import { ShowStatsReport } from './commerce/show-stats.js';
import { Viewers } from './commerce/viewers.js';
import { WebhookDispatcher } from './commerce/webhook-dispatcher.js';
import { enqueueShowWebhooks } from './commerce/show-webhooks.js';
import { EventBus } from './domain/events.js';
import type { WebhookTargets } from './http/routes/webhooks.js';
import type { ClipListing } from './http/routes/clips.js';
import { loadOverlayTheme } from './overlay/templates.js';
import { createShowEventRepository, createShowRepository } from './db/show-repository.js';
import { LiveShows } from './live/live-shows.js';
import { ShowCatalog } from './live/show-catalog.js';
import type { Logger } from './log/logger.js';
import { ProgramClock, TranscodeLauncher } from './pipeline/launcher.js';
import { ProcessPool } from './pipeline/process-pool.js';
import { createChatRepository } from './db/chat-repository.js';
import { createHostActivityRepository } from './db/host-activity-repository.js';
import { createHostVoiceRepository } from './db/host-voice-repository.js';
import { createModerationRepository } from './db/moderation-repository.js';
import { createPollRepository } from './db/poll-repository.js';
import { createQuestionRepository } from './db/question-repository.js';
import { createWatchSessionRepository } from './db/watch-session-repository.js';
import { createLineupRepository } from './db/lineup-repository.js';
import { Loyalty } from './commerce/loyalty.js';
import { Coupons } from './commerce/coupons.js';
import { createCouponRepository } from './db/coupon-repository.js';
import { ShowLineup } from './commerce/show-lineup.js';
import { ShowOffers } from './commerce/show-offers.js';
import { LineupMembership } from './commerce/lineup-membership.js';
import { ChatRules } from './realtime/chat-rules.js';
import { ActivityRelay } from './realtime/activity.js';
import { LiveChat } from './realtime/chat.js';
import { LiveHub } from './realtime/live-hub.js';
import { LiveModeration } from './realtime/moderation.js';
import { LivePolls } from './realtime/polls.js';
import { LivePresence } from './realtime/presence.js';
import { notifyAudience } from './realtime/notifier.js';
import { LiveQuestions } from './realtime/questions.js';
import { Rooms } from './realtime/rooms.js';
import { newCounters } from './realtime/session.js';
import { TestPatterns } from './pipeline/test-pattern.js';
import { StorageHealth, watchWrites } from './db/storage-health.js';
import { createRecordingRepository } from './db/recording-repository.js';
import { RecordingStorage } from './replay/recording-storage.js';
import { RecordingRetention } from './replay/recording-retention.js';
import { createProductAliasRepository, createReportQueries } from './db/report-queries.js';
import { ProductAliases } from './report/aliases.js';
import { ShowReport } from './report/show-report.js';
import { createClipRepository } from './db/clip-repository.js';
import { ShowChapters } from './replay/show-chapters.js';
import { RecordingVod } from './replay/recording-vod.js';
import { ClipCutter } from './pipeline/clip-cut.js';
import { ClipMaker } from './replay/clip-maker.js';
import { clipView } from './domain/clip.js';
import { createSuggestionRepository } from './db/suggestion-repository.js';
import { Suggestions, SUGGESTION_INPUT_MAX } from './reach/suggestions.js';
import { createReminderRepository } from './db/reminder-repository.js';
import { Reminders } from './reach/reminders.js';
import { ReminderScheduler } from './reach/reminder-scheduler.js';
import { WebPushSender } from './reach/push-sender.js';
import { resolveVapidKeys, vapidSubject } from './reach/vapid-keys.js';
import type { Resolve } from './reach/push-endpoint.js';
import { createReferralRepository } from './db/referral-repository.js';
import { Referrals } from './reach/referrals.js';
import { PosterGrabber, lowestRendition } from './pipeline/poster-grab.js';
import { LivePosters } from './reach/live-posters.js';
import { ShowPosters } from './reach/show-posters.js';
import { ChannelFeedReader } from './reach/channel-feed.js';
import { channelPreview, showPreview } from './reach/link-previews.js';
import { CLIPS_DIR } from './replay/recording-storage.js';
import { LiveNowIndex } from './reach/live-now.js';

/** the welcome's demo clips: a show has one per pin span, rarely more than a few dozen */
const CLIPS_PER_WELCOME = 200;
/** a show's clips the chapters look at: one per pin span, so a show of this many spans is plenty */
const CHAPTER_CLIPS_MAX = 1000;

export interface ServiceInputs {
  db: Db;
  config: HawkerConfig;
  dataDir: string;
  publicUrl: string;
  logger: Logger;
  inputUrlFor(streamKey: string): string;
  /** where the test pattern publishes a show's stream (main: a one-use loopback token, not the key) */
  publishUrlFor?(streamKey: string): string;
  /** drops a publisher's RTMP connection (main: the ingest's disconnect); End show uses it */
  disconnectPublisher?(sessionId: string): void;
  /** reminders' push services: trusted CAs instead of the system's (tests: their local HTTPS push service) */
  pushCa?: string | Buffer;
  /** reminders' push services: name lookup (tests stand in for DNS) */
  pushResolve?: Resolve;
}

/** Everything behind the API, on one database; the HTTP tests build the same graph. */
export function buildServices({ db, config, dataDir, publicUrl, logger, inputUrlFor, publishUrlFor, disconnectPublisher, pushCa, pushResolve }: ServiceInputs) {
  // before any repository prepares a statement: every write then reports to the storage health
  const storage = new StorageHealth({ dir: dataDir, minFreeBytes: config.storage.minFreeMegabytes * 1024 * 1024, logger });
  watchWrites(db, storage);
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const products = new ProductCatalog(createProductRepository(db), new ProductImages(join(dataDir, 'media', 'products'), config.images));
  // what happened, told by the module that decided it; the subscribers are wired below, in order
  const bus = new EventBus((err, event) => logger.error({ err, event: event.type }, 'event subscriber failed'));
  const flashSales = createFlashSaleRepository(db);
  const overlayStates = createOverlayStateRepository(db);
  const lineups = createLineupRepository(db);
  const lineup = new ShowLineup(shows, lineups, products);
  // what each show's products cost now and how many are left: the welcome and the pushes say it
  const offers = new ShowOffers(lineup, lineups, flashSales);
  products.onChanged((productIds) => bus.emit({ type: 'products.changed', productIds, at: Date.now() }));
  lineup.onChanged((showId) => bus.emit({ type: 'lineup.changed', showId, at: Date.now() }));
  // the video time of each show's transcode: the overlays ask it, the launcher keeps it
  const programClock = new ProgramClock();
  const overlays = new ShowOverlays({
    onChange: (showId, change, programDateTime, at) => bus.emit({ type: 'overlay.changed', showId, change, programDateTime, at }),
    ensureInLineup: (showId, productId) => void lineup.ensure(showId, productId),
    shows,
    events,
    states: overlayStates,
    flashSales,
    catalog: products,
    theme: loadOverlayTheme(),
    feedRoot: join(dataDir, 'overlay'),
    checkoutUrl: (showId, productId) => `${publicUrl}/watch/${showId}?product=${encodeURIComponent(productId)}`,
    programDateTimeNow: (showId) => programClock.programDateTimeNow(showId),
    logger,
  });
  // owns every child process (transcoders, test patterns); main.ts waits for all on shutdown
  const processes = new ProcessPool({ logger: logger.child({ module: 'processes' }) });
  const launcher = new TranscodeLauncher({
    pool: processes,
    clock: programClock,
    config,
    hlsRoot: join(dataDir, 'media', 'hls'),
    logger,
    inputUrlFor,
    overlays: { inputsFor: (id, frame) => overlays.inputsFor(id, frame), release: (id) => overlays.release(id) },
  });
  const webhooks = createWebhookStore(db);
  const live = new LiveShows({
    shows,
    events,
    pipelines: launcher,
    logger,
    reconnectWindowMs: config.live.reconnectWindowSeconds * 1000,
    goLiveAtScheduledTime: config.live.goLiveAtScheduledTime,
    bus,
    ...(disconnectPublisher ? { disconnectPublisher } : {}),
  });
  const viewerRows = createViewerRepository(db);
  const viewers = new Viewers(viewerRows);
  const ledger = createOrderLedger(db, { events, webhooks });
  const watchSessions = createWatchSessionRepository(db);
  const loyalty = new Loyalty(createHostActivityRepository(db));
  // the payment providers, before Orders: it calls them for refunds and lapsed holds
  const paymentLog = logger.child({ module: 'payments' });
  const stripe = config.payments.providers.includes('stripe') ? new StripeGateway(config.payments.stripe, createPaymentCustomerRepository(db), paymentLog) : null;
  const manual = new ManualGateway(() => config.checkout.manualInstructions);
  const gateways = new PaymentGateways(config.payments.providers.map((provider) => (provider === 'stripe' && stripe ? stripe : manual)));
  const orders = new Orders({
    ledger,
    overlays: overlayStates,
    levelOf: (viewerId, showId) => loyalty.of(viewerId, shows.get(showId)?.host ?? '').level,
    rules: checkoutRules(config.checkout),
    providers: gateways.providers(),
    profiles: { get: (id) => viewerRows.profile(id), set: (id, profile) => viewerRows.setProfile(id, profile) },
    onError: (err, what) => logger.error({ err }, `${what} failed`),
  });
  for (const gateway of gateways.all()) orders.useGateway(gateway);
  // the viewer's payment step; an order paid through Stripe turns paid from its signed webhook only
  const payments = new Payments({
    orders,
    gateways,
    terms: () => ({ holdMinutes: config.checkout.holdMinutes, manualInstructions: config.checkout.manualInstructions, shipping: config.checkout.shippingFlat, taxPercent: config.checkout.taxPercent }),
    stripePublishableKey: stripe?.publishableKey ?? null,
  });
  const stripeWebhooks = stripe ? new StripeWebhooks({ stripe, orders, events: createPaymentEventRepository(db), logger: paymentLog }) : null;
  orders.onPlaced((order) => bus.emit({ type: 'order.placed', order }));
  // expired orders too: their stock is back, and the pushed lineup says so
  orders.onCancelled((order) => bus.emit({ type: 'order.cancelled', order }));
  orders.onChanged((order, placed) => bus.emit({ type: 'order.changed', order, placed }));
  // share links: codes, devices, joins and attributions; the stats and the 'share' coupon read them
  const referralRows = createReferralRepository(db);
  const stats = new ShowStatsReport(shows, ledger, events, watchSessions, referralRows);
  // the post-show report, and the aliases its chat mentions match besides titles and SKUs
  const report = new ShowReport(shows, createReportQueries(db));
  const aliases = new ProductAliases(createProductAliasRepository(db), (id) => products.find(id) !== undefined);
  const limits = config.audience;
  const chat = createChatRepository(db);
  const polls = createPollRepository(db);
  const suggestionRows = createSuggestionRepository(db);
  const coupons = new Coupons({
    coupons: createCouponRepository(db),
    // comments before the show: chat lines stored before go-live, and product suggestions
    preshow: { commentsBefore: (viewerId, showId) => suggestionRows.preshowCount(viewerId, showId) },
    shows,
    events,
    audience: watchSessions,
    chat,
    polls,
    levelOf: (viewerId, host) => loyalty.of(viewerId, host).level,
    products,
    referrals: { friendsJoined: (viewerId, showId) => referralRows.friendsJoined(viewerId, showId) },
    notify: (showId, viewerId, coupon) => bus.emit({ type: 'coupon.unlocked', showId, viewerId, coupon }),
  });
  const referrals = new Referrals({
    store: referralRows,
    shows,
    publicUrl,
    newFriendsPerAddressPerHour: config.referrals.newFriendsPerAddressPerHour,
    onFriend: (showId, referrerId) => coupons.activity(showId, referrerId, 'share'),
    onError: (err, what) => logger.error({ err }, `${what} failed`),
  });
  // the audience: rooms (the broadcaster), then each feature, then the hub that dispatches to them
  const liveLog = logger.child({ module: 'live' });
  const liveCounters = newCounters();
  const rooms = new Rooms(limits.maxBufferedBytes, liveCounters, liveLog);
  const activity = new ActivityRelay((showId, viewerId, kind, text) => coupons.activity(showId, viewerId, kind, text), config.storage.chatBacklogMax, liveLog);
  const moderationRows = createModerationRepository(db);
  const liveChat = new LiveChat({ shows, chat, sanctions: moderationRows, voices: createHostVoiceRepository(db), rules: new ChatRules(limits.blocklist), limits, out: rooms, levelOf: (viewerId, host) => loyalty.of(viewerId, host), activity: activity.record, backlogMax: config.storage.chatBacklogMax, counters: liveCounters, logger: liveLog, now: Date.now });
  const liveAudience = {
    chat: liveChat,
    moderation: new LiveModeration({ shows, events, moderation: moderationRows, viewers: viewerRows, lines: liveChat, out: rooms, logger, now: Date.now }),
    polls: new LivePolls({ shows, events, polls, out: rooms, showPollOnOverlay: (showId, poll, record) => overlays.setPoll(showId, poll, record), activity: activity.record, now: Date.now, onError: (err, showId) => liveLog.error({ err, show: showId }, 'closed poll not taken off the video') }),
    questions: new LiveQuestions({ shows, questions: createQuestionRepository(db), lineup: lineups, speech: liveChat, out: rooms, now: Date.now }),
    presence: new LivePresence({ shows, events, sessions: watchSessions, rooms, activity: activity.record, logger: liveLog, now: Date.now }),
  };
  // fans' suggestions before the show: the chat's text rules and sanctions, pushed to the show's room
  // the length is the suggestion's own rule (2 to 200); the route already bounds what arrives
  const suggestionRules = new ChatRules(limits.blocklist, SUGGESTION_INPUT_MAX);
  // what a fan may name: products some show's lineup has listed (viewers saw them there); the rest
  // of the catalog (a surprise, an unreleased product) stays the merchant's
  // (find runs for every suggestion drawn: one row looked up, not the whole lineup table)
  const suggestions = new Suggestions({
    store: suggestionRows,
    shows,
    products: {
      find: (id) => (lineups.listedAnywhere(id) ? products.find(id) : undefined),
      list: () => {
        const listed = new Set(lineups.everListed());
        return products.list().filter((p) => listed.has(p.id));
      },
    },
    checkText: (raw) => suggestionRules.check(raw, false),
    requireMaySpeak: (showId, viewerId, now) => liveChat.requireMaySpeak(showId, viewerId, now),
    changed: (showId, suggestion, hidden) => rooms.publishLatest(showId, `suggestion:${suggestion.id}`, () => ({ type: 'suggestion', suggestion, hidden })),
    commented: (showId, viewerId) => coupons.activity(showId, viewerId, 'preshow'),
    logger: liveLog,
  });
  const clips = createClipRepository(db);
  const hub = new LiveHub({
    shows,
    rooms,
    features: liveAudience,
    activity,
    counters: liveCounters,
    limits,
    levelOf: (viewerId, host) => loyalty.of(viewerId, host),
    viewerByToken: (token) => viewers.byToken(token),
    overlayView: (showId) => overlays.view(showId),
    lineupState: (showId) => offers.view(showId),
    clipsOf: (showId) => clips.listForShow(showId, { readyOnly: true, limit: CLIPS_PER_WELCOME }).map((clip) => clipView(clip, publicUrl)),
    phaseOf: (show) => live.phaseOf(show),
    // the cockpit's welcome: where the show is and what the host sends (a rehearsal included)
    backstage: (show) => {
      const source = live.sourceOf(show.id);
      return [{ type: 'phase', phase: live.phaseOf(show) }, ...(source ? [{ type: 'source' as const, ...source }] : [])];
    },
    logger,
  });
  // which products each show lists, from memory: subscribed first, so it has forgotten a change
  // before the notifier asks (once per open show after every order)
  const membership = new LineupMembership(lineups);
  membership.subscribe(bus);
  // subscribers run in this order: viewers hear of a change before the webhook row is written
  notifyAudience(bus, {
    out: rooms,
    overlayView: (showId) => overlays.view(showId),
    flashSale: (id) => flashSales.get(id),
    lineupState: (showId) => offers.view(showId),
    openShows: () => rooms.showIds(),
    lists: (showId, productId) => membership.lists(showId, productId),
    hostWatching: (showId) => rooms.hostWatching(showId),
    orderDetail: (id) => orders.detail(id),
  });
  // after the viewers' subscriber: an order that empties a sale ends it (overlay, timeline, sockets)
  overlays.subscribe(bus);
  enqueueShowWebhooks(bus, webhooks);
  loyalty.subscribe(bus);
  const dispatcher = new WebhookDispatcher({ store: webhooks, logger: logger.child({ module: 'webhooks' }), allowPrivateTargets: config.webhooks.allowPrivateTargets });
  const catalog = new ShowCatalog(shows, events, live);
  // the shop script's "live now": SKU -> live show, in memory, kept from the bus
  const liveNow = new LiveNowIndex(
    {
      liveShowIds: () => shows.listByStatus('live').filter((show) => catalog.mediaIsPublic(show.id)).map((show) => show.id),
      show: (id) => shows.get(id),
      lineup: (showId) => lineups.get(showId),
      product: (id) => products.find(id),
      pinnedProductId: (showId) => overlays.view(showId).state.pinnedProductId,
    },
    publicUrl,
    (err, showId) => logger.error({ err, show: showId }, 'live-now index could not read a show'),
  );
  liveNow.start(bus);
  const testPatterns = new TestPatterns({ pool: processes, ffmpegPath: config.ffmpeg.path, publishUrlFor: publishUrlFor ?? inputUrlFor, logger: logger.child({ module: 'test-pattern' }) });
  // End show: a test pattern still publishing to the ended show has nothing left to feed
  bus.on('show.ended', ({ showId }) => void testPatterns.stop(showId));
  // the replay: chapters from the timeline (with their clips once cut); the ended recording as VOD
  const chapters = new ShowChapters({ shows, events, products, clips: { readyForShow: (showId) => clips.listForShow(showId, { readyOnly: true, limit: CHAPTER_CLIPS_MAX }) }, publicUrl });
  const recordingVod = new RecordingVod({ shows, chapters, mediaDir: (showId) => launcher.mediaDir(showId), logger });
  recordingVod.subscribe(bus);
  // a demo clip of each pin span, cut while the show runs (one FFmpeg at a time, off the request path)
  const clipMaker = new ClipMaker({
    shows,
    events,
    clips,
    cutter: new ClipCutter({ pool: processes, ffmpegPath: config.ffmpeg.path, hlsRoot: join(dataDir, 'media', 'hls') }),
    sink: bus,
    publicUrl,
    logger: logger.child({ module: 'clips' }),
  });
  clipMaker.recover();
  clipMaker.subscribe(bus);
  const clipListing: ClipListing = {
    forShow: (showId, all, limit) => (shows.get(showId) ? clips.listForShow(showId, { readyOnly: !all, limit }).map((clip) => clipView(clip, publicUrl)) : undefined),
    forProduct: (productId, all, limit) => (products.find(productId) ? clips.listForProduct(productId, { readyOnly: !all, limit }).map((clip) => clipView(clip, publicUrl)) : undefined),
  };
  // ended shows' media: disk use, the merchant's delete, and the retention sweep (main starts it)
  const recordingRows = createRecordingRepository(db, clips);
  const recordings = new RecordingStorage({ hlsRoot: join(dataDir, 'media', 'hls'), dataDir, shows, recordings: recordingRows, logger });
  // the channel: a still of each live show every channel.posterSeconds (one FFmpeg at a time per
  // show), the replay's poster, the public feed and the link previews
  const hlsRoot = join(dataDir, 'media', 'hls');
  const posterGrabber = new PosterGrabber({ pool: processes, ffmpegPath: config.ffmpeg.path, hlsRoot, width: config.channel.posterWidth });
  const livePosters = new LivePosters({ grab: (showId, since) => posterGrabber.grab(showId, since), everyMs: config.channel.posterSeconds * 1000, logger: logger.child({ module: 'posters' }) });
  livePosters.subscribe(bus);
  const posters = new ShowPosters({
    posterPath: (showId) => posterGrabber.posterFile(showId),
    firstClipPosterPath: (showId) => {
      const first = clips.listForShow(showId, { readyOnly: true, limit: CHAPTER_CLIPS_MAX }).at(-1);
      return first ? join(hlsRoot, showId, CLIPS_DIR, `${first.id}.jpg`) : null;
    },
  });
  const channel = new ChannelFeedReader({
    shows,
    phaseOf: (show) => live.phaseOf(show),
    posterVersion: (show) => posters.find(show)?.mtimeMs ?? null,
    lowestRendition: (showId) => lowestRendition(join(hlsRoot, showId)),
    publicUrl,
  });
  const previews = {
    show: (show: Parameters<typeof showPreview>[0]) => showPreview(show, posters.find(show)?.mtimeMs ?? null, publicUrl),
    channel: () => channelPreview(channel.read(), publicUrl),
  };
  const retention = new RecordingRetention({ keepDays: config.storage.keepRecordingsDays, recordings: recordingRows, deleteRecording: (id) => recordings.deleteRecording(id), logger });
  // reminders: a browser's push subscription per show, sent at go-live and N minutes before (main starts the timer)
  const vapid = resolveVapidKeys(dataDir);
  const reminderStore = createReminderRepository(db);
  const reminders = new Reminders({
    store: reminderStore,
    shows,
    publicUrl,
    vapidPublicKey: vapid.publicKey,
    defaultMinutesBefore: config.reminders.defaultMinutesBefore,
    allowPrivateEndpoints: config.reminders.allowPrivateEndpoints,
    ...(pushResolve ? { resolve: pushResolve } : {}),
  });
  const pushSender = new WebPushSender({
    vapid,
    subject: vapidSubject(config.reminders.vapidSubject, publicUrl),
    allowPrivateEndpoints: config.reminders.allowPrivateEndpoints,
    ...(pushCa ? { ca: pushCa } : {}),
    ...(pushResolve ? { resolve: pushResolve } : {}),
  });
  const reminderScheduler = new ReminderScheduler({ store: reminderStore, sender: pushSender, publicUrl, logger });
  reminderScheduler.subscribe(bus);
  return { livePosters, posters, channel, previews, reminders, reminderScheduler, pushSender, recordings, retention, storage, clips, clipMaker, clipListing, shows, events, products, overlays, launcher, live, catalog, viewers, orders, payments, stripeWebhooks, stats, webhooks, dispatcher, hub, liveAudience, lineup, loyalty, coupons, processes, testPatterns, chapters, recordingVod, report, aliases, suggestions, referrals, liveNow, bus };
}

/** The services the HTTP app is handed (main and the HTTP tests pass the same ones). */
export function servicesForHttp(services: ReturnType<typeof buildServices>) {
  const { catalog, products, overlays, viewers, orders, payments, stripeWebhooks, stats, webhooks, hub, liveAudience, lineup, live, coupons, testPatterns, dispatcher, chapters, recordings, report, aliases, clipListing, reminders, suggestions, referrals, channel, posters, previews, livePosters, liveNow } = services;
  return { reminders, suggestions, referrals, channel, posters, previews, posterSeconds: livePosters.everySeconds, clips: clipListing, recordings, catalog, products, overlays, viewers, orders, payments, stripeWebhooks, stats, webhooks, webhookTargets: dispatcher as WebhookTargets, hub, liveAudience, lineup, coupons, testPatterns, chapters, liveStats: () => live.stats(), report, aliases, liveNow };
}
