import t from 'tap';

// The Storage screen's sizes (src/web/assets/admin/storage.js), run in Node: powers of 1024.
const { bytesText } = (await import(new URL('../../src/web/assets/admin/storage.js', import.meta.url).href)) as { bytesText(bytes: number): string };

t.test('sizes read as df -h has them', async (t) => {
  t.equal(bytesText(0), '0 bytes');
  t.equal(bytesText(1023), '1023 bytes');
  t.equal(bytesText(1024), '1.0 KB');
  t.equal(bytesText(1536), '1.5 KB');
  t.equal(bytesText(10 * 1024), '10 KB');
  t.equal(bytesText(1_676_489), '1.6 MB');
  t.equal(bytesText(74 * 1024 ** 3), '74 GB');
  t.equal(bytesText(3 * 1024 ** 5), '3072 TB', 'no unit past TB');
});
