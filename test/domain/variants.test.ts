import t from 'tap';
import { variantChoiceLine, variantLabel, type Variant } from '../../src/domain/product.js';
import { variantProblems } from '../../src/domain/variants.js';

const size = { name: 'Size', values: ['S', 'M', 'L'] };
const colour = { name: 'Colour', values: ['Red', 'Blue'] };
const draft = (sku: string, options: Record<string, string>) => ({ sku, options, price: 1000, stock: 1 });
const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

t.test('valid options and variants have no problems', async (t) => {
  t.same(variantProblems([size, colour], [draft('A', { Size: 'S', Colour: 'Red' }), draft('B', { Size: 'M', Colour: 'Red' })]), []);
  t.same(variantProblems([], []), [], 'a product without variants');
});

t.test('each rule names its field', async (t) => {
  t.same(fields(variantProblems([size, colour, { name: 'Fit', values: ['x'] }, { name: 'Cut', values: ['y'] }], [])), ['options', 'variants']);
  t.same(fields(variantProblems([{ name: 'Size', values: [] }], [draft('A', {})])), ['options[0].values', 'variants[0].options.Size']);
  t.same(fields(variantProblems([{ name: 'Size', values: ['S', ' s'] }], [draft('A', { Size: 'S' })])), ['options[0].values[1]'], 'values compare without case or spaces');
  t.same(fields(variantProblems([size, { name: 'SIZE', values: ['x'] }], [draft('A', { Size: 'S', SIZE: 'x' })])), ['options[1].name']);
  t.same(fields(variantProblems([{ name: '\u202e', values: ['x'] }], [])), ['options[0].name', 'variants'], 'the text rule holds for names');
  t.same(fields(variantProblems([size], [draft('A', { Size: 'XL' })])), ['variants[0].options.Size']);
  t.same(fields(variantProblems([size], [draft('A', { Size: 'S', Colour: 'Red' })])), ['variants[0].options.Colour'], 'an option the product does not have');
  t.same(fields(variantProblems([size], [draft('A', { Size: 'S' }), draft('B', { Size: 'S' })])), ['variants[1].options'], 'the same combination twice');
  t.same(fields(variantProblems([size], [draft('A', { Size: 'S' }), draft('A', { Size: 'M' })])), ['variants[1].sku']);
  t.same(fields(variantProblems([size], [draft('a b', { Size: 'S' })])), ['variants[0].sku']);
  t.same(fields(variantProblems([size], [{ ...draft('A', { Size: 'S' }), price: 500, compareAtPrice: 400, stock: -1 }])), ['variants[0].compareAtPrice', 'variants[0].stock']);
  t.same(fields(variantProblems([{ name: 'constructor', values: ['x'] }], [draft('A', {})])), ['variants[0].options.constructor'], 'only own keys name a value');
  t.same(fields(variantProblems([], [draft('A', {})])), ['options']);
  const many = Array.from({ length: 101 }, (_, i) => draft(`V${i}`, { Size: 'S' }));
  t.ok(fields(variantProblems([size], many)).includes('variants'), 'at most 100 variants');
});

t.test('the label and the one-line choice', async (t) => {
  const v = (options: Record<string, string>): Variant => ({ id: 'v', productId: 'p', sku: 's', options, price: 1, compareAtPrice: null, stock: 1, stockVersion: 0, hasImage: false, createdAt: 0, updatedAt: 0 });
  t.equal(variantLabel([size, colour], v({ Colour: 'Red', Size: 'M' })), 'M / Red', 'in the order of the options');
  t.equal(variantChoiceLine({ options: [size], variants: [v({ Size: 'S' }), v({ Size: 'L' })] }), 'S · L');
  t.equal(variantChoiceLine({ options: [size, colour], variants: [v({ Size: 'S', Colour: 'Red' }), v({ Size: 'M', Colour: 'Blue' })] }), '2 sizes · 2 colours');
  t.equal(variantChoiceLine({ options: [{ name: 'Box', values: ['a', 'b'] }], variants: [v({ Box: 'a' })] }), 'a');
  t.equal(variantChoiceLine({ options: [{ name: 'Box', values: ['x'.repeat(40)] }, { name: 'Fits', values: ['y'] }], variants: [v({ Box: 'x'.repeat(40), Fits: 'y' })] }), '1 box · 1 fits');
  t.equal(variantChoiceLine({ options: [], variants: [] }), '');
});
