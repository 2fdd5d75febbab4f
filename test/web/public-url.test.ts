import t from 'tap';

// The panel's check for an unset public URL (the default http://localhost:8080), run in Node.
interface PublicUrlModule {
  isLocalOnly(url: string): boolean;
}
const { isLocalOnly } = (await import(new URL('../../src/web/assets/admin/public-url.js', import.meta.url).href)) as PublicUrlModule;

t.test('a public URL only this machine can open is flagged', async (t) => {
  for (const url of ['http://localhost:8080', 'http://LOCALHOST', 'http://app.localhost:8080', 'http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:8080', 'http://0.0.0.0:8080', '', 'not a url']) {
    t.equal(isLocalOnly(url), true, url || '(empty)');
  }
  for (const url of ['https://live.example.com', 'http://192.168.1.20:8080', 'http://shop.local:8080', 'https://localhost.example.com', 'http://[2001:db8::1]:8080', 'http://127.0.0.1.example.net']) {
    t.equal(isLocalOnly(url), false, url);
  }
});
