// @vitest-environment happy-dom
// A county chart with nothing to draw says so in a line (both locales) instead of drawing empty axes;
// one with a count to draw gets its canvas.
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createApp, nextTick } from 'vue';
import { createAppI18n } from '../../i18n';
import type { ReportTable } from '@/domain/county/report';
import CountyChart from './CountyChart.vue';
import { Chart } from 'chart.js';

let host: HTMLElement | null = null;
afterEach(() => host?.remove());

const table = (cells: ReportTable['rows'][number]['cells'][]): ReportTable => ({
  id: 't', title: { text: '筛查结果' }, rowHeader: { text: '儿童类别' }, columns: [{ text: '需关注' }, { text: '需尽快跟进' }],
  rows: cells.map((c, i) => ({ label: { text: `第${i + 1}类` }, cells: c })), totals: null, chart: 'bar',
});

let i18n: ReturnType<typeof createAppI18n>;
async function render(t: ReportTable, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<HTMLElement> {
  host = document.createElement('div');
  document.body.append(host);
  const app = createApp(CountyChart, { table: t });
  i18n = createAppI18n(locale);
  app.use(i18n);
  app.mount(host);
  await nextTick();
  return host;
}

describe('CountyChart', () => {
  it('says there is nothing to draw when every cell is 0, "<5" or "—"', async () => {
    const el = await render(table([[0, '<5'], [null, 0]]));
    expect(el.querySelector('canvas')).toBeNull();
    expect(el.textContent).toContain('这张图没有可画的数');
    host!.remove();
    expect((await render(table([[0, '<5']]), 'en')).textContent).toContain('Nothing to draw in this chart');
  });
  it('draws a table with a count above 0', async () => {
    const el = await render(table([[0, '<5'], [7, 0]]));
    expect(el.querySelector('canvas')).not.toBeNull();
    expect(el.querySelector('[data-testid="county-chart-empty"]')).toBeNull();
  });

  it('words an empty chart for what it counts: sessions are not people, and "<5" is named only where a cell is hidden', async () => {
    const sessions: ReportTable = { ...table([[0, 0]]), id: 'activity-sessions' };
    let el = await render(sessions);
    expect(el.textContent).toContain('没有服务场次');
    expect(el.textContent).not.toMatch(/人|<5/);
    host!.remove();
    el = await render({ ...table([[0, 0]]), id: 'continuity-groups' });
    expect(el.textContent).toContain('全部是 0');
    expect(el.textContent).not.toContain('<5');
    host!.remove();
    el = await render({ ...table([[0, '<5']]), id: 'reach-groups' });
    expect(el.textContent).toContain('1 到 4 名儿童不显示');
  });

  /** happy-dom has no 2D canvas: a context that accepts every drawing call, so chart.js keeps its chart. */
  function acceptingCanvas() {
    const ctx = (canvas: HTMLCanvasElement): unknown =>
      new Proxy({}, { get: (_, p) => (p === 'canvas' ? canvas : p === 'measureText' ? () => ({ width: 10 }) : p === 'getImageData' ? () => ({ data: [] }) : () => undefined), set: () => true });
    const spy = vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
      return ctx(this) as CanvasRenderingContext2D;
    } as never);
    onTestFinished(() => spy.mockRestore());
  }

  it('counts in whole numbers on the count axis, also when many rows turn the bars across (the gap chart: centers)', async () => {
    acceptingCanvas();
    const scales = async (rows: number) => {
      host?.remove();
      const el = await render(table(Array.from({ length: rows }, (_, i) => [i % 2, 1])));
      const chart = Chart.getChart(el.querySelector('canvas')!)!;
      return { index: chart.options.indexAxis, x: chart.options.scales!.x!.ticks, y: chart.options.scales!.y!.ticks };
    };
    const across = await scales(12);
    expect(across.index).toBe('y');
    expect(across.x).toMatchObject({ precision: 0 });
    const upright = await scales(3);
    expect(upright.index).toBe('x');
    expect(upright.y).toMatchObject({ precision: 0 });
  });

  it('draws again in the new language when the language changes', async () => {
    acceptingCanvas();
    const el = await render({ ...table([[3, 9]]), columns: [{ k: 'county.m.open' }, { k: 'county.m.overdue' }], rows: [{ label: { k: 'group.migrant' }, cells: [3, 9] }] });
    const labels = () => {
      const chart = Chart.getChart(el.querySelector('canvas')!)!;
      return [...chart.data.datasets.map((d) => d.label), ...(chart.data.labels as string[])];
    };
    expect(labels()).toEqual(['未结束', '已逾期', '流动儿童']);
    i18n.global.locale.value = 'en';
    await nextTick();
    await nextTick();
    expect(labels()).toEqual(['Open', 'Overdue', 'Migrant']);
  });
});
