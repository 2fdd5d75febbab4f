import { Type } from '@sinclair/typebox';
import { OPTION_NAME_MAX, OPTION_VALUE_MAX, OPTION_VALUES_MAX, OPTIONS_MAX, PRODUCT_TITLE_MAX, VARIANTS_MAX } from '../../domain/product.js';
import { ID_PATTERN, IsoTime, Nullable, PRINTABLE_TEXT } from './common.js';

export const MinorUnits = Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'integer minor units (cents)' });
/** a product's or variant's SKU (the shop script's live-now query takes the same) */
export const SKU_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
export const SKU_MAX_LENGTH = 64;
const Sku = Type.String({ minLength: 1, maxLength: SKU_MAX_LENGTH, pattern: SKU_PATTERN });
const StockCount = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

export const ProductOptionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: OPTION_NAME_MAX, pattern: PRINTABLE_TEXT }),
    values: Type.Array(Type.String({ minLength: 1, maxLength: OPTION_VALUE_MAX, pattern: PRINTABLE_TEXT }), { minItems: 1, maxItems: OPTION_VALUES_MAX }),
  },
  { additionalProperties: false },
);

/** { "Size": "M", "Colour": "Red" }: one value for each of the product's options */
const OptionValues = Type.Record(Type.String({ minLength: 1, maxLength: OPTION_NAME_MAX }), Type.String({ maxLength: OPTION_VALUE_MAX }), { maxProperties: OPTIONS_MAX });

export const VariantSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  price: Type.Integer(),
  compareAtPrice: Nullable(Type.Integer()),
  stock: Type.Integer(),
  stockVersion: Type.Integer({ description: 'moves on with every change of this variant\'s stock; a PATCH of its stock names the one it read' }),
  hasImage: Type.Boolean(),
  imageUrl: Type.Optional(Type.String({ description: 'the variant\'s own picture (WebP), when it has one' })),
});

/** a variant in a create: all of it */
export const NewVariantBody = Type.Object(
  { sku: Sku, options: OptionValues, price: MinorUnits, compareAtPrice: Type.Optional(Nullable(MinorUnits)), stock: StockCount },
  { additionalProperties: false },
);

/** a variant in an edit: the one with this id (or this SKU), else a new one (which needs its stock) */
export const EditVariantBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    sku: Sku,
    options: OptionValues,
    price: MinorUnits,
    compareAtPrice: Type.Optional(Nullable(MinorUnits)),
    stock: Type.Optional(StockCount),
    stockVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    stockAdjust: Type.Optional(Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false },
);

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
    options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) })),
    variants: Type.Array(VariantSchema, { description: 'with variants, stock is the sum of theirs and an order names one' }),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { $id: 'Product' },
);

const productFields = {
  sku: Sku,
  title: Type.String({ minLength: 1, maxLength: PRODUCT_TITLE_MAX, pattern: PRINTABLE_TEXT }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  price: MinorUnits,
  currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217' }),
  compareAtPrice: Type.Optional(Nullable(MinorUnits)),
  stock: Type.Optional({ ...StockCount, description: 'required without variants (with them each variant has its own)' }),
  options: Type.Optional(Type.Array(ProductOptionSchema, { maxItems: OPTIONS_MAX, description: 'what a buyer chooses between (Size, Colour)' })),
};

export const CreateProductBody = Type.Object(
  { ...productFields, variants: Type.Optional(Type.Array(NewVariantBody, { maxItems: VARIANTS_MAX, description: 'one per combination on sale, each naming one value per option' })) },
  { additionalProperties: false },
);

// stock only with the stockVersion it was read at (409 STALE_STOCK), or relative (stockAdjust); the same per variant
export const UpdateProductBody = Type.Object(
  {
    ...Type.Partial(Type.Object(productFields)).properties,
    variants: Type.Optional(Type.Array(EditVariantBody, { maxItems: VARIANTS_MAX, description: 'the whole list: a variant left out is removed' })),
    stockVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    stockAdjust: Type.Optional(Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ImportQuery = Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const ImportResult = Type.Object({ created: Type.Integer(), updated: Type.Integer(), rows: Type.Integer(), dryRun: Type.Boolean() });

export const ProductWithImage = Type.Object({ product: ProductSchema, image: Type.Object({ width: Type.Integer(), height: Type.Integer(), format: Type.String() }) });

export const VariantParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }), variantId: Type.String({ pattern: ID_PATTERN }) });
export const VariantPictureParams = Type.Object({
  id: Type.String({ pattern: ID_PATTERN }),
  variantId: Type.String({ pattern: ID_PATTERN }),
  file: Type.Union([Type.Literal('image.webp'), Type.Literal('thumb.webp')]),
});
