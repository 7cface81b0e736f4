/** A rate's recent past as a small uPlot line, no axes: the shape matters, the number is printed beside it. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export function Sparkline({ series, width = 120, height = 26 }: { series: readonly number[]; width?: number; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = (): uPlot.AlignedData => [series.map((_, i) => i), [...series]];

  useEffect(() => {
    if (!host.current) return;
    plot.current = new uPlot(
      {
        width,
        height,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1e-6, max) * 1.15] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#3b82f6', width: 1.5, fill: 'rgba(59,130,246,0.15)', points: { show: false } }],
      },
      data(),
      host.current,
    );
    return () => plot.current?.destroy();
  }, []);

  useEffect(() => {
    plot.current?.setData(data());
  }, [series]);

  return <div class="spark" ref={host} title={series.length < 2 ? 'collecting…' : `last ${series.length} samples`} />;
}
