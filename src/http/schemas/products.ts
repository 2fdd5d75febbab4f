import { Type } from '@sinclair/typebox';
import { PRODUCT_TITLE_MAX } from '../../domain/product.js';
import { IsoTime, Nullable, PRINTABLE_TEXT } from './common.js';

export const MinorUnits = Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'integer minor units (cents)' });

export const ProductSchema = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    title: Type.String(),
    description: Type.String(),
    price: Type.Integer(),
    currency: Type.String(),
    compareAtPrice: Nullable(Type.Integer()),
    stock: Type.Integer(),
    stockVersion: Type.Integer({ description: 'moves on with every change of stock; a PATCH of stock names the one it read' }),
    hasImage: Type.Boolean(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { $id: 'Product' },
);

export const CreateProductBody = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    title: Type.String({ minLength: 1, maxLength: PRODUCT_TITLE_MAX, pattern: PRINTABLE_TEXT }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    price: MinorUnits,
    currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217' }),
    compareAtPrice: Type.Optional(Nullable(MinorUnits)),
    stock: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  },
  { additionalProperties: false },
);

// stock only with the stockVersion it was read at (409 STALE_STOCK), or relative (stockAdjust)
export const UpdateProductBody = Type.Composite(
  [
    Type.Partial(CreateProductBody),
    Type.Partial(Type.Object({ stockVersion: Type.Integer({ minimum: 0 }), stockAdjust: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 }) })),
  ],
  { additionalProperties: false, minProperties: 1 },
);

export const ImportQuery = Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const ImportResult = Type.Object({ created: Type.Integer(), updated: Type.Integer(), rows: Type.Integer(), dryRun: Type.Boolean() });

export const ProductWithImage = Type.Object({ product: ProductSchema, image: Type.Object({ width: Type.Integer(), height: Type.Integer(), format: Type.String() }) });
