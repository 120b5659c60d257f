//! 3D meshes and point clouds (the Mesh tab), as PyTorch's `summary.mesh`: one tensor value per part
//! (vertices, faces, colors), each tagged `<tag>_<PART>` with the mesh plugin's header.
use crate::error::{Error, Result};
use crate::proto::plugins::MeshPluginData;
use crate::proto::{TensorProto, TensorShapeProto, Value, DT_FLOAT};
use crate::summary::plugin_value;
use prost::Message;

/// A batch of meshes: `batch` meshes of the same number of vertices (and faces), one after the
/// other. Without faces it is a point cloud.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mesh<'a> {
    /// The vertices' (x, y, z), `batch` × N.
    pub vertices: &'a [[f32; 3]],
    /// An RGB color per vertex, or none.
    pub colors: Option<&'a [[u8; 3]]>,
    /// Triangles as indices of a mesh's vertices (0 ≤ index < N), `batch` × F, or none.
    pub faces: Option<&'a [[u32; 3]]>,
    /// How many meshes (1 unless set).
    pub batch: usize,
    /// The scene's configuration for three.js (camera, lights, material), as JSON text; `None`:
    /// `{}`, as PyTorch's `config_dict=None`.
    pub config: Option<&'a str>,
}

impl<'a> Mesh<'a> {
    /// One mesh (or point cloud) of `vertices`.
    pub fn new(vertices: &'a [[f32; 3]]) -> Mesh<'a> {
        Mesh { vertices, colors: None, faces: None, batch: 1, config: None }
    }

    /// A color per vertex.
    pub fn colors(self, colors: &'a [[u8; 3]]) -> Mesh<'a> {
        Mesh { colors: Some(colors), ..self }
    }

    /// Triangles.
    pub fn faces(self, faces: &'a [[u32; 3]]) -> Mesh<'a> {
        Mesh { faces: Some(faces), ..self }
    }

    /// `batch` meshes in one (the vertices, colors and faces split evenly).
    pub fn batch(self, batch: usize) -> Mesh<'a> {
        Mesh { batch, ..self }
    }

    /// The scene configuration (JSON).
    pub fn config(self, json: &'a str) -> Mesh<'a> {
        Mesh { config: Some(json), ..self }
    }
}

const VERTEX: i32 = 1;
const FACE: i32 = 2;
const COLOR: i32 = 3;

fn part_name(content_type: i32) -> &'static str {
    match content_type {
        VERTEX => "VERTEX",
        FACE => "FACE",
        _ => "COLOR",
    }
}

/// `batch` parts of `len` entries: (batch, len / batch, 3) if they divide evenly.
fn shape_of(what: &str, len: usize, batch: usize) -> Result<[i32; 3]> {
    let per = len / batch.max(1);
    let (Ok(b), Ok(p)) = (i32::try_from(batch), i32::try_from(per)) else {
        return Err(Error::invalid(format!("mesh: {len} {what} are too many")));
    };
    if batch == 0 || per == 0 || per * batch != len {
        return Err(Error::invalid(format!("mesh: {len} {what} are not {batch} meshes' worth")));
    }
    Ok([b, p, 3])
}

/// PyTorch's `summary.mesh(tag, vertices, colors, faces, config_dict)`: values for vertices, faces
/// and colors (those given), all stored as float32 tensors as PyTorch does. Vertices must be
/// finite, colors one per vertex, face indices within their mesh.
pub fn mesh(tag: &str, m: &Mesh<'_>) -> Result<Vec<Value>> {
    let vshape = shape_of("vertices", m.vertices.len(), m.batch)?;
    if m.vertices.iter().flatten().any(|v| !v.is_finite()) {
        return Err(Error::invalid(format!("mesh {tag}: a vertex coordinate is not finite")));
    }
    let mut parts: Vec<(i32, [i32; 3], Vec<f32>)> =
        vec![(VERTEX, vshape, m.vertices.iter().flatten().copied().collect())];
    if let Some(faces) = m.faces {
        let fshape = shape_of("faces", faces.len(), m.batch)?;
        if let Some(f) = faces.iter().find(|f| f.iter().any(|&i| i as i64 >= vshape[1] as i64)) {
            return Err(Error::invalid(format!(
                "mesh {tag}: face {f:?} names a vertex beyond {}",
                vshape[1]
            )));
        }
        parts.push((FACE, fshape, faces.iter().flatten().map(|&i| i as f32).collect()));
    }
    if let Some(colors) = m.colors {
        if colors.len() != m.vertices.len() {
            return Err(Error::invalid(format!(
                "mesh {tag}: {} colors for {} vertices",
                colors.len(),
                m.vertices.len()
            )));
        }
        parts.push((COLOR, vshape, colors.iter().flatten().map(|&c| c as f32).collect()));
    }
    let components = parts.iter().fold(0u32, |a, (ct, _, _)| a | 1 << ct);
    let json_config = m.config.unwrap_or("{}").to_string();
    Ok(parts
        .into_iter()
        .map(|(content_type, shape, values)| {
            let header = MeshPluginData {
                version: 0,
                name: tag.into(),
                content_type,
                json_config: json_config.clone(),
                shape: shape.to_vec(),
                components,
            };
            let tensor = TensorProto {
                dtype: DT_FLOAT,
                tensor_shape: Some(TensorShapeProto::of(&shape.map(i64::from))),
                float_val: values,
                ..Default::default()
            };
            let name = format!("{tag}_{}", part_name(content_type));
            plugin_value(&name, "mesh", header.encode_to_vec(), tensor)
        })
        .collect())
}
