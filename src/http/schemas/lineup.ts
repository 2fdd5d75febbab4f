import { Type } from '@sinclair/typebox';
import { LINEUP_MAX } from '../../commerce/show-lineup.js';
import { ID_PATTERN, Nullable } from './common.js';
import { ProductSchema } from './products.js';

/** What a viewer may see of a product: no SKU, no timestamps; picture URLs. */
export const LineupItem = Type.Composite([
  Type.Pick(ProductSchema, ['id', 'title', 'description', 'price', 'currency', 'compareAtPrice', 'stock']),
  Type.Object({ imageUrl: Nullable(Type.String()), thumbUrl: Nullable(Type.String()) }),
]);

export const Lineup = Type.Array(LineupItem);

export const SetLineupBody = Type.Object({ productIds: Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: LINEUP_MAX }) }, { additionalProperties: false });

export const PictureParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }), file: Type.Union([Type.Literal('image.webp'), Type.Literal('thumb.webp')]) });

/** the product's update time: a URL that names it may be cached for good */
export const PictureQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) });
