/**
 * Clicking the airway: a left-button press and release without dragging (dragging rotates) runs a vtk.js cell
 * picker restricted to the gold surfaces; the picked triangle's vertex nearest the hit gives the branch label.
 * Reports { viewport, vertex, position (LPS mm) } or null when the click missed. The picker is deleted by the
 * returned dispose function.
 */
import vtkCellPicker from '@kitware/vtk.js/Rendering/Core/CellPicker';
import { nearestVertexOfTriangle } from './nearest-vertex.ts';
import type { AirwayRenderWindow } from './render-window.ts';
import type { SurfaceActor } from './surface-actor.ts';

export interface PickResult {
  viewport: number;
  vertex: number;
  position: [number, number, number];
}

/** Press and release closer than this (display pixels) is a click, not a rotation. */
const CLICK_TOLERANCE = 4;

export function enablePicking(
  window3d: AirwayRenderWindow,
  surfaceOfViewport: (viewport: number) => SurfaceActor | undefined,
  onPick: (result: PickResult | null) => void,
): () => void {
  const picker = vtkCellPicker.newInstance();
  picker.setPickFromList(true);
  picker.setTolerance(0);
  let pressedAt: { x: number; y: number } | null = null;

  const press = window3d.interactor.onLeftButtonPress((event: { position: { x: number; y: number } }) => {
    pressedAt = { x: event.position.x, y: event.position.y };
  });
  const release = window3d.interactor.onLeftButtonRelease((event: { position: { x: number; y: number } }) => {
    const start = pressedAt;
    pressedAt = null;
    if (!start) return;
    const { x, y } = event.position;
    if (Math.hypot(x - start.x, y - start.y) > CLICK_TOLERANCE) return;
    const viewport = window3d.viewportAt(x);
    const surface = surfaceOfViewport(viewport);
    if (!surface || !surface.actor.getVisibility()) return onPick(null);
    picker.initializePickList();
    picker.addPickList(surface.actor);
    picker.pick([x, y, 0], window3d.renderers[viewport]);
    const cell = picker.getCellId();
    if (cell < 0 || picker.getActors().length === 0) return onPick(null);
    const position = picker.getPickPosition() as [number, number, number];
    const vertex = nearestVertexOfTriangle(surface.mesh.positions, surface.mesh.triangles, cell, position);
    onPick({ viewport, vertex, position: [position[0], position[1], position[2]] });
  });

  return () => {
    press.unsubscribe();
    release.unsubscribe();
    picker.delete();
  };
}
