// The two charts, drawn with uPlot: the prices of the day per delivery quarter-hour (day-ahead,
// CID VWAP, imbalance price), growing as results come in, and each agent's cumulative profit.
import uPlot from 'uplot';
import type { DashboardStore } from '../model/store.js';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Time axis labels in 24-hour UTC, with the date where the day changes. */
const timeAxis: uPlot.Axis = {
  values: (_u, splits) =>
    splits.map((s, i) => {
      const iso = new Date(s * 1000).toISOString();
      const prev = i > 0 ? new Date(splits[i - 1]! * 1000).toISOString().slice(0, 10) : '';
      return iso.slice(0, 10) === prev ? iso.slice(11, 16) : `${iso.slice(11, 16)}\n${iso.slice(5, 10)}`;
    }),
};

function width(el: HTMLElement): number {
  return Math.max(320, el.clientWidth - 8);
}

export class PriceChart {
  readonly plot: uPlot;

  constructor(private readonly el: HTMLElement) {
    this.plot = new uPlot(
      {
        width: width(el),
        height: 260,
        scales: { x: { time: true } },
        series: [
          { label: 'delivery (UTC)' },
          { label: 'day-ahead', stroke: COLOURS[0], width: 1.5 },
          { label: 'CID VWAP', stroke: COLOURS[1], width: 1.5 },
          { label: 'imbalance', stroke: COLOURS[3], width: 1 },
        ],
        axes: [timeAxis, { label: '€/MWh', size: 60 }],
        legend: { live: true },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      },
      [[], [], [], []],
      el,
    );
  }

  render(store: DashboardStore): void {
    this.plot.setData(store.priceColumns() as uPlot.AlignedData);
  }

  resize(): void {
    this.plot.setSize({ width: width(this.el), height: 260 });
  }
}

export class ProfitChart {
  private plot: uPlot | undefined;
  private agents = '';

  constructor(private readonly el: HTMLElement) {}

  render(store: DashboardStore): void {
    const key = store.agentOrder.join(',');
    if (key !== this.agents) {
      // The agents are known from the run-started event; the series are made once for them.
      this.agents = key;
      this.plot?.destroy();
      this.plot = new uPlot(
        {
          width: width(this.el),
          height: 200,
          scales: { x: { time: true } },
          series: [
            { label: 'settled (UTC)' },
            ...store.agentOrder.map((id, i) => ({
              label: id,
              stroke: COLOURS[i % COLOURS.length],
              width: 1.5,
            })),
          ],
          axes: [timeAxis, { label: 'cumulative profit €', size: 70 }],
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        },
        store.profitColumns() as uPlot.AlignedData,
        this.el,
      );
      return;
    }
    this.plot?.setData(store.profitColumns() as uPlot.AlignedData);
  }

  resize(): void {
    this.plot?.setSize({ width: width(this.el), height: 200 });
  }
}
