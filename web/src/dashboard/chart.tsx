import { useEffect, useRef } from 'react';
import { echarts, type ChartOption } from './echarts-setup';

/**
 * One ECharts chart. Series are told apart by decal patterns as well as colour (ECharts' aria
 * decals), every chart carries a text label, and each panel also shows its figures as a table.
 * `data-rendered` turns "yes" once ECharts has drawn the current option.
 */
export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('finished', () => el.setAttribute('data-rendered', 'yes'));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    box.current?.setAttribute('data-rendered', 'no');
    chart.current?.setOption({ aria: { enabled: true, label: { enabled: false }, decal: { show: true } }, animation: false, ...option }, { notMerge: true });
  }, [option]);

  // The label is ours (ECharts' generated description reads poorly); the canvas itself is hidden from assistive technology.
  return (
    <div className="chart-frame" role="img" aria-label={label}>
      <div ref={box} className="chart" aria-hidden="true" style={{ height }} data-rendered="no" />
    </div>
  );
}
