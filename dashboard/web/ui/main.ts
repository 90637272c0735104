// The page: asks its server where NATS is and which run to show, subscribes, and redraws what
// changed once per animation frame. In a replay, a reset from the player starts a fresh store.
import 'uplot/dist/uPlot.min.css';
import '../style.css';
import { CONFIG_PATH, type DashboardConfig, type ReplayState } from '../../protocol.js';
import { DashboardStore } from '../model/store.js';
import { TradeRequests } from '../model/trade-requests.js';
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
  /** Wall time (ms since the epoch) at which each trade arrived, and at which it was first drawn. */
  tradeReceivedAt: Map<number, number>;
  tradeShownAt: Map<number, number>;
  frames: number;
  /** Main-thread time spent taking in messages, drawing tables and drawing charts (ms). */
  busyMs: { messages: number; tables: number; charts: number };
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
  let store = new DashboardStore(cfg.runId, cfg.replay?.interrupted);
  const probe: PageProbe = {
    store,
    tradeReceivedAt: new Map(),
    tradeShownAt: new Map(),
    frames: 0,
    busyMs: { messages: 0, tables: 0, charts: 0 },
  };
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
  // Products whose trades the page asks the replay player for, once per reset, a failed request
  // tried again a few times (model/trade-requests.ts).
  let tradeRequests: TradeRequests | undefined;
  const products = new ProductView(
    () => store,
    () => products.render(new Set(), true),
    (productId) => tradeRequests?.ask(productId),
  );
  const prices = new PriceChart(byId('price-chart'));
  const profits = new ProfitChart(byId('profit-chart'));

  // Tables are cheap to redraw at every frame; charts are redrawn at most every CHART_MS.
  const CHART_MS = 200;
  let chartsDrawnAt = 0;
  let chartsDue = new Set<string>();
  let chartTimer: ReturnType<typeof setTimeout> | undefined;
  function draw(views: ReadonlySet<string>, all: boolean): void {
    if (views.has('clock')) renderHeader(store);
    products.render(views, all);
    if (views.has('ticker')) renderTicker(store);
    if (views.has('agents')) renderAgents(store);
    if (views.has('results')) renderResults(store);
    for (const v of ['prices', 'agents']) if (views.has(v)) chartsDue.add(v);
    const wait = chartsDrawnAt + CHART_MS - performance.now();
    if (wait <= 0 || all) drawCharts();
    else chartTimer ??= setTimeout(drawCharts, wait);
  }
  function drawCharts(): void {
    clearTimeout(chartTimer);
    chartTimer = undefined;
    chartsDrawnAt = performance.now();
    if (chartsDue.has('prices')) prices.render(store);
    if (chartsDue.has('agents')) profits.render(store);
    chartsDue = new Set();
    probe.busyMs.charts += performance.now() - chartsDrawnAt;
  }

  let scheduled = false;
  let redrawAll = true;
  const frame = () => {
    scheduled = false;
    if (store.changed.size === 0) return;
    const views = new Set<string>(store.changed);
    store.changed.clear();
    const t0 = performance.now();
    draw(views, redrawAll);
    probe.busyMs.tables += performance.now() - t0;
    redrawAll = false;
    store.changedBooks.clear();
    store.changedTrades.clear();
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
      // Before the run starts its stream does not exist yet; the run-started event tries again.
      // After that, a failure is worth saying and trying again.
      if (!store.run) return;
      setStatus(`settlement stream: ${err.message}; retrying`, 'warn');
      setTimeout(readStream, 1_000);
    });
  };
  let controls: ReplayControls | undefined;
  const handlers: FeedHandlers = {
    message(subject, data) {
      const t0 = performance.now();
      store.apply(subject, data);
      if (subject.endsWith('.trades')) {
        const now = Date.now();
        for (const id of store.newTradeIds)
          if (!probe.tradeReceivedAt.has(id)) probe.tradeReceivedAt.set(id, now);
      }
      probe.busyMs.messages += performance.now() - t0;
      // The settlement stream exists once the run has started.
      if (subject.endsWith('.run') && (data as { event?: string }).event === 'started') readStream();
      schedule();
    },
    settlement(record) {
      store.onSettlement(record);
      schedule();
    },
    reset() {
      store = new DashboardStore(cfg.runId, cfg.replay?.interrupted);
      tradeRequests?.reset();
      probe.store = store;
      for (const v of all) store.changed.add(v as never);
      redrawAll = true;
      schedule();
    },
    snapshot(snapshot) {
      store.restore(snapshot);
      redrawAll = true;
      schedule();
    },
    trades(t) {
      store.restoreTrades(t.productId, t.trades);
      schedule();
    },
    replayState(state) {
      probe.replayState = state;
      controls?.show(state);
      // The header's clock follows the player, as the slider does.
      store.onReplayPosition(state.positionMs);
      schedule();
    },
    status: setStatus,
  };

  feed = await NatsFeed.open(cfg, handlers);
  setStatus(cfg.mode === 'live' ? 'live' : 'replay');
  if (cfg.mode === 'live') readStream();
  if (cfg.mode === 'replay' && cfg.replay) {
    const f = feed;
    // A request that may reset the page says which product it shows: the snapshot carries that
    // product's trades (and those of the product the page shows by itself), no other's.
    const send = (c: Parameters<NatsFeed['control']>[0]) => {
      const shown = products.chosen;
      const withProducts =
        (c.action === 'seek' || c.action === 'sync' || c.action === 'play') && shown
          ? { ...c, products: [shown] }
          : c;
      return f
        .control(withProducts)
        .then((s) => handlers.replayState(s))
        .catch((err: Error) => setStatus(`replay: ${err.message}`, 'error'));
    };
    tradeRequests = new TradeRequests({
      send: (productId) => f.control({ action: 'trades', productId }).then((s) => handlers.replayState(s)),
      onRetry: (productId, err, delayMs) =>
        setStatus(
          `replay: trades of ${productId}: ${err.message}; trying again in ${delayMs / 1000} s`,
          'warn',
        ),
      onRecovered: () => setStatus('replay'),
      onGiveUp: (productId, err, tries) =>
        setStatus(
          `replay: trades of ${productId} not received after ${tries} tries: ${err.message}; a seek asks again`,
          'error',
        ),
    });
    controls = new ReplayControls(cfg.replay, send);
    await send({ action: 'sync' });
  }
}

main().catch((err: Error) => {
  setStatus(`cannot start: ${err.message}`, 'error');
  console.error(err);
});
