import { randomBytes } from 'node:crypto';
import { HawkerError } from '../domain/errors.js';
import type { ProductRepository } from '../domain/ports.js';
import { currencyExponents, type Product } from '../domain/product.js';
import type { ProductImages, StoredImage } from './product-images.js';

export interface NewProduct {
  sku: string;
  title: string;
  description?: string;
  price: number;
  currency: string;
  compareAtPrice?: number | null;
  stock: number;
}

/** Products a merchant sells; the overlay shows them, orders (later) sell them. */
export class ProductCatalog {
  constructor(
    private readonly products: ProductRepository,
    private readonly images: ProductImages,
    private readonly now: () => number = Date.now,
  ) {}

  create(input: NewProduct): Product {
    const currency = input.currency.toUpperCase();
    if (currencyExponents[currency] === undefined) {
      throw new HawkerError('INVALID_PRODUCT', `unknown or unsupported currency ${input.currency}`, [{ field: 'currency', problem: 'is not an ISO 4217 code Hawker supports' }]);
    }
    if (input.compareAtPrice != null && input.compareAtPrice <= input.price) {
      throw new HawkerError('INVALID_PRODUCT', 'compareAtPrice must be higher than price', [{ field: 'compareAtPrice', problem: 'must be higher than price' }]);
    }
    if (this.products.findBySku(input.sku)) throw new HawkerError('SKU_TAKEN', `a product with SKU ${input.sku} exists`);
    const at = this.now();
    const product: Product = {
      id: randomBytes(9).toString('base64url'),
      sku: input.sku,
      title: input.title.trim(),
      description: input.description ?? '',
      price: input.price,
      currency,
      compareAtPrice: input.compareAtPrice ?? null,
      stock: input.stock,
      hasImage: false,
      createdAt: at,
      updatedAt: at,
    };
    this.products.create(product);
    return product;
  }

  get(id: string): Product {
    const product = this.products.get(id);
    if (!product) throw new HawkerError('PRODUCT_NOT_FOUND', `no product with id ${id}`);
    return product;
  }

  list(): Product[] {
    return this.products.list();
  }

  async setImage(id: string, upload: Buffer): Promise<{ product: Product; image: StoredImage }> {
    this.get(id);
    const image = await this.images.store(id, upload);
    this.products.setHasImage(id, true, this.now());
    return { product: this.get(id), image };
  }

  overlayImage(id: string): Buffer | null {
    return this.images.overlayPng(id);
  }
}
