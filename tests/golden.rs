//! PyTorch and ONNX conformance: runs every golden case made by real PyTorch
//! (`scripts/gen_golden.py`) or from ONNX's node tests and onnxruntime
//! (`scripts/gen_onnx.py`, under `tests/golden/onnx/`, whose ops carry ONNX's
//! names) through both `upsample::reference::<op>` and the public
//! `upsample::<op>`, and prints the cases passed per op and for ONNX.
//!
//! Cases are read from every `*.safetensors` under `tests/golden/`
//! (recursively) and, when the environment variable `UPSAMPLE_GOLDEN_DIR` is
//! set, from every `*.safetensors` under that folder too. The case format is
//! described at the top of `scripts/gen_golden.py`. Every case must pass:
//! an unknown op, param or tensor, or a malformed file, is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[path = "golden_runner/backward.rs"]
mod backward;
mod common;
#[path = "golden_runner/onnx_pool.rs"]
mod onnx_pool;

use common::{INDEX_SENTINEL, SENTINEL, logical_shape, same_or_close};
use safetensors::{Dtype, SafeTensors};
use serde_json::{Map, Value};
use upsample::{
    BlockMode, ConvTransposeOptions, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    PerAxis, UnpoolOptions,
};

// ---------------------------------------------------------------------------
// Reading cases
// ---------------------------------------------------------------------------

enum Data {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

struct Tensor {
    shape: Vec<usize>,
    data: Data,
}

impl Tensor {
    fn f32(&self, name: &str) -> Result<&[f32], String> {
        match &self.data {
            Data::F32(v) => Ok(v),
            Data::I64(_) => Err(format!("tensor `{name}` must be F32, found I64")),
        }
    }

    fn i64(&self, name: &str) -> Result<&[i64], String> {
        match &self.data {
            Data::I64(v) => Ok(v),
            Data::F32(_) => Err(format!("tensor `{name}` must be I64, found F32")),
        }
    }
}

struct Case {
    op: String,
    params: Params,
    atol: f64,
    rtol: f64,
    tensors: BTreeMap<String, Tensor>,
}

impl Case {
    fn load(path: &Path) -> Result<Case, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        let (_, header) =
            SafeTensors::read_metadata(&bytes).map_err(|e| format!("bad safetensors: {e}"))?;
        let file = SafeTensors::deserialize(&bytes).map_err(|e| format!("bad safetensors: {e}"))?;
        let meta = header
            .metadata()
            .as_ref()
            .ok_or("no string metadata (`op`, `params`, `atol`, `rtol`)")?;
        let get = |key: &str| {
            meta.get(key)
                .map(String::as_str)
                .ok_or(format!("metadata has no `{key}`"))
        };
        let op = get("op")?.to_string();
        let params: Value = serde_json::from_str(get("params")?)
            .map_err(|e| format!("metadata `params` is not JSON: {e}"))?;
        let Value::Object(params) = params else {
            return Err("metadata `params` is not a JSON object".into());
        };
        let tolerance = |key: &str| -> Result<f64, String> {
            let text = get(key)?;
            match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(format!("metadata `{key}` = {text:?} is not a decimal >= 0")),
            }
        };
        let (atol, rtol) = (tolerance("atol")?, tolerance("rtol")?);
        let mut tensors = BTreeMap::new();
        for (name, view) in file.iter() {
            let shape = view.shape().to_vec();
            let raw = view.data();
            let data = match view.dtype() {
                Dtype::F32 => Data::F32(
                    raw.chunks_exact(4)
                        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .collect(),
                ),
                Dtype::I64 => Data::I64(
                    raw.chunks_exact(8)
                        .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
                        .collect(),
                ),
                other => return Err(format!("tensor `{name}` has dtype {other:?}")),
            };
            tensors.insert(name.to_string(), Tensor { shape, data });
        }
        Ok(Case {
            op,
            params: Params::new(params),
            atol,
            rtol,
            tensors,
        })
    }

    /// Checks that the case holds exactly the tensors `required` plus any of
    /// `optional`.
    fn expect_tensors(&self, required: &[&str], optional: &[&str]) -> Result<(), String> {
        for name in required {
            if !self.tensors.contains_key(*name) {
                return Err(format!("missing tensor `{name}`"));
            }
        }
        for name in self.tensors.keys() {
            if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
                return Err(format!("unknown tensor `{name}` for op `{}`", self.op));
            }
        }
        Ok(())
    }

    fn tensor(&self, name: &str) -> Result<&Tensor, String> {
        self.tensors
            .get(name)
            .ok_or_else(|| format!("missing tensor `{name}`"))
    }
}

/// The `params` object, with every key read marked, so that a key nobody
/// reads is reported as unknown.
struct Params {
    map: Map<String, Value>,
    used: BTreeSet<String>,
}

impl Params {
    fn new(map: Map<String, Value>) -> Params {
        Params {
            map,
            used: BTreeSet::new(),
        }
    }

    /// The value of `key`; `None` when missing or null (PyTorch's default).
    fn get(&mut self, key: &str) -> Option<&Value> {
        self.used.insert(key.to_string());
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn finish(&self) -> Result<(), String> {
        let unknown: Vec<&str> = self
            .map
            .keys()
            .filter(|k| !self.used.contains(*k))
            .map(String::as_str)
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!("unknown params {unknown:?}"))
        }
    }

    /// An int or a list of ints.
    fn ints(&mut self, key: &str) -> Result<Option<Vec<usize>>, String> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let one = |v: &Value| {
            v.as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("param `{key}` = {value}: not a non-negative integer"))
        };
        match value {
            Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>().map(Some),
            v => Ok(Some(vec![one(v)?])),
        }
    }

    /// A single int (not a list).
    fn int(&mut self, key: &str) -> Result<Option<usize>, String> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("param `{key}` = {value}: not a non-negative integer"))
    }

    /// A number or a list of numbers.
    fn floats(&mut self, key: &str) -> Result<Option<Vec<f64>>, String> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let one = |v: &Value| {
            v.as_f64()
                .ok_or_else(|| format!("param `{key}` = {value}: not a number"))
        };
        match value {
            Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>().map(Some),
            v => Ok(Some(vec![one(v)?])),
        }
    }

    /// A list of integers of either sign.
    fn signed_ints(&mut self, key: &str) -> Result<Option<Vec<i64>>, String> {
        let Some(Value::Array(items)) = self.get(key).cloned() else {
            return match self.get(key) {
                None => Ok(None),
                Some(v) => Err(format!("param `{key}` = {v}: not a list")),
            };
        };
        items
            .iter()
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| format!("param `{key}`: {v} is not an integer"))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    fn boolean(&mut self, key: &str) -> Result<Option<bool>, String> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .as_bool()
            .map(Some)
            .ok_or_else(|| format!("param `{key}` = {value}: not a boolean"))
    }

    fn string(&mut self, key: &str) -> Result<Option<String>, String> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .as_str()
            .map(|s| Some(s.to_string()))
            .ok_or_else(|| format!("param `{key}` = {value}: not a string"))
    }

    fn layout(&mut self) -> Result<Layout, String> {
        match self.string("layout")?.as_deref() {
            None | Some("channels_first") => Ok(Layout::ChannelsFirst),
            Some("channels_last") => Ok(Layout::ChannelsLast),
            Some(other) => Err(format!("unknown layout {other:?}")),
        }
    }
}

/// The logical `(N, C, spatial...)` shape of a tensor stored physically in `layout`.
fn logical(physical: &[usize], layout: Layout, name: &str) -> Result<Vec<usize>, String> {
    if physical.len() < 3 {
        return Err(format!(
            "tensor `{name}` has shape {physical:?}: need (N, C, spatial...)"
        ));
    }
    Ok(logical_shape(physical, layout))
}

// ---------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------

/// Compares `got` with `want` element by element; `None` when every element
/// passes, else a description of the largest error.
fn compare(got: &[f32], want: &[f32], atol: f64, rtol: f64) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!("{} elements, want {}", got.len(), want.len()));
    }
    let mut failing = 0usize;
    let mut worst: Option<(f64, usize)> = None;
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        if !same_or_close(g, w, atol, rtol) {
            failing += 1;
            let err = (g as f64 - w as f64).abs();
            let err = if err.is_nan() { f64::INFINITY } else { err };
            if worst.is_none_or(|(e, _)| err > e) {
                worst = Some((err, i));
            }
        }
    }
    worst.map(|(err, i)| {
        format!(
            "largest error {err:e} at element {i} (got {}, want {}); {failing} of {} elements out of tolerance (atol {atol:e}, rtol {rtol:e})",
            got[i],
            want[i],
            want.len()
        )
    })
}

fn compare_indices(got: &[i64], want: &[i64]) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!("{} indices, want {}", got.len(), want.len()));
    }
    let wrong: Vec<usize> = (0..got.len()).filter(|&i| got[i] != want[i]).collect();
    wrong.first().map(|&i| {
        format!(
            "indices differ at {} of {} elements; first at element {i} (got {}, want {})",
            wrong.len(),
            want.len(),
            got[i],
            want[i]
        )
    })
}

/// What one implementation produced.
struct Produced {
    output: Vec<f32>,
    indices: Option<Vec<i64>>,
}

/// Runs `run` as `reference` and as `public` and checks both against the case.
fn check_both(
    case: &Case,
    want_indices: Option<&[i64]>,
    mut run: impl FnMut(bool) -> Result<Produced, upsample::Error>,
) -> Result<(), Vec<String>> {
    let want = case.tensor("output").and_then(|t| t.f32("output"));
    let want = want.map_err(|e| vec![e])?;
    let mut failures = Vec::new();
    for (reference, which) in [(true, "reference"), (false, "public")] {
        match run(reference) {
            Err(e) => failures.push(format!("{which}: returned error: {e}")),
            Ok(got) => {
                if let Some(msg) = compare(&got.output, want, case.atol, case.rtol) {
                    failures.push(format!("{which}: output: {msg}"));
                }
                if let (Some(got), Some(want)) = (&got.indices, want_indices)
                    && let Some(msg) = compare_indices(got, want)
                {
                    failures.push(format!("{which}: {msg}"));
                }
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// Checks a shape helper's answer against the case's logical output shape.
fn check_shape(
    helper: Result<upsample::Shape, upsample::Error>,
    want: &[usize],
) -> Result<(), String> {
    match helper {
        Err(e) => Err(format!("output-shape helper returned error: {e}")),
        Ok(s) if s.as_slice() == want => Ok(()),
        Ok(s) => Err(format!(
            "output-shape helper gives {:?}, case output is {want:?}",
            s.as_slice()
        )),
    }
}

// ---------------------------------------------------------------------------
// Running each op
// ---------------------------------------------------------------------------

/// The input and output of a case as (data, logical shape), and its layout.
struct Io<'a> {
    layout: Layout,
    input: &'a [f32],
    in_shape: Vec<usize>,
    out_shape: Vec<usize>,
    out_len: usize,
}

fn io<'a>(case: &'a Case, layout: Layout) -> Result<Io<'a>, String> {
    let input = case.tensor("input")?;
    let output = case.tensor("output")?;
    output.f32("output")?;
    Ok(Io {
        layout,
        input: input.f32("input")?,
        in_shape: logical(&input.shape, layout, "input")?,
        out_shape: logical(&output.shape, layout, "output")?,
        out_len: output.shape.iter().product(),
    })
}

fn err(e: String) -> Vec<String> {
    vec![e]
}

fn run_case(case: &mut Case) -> Result<(), Vec<String>> {
    match case.op.as_str() {
        "interpolate" => run_interpolate(case),
        "pixel_shuffle" | "pixel_unshuffle" => run_pixel(case),
        "max_pool" => run_max_pool(case),
        "max_unpool" | "avg_unpool" => run_unpool(case),
        "conv_transpose" => run_conv_transpose(case),
        "DepthToSpace" | "SpaceToDepth" => run_depth_space(case),
        "Resize" => run_resize(case),
        "MaxPool" => onnx_pool::run_max_pool(case),
        "MaxUnpool" => onnx_pool::run_max_unpool(case),
        "ConvTranspose" => onnx_pool::run_conv_transpose(case),
        "pixel_shuffle_backward" | "pixel_unshuffle_backward" => backward::run_pixel(case),
        "max_pool_backward" => backward::run_max_pool(case),
        "max_unpool_backward" | "avg_unpool_backward" => backward::run_unpool(case),
        "conv_transpose_backward" => backward::run_conv_transpose(case),
        "interpolate_backward" => backward::run_interpolate(case),
        other => Err(err(format!("unknown op {other:?}"))),
    }
}

/// `F.interpolate`'s keyword arguments, as a case's params give them.
struct InterpolateArgs {
    mode: InterpolateMode,
    size: Option<Vec<usize>>,
    scale_factor: Option<Vec<f64>>,
    align_corners: Option<bool>,
    recompute_scale_factor: Option<bool>,
    antialias: bool,
}

impl InterpolateArgs {
    fn parse(p: &mut Params) -> Result<InterpolateArgs, String> {
        let mode = match p.string("mode")? {
            None => InterpolateMode::Nearest,
            Some(name) => InterpolateMode::from_name(&name)
                .ok_or_else(|| format!("unknown interpolate mode {name:?}"))?,
        };
        Ok(InterpolateArgs {
            mode,
            size: p.ints("size")?,
            scale_factor: p.floats("scale_factor")?,
            align_corners: p.boolean("align_corners")?,
            recompute_scale_factor: p.boolean("recompute_scale_factor")?,
            antialias: p.boolean("antialias")?.unwrap_or(false),
        })
    }

    fn options(&self) -> InterpolateOptions {
        let mut opts = InterpolateOptions::new(self.mode);
        opts.size = self.size.as_deref().map(PerAxis::from);
        opts.scale_factor = self.scale_factor.as_deref().map(PerAxis::from);
        opts.align_corners = self.align_corners;
        opts.recompute_scale_factor = self.recompute_scale_factor;
        opts.antialias = self.antialias;
        opts
    }
}

fn run_interpolate(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output"], &[])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let args = InterpolateArgs::parse(p).map_err(err)?;
    p.finish().map_err(err)?;
    let opts = args.options();

    let io = io(case, layout).map_err(err)?;
    check_shape(
        upsample::interpolate_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let f = if reference {
            upsample::reference::interpolate
        } else {
            upsample::interpolate
        };
        f(io.input, &io.in_shape, io.layout, &opts, &mut out)?;
        Ok(Produced {
            output: out,
            indices: None,
        })
    })?;
    check_scratch_variant(case, io.out_len, |out| {
        let need = upsample::interpolate_scratch_len(&io.in_shape, io.layout, &opts)?;
        let mut scratch = vec![SENTINEL; need];
        upsample::interpolate_with_scratch(
            io.input,
            &io.in_shape,
            io.layout,
            &opts,
            out,
            &mut scratch,
        )
    })
}

/// The caller-scratch variant of an op (`run` writes `out_len` floats)
/// against the case's golden output, as [`check_both`] checks the op.
fn check_scratch_variant(
    case: &Case,
    out_len: usize,
    run: impl FnOnce(&mut [f32]) -> Result<(), upsample::Error>,
) -> Result<(), Vec<String>> {
    let want = case.tensor("output").and_then(|t| t.f32("output"));
    let want = want.map_err(|e| vec![e])?;
    let mut out = vec![SENTINEL; out_len];
    match run(&mut out) {
        Err(e) => Err(err(format!("with_scratch: returned error: {e}"))),
        Ok(()) => match compare(&out, want, case.atol, case.rtol) {
            Some(msg) => Err(err(format!("with_scratch: output: {msg}"))),
            None => Ok(()),
        },
    }
}

fn run_pixel(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output"], &[])
        .map_err(err)?;
    let shuffle = case.op == "pixel_shuffle";
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let key = if shuffle {
        "upscale_factor"
    } else {
        "downscale_factor"
    };
    let factor = p
        .int(key)
        .map_err(err)?
        .ok_or_else(|| err(format!("missing param `{key}`")))?;
    p.finish().map_err(err)?;

    let io = io(case, layout).map_err(err)?;
    let helper = if shuffle {
        upsample::pixel_shuffle_output_shape(&io.in_shape, factor)
    } else {
        upsample::pixel_unshuffle_output_shape(&io.in_shape, factor)
    };
    check_shape(helper, &io.out_shape).map_err(err)?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let f = match (shuffle, reference) {
            (true, true) => upsample::reference::pixel_shuffle,
            (true, false) => upsample::pixel_shuffle,
            (false, true) => upsample::reference::pixel_unshuffle,
            (false, false) => upsample::pixel_unshuffle,
        };
        f(io.input, &io.in_shape, io.layout, factor, &mut out)?;
        Ok(Produced {
            output: out,
            indices: None,
        })
    })
}

/// ONNX's `DepthToSpace` and `SpaceToDepth` (`scripts/gen_onnx.py`):
/// `blocksize` and `mode` as ONNX names them.
fn run_depth_space(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output"], &[])
        .map_err(err)?;
    let to_space = case.op == "DepthToSpace";
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let r = p
        .int("blocksize")
        .map_err(err)?
        .ok_or_else(|| err("missing param `blocksize`".into()))?;
    let mode = match p.string("mode").map_err(err)?.as_deref() {
        Some("DCR") => BlockMode::Dcr,
        Some("CRD") => BlockMode::Crd,
        other => return Err(err(format!("mode {other:?} is not DCR or CRD"))),
    };
    p.finish().map_err(err)?;

    let io = io(case, layout).map_err(err)?;
    let helper = if to_space {
        upsample::pixel_shuffle_output_shape(&io.in_shape, r)
    } else {
        upsample::pixel_unshuffle_output_shape(&io.in_shape, r)
    };
    check_shape(helper, &io.out_shape).map_err(err)?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let f = match (to_space, reference) {
            (true, true) => upsample::reference::depth_to_space,
            (true, false) => upsample::depth_to_space,
            (false, true) => upsample::reference::space_to_depth,
            (false, false) => upsample::space_to_depth,
        };
        f(io.input, &io.in_shape, io.layout, r, mode, &mut out)?;
        Ok(Produced {
            output: out,
            indices: None,
        })
    })
}

/// ONNX's `Resize` (`scripts/gen_onnx.py`): its attributes and its `roi`,
/// `scales` and `sizes` inputs, as ONNX names them.
fn run_resize(case: &mut Case) -> Result<(), Vec<String>> {
    use upsample::{
        CoordinateTransformationMode as Ctm, KeepAspectRatioPolicy as Keep, NearestMode,
        ResizeMode, ResizeOptions,
    };
    case.expect_tensors(&["input", "output"], &[])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let text = |p: &mut Params, key: &str| {
        p.string(key)?
            .ok_or_else(|| format!("missing param `{key}`"))
    };
    let mode = match text(p, "mode").map_err(err)?.as_str() {
        "nearest" => ResizeMode::Nearest,
        "linear" => ResizeMode::Linear,
        "cubic" => ResizeMode::Cubic,
        other => return Err(err(format!("unknown mode {other:?}"))),
    };
    let coordinates = match text(p, "coordinate_transformation_mode")
        .map_err(err)?
        .as_str()
    {
        "half_pixel" => Ctm::HalfPixel,
        "half_pixel_symmetric" => Ctm::HalfPixelSymmetric,
        "pytorch_half_pixel" => Ctm::PytorchHalfPixel,
        "align_corners" => Ctm::AlignCorners,
        "asymmetric" => Ctm::Asymmetric,
        "tf_crop_and_resize" => Ctm::TfCropAndResize,
        other => {
            return Err(err(format!(
                "unknown coordinate_transformation_mode {other:?}"
            )));
        }
    };
    let nearest_mode = match text(p, "nearest_mode").map_err(err)?.as_str() {
        "round_prefer_floor" => NearestMode::RoundPreferFloor,
        "round_prefer_ceil" => NearestMode::RoundPreferCeil,
        "floor" => NearestMode::Floor,
        "ceil" => NearestMode::Ceil,
        other => return Err(err(format!("unknown nearest_mode {other:?}"))),
    };
    let keep = match text(p, "keep_aspect_ratio_policy").map_err(err)?.as_str() {
        "stretch" => Keep::Stretch,
        "not_larger" => Keep::NotLarger,
        "not_smaller" => Keep::NotSmaller,
        other => return Err(err(format!("unknown keep_aspect_ratio_policy {other:?}"))),
    };
    let number = |p: &mut Params, key: &str| match p.floats(key)?.as_deref() {
        Some(&[v]) => Ok(v as f32),
        _ => Err(format!("param `{key}` must be one number")),
    };
    let cubic_coeff_a = number(p, "cubic_coeff_a").map_err(err)?;
    let extrapolation_value = number(p, "extrapolation_value").map_err(err)?;
    let exclude_outside = p.boolean("exclude_outside").map_err(err)?.unwrap_or(false);
    let antialias = p.boolean("antialias").map_err(err)?.unwrap_or(false);
    let axes = p.signed_ints("axes").map_err(err)?;
    let floats32 = |v: Option<Vec<f64>>| v.map(|v| v.iter().map(|&x| x as f32).collect::<Vec<_>>());
    let scales = floats32(p.floats("scales").map_err(err)?);
    let roi = floats32(p.floats("roi").map_err(err)?);
    let sizes = p.ints("sizes").map_err(err)?;
    p.finish().map_err(err)?;

    let opts = ResizeOptions {
        mode,
        scales: scales.as_deref(),
        sizes: sizes.as_deref(),
        roi: roi.as_deref(),
        axes: axes.as_deref(),
        coordinate_transformation_mode: coordinates,
        nearest_mode,
        cubic_coeff_a,
        exclude_outside,
        extrapolation_value,
        antialias,
        keep_aspect_ratio_policy: keep,
    };
    let io = io(case, layout).map_err(err)?;
    check_shape(
        upsample::resize_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let f = if reference {
            upsample::reference::resize
        } else {
            upsample::resize
        };
        f(io.input, &io.in_shape, io.layout, &opts, &mut out)?;
        Ok(Produced {
            output: out,
            indices: None,
        })
    })?;
    check_scratch_variant(case, io.out_len, |out| {
        let need = upsample::resize_scratch_len(&io.in_shape, io.layout, &opts)?;
        let mut scratch = vec![SENTINEL; need];
        upsample::resize_with_scratch(io.input, &io.in_shape, io.layout, &opts, out, &mut scratch)
    })
}

/// `F.max_poolNd`'s keyword arguments, as a case's params give them.
struct MaxPoolArgs {
    kernel: Vec<usize>,
    stride: Vec<usize>,
    padding: Vec<usize>,
    dilation: Vec<usize>,
    ceil_mode: bool,
}

impl MaxPoolArgs {
    fn parse(p: &mut Params) -> Result<MaxPoolArgs, String> {
        let kernel = p
            .ints("kernel_size")?
            .ok_or_else(|| "missing param `kernel_size`".to_string())?;
        let args = MaxPoolArgs {
            kernel,
            stride: p.ints("stride")?.unwrap_or_default(),
            padding: p.ints("padding")?.unwrap_or_else(|| vec![0]),
            dilation: p.ints("dilation")?.unwrap_or_else(|| vec![1]),
            ceil_mode: p.boolean("ceil_mode")?.unwrap_or(false),
        };
        if p.boolean("return_indices")? == Some(false) {
            return Err("max_pool cases need return_indices".into());
        }
        // Not a max_pool argument; tolerated only when unset (a writer that
        // lists every pooling param for every pool op).
        if p.get("output_size").is_some() {
            return Err("max_pool takes no `output_size`".into());
        }
        Ok(args)
    }

    fn options(&self) -> MaxPoolOptions<'_> {
        MaxPoolOptions::new(&self.kernel)
            .with_stride(&self.stride)
            .with_padding(&self.padding)
            .with_dilation(&self.dilation)
            .with_ceil_mode(self.ceil_mode)
    }
}

fn run_max_pool(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output", "indices"], &[])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let args = MaxPoolArgs::parse(p).map_err(err)?;
    p.finish().map_err(err)?;
    let opts = args.options();

    let io = io(case, layout).map_err(err)?;
    let indices = case.tensor("indices").map_err(err)?;
    let want_indices = indices.i64("indices").map_err(err)?;
    if indices.shape != case.tensors["output"].shape {
        return Err(err(format!(
            "indices shape {:?} differs from output shape {:?}",
            indices.shape, case.tensors["output"].shape
        )));
    }
    check_shape(
        upsample::max_pool_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_both(case, Some(want_indices), |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let mut idx = vec![INDEX_SENTINEL; io.out_len];
        let f = if reference {
            upsample::reference::max_pool
        } else {
            upsample::max_pool
        };
        f(io.input, &io.in_shape, io.layout, &opts, &mut out, &mut idx)?;
        Ok(Produced {
            output: out,
            indices: Some(idx),
        })
    })
}

/// `F.max_unpoolNd`'s keyword arguments (and avg_unpool's), as a case's
/// params give them.
struct UnpoolArgs {
    kernel: Vec<usize>,
    stride: Vec<usize>,
    padding: Vec<usize>,
    output_size: Option<Vec<usize>>,
}

impl UnpoolArgs {
    fn parse(p: &mut Params, op: &str) -> Result<UnpoolArgs, String> {
        let kernel = p
            .ints("kernel_size")?
            .ok_or_else(|| "missing param `kernel_size`".to_string())?;
        let args = UnpoolArgs {
            kernel,
            stride: p.ints("stride")?.unwrap_or_default(),
            padding: p.ints("padding")?.unwrap_or_else(|| vec![0]),
            output_size: p.ints("output_size")?,
        };
        // Pooling params unpooling does not take; tolerated only at their
        // defaults (a writer that lists every pooling param for every pool op).
        if p.ints("dilation")?
            .is_some_and(|d| d.iter().any(|&d| d != 1))
        {
            return Err(format!("{op} takes no `dilation` other than 1"));
        }
        if p.boolean("ceil_mode")? == Some(true) {
            return Err(format!("{op} takes no `ceil_mode`"));
        }
        Ok(args)
    }

    fn options(&self) -> UnpoolOptions<'_> {
        let opts = UnpoolOptions::new(&self.kernel)
            .with_stride(&self.stride)
            .with_padding(&self.padding);
        match &self.output_size {
            Some(size) => opts.with_output_size(size),
            None => opts,
        }
    }
}

fn run_unpool(case: &mut Case) -> Result<(), Vec<String>> {
    let max = case.op == "max_unpool";
    if max {
        case.expect_tensors(&["input", "output", "indices"], &[])
    } else {
        case.expect_tensors(&["input", "output"], &[])
    }
    .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let args = UnpoolArgs::parse(p, &case.op).map_err(err)?;
    p.finish().map_err(err)?;
    let opts = args.options();

    let io = io(case, layout).map_err(err)?;
    check_shape(
        upsample::unpool_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    let indices = if max {
        let t = case.tensor("indices").map_err(err)?;
        if t.shape != case.tensors["input"].shape {
            return Err(err(format!(
                "indices shape {:?} differs from input shape {:?}",
                t.shape, case.tensors["input"].shape
            )));
        }
        Some(t.i64("indices").map_err(err)?)
    } else {
        None
    };
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        match (indices, reference) {
            (Some(idx), true) => upsample::reference::max_unpool(
                io.input,
                idx,
                &io.in_shape,
                io.layout,
                &opts,
                &mut out,
            )?,
            (Some(idx), false) => {
                upsample::max_unpool(io.input, idx, &io.in_shape, io.layout, &opts, &mut out)?
            }
            (None, true) => {
                upsample::reference::avg_unpool(io.input, &io.in_shape, io.layout, &opts, &mut out)?
            }
            (None, false) => {
                upsample::avg_unpool(io.input, &io.in_shape, io.layout, &opts, &mut out)?
            }
        }
        Ok(Produced {
            output: out,
            indices: None,
        })
    })
}

/// `F.conv_transposeNd`'s keyword arguments, as a case's params give them.
struct ConvArgs {
    stride: Vec<usize>,
    padding: Vec<usize>,
    output_padding: Vec<usize>,
    groups: usize,
    dilation: Vec<usize>,
}

impl ConvArgs {
    fn parse(p: &mut Params) -> Result<ConvArgs, String> {
        Ok(ConvArgs {
            stride: p.ints("stride")?.unwrap_or_else(|| vec![1]),
            padding: p.ints("padding")?.unwrap_or_else(|| vec![0]),
            output_padding: p.ints("output_padding")?.unwrap_or_else(|| vec![0]),
            groups: p.int("groups")?.unwrap_or(1),
            dilation: p.ints("dilation")?.unwrap_or_else(|| vec![1]),
        })
    }

    fn options(&self) -> ConvTransposeOptions<'_> {
        ConvTransposeOptions::new()
            .with_stride(&self.stride)
            .with_padding(&self.padding)
            .with_output_padding(&self.output_padding)
            .with_groups(self.groups)
            .with_dilation(&self.dilation)
    }
}

fn run_conv_transpose(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output", "weight"], &["bias"])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let args = ConvArgs::parse(p).map_err(err)?;
    p.finish().map_err(err)?;
    let opts = args.options();

    let io = io(case, layout).map_err(err)?;
    let weight = case.tensor("weight").map_err(err)?;
    let weight_shape = weight.shape.clone();
    let weight = weight.f32("weight").map_err(err)?;
    let bias = match case.tensors.get("bias") {
        None => None,
        Some(t) => {
            if t.shape.len() != 1 {
                return Err(err(format!("bias has shape {:?}, want (C_out,)", t.shape)));
            }
            Some(t.f32("bias").map_err(err)?)
        }
    };
    check_shape(
        upsample::conv_transpose_output_shape(&io.in_shape, &weight_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    let scratch_len =
        upsample::conv_transpose_scratch_len(&io.in_shape, io.layout, &weight_shape, &opts)
            .map_err(|e| err(format!("conv_transpose_scratch_len returned error: {e}")))?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let mut scratch = vec![0.0f32; scratch_len];
        let f = if reference {
            upsample::reference::conv_transpose
        } else {
            upsample::conv_transpose
        };
        f(
            io.input,
            &io.in_shape,
            io.layout,
            weight,
            &weight_shape,
            bias,
            &opts,
            &mut out,
            &mut scratch,
        )?;
        Ok(Produced {
            output: out,
            indices: None,
        })
    })
}

// ---------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------

/// Every `*.safetensors` under `dir`, recursively, sorted.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "safetensors") {
            out.push(path);
        }
    }
    Ok(())
}

fn cases_in(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Err(e) = collect(dir, &mut files) {
        panic!("golden: {e}");
    }
    assert!(
        !files.is_empty(),
        "golden: no *.safetensors cases under {}",
        dir.display()
    );
    files
}

/// Writes straight to the process's stdout, past the test harness's
/// capture, so the summary shows in a plain `cargo test` run too.
fn say(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[test]
fn golden() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files = cases_in(&root);
    if let Some(dir) = std::env::var_os("UPSAMPLE_GOLDEN_DIR") {
        files.extend(cases_in(Path::new(&dir)));
    }

    // op -> (passed, total); failing file -> reasons.
    let mut per_op: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for path in &files {
        let (op, result) = match Case::load(path) {
            Err(e) => ("(unreadable)".to_string(), Err(vec![e])),
            Ok(mut case) => {
                let result = run_case(&mut case);
                (case.op, result)
            }
        };
        let entry = per_op.entry(op).or_default();
        entry.1 += 1;
        match result {
            Ok(()) => entry.0 += 1,
            Err(reasons) => failures.push((path.clone(), reasons)),
        }
    }

    let passed = files.len() - failures.len();
    let mut report = String::new();
    for (path, reasons) in &failures {
        let shown = path.strip_prefix(&root).unwrap_or(path);
        for reason in reasons {
            let _ = writeln!(report, "FAILED {}: {reason}", shown.display());
        }
    }
    for (op, (ok, total)) in &per_op {
        let _ = writeln!(report, "golden: {op}: {ok} of {total} cases passed");
    }
    // ONNX's operators are named as ONNX names them (`scripts/gen_onnx.py`).
    let onnx = |op: &String| op.starts_with(|c: char| c.is_ascii_uppercase());
    let (onnx_ok, onnx_total) = per_op
        .iter()
        .filter(|(op, _)| onnx(op))
        .fold((0, 0), |(a, b), (_, (ok, total))| (a + ok, b + total));
    let _ = writeln!(report, "onnx: {onnx_ok} of {onnx_total} cases passed");
    if failures.is_empty() {
        let _ = writeln!(report, "golden: {passed} cases passed");
        say(&report);
    } else {
        let _ = writeln!(
            report,
            "golden: {passed} of {} cases passed, {} failed",
            files.len(),
            failures.len()
        );
        say(&report);
        panic!(
            "golden: {} of {} cases failed (listed above)",
            failures.len(),
            files.len()
        );
    }
}
