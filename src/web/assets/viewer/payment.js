// Paying for a placed order: the providers the merchant configured (GET /api/checkout), the
// manual provider's instructions, and Stripe: Stripe.js is loaded from js.stripe.com only when
// Stripe is configured (the page's CSP allows it only then), the Payment Element collects the
// card, and a saved card pays with one tap. The order turns paid from Stripe's signed webhook
// on the server, never from this page: after paying, the page waits for the order to say so.
import { el } from '../ui.js';
import { api } from './identity.js';

/** @typedef {import('../../wire.js').CheckoutConfig} CheckoutConfig */
/** @typedef {import('../../wire.js').PaymentStart} PaymentStart */
/** @typedef {Extract<PaymentStart, { provider: 'stripe' }>} StripeStart */

/** @type {Promise<CheckoutConfig> | null} */
let config = null;
/** what the merchant offers: fetched once per page */
export function checkoutConfig() {
  config ??= /** @type {Promise<CheckoutConfig>} */ (api('GET', '/api/checkout')).catch(() => {
    // unreachable now: offer the provider every shop has (the order route refuses what is not
    // offered, PAYMENT_UNAVAILABLE, in words next to the choice), and ask again next time
    config = null;
    return { providers: ['manual'], holdMinutes: 10, manualInstructions: '', stripePublishableKey: null, shipping: {}, taxPercent: 0 };
  });
  return config;
}

/** how each provider is offered */
export const providerText = { manual: 'Pay on delivery or by bank transfer', stripe: 'Card' };

/** starts (or starts again) the payment of a pending order @param {string} orderId @returns {Promise<PaymentStart>} */
export const startPayment = (orderId) => api('POST', `/api/orders/${encodeURIComponent(orderId)}/payment`, {});

/** one tap: a card Stripe has on file for this viewer @param {string} orderId @param {string} paymentMethodId */
export const payWithSaved = (orderId, paymentMethodId) => api('POST', `/api/orders/${encodeURIComponent(orderId)}/payment/saved`, { paymentMethodId });

/** "Visa •••• 4242" @param {{ brand: string, last4: string }} m */
export const cardText = (m) => `${m.brand ? m.brand[0]?.toUpperCase() + m.brand.slice(1) : 'Card'} •••• ${m.last4}`;

/** @type {Promise<StripeJs> | null} */
let stripeJs = null;
/** Stripe.js, added to the page the first time a card payment needs it @returns {Promise<StripeJs>} */
function loadStripeJs() {
  stripeJs ??= new Promise((resolve, reject) => {
    if (window.Stripe) return resolve(window.Stripe);
    const script = el('script', { src: 'https://js.stripe.com/v3', async: true });
    script.addEventListener('load', () => (window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not load'))));
    script.addEventListener('error', () => {
      stripeJs = null;
      reject(new Error('the card form could not load: check your connection'));
    });
    document.head.append(script);
  });
  return stripeJs;
}

/**
 * The Payment Element for an order's PaymentIntent, mounted in `host`; `pay()` confirms it
 * without leaving the page (cards that need 3-D Secure show Stripe's own frame) and resolves
 * with the problem in words, or null when Stripe accepted it.
 * @param {HTMLElement} host @param {StripeStart} start
 */
export async function mountCardForm(host, start) {
  const Stripe = await loadStripeJs();
  const stripe = Stripe(start.publishableKey);
  const elements = stripe.elements({ clientSecret: start.clientSecret });
  const payment = elements.create('payment', { layout: 'tabs' });
  payment.mount(host);
  return {
    /** @returns {Promise<string | null>} */
    pay: async () => {
      const result = await stripe.confirmPayment({ elements, redirect: 'if_required', confirmParams: { return_url: location.href } });
      return result.error ? result.error.message ?? 'The payment did not go through' : null;
    },
    destroy: () => payment.destroy(),
  };
}
