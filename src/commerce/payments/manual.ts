import type { PayableOrder, PaymentGateway, PaymentStart, SavedMethod, SavedPayment } from './port.js';
import { HawkerError } from '../../domain/errors.js';

/**
 * Cash on delivery or bank transfer: no money moves through Hawker. The viewer is shown the
 * merchant's instructions; the merchant marks the order paid in the panel (Orders.markPaid), and
 * refunds it outside Hawker.
 */
export class ManualGateway implements PaymentGateway {
  readonly provider = 'manual' as const;

  /** `instructions`: checkout.manualInstructions, read when asked (the page shows what is configured now) */
  constructor(private readonly instructions: () => string) {}

  start(): Promise<{ start: PaymentStart; reference: null }> {
    return Promise.resolve({ start: { provider: 'manual', instructions: this.instructions() }, reference: null });
  }

  savedMethods(): Promise<SavedMethod[]> {
    return Promise.resolve([]);
  }

  payWithSaved(order: PayableOrder): Promise<{ payment: SavedPayment; reference: string }> {
    return Promise.reject(new HawkerError('PAYMENT_METHOD_NOT_FOUND', `order ${order.id} is paid by hand (manual): there are no saved methods`));
  }

  /** the merchant gave the money back by hand; nothing to tell a provider */
  refund(): Promise<void> {
    return Promise.resolve();
  }

  cancel(): Promise<void> {
    return Promise.resolve();
  }
}
