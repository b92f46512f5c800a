/**
 * Three orthogonal CT slices (axial, coronal, sagittal) through one physical point, each a canvas at voxel
 * resolution scaled by CSS to the right aspect, with the gold-standard and prediction outlines and a crosshair.
 * Clicking a slice or moving its slider (keyboard-usable) moves the point; `setPoint` follows a point picked in
 * 3D. Volumes are swapped in place when a finer pyramid level arrives.
 */
import { field, h } from '../dom.ts';
import { renderSlice, type Plane, type SliceSource } from './slice-image.ts';
import { clampIndex, indexToPhysical, physicalToIndex } from './voxel-index.ts';
import type { SliceVolume } from '../../contract/viewer/volume-format.ts';

export interface SliceVolumes {
  ct: SliceVolume;
  gold?: SliceVolume;
  prediction?: SliceVolume;
}

export interface SliceView {
  readonly element: HTMLElement;
  setVolumes(volumes: SliceVolumes): void;
  setPoint(point: readonly number[]): void;
  dispose(): void;
}

const PLANES: Array<{ plane: Plane; label: string; fixedAxis: number }> = [
  { plane: 'axial', label: 'Axial', fixedAxis: 2 },
  { plane: 'coronal', label: 'Coronal', fixedAxis: 1 },
  { plane: 'sagittal', label: 'Sagittal', fixedAxis: 0 },
];
const CROSSHAIR = 'rgba(255, 77, 77, 0.8)';

export function createSliceView(initial: SliceVolumes, initialPoint: readonly number[]): SliceView {
  let volumes = initial;
  let point = [...initialPoint];
  const panels = PLANES.map(({ plane, label, fixedAxis }) => {
    const canvas = h('canvas', { role: 'img', 'aria-label': `${label} CT slice with outlines`, 'data-plane': plane });
    const slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0 });
    const caption = h('span', {});
    const figure = h('figure', { class: 'slice' }, canvas, h('figcaption', {}, h('strong', {}, label), caption));
    const wrapper = h('div', {}, figure, field(`${label} slice`, slider));
    return { plane, label, fixedAxis, canvas, slider, caption, wrapper };
  });

  function index(): [number, number, number] {
    return clampIndex(volumes.ct.header, physicalToIndex(volumes.ct.header, point));
  }

  function draw(): void {
    const ijk = index();
    const source = (v?: SliceVolume): SliceSource | undefined => (v ? { size: v.header.size, spacing: v.header.spacing, data: v.voxels } : undefined);
    for (const panel of panels) {
      const image = renderSlice(panel.plane, ijk[panel.fixedAxis], source(volumes.ct)!, source(volumes.gold), source(volumes.prediction));
      panel.canvas.width = image.width;
      panel.canvas.height = image.height;
      panel.canvas.style.aspectRatio = `${image.width} / ${image.height * image.pixelAspect}`;
      const context = panel.canvas.getContext('2d');
      if (!context) continue;
      context.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
      // crosshair at the point's in-plane position
      const axes = panel.plane === 'axial' ? [0, 1] : panel.plane === 'coronal' ? [0, 2] : [1, 2];
      const flip = panel.plane !== 'axial';
      const x = ijk[axes[0]] + 0.5;
      const y = (flip ? image.height - 1 - ijk[axes[1]] : ijk[axes[1]]) + 0.5;
      context.strokeStyle = CROSSHAIR;
      context.lineWidth = Math.max(0.5, image.width / 512);
      context.beginPath();
      context.moveTo(x, 0);
      context.lineTo(x, image.height);
      context.moveTo(0, y);
      context.lineTo(image.width, y);
      context.stroke();
      panel.slider.max = String(volumes.ct.header.size[panel.fixedAxis] - 1);
      panel.slider.value = String(ijk[panel.fixedAxis]);
      panel.caption.textContent = `${ijk[panel.fixedAxis] + 1} / ${volumes.ct.header.size[panel.fixedAxis]}${volumes.ct.header.level ? ` · level ${volumes.ct.header.level}` : ''}`;
    }
  }

  const listeners: Array<() => void> = [];
  for (const panel of panels) {
    const onSlide = () => {
      const ijk = index();
      ijk[panel.fixedAxis] = Number(panel.slider.value);
      point = indexToPhysical(volumes.ct.header, ijk);
      draw();
    };
    const onClick = (event: MouseEvent) => {
      const rect = panel.canvas.getBoundingClientRect();
      const a = Math.floor(((event.clientX - rect.left) / rect.width) * panel.canvas.width);
      const b = Math.floor(((event.clientY - rect.top) / rect.height) * panel.canvas.height);
      const ijk = index();
      const axes = panel.plane === 'axial' ? [0, 1] : panel.plane === 'coronal' ? [0, 2] : [1, 2];
      ijk[axes[0]] = a;
      ijk[axes[1]] = panel.plane === 'axial' ? b : panel.canvas.height - 1 - b;
      point = indexToPhysical(volumes.ct.header, ijk);
      draw();
    };
    panel.slider.addEventListener('input', onSlide);
    panel.canvas.addEventListener('click', onClick);
    listeners.push(() => {
      panel.slider.removeEventListener('input', onSlide);
      panel.canvas.removeEventListener('click', onClick);
    });
  }

  const element = h(
    'section',
    { 'aria-label': 'CT slices' },
    h('div', { class: 'slices' }, panels.map((p) => p.wrapper)),
    h(
      'p',
      { class: 'small muted' },
      'Lung window (W 1500 / L −600). Outlines: ',
      h('span', { class: 'swatch', style: 'background:#ffd400' }),
      ' gold standard, ',
      h('span', { class: 'swatch', style: 'background:#29b6f6' }),
      ' prediction (largest component), ',
      h('span', { class: 'swatch', style: 'background:#fff' }),
      ' both. Click a slice to move the crosshair.',
    ),
  );
  draw();

  return {
    element,
    setVolumes(next) {
      volumes = next;
      draw();
    },
    setPoint(next) {
      point = [...next];
      draw();
    },
    dispose() {
      for (const remove of listeners) remove();
    },
  };
}
