// What the pages get from classic scripts: hls.js (hls.min.js, loaded before the modules), and
// Stripe.js (js.stripe.com/v3, added by viewer/payment.js only when the merchant uses Stripe).
import type Hls from 'hls.js';

declare global {
  /** the part of Stripe.js the buy sheet calls */
  type StripeJs = (publishableKey: string) => {
    elements(options: { clientSecret: string }): {
      create(kind: 'payment', options?: { layout?: 'tabs' | 'accordion' }): { mount(el: HTMLElement): void; destroy(): void };
    };
    confirmPayment(options: { elements: unknown; redirect: 'if_required'; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
  };
  interface Window {
    Hls?: typeof Hls;
    Stripe?: StripeJs;
  }
}
export {};
