import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { HawkerError } from '../domain/errors.js';
import type { ProductRepository } from '../domain/ports.js';
import { currencyExponents, PRODUCT_TITLE_MAX, type Product, type ProductOption, type Variant } from '../domain/product.js';
import { variantProblems, type FieldProblem } from '../domain/variants.js';
import type { ProductImages, StoredImage } from './product-images.js';
import { checkText, requireText } from '../domain/text.js';

export type { FieldProblem };

/**
 * A variant as a create or an edit states it. In an edit it is the one with this `id` (or,
 * without an id, the product's variant with this SKU), else a new one; its stock is written
 * like a product's: `stock` with the `stockVersion` it was read at, or `stockAdjust`.
 */
export interface VariantInput {
  id?: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  compareAtPrice?: number | null;
  /** required for a new variant */
  stock?: number;
  stockVersion?: number;
  stockAdjust?: number;
}

export interface NewProduct {
  sku: string;
  title: string;
  description?: string;
  price: number;
  currency: string;
  compareAtPrice?: number | null;
  /** required without variants; with them each variant has its own and this is their sum */
  stock?: number;
  options?: ProductOption[];
  /** every variant the product has (an edit that names them lists them all: one left out is removed) */
  variants?: VariantInput[];
}

/**
 * An edit. Stock is written only when the edit is about stock: `stock` with the `stockVersion`
 * it was read at (refused as STALE_STOCK when orders moved it since), or `stockAdjust`, a
 * relative change that cannot lose a concurrent order.
 */
export type ProductPatch = Partial<NewProduct> & { stockVersion?: number; stockAdjust?: number };

export interface CsvRowError {
  /** 1-based line of the data row (the header is line 1) */
  line: number;
  sku: string | null;
  problems: FieldProblem[];
}

export const CSV_MAX_ROWS = 10_000;
const CSV_COLUMNS = ['sku', 'title', 'description', 'price', 'currency', 'compareAtPrice', 'stock'] as const;
/** optional: a row that names parent_sku is a variant of that product */
const CSV_VARIANT_COLUMNS = ['parent_sku', 'option1_name', 'option1_value', 'option2_name', 'option2_value', 'option3_name', 'option3_value'] as const;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_MINOR = 10_000_000_000;

/** "19.99" in USD -> 1999; more decimals than the currency has is an error, not a rounding. */
export function parseMoney(text: string, currency: string): number | null {
  const exponent = currencyExponents[currency];
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim());
  if (exponent === undefined || !m || (m[2] ?? '').length > exponent) return null;
  return Number(m[1]) * 10 ** exponent + Number((m[2] ?? '').padEnd(exponent, '0') || 0);
}

/** Products a merchant sells; the overlay shows them, orders sell them. */
export class ProductCatalog {
  private readonly changedListeners: Array<(productIds: string[]) => void> = [];

  constructor(
    private readonly products: ProductRepository,
    private readonly images: ProductImages,
    private readonly now: () => number = Date.now,
  ) {}

  /** told of each product whose price, stock or text an edit changed (not of orders: they have their own event) */
  onChanged(listener: (productIds: string[]) => void): void {
    this.changedListeners.push(listener);
  }

  create(input: NewProduct): Product {
    // text that breaks the text rule is a 400 INVALID_TEXT, as for every name and title
    requireText('title', input.title);
    if (input.description?.trim()) requireText('description', input.description);
    const options = input.options ?? [];
    const inputs = input.variants ?? [];
    const problems = [...this.problems(input, inputs.length > 0), ...variantProblems(options, inputs)];
    inputs.forEach((v, i) => {
      if (v.stock === undefined) problems.push({ field: `variants[${i}].stock`, problem: 'a new variant needs its stock' });
    });
    if (problems.length) throw invalid(problems);
    if (this.products.findBySku(input.sku)) throw new HawkerError('SKU_TAKEN', `a product with SKU ${input.sku} exists`, [{ field: 'sku', problem: `another product has the SKU ${input.sku}` }]);
    this.refuseTakenSkus(null, input.sku, inputs);
    const at = this.now();
    const id = randomBytes(9).toString('base64url');
    const variants = inputs.map((v): Variant => ({
      id: randomBytes(9).toString('base64url'),
      productId: id,
      sku: v.sku,
      options: this.cleanOptions(options, v.options),
      price: v.price,
      compareAtPrice: v.compareAtPrice ?? null,
      stock: v.stock ?? 0,
      stockVersion: 0,
      hasImage: false,
      createdAt: at,
      updatedAt: at,
    }));
    const product: Product = {
      id,
      sku: input.sku,
      title: requireText('title', input.title),
      description: input.description ?? '',
      price: input.price,
      currency: input.currency.toUpperCase(),
      compareAtPrice: input.compareAtPrice ?? null,
      // the product row's own count is unused while it has variants
      stock: variants.length ? 0 : (input.stock ?? 0),
      stockVersion: 0,
      hasImage: false,
      options: options.map((o) => ({ name: o.name.trim(), values: o.values.map((v) => v.trim()) })),
      variants,
      createdAt: at,
      updatedAt: at,
    };
    this.products.atomically(() => this.products.create(product));
    return this.get(id);
  }

  update(id: string, patch: ProductPatch): Product {
    const { stock, stockVersion, stockAdjust } = patch;
    if ((stock !== undefined || stockAdjust !== undefined) && (patch.variants?.length || (patch.variants === undefined && this.get(id).variants.length))) {
      throw invalid([{ field: stock !== undefined ? 'stock' : 'stockAdjust', problem: 'a product with variants keeps its stock per variant: edit variants[i].stock' }]);
    }
    if (stock !== undefined && stockAdjust !== undefined) throw new HawkerError('INVALID_PRODUCT', 'give stock (with stockVersion) or stockAdjust, not both', [{ field: 'stockAdjust', problem: 'not with stock' }]);
    if (stock !== undefined && stockVersion === undefined) throw new HawkerError('STOCK_VERSION_REQUIRED');
    const product = this.products.atomically(() => this.write(id, patch, stock !== undefined ? { set: stock, version: stockVersion ?? 0 } : stockAdjust ? { adjust: stockAdjust } : null));
    this.changed([id]);
    return product;
  }

  /** One edit in one transaction: the fields, then the stock as the edit asks (the CSV import sets it outright). */
  private write(id: string, patch: ProductPatch, stockEdit: { set: number; version: number | null } | { adjust: number } | null, importing = false): Product {
    const current = this.get(id);
    if (patch.description?.trim()) requireText('description', patch.description);
    const stock = stockEdit === null ? current.stock : 'set' in stockEdit ? stockEdit.set : current.stock + stockEdit.adjust;
    const next: Product = {
      ...current,
      sku: patch.sku ?? current.sku,
      title: patch.title === undefined ? current.title : requireText('title', patch.title),
      description: patch.description ?? current.description,
      price: patch.price ?? current.price,
      currency: (patch.currency ?? current.currency).toUpperCase(),
      compareAtPrice: patch.compareAtPrice === undefined ? current.compareAtPrice : patch.compareAtPrice,
      stock,
      updatedAt: this.now(),
    };
    const problems = this.problems(next, (patch.variants ?? current.variants).length > 0);
    if (problems.length) throw invalid(problems);
    const other = this.products.findBySku(next.sku);
    if (other && other.id !== id) throw new HawkerError('SKU_TAKEN', `a product with SKU ${next.sku} exists`, [{ field: 'sku', problem: `another product has the SKU ${next.sku}` }]);
    this.products.update(next);
    if (patch.options !== undefined || patch.variants !== undefined) {
      this.writeVariants(current, next.sku, patch.options ?? current.options, patch.variants, next.updatedAt, importing);
    } else if (patch.sku !== undefined) {
      this.refuseTakenSkus(id, next.sku, current.variants);
    }
    if (stockEdit && 'set' in stockEdit) {
      const version = stockEdit.version ?? current.stockVersion;
      if (!this.products.setStock(id, stockEdit.set, version, next.updatedAt)) {
        throw new HawkerError('STALE_STOCK', `the stock is ${current.stock} (stockVersion ${current.stockVersion}) since orders came in; the edit read stockVersion ${version}`, {
          stock: current.stock,
          stockVersion: current.stockVersion,
        });
      }
    } else if (stockEdit) {
      if (!this.products.adjustStock(id, stockEdit.adjust, next.updatedAt)) {
        throw new HawkerError('INVALID_PRODUCT', `stock is ${current.stock}: adjusting by ${stockEdit.adjust} would go below 0`, [{ field: 'stockAdjust', problem: `at least -${current.stock}` }]);
      }
    }
    return this.get(id);
  }

  /**
   * The product's options and its whole list of variants, in the edit's transaction. A variant
   * left out of the list is removed (409 VARIANT_IN_USE once orders, sales or coupons name it);
   * stock follows the product rule per variant (STOCK_VERSION_REQUIRED, STALE_STOCK). An import
   * states the catalog as it should be: its stock is set outright.
   */
  private writeVariants(current: Product, productSku: string, options: ProductOption[], given: VariantInput[] | undefined, at: number, importing: boolean): void {
    const inputs: VariantInput[] = given ?? current.variants.map((v) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, compareAtPrice: v.compareAtPrice }));
    const problems = variantProblems(options, inputs);
    const matched = inputs.map((v, i) => {
      const existing = v.id !== undefined ? current.variants.find((x) => x.id === v.id) : current.variants.find((x) => x.sku === v.sku);
      if (v.id !== undefined && !existing) problems.push({ field: `variants[${i}].id`, problem: `${v.id} is not a variant of this product` });
      if (!existing && v.id === undefined && v.stock === undefined) problems.push({ field: `variants[${i}].stock`, problem: 'a new variant needs its stock' });
      if (v.stock !== undefined && v.stockAdjust !== undefined) problems.push({ field: `variants[${i}].stockAdjust`, problem: 'not with stock' });
      return existing;
    });
    if (new Set(matched.filter(Boolean)).size !== matched.filter(Boolean).length) problems.push({ field: 'variants', problem: 'a variant is listed twice' });
    if (problems.length) throw invalid(problems);
    if (!importing) {
      const unversioned = inputs.findIndex((v, i) => matched[i] && v.stock !== undefined && v.stockVersion === undefined);
      if (unversioned >= 0) throw new HawkerError('STOCK_VERSION_REQUIRED', undefined, [{ field: `variants[${unversioned}].stockVersion`, problem: 'name the stockVersion the stock was read at, or use stockAdjust' }]);
    }
    this.refuseTakenSkus(current.id, productSku, inputs);
    this.products.setOptions(current.id, options.map((o) => ({ name: o.name.trim(), values: o.values.map((v) => v.trim()) })), at);
    for (const old of current.variants) {
      if (matched.includes(old)) continue;
      if (!this.products.deleteVariant(old.id)) throw new HawkerError('VARIANT_IN_USE', `variant ${old.sku} is named by orders, flash sales or coupons: keep it and set its stock to 0`, [{ field: 'variants', problem: `${old.sku} cannot be removed` }]);
    }
    inputs.forEach((v, i) => {
      const existing = matched[i];
      const fields = { sku: v.sku, options: this.cleanOptions(options, v.options), price: v.price, compareAtPrice: v.compareAtPrice ?? null, updatedAt: at, position: i };
      if (!existing) {
        const { position, ...rest } = fields;
        this.products.createVariant({ ...rest, id: randomBytes(9).toString('base64url'), productId: current.id, stock: v.stock ?? 0, stockVersion: 0, hasImage: false, createdAt: at }, position);
        return;
      }
      this.products.updateVariant({ ...fields, id: existing.id });
      if (v.stock !== undefined) {
        const version = importing ? existing.stockVersion : (v.stockVersion ?? 0);
        if (!this.products.setVariantStock(existing.id, v.stock, version, at)) {
          throw new HawkerError('STALE_STOCK', `variant ${existing.sku} has stock ${existing.stock} (stockVersion ${existing.stockVersion}) since orders came in; the edit read stockVersion ${version}`, {
            variantId: existing.id,
            stock: existing.stock,
            stockVersion: existing.stockVersion,
          });
        }
      } else if (v.stockAdjust) {
        if (!this.products.adjustVariantStock(existing.id, v.stockAdjust, at)) {
          throw invalid([{ field: `variants[${i}].stockAdjust`, problem: `at least -${existing.stock}` }]);
        }
      }
    });
  }

  /** SKUs are one namespace across products and variants: a scanner or a store sync must find one thing. */
  private refuseTakenSkus(productId: string | null, productSku: string, variants: readonly VariantInput[]): void {
    const problems: FieldProblem[] = [];
    const variantOwner = this.products.findVariantBySku(productSku);
    if (variantOwner && variantOwner.productId !== productId) {
      problems.push({ field: 'sku', problem: `a variant has the SKU ${productSku}` });
    }
    variants.forEach((v, i) => {
      const product = this.products.findBySku(v.sku);
      const variant = this.products.findVariantBySku(v.sku);
      if (v.sku === productSku || product) problems.push({ field: `variants[${i}].sku`, problem: `a product has the SKU ${v.sku}` });
      else if (variant && variant.productId !== productId) problems.push({ field: `variants[${i}].sku`, problem: `a variant of another product has the SKU ${v.sku}` });
    });
    if (problems.length) throw new HawkerError('SKU_TAKEN', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }

  /** the option values of a variant, trimmed and in the product's option order */
  private cleanOptions(options: readonly ProductOption[], values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(options.map((o) => [o.name.trim(), (values[o.name] ?? '').trim()]));
  }

  variant(productId: string, variantId: string): Variant {
    const variant = this.get(productId).variants.find((v) => v.id === variantId);
    if (!variant) throw new HawkerError('VARIANT_NOT_FOUND', `product ${productId} has no variant ${variantId}`);
    return variant;
  }

  private changed(productIds: string[]): void {
    for (const listener of this.changedListeners) listener(productIds);
  }

  delete(id: string): void {
    this.get(id);
    if (!this.products.delete(id)) throw new HawkerError('PRODUCT_IN_USE');
    this.changed([id]);
  }

  get(id: string): Product {
    const product = this.products.get(id);
    if (!product) throw new HawkerError('PRODUCT_NOT_FOUND', `no product with id ${id}`);
    return product;
  }

  /** the product, or undefined (no error) */
  find(id: string): Product | undefined {
    return this.products.get(id);
  }

  /** the id of the product a variant belongs to */
  productOfVariant(variantId: string): string | undefined {
    return this.products.getVariant(variantId)?.productId;
  }

  list(): Product[] {
    return this.products.list();
  }

  /**
   * A catalog as CSV (header: sku,title,description,price,currency,compareAtPrice,stock; prices
   * as decimals in the currency, "19.99"). Rows create products or update the one with the
   * same SKU. A product with variants is one row per variant: `sku` is the variant's,
   * `parent_sku` the product's, `option1_name`/`option1_value` .. `option3_*` its option values;
   * the product's title and currency come from its first row, its price is its cheapest
   * variant's, and its variants are exactly the rows (one left out is removed). Every row is
   * checked first: one bad row and nothing is imported, and the report says what is wrong on
   * which line.
   */
  importCsv(text: string, dryRun = false): { created: number; updated: number; rows: number } {
    let records: string[][];
    try {
      records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
    } catch (err) {
      throw new HawkerError('CSV_INVALID', `not readable as CSV: ${(err as Error).message}`);
    }
    const [header, ...rows] = records;
    const columns = (header ?? []).map((c) => c.trim());
    const missing = CSV_COLUMNS.filter((c) => c !== 'description' && c !== 'compareAtPrice' && !columns.includes(c));
    const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c) && !(CSV_VARIANT_COLUMNS as readonly string[]).includes(c));
    if (missing.length || unknown.length) {
      throw new HawkerError('CSV_INVALID', `header must name ${CSV_COLUMNS.join(',')} (and for variants ${CSV_VARIANT_COLUMNS.join(',')})${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
    }
    if (rows.length > CSV_MAX_ROWS) throw new HawkerError('CSV_INVALID', `at most ${CSV_MAX_ROWS} rows in one import, got ${rows.length}`);
    const errors = new Map<number, CsvRowError>();
    const report = (line: number, sku: string, problem: FieldProblem) => {
      const entry = errors.get(line) ?? { line, sku: sku || null, problems: [] };
      if (!entry.problems.some((q) => q.field === problem.field)) entry.problems.push(problem);
      errors.set(line, entry);
    };
    const parsed: Array<{ product: NewProduct; line: number }> = [];
    /** products with variants, by parent SKU: their rows in file order */
    const groups = new Map<string, Array<{ line: number; product: NewProduct; values: Array<{ name: string; value: string }> }>>();
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      const line = i + 2;
      const cell = (name: string) => (columns.includes(name) ? (row[columns.indexOf(name)] ?? '') : '');
      const problems: FieldProblem[] = [];
      const currency = cell('currency').toUpperCase();
      const price = parseMoney(cell('price'), currency);
      const compareText = cell('compareAtPrice');
      const compareAtPrice = compareText ? parseMoney(compareText, currency) : null;
      const stockText = cell('stock');
      const stock = /^\d{1,10}$/.test(stockText) ? Number(stockText) : null;
      if (row.length !== columns.length) problems.push({ field: 'row', problem: `has ${row.length} cells, the header has ${columns.length}` });
      if (price === null) problems.push({ field: 'price', problem: `"${cell('price')}" is not an amount in ${currency || 'the currency'}` });
      if (compareText && compareAtPrice === null) problems.push({ field: 'compareAtPrice', problem: `"${compareText}" is not an amount` });
      if (stock === null) problems.push({ field: 'stock', problem: `"${stockText}" is not a whole number >= 0` });
      const candidate: NewProduct = {
        sku: cell('sku'),
        title: cell('title'),
        description: cell('description'),
        price: price ?? 0,
        currency,
        compareAtPrice,
        stock: stock ?? 0,
      };
      const parent = cell('parent_sku');
      const values: Array<{ name: string; value: string }> = [];
      for (const n of [1, 2, 3]) {
        const name = cell(`option${n}_name`);
        const value = cell(`option${n}_value`);
        if (!name && !value) continue;
        if (!name || !value) problems.push({ field: name ? `option${n}_value` : `option${n}_name`, problem: `option${n}_name and option${n}_value come together` });
        else values.push({ name, value });
      }
      if (!parent && values.length) problems.push({ field: 'parent_sku', problem: 'a row with option values is a variant: name its product in parent_sku' });
      if (parent && !SKU.test(parent)) problems.push({ field: 'parent_sku', problem: 'must be 1-64 letters, digits, dot, dash or underscore' });
      // a variant's own row is checked for what it holds (its SKU, price, stock); the product's text comes from the group's first row
      const group = parent ? groups.get(parent) : undefined;
      const own = this.problems(group ? { ...candidate, title: group[0]?.product.title || candidate.title || parent, currency: candidate.currency || (group[0]?.product.currency ?? '') } : candidate);
      problems.push(...own.filter((p) => !problems.some((q) => q.field === p.field)));
      if (seen.has(candidate.sku)) problems.push({ field: 'sku', problem: 'appears twice in this file' });
      seen.add(candidate.sku);
      for (const problem of problems) report(line, candidate.sku, problem);
      if (problems.length) return;
      if (!parent) parsed.push({ product: candidate, line });
      else {
        const list = group ?? [];
        list.push({ line, product: candidate, values });
        groups.set(parent, list);
      }
    });
    const products = [...parsed];
    for (const [parentSku, group] of groups) {
      const first = group[0]!;
      if (seen.has(parentSku)) report(first.line, first.product.sku, { field: 'parent_sku', problem: `${parentSku} is also the SKU of a row of this file` });
      const options: ProductOption[] = [];
      for (const { line, product, values } of group) {
        if (product.currency && product.currency !== first.product.currency) report(line, product.sku, { field: 'currency', problem: `the product is in ${first.product.currency} (its first row)` });
        const names = values.map((v) => v.name);
        if (options.length && names.join('\u0000') !== options.map((o) => o.name).join('\u0000')) {
          report(line, product.sku, { field: 'option1_name', problem: `the rows of ${parentSku} name the options ${options.map((o) => o.name).join(', ')}, in that order` });
          continue;
        }
        values.forEach(({ name, value }, n) => {
          const option = options[n] ?? { name, values: [] };
          options[n] = option;
          if (!option.values.includes(value)) option.values.push(value);
        });
      }
      const variants = group.map(({ product, values }): VariantInput => ({
        sku: product.sku,
        options: Object.fromEntries(values.map((v) => [v.name, v.value])),
        price: product.price,
        compareAtPrice: product.compareAtPrice ?? null,
        stock: product.stock ?? 0,
      }));
      for (const problem of variantProblems(options, variants)) {
        const m = /^variants\[(\d+)\]\.?(\w*)\.?(.*)$/.exec(problem.field);
        const row = m ? group[Number(m[1])]! : first;
        const optionIndex = options.findIndex((o) => o.name === m?.[3]);
        const field = m ? (m[2] === 'options' ? (optionIndex >= 0 ? `option${optionIndex + 1}_value` : 'option1_value') : m[2] || 'sku') : problem.field.replace(/^options\[(\d+)\]\.(name|values).*$/, (_all, n: string, what: string) => `option${Number(n) + 1}_${what === 'name' ? 'name' : 'value'}`);
        report(row.line, row.product.sku, { field, problem: problem.problem });
      }
      products.push({
        product: {
          sku: parentSku,
          title: first.product.title,
          description: first.product.description ?? '',
          // what the product costs "from": its cheapest variant
          price: Math.min(...variants.map((v) => v.price)),
          currency: first.product.currency,
          compareAtPrice: null,
          options,
          variants,
        },
        line: first.line,
      });
    }
    // created in the order of the file
    products.sort((a, b) => a.line - b.line);
    if (errors.size) {
      const list = [...errors.values()].sort((a, b) => a.line - b.line);
      throw new HawkerError('CSV_INVALID', `${list.length} of ${rows.length} rows have errors; nothing was imported`, list.slice(0, 200));
    }
    if (dryRun) {
      const updated = products.filter(({ product }) => this.products.findBySku(product.sku)).length;
      return { created: products.length - updated, updated, rows: rows.length };
    }
    const touched: string[] = [];
    const result = this.products.atomically(() => {
      let created = 0;
      let updated = 0;
      for (const { product: p } of products) {
        const existing = this.products.findBySku(p.sku);
        if (existing) {
          // an import states the catalog as it should be: its stock is set outright
          if (p.variants) this.write(existing.id, p, null, true);
          else this.write(existing.id, existing.variants.length ? { ...p, options: [], variants: [] } : p, { set: p.stock ?? 0, version: null }, true);
          touched.push(existing.id);
          updated++;
        } else {
          this.create(p);
          created++;
        }
      }
      return { created, updated, rows: rows.length };
    });
    if (touched.length) this.changed(touched);
    return result;
  }

  async setImage(id: string, upload: Buffer): Promise<{ product: Product; image: StoredImage }> {
    this.get(id);
    const image = await this.images.store(id, upload);
    this.products.setHasImage(id, true, this.now());
    this.changed([id]);
    return { product: this.get(id), image };
  }

  /** A variant's own picture, through the same pipeline as the product's (kept beside it, under variants/). */
  async setVariantImage(productId: string, variantId: string, upload: Buffer): Promise<{ product: Product; image: StoredImage }> {
    this.variant(productId, variantId);
    const image = await this.images.store(variantImageKey(productId, variantId), upload);
    this.products.setVariantHasImage(variantId, true, this.now());
    this.changed([productId]);
    return { product: this.get(productId), image };
  }

  variantPicture(productId: string, variantId: string, size: 'image' | 'thumb'): Buffer | null {
    return this.images.webp(variantImageKey(productId, variantId), size);
  }

  picture(id: string, size: 'image' | 'thumb'): Buffer | null {
    return this.images.webp(id, size);
  }

  overlayImage(id: string): Buffer | null {
    return this.images.overlayPng(id);
  }

  private problems(p: NewProduct, hasVariants = false): FieldProblem[] {
    const out: FieldProblem[] = [];
    const currency = p.currency.toUpperCase();
    if (!SKU.test(p.sku)) out.push({ field: 'sku', problem: 'must be 1-64 letters, digits, dot, dash or underscore' });
    const title = p.title.trim();
    const titleVerdict = checkText(title);
    if (!titleVerdict.ok) out.push({ field: 'title', problem: titleVerdict.message });
    else if (title.length > PRODUCT_TITLE_MAX) out.push({ field: 'title', problem: `must be 1-${PRODUCT_TITLE_MAX} printable characters` });
    // a description keeps its line breaks; the rest of the text rule holds
    const description = p.description ?? '';
    const descriptionVerdict = description.trim() ? checkText(description) : null;
    if (descriptionVerdict && !descriptionVerdict.ok) out.push({ field: 'description', problem: descriptionVerdict.message });
    if ((p.description ?? '').length > 5000) out.push({ field: 'description', problem: 'must be at most 5000 characters' });
    if (currencyExponents[currency] === undefined) out.push({ field: 'currency', problem: 'is not an ISO 4217 code Hawker supports' });
    if (!Number.isInteger(p.price) || p.price < 0 || p.price > MAX_MINOR) out.push({ field: 'price', problem: 'must be a whole number of minor units >= 0' });
    if (p.compareAtPrice != null && p.compareAtPrice <= p.price) out.push({ field: 'compareAtPrice', problem: 'must be higher than price' });
    if (!hasVariants && (p.stock === undefined || !Number.isInteger(p.stock) || p.stock < 0)) out.push({ field: 'stock', problem: 'must be a whole number >= 0' });
    return out;
  }
}

// ids are URL-safe base64 (the route checks them), so this stays inside the product's folder
const variantImageKey = (productId: string, variantId: string) => `${productId}/variants/${variantId}`;

const invalid = (problems: FieldProblem[]) => new HawkerError('INVALID_PRODUCT', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
