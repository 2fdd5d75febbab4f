import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ProductCatalog } from '../../commerce/product-catalog.js';
import { HawkerError } from '../../domain/errors.js';
import type { Product, Variant } from '../../domain/product.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { CreateProductBody, ImportQuery, ImportResult, ProductSchema, ProductWithImage, UpdateProductBody, VariantParams } from '../schemas/products.js';
import type { AdminScope } from './admin-scope.js';

/** a catalog of 10,000 rows fits easily */
const CSV_LIMIT_BYTES = 4 * 1024 * 1024;
const ProductParams = IdParams;

export const variantImageUrl = (productId: string, v: Variant, file: 'image' | 'thumb' = 'image') => `/media/products/${productId}/variants/${v.id}/${file}.webp?v=${v.updatedAt}`;

export const productToBody = (p: Product): Static<typeof ProductSchema> => ({
  ...p,
  variants: p.variants.map((v) => ({
    id: v.id,
    sku: v.sku,
    options: v.options,
    price: v.price,
    compareAtPrice: v.compareAtPrice,
    stock: v.stock,
    stockVersion: v.stockVersion,
    hasImage: v.hasImage,
    ...(v.hasImage ? { imageUrl: variantImageUrl(p.id, v) } : {}),
  })),
  createdAt: new Date(p.createdAt).toISOString(),
  updatedAt: new Date(p.updatedAt).toISOString(),
});

export interface ProductRoutesOptions {
  catalog: ProductCatalog;
  admin: AdminScope;
  imageLimitBytes: number;
}

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 413: ErrorResponseSchema, 415: ErrorResponseSchema, 422: ErrorResponseSchema, 503: ErrorResponseSchema };
const security = [{ bearer: [] }];

export const productRoutes: FastifyPluginAsyncTypebox<ProductRoutesOptions> = async (app, { catalog, admin, imageLimitBytes }) => {
  await admin(app);
  // Image uploads arrive as the raw bytes of the file.
  app.addContentTypeParser(/^(image\/[a-z0-9.+-]+|application\/octet-stream)$/, { parseAs: 'buffer', bodyLimit: imageLimitBytes }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/api/products',
    { schema: { tags: ['products'], summary: 'Create a product', security, body: CreateProductBody, response: { 201: ProductSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(productToBody(catalog.create(request.body))),
  );
  app.addContentTypeParser(/^text\/csv/, { parseAs: 'string', bodyLimit: CSV_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  app.post(
    '/api/products/import',
    {
      schema: {
        tags: ['products'],
        summary: 'Import a catalog CSV (sku,title,description,price,currency,compareAtPrice,stock; prices as decimals; variants one row each with parent_sku and option1_name,option1_value..option3_value). All rows or none; errors per line',
        security,
        querystring: ImportQuery,
        response: { 200: ImportResult, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      if (typeof body !== 'string') throw new HawkerError('UNSUPPORTED_MEDIA_TYPE', 'send the catalog as text/csv');
      const dryRun = request.query.dryRun ?? false;
      return { ...catalog.importCsv(body, dryRun), dryRun };
    },
  );

  app.patch(
    '/api/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'Change a product: only the fields given; stock with the stockVersion it was read at, or by stockAdjust',
        security,
        params: ProductParams,
        body: UpdateProductBody,
        response: { 200: ProductSchema, ...errors },
      },
    },
    async (request) => productToBody(catalog.update(request.params.id, request.body)),
  );

  app.delete(
    '/api/products/:id',
    { schema: { tags: ['products'], summary: 'Delete a product no order or flash sale refers to', security, params: ProductParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      catalog.delete(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/products',
    { schema: { tags: ['products'], summary: 'List products', security, response: { 200: Type.Array(ProductSchema), ...errors } } },
    async () => catalog.list().map(productToBody),
  );
  app.get(
    '/api/products/:id',
    { schema: { tags: ['products'], summary: 'One product', security, params: ProductParams, response: { 200: ProductSchema, ...errors } } },
    async (request) => productToBody(catalog.get(request.params.id)),
  );
  app.put(
    '/api/products/:id/image',
    {
      schema: {
        tags: ['products'],
        summary: 'Upload the product image (raw bytes; JPEG, PNG, WebP, GIF or AVIF); metadata is stripped',
        security,
        params: ProductParams,
        response: { 200: ProductWithImage, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) {
        throw new HawkerError('UNSUPPORTED_MEDIA_TYPE', 'send the image bytes with an image/* content type');
      }
      const { product, image } = await catalog.setImage(request.params.id, body);
      return { product: productToBody(product), image };
    },
  );
  app.put(
    '/api/products/:id/variants/:variantId/image',
    {
      schema: {
        tags: ['products'],
        summary: "Upload a variant's picture (raw bytes, as for the product's); 404 VARIANT_NOT_FOUND for a variant of another product",
        security,
        params: VariantParams,
        response: { 200: ProductWithImage, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) {
        throw new HawkerError('UNSUPPORTED_MEDIA_TYPE', 'send the image bytes with an image/* content type');
      }
      const { product, image } = await catalog.setVariantImage(request.params.id, request.params.variantId, body);
      return { product: productToBody(product), image };
    },
  );
};
