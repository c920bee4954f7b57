//! ONNX's `MaxPool`, `MaxUnpool` and `ConvTranspose` golden cases
//! (`scripts/gen_onnx.py`): their attributes as ONNX names them, run
//! through `upsample::reference::onnx_<op>` and the public
//! `upsample::onnx::<op>`.

use super::{Case, Params, Produced, check_both, check_shape, err, io};
use crate::common::{INDEX_SENTINEL, SENTINEL};
use upsample::onnx::{
    AutoPad, ConvTransposeOptions, MaxPoolOptions, MaxUnpoolOptions, StorageOrder,
};

/// `kernel_shape`, `strides` and `pads` (every case writes them out).
fn window(p: &mut Params) -> Result<[Vec<usize>; 3], String> {
    let mut list = |key: &str| p.ints(key)?.ok_or_else(|| format!("missing param `{key}`"));
    Ok([list("kernel_shape")?, list("strides")?, list("pads")?])
}

/// ONNX's `auto_pad` by name.
fn auto_pad(name: Option<String>) -> Result<AutoPad, String> {
    match name.as_deref() {
        None | Some("NOTSET") => Ok(AutoPad::NotSet),
        Some("SAME_UPPER") => Ok(AutoPad::SameUpper),
        Some("SAME_LOWER") => Ok(AutoPad::SameLower),
        Some("VALID") => Ok(AutoPad::Valid),
        Some(other) => Err(format!("unknown auto_pad {other:?}")),
    }
}

/// ONNX's `MaxPool`, with or without its `Indices` output.
pub(super) fn run_max_pool(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output"], &["indices"])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let [kernel, strides, pads] = window(p).map_err(err)?;
    let dilations = p.ints("dilations").map_err(err)?.unwrap_or_default();
    let auto_pad = auto_pad(p.string("auto_pad").map_err(err)?).map_err(err)?;
    let ceil_mode = p.boolean("ceil_mode").map_err(err)?.unwrap_or(false);
    let storage_order = match p.int("storage_order").map_err(err)? {
        None | Some(0) => StorageOrder::RowMajor,
        Some(1) => StorageOrder::ColumnMajor,
        Some(other) => return Err(err(format!("storage_order {other}"))),
    };
    p.finish().map_err(err)?;
    let opts = MaxPoolOptions::new(&kernel)
        .with_strides(&strides)
        .with_pads(&pads)
        .with_dilations(&dilations)
        .with_auto_pad(auto_pad)
        .with_ceil_mode(ceil_mode)
        .with_storage_order(storage_order);

    let io = io(case, layout).map_err(err)?;
    let want_indices = match case.tensors.get("indices") {
        None => None,
        Some(t) => {
            if t.shape != case.tensors["output"].shape {
                return Err(err(format!(
                    "indices shape {:?} differs from output shape {:?}",
                    t.shape, case.tensors["output"].shape
                )));
            }
            Some(t.i64("indices").map_err(err)?)
        }
    };
    check_shape(
        upsample::onnx::max_pool_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_both(case, want_indices, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let mut idx = vec![INDEX_SENTINEL; io.out_len];
        let f = if reference {
            upsample::reference::onnx_max_pool
        } else {
            upsample::onnx::max_pool
        };
        f(io.input, &io.in_shape, io.layout, &opts, &mut out, &mut idx)?;
        Ok(Produced {
            output: out,
            indices: Some(idx),
        })
    })
}

/// ONNX's `MaxUnpool`, `output_shape` (the whole shape) as a param.
pub(super) fn run_max_unpool(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "indices", "output"], &[])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let [kernel, strides, pads] = window(p).map_err(err)?;
    let output_shape = p.ints("output_shape").map_err(err)?;
    p.finish().map_err(err)?;
    let mut opts = MaxUnpoolOptions::new(&kernel)
        .with_strides(&strides)
        .with_pads(&pads);
    if let Some(shape) = &output_shape {
        opts = opts.with_output_shape(shape);
    }

    let io = io(case, layout).map_err(err)?;
    let t = case.tensor("indices").map_err(err)?;
    if t.shape != case.tensors["input"].shape {
        return Err(err(format!(
            "indices shape {:?} differs from input shape {:?}",
            t.shape, case.tensors["input"].shape
        )));
    }
    let indices = t.i64("indices").map_err(err)?;
    check_shape(
        upsample::onnx::max_unpool_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let mut scratch = vec![INDEX_SENTINEL; io.input.len()];
        let f = if reference {
            upsample::reference::onnx_max_unpool
        } else {
            upsample::onnx::max_unpool
        };
        f(
            io.input,
            indices,
            &io.in_shape,
            io.layout,
            &opts,
            &mut scratch,
            &mut out,
        )?;
        Ok(Produced {
            output: out,
            indices: None,
        })
    })
}

/// ONNX's `ConvTranspose`: its attributes (empty lists for ONNX's
/// defaults), the weight and bias in ONNX's layout.
pub(super) fn run_conv_transpose(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["input", "output", "weight"], &["bias"])
        .map_err(err)?;
    let p = &mut case.params;
    let layout = p.layout().map_err(err)?;
    let mut list = |key: &str| -> Result<Vec<usize>, Vec<String>> {
        Ok(p.ints(key).map_err(err)?.unwrap_or_default())
    };
    let kernel = list("kernel_shape")?;
    let strides = list("strides")?;
    let pads = list("pads")?;
    let dilations = list("dilations")?;
    let output_padding = list("output_padding")?;
    let output_shape = list("output_shape")?;
    let group = p.int("group").map_err(err)?.unwrap_or(1);
    let auto_pad = auto_pad(p.string("auto_pad").map_err(err)?).map_err(err)?;
    p.finish().map_err(err)?;
    let opts = ConvTransposeOptions::new()
        .with_kernel_shape(&kernel)
        .with_strides(&strides)
        .with_pads(&pads)
        .with_dilations(&dilations)
        .with_output_padding(&output_padding)
        .with_output_shape(&output_shape)
        .with_group(group)
        .with_auto_pad(auto_pad);

    let io = io(case, layout).map_err(err)?;
    let weight = case.tensor("weight").map_err(err)?;
    let weight_shape = weight.shape.clone();
    let weight = weight.f32("weight").map_err(err)?;
    let bias = match case.tensors.get("bias") {
        None => None,
        Some(t) => Some(t.f32("bias").map_err(err)?),
    };
    check_shape(
        upsample::onnx::conv_transpose_output_shape(&io.in_shape, &weight_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    let scratch_len =
        upsample::onnx::conv_transpose_scratch_len(&io.in_shape, io.layout, &weight_shape, &opts)
            .map_err(|e| err(format!("conv_transpose_scratch_len returned error: {e}")))?;
    check_both(case, None, |reference| {
        let mut out = vec![SENTINEL; io.out_len];
        let mut scratch = vec![0.0f32; scratch_len];
        let f = if reference {
            upsample::reference::onnx_conv_transpose
        } else {
            upsample::onnx::conv_transpose
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
