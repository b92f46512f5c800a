/**
 * What one viewport shows: the gold-standard airway surface, coloured per vertex by its branch's result (or by
 * generation), and the prediction's leakage as a semi-transparent amber surface. Owns its two surface actors and
 * removes and disposes them in `dispose()`.
 */
import type vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import type { ViewerBranch } from '../api/types.ts';
import { GOLD_ONLY_COLOUR, LEAKAGE_COLOUR, LEAKAGE_OPACITY, branchesById, vertexColours, type ColourMode } from './branch-colours.ts';
import { triangleCount, type TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';
import { createSurfaceActor, type SurfaceActor } from './surface-actor.ts';

export type Layer = 'gold' | 'leakage';

export interface AirwayScene {
  readonly gold: SurfaceActor;
  readonly leakage: SurfaceActor | null;
  readonly branches: ReadonlyMap<number, ViewerBranch>;
  /** The branch of a gold-surface vertex, if it has one. */
  branchOfVertex(vertex: number): ViewerBranch | undefined;
  setColourMode(mode: ColourMode): void;
  setLayerVisible(layer: Layer, visible: boolean): void;
  dispose(): void;
}

export function createAirwayScene(renderer: vtkRenderer, goldMesh: TriangleMesh, leakageMesh: TriangleMesh | null, branchList: readonly ViewerBranch[], mode: ColourMode): AirwayScene {
  const branches = branchesById(branchList);
  const colours = (m: ColourMode) => (goldMesh.labels ? vertexColours(goldMesh.labels, branches, m) : undefined);
  const gold = createSurfaceActor(goldMesh, { colour: GOLD_ONLY_COLOUR, vertexColours: colours(mode) });
  renderer.addActor(gold.actor);
  const leakage = leakageMesh && triangleCount(leakageMesh) > 0 ? createSurfaceActor(leakageMesh, { colour: LEAKAGE_COLOUR, opacity: LEAKAGE_OPACITY }) : null;
  if (leakage) renderer.addActor(leakage.actor);

  return {
    gold,
    leakage,
    branches,
    branchOfVertex(vertex) {
      const label = goldMesh.labels?.[vertex] ?? 0;
      return label ? branches.get(label) : undefined;
    },
    setColourMode(next) {
      gold.setVertexColours(colours(next) ?? null);
    },
    setLayerVisible(layer, visible) {
      (layer === 'gold' ? gold : leakage)?.setVisible(visible);
    },
    dispose() {
      renderer.removeActor(gold.actor);
      gold.dispose();
      if (leakage) {
        renderer.removeActor(leakage.actor);
        leakage.dispose();
      }
    },
  };
}
