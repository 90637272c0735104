// The page: asks its server where NATS is and which run to show, subscribes, and redraws what
// changed once per animation frame. In a replay, a reset from the player starts a fresh store.
import 'uplot/dist/uPlot.min.css';
import '../style.css';
import { CONFIG_PATH, type DashboardConfig, type ReplayState } from '../../protocol.js';
import { DashboardStore } from '../model/store.js';
import { PriceChart, ProfitChart } from './charts.js';
import { byId } from './dom.js';
import { renderHeader, setStatus } from './header-view.js';
import { type FeedHandlers, NatsFeed } from './nats-feed.js';
import { ProductView, renderTicker } from './product-view.js';
import { ReplayControls } from './replay-controls.js';
import { renderAgents, renderResults } from './tables-view.js';

/** What tests and benchmarks read from the page (window.flexarenaDashboard). */
export interface PageProbe {
  store: DashboardStore;
  /** Wall time (ms since the epoch) at which each trade was first drawn. */
  tradeShownAt: Map<number, number>;
  frames: number;
  replayState?: ReplayState;
}

declare global {
  interface Window {
    flexarenaDashboard?: PageProbe;
  }
}

async function main(): Promise<void> {
  const cfg = (await (await fetch(CONFIG_PATH)).json()) as DashboardConfig;
  byId('run-id').textContent = cfg.runId;
  document.title = `FlexArena · ${cfg.runId}`;
  let store = new DashboardStore(cfg.runId);
  const probe: PageProbe = { store, tradeShownAt: new Map(), frames: 0 };
  window.flexarenaDashboard = probe;

  const all = new Set<string>([
    'clock',
    'products',
    'book',
    'trades',
    'prices',
    'agents',
    'results',
    'ticker',
  ]);
  const products = new ProductView(
    () => store,
    () => draw(new Set(['products', 'book', 'trades'])),
  );
  const prices = new PriceChart(byId('price-chart'));
  const profits = new ProfitChart(byId('profit-chart'));

  function draw(views: ReadonlySet<string>): void {
    if (views.has('clock')) renderHeader(store);
    products.render(views);
    if (views.has('ticker')) renderTicker(store);
    if (views.has('prices')) prices.render(store);
    if (views.has('agents')) {
      renderAgents(store);
      profits.render(store);
    }
    if (views.has('results')) renderResults(store);
  }

  let scheduled = false;
  const frame = () => {
    scheduled = false;
    if (store.changed.size === 0) return;
    const views = new Set<string>(store.changed);
    store.changed.clear();
    draw(views);
    probe.frames++;
    const now = Date.now();
    for (const id of store.newTradeIds) if (!probe.tradeShownAt.has(id)) probe.tradeShownAt.set(id, now);
    store.newTradeIds = [];
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(frame);
    }
  };
  addEventListener('resize', () => {
    prices.resize();
    profits.resize();
  });

  let readingStream = false;
  let feed: NatsFeed | undefined;
  const readStream = () => {
    if (readingStream || !feed || cfg.mode !== 'live') return;
    readingStream = true;
    feed.readSettlementStream(handlers).catch((err: Error) => {
      readingStream = false;
      setStatus(`settlement stream not readable yet: ${err.message}`, 'warn');
    });
  };
  let controls: ReplayControls | undefined;
  const handlers: FeedHandlers = {
    message(subject, data) {
      store.apply(subject, data);
      // The settlement stream exists once the run has started.
      if (subject.endsWith('.run') && (data as { event?: string }).event === 'started') readStream();
      schedule();
    },
    settlement(record) {
      store.onSettlement(record);
      schedule();
    },
    reset() {
      store = new DashboardStore(cfg.runId);
      probe.store = store;
      for (const v of all) store.changed.add(v as never);
      schedule();
    },
    replayState(state) {
      probe.replayState = state;
      controls?.show(state);
    },
    status: setStatus,
  };

  feed = await NatsFeed.open(cfg, handlers);
  setStatus(cfg.mode === 'live' ? 'live' : 'replay');
  if (cfg.mode === 'live') readStream();
  if (cfg.mode === 'replay' && cfg.replay) {
    const f = feed;
    const send = (c: Parameters<NatsFeed['control']>[0]) =>
      f
        .control(c)
        .then((s) => handlers.replayState(s))
        .catch((err: Error) => setStatus(`replay: ${err.message}`, 'error'));
    controls = new ReplayControls(cfg.replay, send);
    await send({ action: 'sync' });
  }
}

main().catch((err: Error) => {
  setStatus(`cannot start: ${err.message}`, 'error');
  console.error(err);
});
