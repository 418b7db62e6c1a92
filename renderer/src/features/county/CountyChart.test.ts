// @vitest-environment happy-dom
// A county chart with nothing to draw says so in a line (both locales) instead of drawing empty axes;
// one with a count to draw gets its canvas.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import { createAppI18n } from '../../i18n';
import type { ReportTable } from '@/domain/county/report';
import CountyChart from './CountyChart.vue';

let host: HTMLElement | null = null;
afterEach(() => host?.remove());

const table = (cells: ReportTable['rows'][number]['cells'][]): ReportTable => ({
  id: 't', title: { text: '筛查结果' }, rowHeader: { text: '儿童类别' }, columns: [{ text: '需关注' }, { text: '需尽快跟进' }],
  rows: cells.map((c, i) => ({ label: { text: `第${i + 1}类` }, cells: c })), totals: null, chart: 'bar',
});

async function render(t: ReportTable, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<HTMLElement> {
  host = document.createElement('div');
  document.body.append(host);
  const app = createApp(CountyChart, { table: t });
  app.use(createAppI18n(locale));
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
});
