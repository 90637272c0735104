// The product chooser, the chosen product's order book (20 levels a side) and its trades.
import { eurPerMwh, mw, utcSecond } from '../model/format.js';
import type { DashboardStore, Level } from '../model/store.js';
import { byId, esc, rowsHtml } from './dom.js';

const DEPTH = 20;
const TRADES = 100;

export class ProductView {
  /** The product shown; until someone chooses, the first with a non-empty book. */
  chosen: string | undefined;
  private chosenByUser = false;
  private readonly select = byId<HTMLSelectElement>('product');
  private optionsFor = '';

  constructor(
    private readonly store: () => DashboardStore,
    onChange: () => void,
    /** The product shown has trades a replay's snapshot left out: ask the player for them. */
    private readonly missingTrades: (productId: string) => void = () => {},
  ) {
    this.select.addEventListener('change', () => {
      this.chosen = this.select.value;
      this.chosenByUser = true;
      onChange();
    });
  }

  /** Draws what changed; `all` after a product switch or a reset. */
  render(views: ReadonlySet<string>, all = false): void {
    const store = this.store();
    if (!this.chosenByUser && (!this.chosen || !store.books.get(this.chosen)?.bids.length)) {
      const first = store.firstProductWithBook();
      if (first && first !== this.chosen) {
        this.chosen = first;
        all = true;
      }
    }
    const chosen = this.chosen ?? '';
    if (store.tradesOmitted.has(chosen)) this.missingTrades(chosen);
    if (all || views.has('products')) this.renderOptions(store);
    if (all || (views.has('book') && store.changedBooks.has(chosen))) this.renderBook(store);
    if (all || (views.has('trades') && store.changedTrades.has(chosen))) this.renderTrades(store);
  }

  private renderOptions(store: DashboardStore): void {
    const key = `${store.products.length}:${this.chosen}`;
    if (key === this.optionsFor) return;
    this.optionsFor = key;
    this.select.innerHTML = store.products
      .map((p) => `<option value="${esc(p)}"${p === this.chosen ? ' selected' : ''}>${esc(p)}</option>`)
      .join('');
    if (this.chosen) this.select.value = this.chosen;
  }

  private renderBook(store: DashboardStore): void {
    const book = this.chosen ? store.books.get(this.chosen) : undefined;
    const table = byId('book');
    table.dataset.productId = this.chosen ?? '';
    const bids = book?.bids.slice(0, DEPTH) ?? [];
    const asks = book?.asks.slice(0, DEPTH) ?? [];
    const rows: [Level | undefined, Level | undefined][] = [];
    for (let i = 0; i < Math.max(bids.length, asks.length); i++) rows.push([bids[i], asks[i]]);
    byId('book-body').innerHTML = rowsHtml(rows, ([b, a]) => [
      b ? b.orderCount : '',
      b ? mw(b.quantityLots) : '',
      b ? eurPerMwh(b.priceTicks) : '',
      a ? eurPerMwh(a.priceTicks) : '',
      a ? mw(a.quantityLots) : '',
      a ? a.orderCount : '',
    ]);
    byId('book-title').textContent = this.chosen
      ? `${this.chosen}: ${bids.length} bid and ${asks.length} ask levels` +
        (book?.lastTradePriceTicks !== undefined ? `, last ${eurPerMwh(book.lastTradePriceTicks)} €/MWh` : '')
      : 'no product yet';
  }

  private renderTrades(store: DashboardStore): void {
    const trades = (this.chosen ? (store.trades.get(this.chosen) ?? []) : []).slice(-TRADES).reverse();
    byId('trades').dataset.productId = this.chosen ?? '';
    byId('trades-body').innerHTML = rowsHtml(
      trades,
      (t) => [t.tradeId, utcSecond(t.timeMs), eurPerMwh(t.priceTicks), mw(t.quantityLots), t.aggressor],
      (t) => ({ 'data-trade-id': t.tradeId }),
    );
  }
}

export function renderTicker(store: DashboardStore): void {
  byId('ticker-body').innerHTML = rowsHtml(
    [...store.ticker].reverse(),
    (t) => [utcSecond(t.timeMs), t.productId, eurPerMwh(t.priceTicks), mw(t.quantityLots), t.aggressor],
    (t) => ({ 'data-trade-id': t.tradeId }),
  );
}
