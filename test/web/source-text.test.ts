import t from 'tap';

// The cockpit's words for the host's stream under the preview, run in Node.
interface PreviewModule {
  describeSource(s: { width: number; height: number; fps: number | null; audio: boolean }): string;
}
const { describeSource } = (await import(new URL('../../src/web/assets/admin/preview.js', import.meta.url).href)) as PreviewModule;

t.test('the source under the preview: size, shape, frame rate, audio', async (t) => {
  t.equal(describeSource({ width: 720, height: 1280, fps: 30, audio: true }), '720x1280 portrait, 30 fps, audio');
  t.equal(describeSource({ width: 1920, height: 1080, fps: 29.97, audio: false }), '1920x1080 landscape, 29.97 fps, no audio (silence is added)');
  t.equal(describeSource({ width: 720, height: 720, fps: null, audio: true }), '720x720 square, audio');
});
