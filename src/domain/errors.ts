/**
 * The one catalogue of errors the API can answer with. Every error a client sees has a
 * stable machine-readable code and the HTTP status that goes with it.
 */
export const errorCatalogue = {
  BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  VALIDATION_FAILED: { status: 400, message: 'the request does not match the schema' },
  INVALID_JSON: { status: 400, message: 'the body is not valid JSON' },
  INVALID_TEXT: { status: 400, message: 'the text has control, text-direction or broken characters, or draws nothing' },
  WEBHOOK_TARGET_REFUSED: { status: 400, message: 'webhooks may not go to loopback, private, link-local or metadata addresses' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, message: 'the payment provider signature is missing, forged or too old' },
  BAD_MEDIA_PATH: { status: 400, message: 'not a valid media path' },
  STOCK_VERSION_REQUIRED: { status: 400, message: 'a stock edit names the stockVersion it was read at, or adjusts by a number (stockAdjust)' },
  TOO_MANY_SKUS: { status: 400, message: 'too many SKUs in one live-now call' },
  INVALID_SKU: { status: 400, message: 'a SKU is 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit' },
  UNAUTHORIZED: { status: 401, message: 'missing or invalid admin token' },
  INVALID_VIEWER_TOKEN: { status: 401, message: 'missing or invalid viewer token' },
  ORDER_NOT_FOUND: { status: 404, message: 'no such order' },
  NOT_FOUND: { status: 404, message: 'no such route' },
  SHOW_NOT_FOUND: { status: 404, message: 'no such show' },
  PRODUCT_NOT_FOUND: { status: 404, message: 'no such product' },
  VARIANT_NOT_FOUND: { status: 404, message: 'no such variant of this product' },
  FLASH_SALE_NOT_FOUND: { status: 404, message: 'no flash sale is running on this show' },
  MEDIA_NOT_FOUND: { status: 404, message: 'no such media file' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'the byte range starts past the end of the file' },
  SHOW_LIVE: { status: 409, message: 'the show is live; stop the stream first' },
  SKU_TAKEN: { status: 409, message: 'a product with this SKU exists' },
  VARIANT_IN_USE: { status: 409, message: 'orders, flash sales or coupons name this variant; set its stock to 0 instead' },
  PRODUCT_IN_USE: { status: 409, message: 'orders or flash sales refer to this product; set its stock to 0 instead' },
  SHOW_ENDED: { status: 409, message: 'the show has ended' },
  SHOW_NOT_REHEARSING: { status: 409, message: 'no stream is rehearsing on this show: start OBS or the test pattern, check the preview, then go live' },
  SHOW_NOT_STARTED: { status: 409, message: 'the show has not gone live yet: it has no report' },
  SHOW_NOT_LIVE: { status: 409, message: 'the show is not live' },
  SHOW_NOT_ENDED: { status: 409, message: 'the show has not ended; its recording can be deleted once it has' },
  NOT_ENOUGH_STOCK: { status: 409, message: 'the product does not have that much stock' },
  PRICE_CHANGED: { status: 409, message: 'the price is not the one the order names (a flash sale started, sold out or ended); look again' },
  STALE_STOCK: { status: 409, message: 'the stock changed since it was read (orders came in); read it again, or adjust it by a number' },
  SOLD_OUT: { status: 409, message: 'sold out' },
  LIMIT_REACHED: { status: 409, message: 'the per-customer limit is reached' },
  PAYMENT_DECLINED: { status: 402, message: 'the payment was declined; try another method' },
  PAYMENT_METHOD_NOT_FOUND: { status: 404, message: 'no such saved payment method for this viewer' },
  ORDER_STATE: { status: 409, message: 'the order cannot go to that state from where it is' },
  ORDER_EXPIRED: { status: 409, message: 'the order expired: its hold ran out and the stock went back; place it again' },
  REPLAY_CLOSED: { status: 409, message: 'the show has ended and its replay takes no orders' },
  VARIANT_REQUIRED: { status: 400, message: 'this product comes in variants: name the one to buy (variantId)' },
  PAYMENT_UNAVAILABLE: { status: 400, message: 'that payment method is not offered here' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'this Idempotency-Key was used for a different request' },
  BODY_TOO_LARGE: { status: 413, message: 'the body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send application/json' },
  UNSUPPORTED_IMAGE: { status: 415, message: 'send a JPEG, PNG, WebP, GIF or AVIF image' },
  IMAGE_TOO_LARGE: { status: 413, message: 'the image has too many pixels' },
  IMAGES_BUSY: { status: 503, message: 'too many images are being processed; try again in a moment' },
  INVALID_IMAGE: { status: 422, message: 'the image could not be read' },
  INVALID_ALIASES: { status: 422, message: 'the aliases are not valid' },
  INVALID_PRODUCT: { status: 422, message: 'the product is not valid' },
  CSV_INVALID: { status: 422, message: 'the CSV has rows with errors; nothing was imported' },
  RATE_LIMITED: { status: 429, message: 'too many requests' },
  // reminders (issue 16)
  PUSH_ENDPOINT_INVALID: { status: 422, message: 'the push endpoint must be an https: URL of at most 1024 characters' },
  PUSH_ENDPOINT_REFUSED: { status: 422, message: 'push endpoints may not be on loopback, private, link-local or metadata addresses' },
  PUSH_SUBSCRIPTION_INVALID: { status: 422, message: 'the push subscription keys are not valid (p256dh: a P-256 public key; auth: 16 bytes)' },
  REMINDER_NOT_FOUND: { status: 404, message: 'no reminder of this show for that endpoint' },
  REMINDERS_FULL: { status: 409, message: 'this show has as many reminders as it can take' },
  SHOW_ALREADY_LIVE: { status: 409, message: 'the show is live already: nothing left to remind of' },
  SHOW_NOT_SCHEDULED: { status: 409, message: 'the show has no scheduled time' },
  INVALID_MESSAGE: { status: 400, message: 'the message does not match the live protocol' },
  UNKNOWN_MESSAGE_TYPE: { status: 400, message: 'unknown message type' },
  MESSAGE_TOO_LONG: { status: 422, message: 'the message is too long' },
  MESSAGE_BLOCKED: { status: 422, message: 'the message contains a blocked word' },
  LINKS_NOT_ALLOWED: { status: 422, message: 'links are not allowed in this chat' },
  SIGN_IN_REQUIRED: { status: 401, message: 'watching needs no name; chatting, voting and asking do (POST /api/viewers)' },
  NOT_A_MODERATOR: { status: 403, message: 'only the host and moderators can do that' },
  BANNED: { status: 403, message: 'you are banned from this chat' },
  TIMED_OUT: { status: 403, message: 'you are timed out' },
  SLOW_MODE: { status: 429, message: 'slow mode is on' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'no such chat message' },
  VIEWER_NOT_FOUND: { status: 404, message: 'no such viewer' },
  MODERATOR_NOT_SANCTIONABLE: { status: 403, message: 'moderators cannot time out, ban or delete the lines of other moderators; the host can' },
  HOST_NOT_SANCTIONABLE: { status: 409, message: 'the host speaks for the show: it cannot be timed out, banned or made a moderator' },
  POLL_NOT_FOUND: { status: 404, message: 'no such poll' },
  POLL_CLOSED: { status: 409, message: 'the poll is closed' },
  ALREADY_VOTED: { status: 409, message: 'you have voted in this poll' },
  INVALID_POLL: { status: 422, message: 'the poll is not valid' },
  QUESTION_NOT_FOUND: { status: 404, message: 'no such question' },
  ALREADY_UPVOTED: { status: 409, message: 'you have upvoted this question' },
  SUGGESTIONS_CLOSED: { status: 409, message: 'the show has gone live: suggestions and their votes are closed' },
  SUGGESTION_NOT_FOUND: { status: 404, message: 'no such suggestion in this show' },
  SUGGESTION_ALREADY_VOTED: { status: 409, message: 'you have voted for this suggestion' },
  SUGGESTION_LIMIT: { status: 409, message: 'you have made as many suggestions for this show as a viewer may' },
  INVALID_SUGGESTION: { status: 422, message: 'a suggestion is 2 to 200 characters' },
  NOT_IN_LINEUP: { status: 422, message: 'that product is not in this show' },
  COUPON_INVALID: { status: 422, message: 'no such coupon, or not for this order' },
  COUPON_EXPIRED: { status: 422, message: 'the coupon has expired' },
  COUPON_NOT_LIVE: { status: 422, message: 'this code is valid only while the show is live' },
  COUPON_USED_UP: { status: 422, message: 'the coupon has been used up' },
  COUPON_ALREADY_USED: { status: 422, message: 'you have used this coupon already' },
  COUPON_LOCKED: { status: 422, message: 'this coupon is not unlocked for you yet' },
  COUPON_LEVEL: { status: 422, message: 'this coupon needs a higher loyalty level' },
  CODE_TAKEN: { status: 409, message: 'a coupon with this code exists' },
  INVALID_COUPON: { status: 422, message: 'the coupon is not valid' },
  COUPON_NOT_FOUND: { status: 404, message: 'no such coupon' },
  INTERNAL: { status: 500, message: 'internal error' },
  PAYMENT_PROVIDER_FAILED: { status: 502, message: 'the payment provider did not answer as expected; nothing was charged twice, try again' },
  NOT_READY: { status: 503, message: 'not ready' },
  PLAYLIST_NOT_READY: { status: 503, message: 'the segment or part asked for did not appear within three target durations; ask again' },
  FFMPEG_UNAVAILABLE: { status: 503, message: 'FFmpeg could not be started on the server (check ffmpeg.path); nothing is publishing' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'the server cannot store data right now (disk full or failing); nothing was changed, try again shortly' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class HawkerError extends Error {
  override name = 'HawkerError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string = errorCatalogue[code].message,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = errorCatalogue[code].status;
  }
}

/**
 * SQLite and file-system codes that mean the storage under the data dir failed (full disk,
 * quota, I/O error), not that the request was wrong: the caller may retry once space returns.
 */
const STORAGE_ERROR_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR', 'ENOSPC', 'EIO', 'EDQUOT', 'EROFS']);

/** True for a storage failure, including SQLite's extended SQLITE_IOERR_* codes. */
export function isStorageFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = (err as { code: unknown }).code;
  if (typeof code !== 'string') return false;
  return STORAGE_ERROR_CODES.has(code) || code.startsWith('SQLITE_IOERR_') || code.startsWith('SQLITE_FULL_');
}
