import type { HawkerConfig } from './schema.js';

// config/hawker.example.yaml mirrors this object key for key; test/config holds them equal.
export const defaultConfig: HawkerConfig = {
  dataDir: './data',
  publicUrl: 'http://localhost:8080',
  adminToken: '',
  http: {
    host: '0.0.0.0',
    port: 8080,
    bodyLimitBytes: 65536,
    apiRateLimitPerMinute: 600,
    imageUploadLimitBytes: 10485760,
    viewerRateLimitPerMinute: 120,
    trustProxy: false,
    metricsToken: '',
  },
  rtmp: {
    host: '0.0.0.0',
    port: 1935,
    app: 'live',
    publicUrl: '',
    handshakeTimeoutMs: 10000,
    idleTimeoutMs: 30000,
    maxConnections: 256,
    maxConnectionsPerAddress: 16,
    maxMessageBytes: 4194304,
  },
  log: {
    level: 'info',
    pretty: 'auto',
  },
  ffmpeg: {
    path: 'ffmpeg',
    probePath: 'ffprobe',
  },
  pipeline: {
    segmentSeconds: 1,
    preset: 'veryfast',
    ladder: [
      { name: '720p', height: 720, videoKbps: 3000, audioKbps: 128 },
      { name: '360p', height: 360, videoKbps: 800, audioKbps: 96 },
    ],
    inputTimeoutSeconds: 3,
    stopTimeoutMs: 5000,
    restartMinDelayMs: 500,
    restartMaxDelayMs: 10000,
    restartStableAfterMs: 30000,
    watchdogSeconds: 10,
    overlays: true,
    lowLatency: { enabled: true, partSeconds: 0.2 },
  },
  live: {
    reconnectWindowSeconds: 20,
    goLiveAtScheduledTime: false,
  },
  audience: {
    chatPerMinute: 20,
    chatBurst: 5,
    historySize: 50,
    blocklist: [],
    maxBufferedBytes: 262144,
    maxConnectionsPerShow: 20000,
    maxConnectionsPerAddress: 200,
    framesPerSecond: 10,
    heartbeatSeconds: 30,
  },
  images: {
    maxInputPixels: 25000000,
    concurrency: 1,
    maxQueued: 4,
  },
  webhooks: {
    allowPrivateTargets: false,
  },
  reminders: {
    defaultMinutesBefore: 15,
    allowPrivateEndpoints: false,
    vapidSubject: '',
  },
  checkout: {
    holdMinutes: 10,
    manualHoldMinutes: 4320,
    replayOrders: true,
    shippingFlat: {},
    taxPercent: 0,
    manualInstructions: '',
  },
  payments: {
    providers: ['manual'],
    stripe: {
      secretKey: '',
      publishableKey: '',
      webhookSecret: '',
      apiHost: '',
      apiPort: 0,
      apiProtocol: 'https',
    },
  },
  referrals: {
    newFriendsPerAddressPerHour: 5,
  },
  embed: {
    liveNowMaxAgeSeconds: 5,
    maxSkus: 1000,
  },
  storage: {
    minFreeMegabytes: 64,
    chatBacklogMax: 10000,
    keepRecordingsDays: 0,
  },
  channel: {
    posterSeconds: 5,
    posterWidth: 480,
  },
};
