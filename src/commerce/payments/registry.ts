import { HawkerError } from '../../domain/errors.js';
import type { PaymentGateway, PaymentProvider } from './port.js';

/**
 * The configured providers, in the order the page offers them; an order's provider is looked up
 * here by its `payment.provider`. Orders is handed each of them (useGateway) for refunds and
 * lapsed holds.
 */
export class PaymentGateways {
  private readonly byName = new Map<PaymentProvider, PaymentGateway>();

  constructor(gateways: readonly PaymentGateway[]) {
    for (const gateway of gateways) this.byName.set(gateway.provider, gateway);
  }

  /** the providers a viewer may choose */
  providers(): PaymentProvider[] {
    return [...this.byName.keys()];
  }

  all(): PaymentGateway[] {
    return [...this.byName.values()];
  }

  /** PAYMENT_UNAVAILABLE when the provider is not configured (any more) */
  get(provider: PaymentProvider | null): PaymentGateway {
    const gateway = provider === null ? undefined : this.byName.get(provider);
    if (!gateway) throw new HawkerError('PAYMENT_UNAVAILABLE', `payment provider ${provider ?? '(none)'} is not configured`);
    return gateway;
  }
}
