import { Type } from '@sinclair/typebox';
export { SKU_MAX_LENGTH, SKU_PATTERN } from './products.js';

/**
 * Loose on purpose: the route checks the count and each SKU itself, so a shop's script is told
 * TOO_MANY_SKUS or INVALID_SKU (naming the SKU) rather than a schema path.
 */
export const LiveNowQuery = Type.Object({
  sku: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'a SKU, several comma-separated, or the parameter repeated' })),
});

export const LiveNowItemSchema = Type.Object({
  showId: Type.String(),
  title: Type.String(),
  productId: Type.String(),
  onScreen: Type.Boolean({ description: 'the product is pinned on the video now' }),
  watchUrl: Type.String({ description: 'the show page (absolute)' }),
  playerUrl: Type.String({ description: 'the mini player on this product, for an iframe (absolute)' }),
});

export const LiveNowSchema = Type.Object({
  items: Type.Record(Type.String(), LiveNowItemSchema, { description: 'only the SKUs that are in a live show now, by SKU' }),
});
