/**
 * A surface mesh as a vtk.js actor: positions, triangles and smooth normals in a vtkPolyData, optionally coloured
 * per vertex (direct RGB scalars) — the gold-standard airway coloured by branch result — or in one colour with an
 * opacity (the leakage). Every vtk.js object made here is deleted by `dispose()`.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import { hexToRgb } from './branch-colours.ts';
import type { TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';
import { triangleCells, vertexNormals } from './vertex-normals.ts';

export interface SurfaceActor {
  readonly actor: vtkActor;
  readonly mesh: TriangleMesh;
  /** Per-vertex RGB (3 bytes each), or null for the single colour. */
  setVertexColours(colours: Uint8Array | null): void;
  setVisible(visible: boolean): void;
  dispose(): void;
}

export interface SurfaceOptions {
  colour: string;
  opacity?: number;
  vertexColours?: Uint8Array;
}

const DIRECT_SCALARS = 2; // vtkMapper ColorMode.DIRECT_SCALARS: RGB bytes are the colours
const USE_POINT_DATA = 1; // vtkMapper ScalarMode.USE_POINT_DATA

export function createSurfaceActor(mesh: TriangleMesh, options: SurfaceOptions): SurfaceActor {
  const polyData = vtkPolyData.newInstance();
  polyData.getPoints().setData(mesh.positions, 3);
  polyData.getPolys().setData(triangleCells(mesh.triangles));
  const normals = vtkDataArray.newInstance({ name: 'Normals', numberOfComponents: 3, values: vertexNormals(mesh.positions, mesh.triangles) });
  polyData.getPointData().setNormals(normals);
  let colours: ReturnType<typeof vtkDataArray.newInstance> | null = null;

  const mapper = vtkMapper.newInstance();
  mapper.setInputData(polyData);
  mapper.setColorMode(DIRECT_SCALARS);
  mapper.setScalarMode(USE_POINT_DATA);
  const actor = vtkActor.newInstance();
  actor.setMapper(mapper);
  const property = actor.getProperty();
  property.setColor(...(hexToRgb(options.colour).map((c) => c / 255) as [number, number, number]));
  property.setOpacity(options.opacity ?? 1);
  property.setAmbient(0.15);
  property.setDiffuse(0.85);
  property.setSpecular(0.15);
  property.setSpecularPower(20);

  // one colour array, refilled on a mode change: the mapper keeps a reference to the array it last drew with
  const setVertexColours = (rgb: Uint8Array | null) => {
    if (rgb && !colours) {
      colours = vtkDataArray.newInstance({ name: 'BranchColours', numberOfComponents: 3, values: rgb });
      polyData.getPointData().setScalars(colours);
    } else if (rgb && colours) {
      colours.setData(rgb, 3);
      colours.modified();
    }
    mapper.setScalarVisibility(rgb !== null);
    polyData.modified();
  };
  setVertexColours(options.vertexColours ?? null);

  return {
    actor,
    mesh,
    setVertexColours,
    setVisible: (visible) => actor.setVisibility(visible),
    dispose() {
      actor.delete();
      mapper.delete();
      colours?.delete();
      normals.delete();
      polyData.delete();
    },
  };
}
