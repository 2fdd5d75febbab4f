import { Type, type Static } from '@sinclair/typebox';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

export const RenditionSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,16}$', description: 'variant name, used as the playlist folder' }),
    height: Type.Integer({ minimum: 90, maximum: 2160, multipleOf: 2 }),
    videoKbps: Type.Integer({ minimum: 100, maximum: 50000 }),
    audioKbps: Type.Integer({ minimum: 32, maximum: 320 }),
  },
  { additionalProperties: false },
);
export type Rendition = Static<typeof RenditionSchema>;

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1 }),
    publicUrl: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }),
    adminToken: Type.String({ description: 'empty: generated on first start and kept in the data dir' }),
    http: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Port,
        bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024 }),
        apiRateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        imageUploadLimitBytes: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024 }),
        viewerRateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        trustProxy: Type.Boolean(),
        metricsToken: Type.String({ pattern: '^(|[\\x21-\\x7e]{16,200})$', description: 'empty: /metrics takes the admin token only' }),
      },
      { additionalProperties: false },
    ),
    rtmp: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Port,
        app: Type.String({ pattern: '^[a-zA-Z0-9_-]+$' }),
        publicUrl: Type.String({ pattern: '^(rtmps?://[^\\s/]+)?$' }),
        handshakeTimeoutMs: Type.Integer({ minimum: 1000, maximum: 120_000 }),
        idleTimeoutMs: Type.Integer({ minimum: 1000, maximum: 600_000 }),
        maxConnections: Type.Integer({ minimum: 1, maximum: 100_000 }),
        maxConnectionsPerAddress: Type.Integer({ minimum: 1, maximum: 100_000 }),
        maxMessageBytes: Type.Integer({ minimum: 65_536, maximum: 64 * 1024 * 1024 }),
      },
      { additionalProperties: false },
    ),
    log: Type.Object(
      {
        level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
        pretty: Type.Union([Type.Literal('auto'), Type.Boolean()]),
      },
      { additionalProperties: false },
    ),
    ffmpeg: Type.Object(
      {
        path: Type.String({ minLength: 1 }),
        probePath: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    pipeline: Type.Object(
      {
        segmentSeconds: Type.Integer({ minimum: 1, maximum: 10 }),
        preset: Type.Union(
          ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'].map((p) => Type.Literal(p)),
        ),
        ladder: Type.Array(RenditionSchema, { minItems: 1, maxItems: 5 }),
        inputTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 60 }),
        stopTimeoutMs: Type.Integer({ minimum: 100, maximum: 60000 }),
        restartMinDelayMs: Type.Integer({ minimum: 0, maximum: 60000 }),
        restartMaxDelayMs: Type.Integer({ minimum: 0, maximum: 300000 }),
        restartStableAfterMs: Type.Integer({ minimum: 1000, maximum: 3600000 }),
        watchdogSeconds: Type.Integer({ minimum: 0, maximum: 600 }),
        overlays: Type.Boolean(),
        lowLatency: Type.Object(
          {
            enabled: Type.Boolean({ description: 'serve LL-HLS (parts, blocking reload) beside the plain HLS; false: plain HLS only' }),
            partSeconds: Type.Number({ minimum: 0.1, maximum: 0.5, description: 'length of a part (a CMAF fragment); FFmpeg rounds it up to whole frames' }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    live: Type.Object(
      {
        reconnectWindowSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
        goLiveAtScheduledTime: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    audience: Type.Object(
      {
        chatPerMinute: Type.Integer({ minimum: 1, maximum: 100_000 }),
        chatBurst: Type.Integer({ minimum: 1, maximum: 10_000 }),
        historySize: Type.Integer({ minimum: 0, maximum: 500 }),
        blocklist: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 10_000 }),
        maxBufferedBytes: Type.Integer({ minimum: 16 * 1024, maximum: 64 * 1024 * 1024 }),
        maxConnectionsPerShow: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        maxConnectionsPerAddress: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        framesPerSecond: Type.Integer({ minimum: 1, maximum: 10_000 }),
        heartbeatSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
      },
      { additionalProperties: false },
    ),
    images: Type.Object(
      {
        maxInputPixels: Type.Integer({ minimum: 1_000_000, maximum: 268_402_689 }),
        concurrency: Type.Integer({ minimum: 1, maximum: 16 }),
        maxQueued: Type.Integer({ minimum: 0, maximum: 1000 }),
      },
      { additionalProperties: false },
    ),
    webhooks: Type.Object(
      {
        allowPrivateTargets: Type.Boolean({ description: 'deliver to loopback, private, link-local and metadata addresses too' }),
      },
      { additionalProperties: false },
    ),
    reminders: Type.Object(
      {
        defaultMinutesBefore: Type.Integer({ minimum: 1, maximum: 10080, description: 'the "starts soon" push goes this many minutes before the show, unless the viewer says' }),
        allowPrivateEndpoints: Type.Boolean({ description: 'push to loopback, private, link-local and metadata addresses too (tests)' }),
        vapidSubject: Type.String({ maxLength: 512, pattern: '^$|^(mailto:|https://)', description: "the VAPID contact push services see: mailto: or https:; empty: publicUrl when https, else mailto:hawker@<its host>" }),
      },
      { additionalProperties: false },
    ),
    checkout: Type.Object(
      {
        holdMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'how long an order paid by card (Stripe) holds its stock before it expires' }),
        manualHoldMinutes: Type.Integer({ minimum: 1, maximum: 43_200, description: 'how long a manual-payment order holds its stock (default 3 days)' }),
        replayOrders: Type.Boolean({ description: 'after a show ended, its replay takes orders at the regular price' }),
        shippingFlat: Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Integer({ minimum: 0, maximum: 100_000_000 }), { description: 'flat shipping per order, per currency, in minor units; a currency not named ships free' }),
        taxPercent: Type.Number({ minimum: 0, maximum: 100, description: 'tax on the discounted subtotal, in percent; 0: prices include tax' }),
        manualInstructions: Type.String({ maxLength: 2000, description: 'what a buyer paying manually is told (bank details, cash on delivery)' }),
      },
      { additionalProperties: false },
    ),
    payments: Type.Object(
      {
        providers: Type.Array(Type.Union([Type.Literal('manual'), Type.Literal('stripe')]), { minItems: 1, maxItems: 2, uniqueItems: true, description: 'what viewers may pay with, in the order offered' }),
        stripe: Type.Object(
          {
            secretKey: Type.String({ pattern: '^(|sk_[A-Za-z0-9_]{8,250}|rk_[A-Za-z0-9_]{8,250})$', description: 'secret (or restricted) API key; prefer HAWKER_STRIPE_SECRET_KEY' }),
            publishableKey: Type.String({ pattern: '^(|pk_[A-Za-z0-9_]{8,250})$' }),
            webhookSecret: Type.String({ pattern: '^(|whsec_[A-Za-z0-9_+/=]{8,250})$', description: "the webhook endpoint's signing secret; prefer HAWKER_STRIPE_WEBHOOK_SECRET" }),
            apiHost: Type.String({ pattern: '^(|[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])$', description: "empty: Stripe's own" }),
            apiPort: Port,
            apiProtocol: Type.Union([Type.Literal('https'), Type.Literal('http')]),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    referrals: Type.Object(
      {
        newFriendsPerAddressPerHour: Type.Integer({ minimum: 1, maximum: 10_000, description: "new friends a share link may count from one client address (IPv4, or an IPv6 /64) in an hour" }),
      },
      { additionalProperties: false },
    ),
    embed: Type.Object(
      {
        liveNowMaxAgeSeconds: Type.Integer({ minimum: 0, maximum: 3600, description: 'how long a browser or CDN may keep an answer of GET /api/live-now' }),
        maxSkus: Type.Integer({ minimum: 1, maximum: 5000, description: 'the most SKUs one GET /api/live-now may ask about' }),
      },
      { additionalProperties: false },
    ),
    storage: Type.Object(
      {
        minFreeMegabytes: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '/readyz says not ready below this much free space in the data dir' }),
        chatBacklogMax: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'chat lines kept in memory while the database cannot store them' }),
        keepRecordingsDays: Type.Integer({ minimum: 0, maximum: 36_500, description: "days an ended show's recording and clips are kept; 0: forever" }),
      },
      { additionalProperties: false },
    ),
    channel: Type.Object(
      {
        posterSeconds: Type.Integer({ minimum: 1, maximum: 3600, description: "how often a live show's poster (a still of its lowest rendition) is taken again" }),
        posterWidth: Type.Integer({ minimum: 64, maximum: 1920, description: 'width of the poster in pixels (never upscaled; the height follows the picture)' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type HawkerConfig = Static<typeof ConfigSchema>;
