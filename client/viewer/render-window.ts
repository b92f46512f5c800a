/**
 * One WebGL render window in a container, split into side-by-side viewports (one per evaluation in compare mode)
 * that share ONE camera, so rotating any of them turns them all. Owns every vtk.js object it creates and deletes
 * each in `dispose()`.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkCamera from '@kitware/vtk.js/Rendering/Core/Camera';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';

export type Bounds = [number, number, number, number, number, number];

export interface AirwayRenderWindow {
  readonly renderers: vtkRenderer[];
  readonly interactor: vtkRenderWindowInteractor;
  /** The viewport index under a display position (x from the left, in render-window pixels). */
  viewportAt(x: number): number;
  render(): void;
  /** Frames everything that is visible, in every viewport, seen from the patient's front (LPS: -y). */
  resetCamera(): void;
  resize(): void;
  dispose(): void;
}

const BACKGROUND: [number, number, number] = [0.106, 0.122, 0.153];

function unionBounds(renderers: vtkRenderer[]): Bounds | null {
  const all = renderers.map((r) => r.computeVisiblePropBounds() as Bounds).filter((b) => b[0] <= b[1]);
  if (!all.length) return null;
  return [0, 1, 2].flatMap((axis) => [Math.min(...all.map((b) => b[2 * axis])), Math.max(...all.map((b) => b[2 * axis + 1]))]) as Bounds;
}

export function createRenderWindow(container: HTMLElement, viewports: number): AirwayRenderWindow {
  const renderWindow = vtkRenderWindow.newInstance();
  const view = vtkOpenGLRenderWindow.newInstance();
  renderWindow.addView(view);
  view.setContainer(container);
  const camera = vtkCamera.newInstance();
  const renderers: vtkRenderer[] = [];
  for (let i = 0; i < viewports; i++) {
    const renderer = vtkRenderer.newInstance({ background: BACKGROUND });
    renderer.setViewport(i / viewports, 0, (i + 1) / viewports, 1);
    renderer.setActiveCamera(camera);
    renderWindow.addRenderer(renderer);
    renderers.push(renderer);
  }
  const interactor = vtkRenderWindowInteractor.newInstance();
  const style = vtkInteractorStyleTrackballCamera.newInstance();
  interactor.setView(view);
  interactor.initialize();
  interactor.bindEvents(container);
  interactor.setInteractorStyle(style);

  const resize = () => {
    const { width, height } = container.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    view.setSize(Math.max(1, Math.floor(width * ratio)), Math.max(1, Math.floor(height * ratio)));
    renderWindow.render();
  };
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();

  return {
    renderers,
    interactor,
    viewportAt(x) {
      const [width] = view.getSize();
      return Math.min(viewports - 1, Math.max(0, Math.floor((x / Math.max(1, width)) * viewports)));
    },
    render: () => renderWindow.render(),
    resetCamera() {
      const bounds = unionBounds(renderers);
      if (!bounds) return;
      const centre = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2];
      camera.setFocalPoint(centre[0], centre[1], centre[2]);
      camera.setPosition(centre[0], centre[1] - 1, centre[2]); // anterior view: the patient faces us
      camera.setViewUp(0, 0, 1); // superior up
      renderers[0].resetCamera(bounds);
      for (const r of renderers) r.resetCameraClippingRange(bounds);
      renderWindow.render();
    },
    resize,
    dispose() {
      observer.disconnect();
      interactor.unbindEvents();
      interactor.delete();
      style.delete();
      for (const r of renderers) {
        renderWindow.removeRenderer(r);
        r.delete();
      }
      camera.delete();
      renderWindow.removeView(view);
      view.delete();
      renderWindow.delete();
      container.replaceChildren();
    },
  };
}
