// What the pages get from classic scripts: hls.js (hls.min.js, loaded before the modules).
import type Hls from 'hls.js';

declare global {
  interface Window {
    Hls?: typeof Hls;
  }
}
export {};
