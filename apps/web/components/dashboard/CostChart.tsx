'use client';

/**
 * The monthly cost by storage class as a bar chart, one stacked segment per destination. This
 * module (and Chart.js with it, ~70 kB) is loaded only when the dashboard has S3 costs to show:
 * see CostPanel's `dynamic()` import. Only the pieces a bar chart needs are registered, so the
 * rest of Chart.js is left out of the bundle.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import type { ClassCost } from '../../lib/api-status';
import { formatMoney } from '../../lib/format';
import { formatTick } from './money';
import { useMediaQuery } from '../../lib/media-query';
import { storageClassLabel } from '../settings/storage-classes';
import styles from './dashboard.module.css';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Segment colours, from the theme's variables so that dark mode gets its own. */
const SERIES = ['--accent', '--info', '--ok', '--warn', '--danger', '--muted'];

export default function CostChart({
  costs,
  currency,
  label,
}: {
  costs: ClassCost[];
  currency: string;
  /** The chart's accessible name; the table beside it holds the figures. */
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Redrawn with the theme's colours when the system switches between light and dark.
  const dark = useMediaQuery('(prefers-color-scheme: dark)');

  useEffect(() => {
    if (!canvas.current) return;
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim() || '#888';
    const destinations = [
      ...new Set(costs.flatMap((c) => c.byDestination.map((d) => d.destination))),
    ];
    const config: ChartConfiguration<'bar', number[], string> = {
      type: 'bar',
      data: {
        labels: costs.map((c) => storageClassLabel(c.storageClass)),
        datasets: destinations.map((destination, i) => ({
          label: destination,
          data: costs.map(
            (c) => c.byDestination.find((d) => d.destination === destination)?.costPerMonth ?? 0,
          ),
          backgroundColor: color(SERIES[i % SERIES.length]!),
          borderRadius: 4,
          maxBarThickness: 28,
        })),
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        // Drawn again on every refetch and theme change: no animation to replay each time.
        animation: false,
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            ticks: { color: color('--muted'), callback: (v) => formatTick(Number(v), currency) },
            grid: { color: color('--border') },
          },
          y: {
            stacked: true,
            ticks: { color: color('--text') },
            grid: { display: false },
          },
        },
        plugins: {
          legend: {
            display: destinations.length > 1,
            position: 'bottom',
            labels: { color: color('--text'), boxWidth: 12 },
          },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label ?? ''}: ${formatMoney(item.parsed.x ?? 0, currency)} a month`,
            },
          },
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [costs, currency, dark]);

  return (
    <div className={styles.chartBox} style={{ height: `${4 + costs.length * 2.75}rem` }}>
      <canvas ref={canvas} role="img" aria-label={label} data-testid="cost-chart" />
    </div>
  );
}
