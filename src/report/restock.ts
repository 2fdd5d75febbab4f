export interface DemandInput {
  productId: string;
  title: string;
  mentions: number;
  demoRequests: number;
  orders: number;
  stockLeft: number;
}

export interface RestockRow {
  productId: string;
  title: string;
  demand: number;
  stockLeft: number;
  /** demand per unit left (+1, so an empty shelf is not a division by zero): higher restocks first */
  score: number;
}

/**
 * The restock signal: what the audience wanted (chat lines naming the product, demo requests
 * with their votes, orders) against the stock left now. Products nobody asked for are not
 * listed. Ties: the bigger demand first, then the title.
 */
export function restockSignal(products: readonly DemandInput[]): RestockRow[] {
  return products
    .map((p) => ({ productId: p.productId, title: p.title, demand: p.mentions + p.demoRequests + p.orders, stockLeft: p.stockLeft }))
    .filter((p) => p.demand > 0)
    .map((p) => ({ row: p, raw: p.demand / (p.stockLeft + 1) }))
    .sort((a, b) => b.raw - a.raw || b.row.demand - a.row.demand || a.row.title.localeCompare(b.row.title))
    .map(({ row, raw }) => ({ ...row, score: Math.round(raw * 1000) / 1000 }));
}
