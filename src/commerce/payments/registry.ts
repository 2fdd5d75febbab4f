import { HawkerError } from '../../domain/errors.js';
import type { PayableOrder, PaymentGateway, PaymentProvider } from './port.js';

/**
 * The configured providers, chosen by the order's `payment.provider`. Orders calls `refund`
 * and `cancel` here without knowing which provider took the money.
 */
export class PaymentGateways {
  private readonly byName = new Map<PaymentProvider, PaymentGateway>();

  constructor(gateways: readonly PaymentGateway[]) {
    for (const gateway of gateways) this.byName.set(gateway.provider, gateway);
  }

  /** the providers a viewer may choose, in the configured order */
  providers(): PaymentProvider[] {
    return [...this.byName.keys()];
  }

  has(provider: PaymentProvider): boolean {
    return this.byName.has(provider);
  }

  /** PAYMENT_UNAVAILABLE when the provider is not configured */
  get(provider: PaymentProvider | null): PaymentGateway {
    const gateway = provider === null ? undefined : this.byName.get(provider);
    if (!gateway) throw new HawkerError('PAYMENT_UNAVAILABLE', `payment provider ${provider ?? '(none)'} is not configured`);
    return gateway;
  }

  /** money back through the provider that took it; an order without a provider has nothing to give back */
  async refund(order: PayableOrder): Promise<void> {
    if (order.payment.provider !== null) await this.get(order.payment.provider).refund(order);
  }

  /** the hold ran out or the order was cancelled: no provider may take money for it any more */
  async cancel(order: PayableOrder): Promise<void> {
    if (order.payment.provider !== null) await this.get(order.payment.provider).cancel(order);
  }
}
