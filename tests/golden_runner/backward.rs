//! The backward ops' golden cases (`scripts/gen_golden_backward.py`): each
//! run through `upsample::reference::<op>_backward` and the public
//! `upsample::<op>_backward`, every expected gradient compared.

use super::{
    Case, ConvArgs, InterpolateArgs, MaxPoolArgs, Params, UnpoolArgs, check_shape, compare, err,
    logical,
};
use crate::common::SENTINEL;
use upsample::Layout;

/// The gradients one implementation produced, by tensor name.
type Gradients = Vec<(&'static str, Vec<f32>)>;

/// A case's `grad_output` and its logical shape, and the logical shape of
/// its expected `grad_input`.
struct Grads<'a> {
    layout: Layout,
    grad_output: &'a [f32],
    out_shape: Vec<usize>,
    in_shape: Vec<usize>,
    in_len: usize,
}

fn grads<'a>(case: &'a Case, layout: Layout) -> Result<Grads<'a>, String> {
    let grad_output = case.tensor("grad_output")?;
    let grad_input = case.tensor("grad_input")?;
    grad_input.f32("grad_input")?;
    Ok(Grads {
        layout,
        grad_output: grad_output.f32("grad_output")?,
        out_shape: logical(&grad_output.shape, layout, "grad_output")?,
        in_shape: logical(&grad_input.shape, layout, "grad_input")?,
        in_len: grad_input.shape.iter().product(),
    })
}

/// The params' layout, then `parse`, then no unknown params left.
fn params<T>(
    p: &mut Params,
    parse: impl FnOnce(&mut Params) -> Result<T, String>,
) -> Result<(Layout, T), Vec<String>> {
    let layout = p.layout().map_err(err)?;
    let args = parse(p).map_err(err)?;
    p.finish().map_err(err)?;
    Ok((layout, args))
}

/// Runs `run` as the reference and as the public op and compares each
/// gradient it returns with the case's tensor of that name.
fn check_gradients(
    case: &Case,
    mut run: impl FnMut(bool) -> Result<Gradients, upsample::Error>,
) -> Result<(), Vec<String>> {
    let mut failures = Vec::new();
    for (reference, which) in [(true, "reference"), (false, "public")] {
        compare_gradients(case, which, run(reference), &mut failures);
    }
    no_failures(failures)
}

/// `Ok` if `failures` is empty, else the failures.
fn no_failures(failures: Vec<String>) -> Result<(), Vec<String>> {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// Each gradient `result` produced (by the entry point `which`) against the
/// case's golden tensor of its name; a line per mismatch into `failures`.
fn compare_gradients(
    case: &Case,
    which: &str,
    result: Result<Gradients, upsample::Error>,
    failures: &mut Vec<String>,
) {
    match result {
        Err(e) => failures.push(format!("{which}: returned error: {e}")),
        Ok(produced) => {
            for (name, got) in produced {
                let want = case.tensor(name).and_then(|t| t.f32(name));
                match want {
                    Err(e) => failures.push(e),
                    Ok(want) => {
                        if let Some(msg) = compare(&got, want, case.atol, case.rtol) {
                            failures.push(format!("{which}: {name}: {msg}"));
                        }
                    }
                }
            }
        }
    }
}

/// `pixel_shuffle_backward` and `pixel_unshuffle_backward`.
pub fn run_pixel(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["grad_output", "grad_input"], &[])
        .map_err(err)?;
    let shuffle = case.op == "pixel_shuffle_backward";
    let key = if shuffle {
        "upscale_factor"
    } else {
        "downscale_factor"
    };
    let (layout, factor) = params(&mut case.params, |p| {
        p.int(key)?.ok_or_else(|| format!("missing param `{key}`"))
    })?;
    let io = grads(case, layout).map_err(err)?;
    let helper = if shuffle {
        upsample::pixel_shuffle_output_shape(&io.in_shape, factor)
    } else {
        upsample::pixel_unshuffle_output_shape(&io.in_shape, factor)
    };
    check_shape(helper, &io.out_shape).map_err(err)?;
    check_gradients(case, |reference| {
        let mut gi = vec![SENTINEL; io.in_len];
        let f = match (shuffle, reference) {
            (true, true) => upsample::reference::pixel_shuffle_backward,
            (true, false) => upsample::pixel_shuffle_backward,
            (false, true) => upsample::reference::pixel_unshuffle_backward,
            (false, false) => upsample::pixel_unshuffle_backward,
        };
        f(io.grad_output, &io.in_shape, io.layout, factor, &mut gi)?;
        Ok(vec![("grad_input", gi)])
    })
}

/// The case's `indices`, which must have the shape of tensor `like`.
fn indices<'a>(case: &'a Case, like: &str) -> Result<&'a [i64], String> {
    let t = case.tensor("indices")?;
    let like_shape = &case.tensor(like)?.shape;
    if &t.shape != like_shape {
        return Err(format!(
            "indices shape {:?} differs from {like} shape {like_shape:?}",
            t.shape
        ));
    }
    t.i64("indices")
}

/// `max_pool_backward`.
pub fn run_max_pool(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["grad_output", "grad_input", "indices"], &[])
        .map_err(err)?;
    let (layout, args) = params(&mut case.params, MaxPoolArgs::parse)?;
    let opts = args.options();
    let io = grads(case, layout).map_err(err)?;
    let indices = indices(case, "grad_output").map_err(err)?;
    check_shape(
        upsample::max_pool_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_gradients(case, |reference| {
        let mut gi = vec![SENTINEL; io.in_len];
        let f = if reference {
            upsample::reference::max_pool_backward
        } else {
            upsample::max_pool_backward
        };
        f(
            io.grad_output,
            indices,
            &io.in_shape,
            io.layout,
            &opts,
            &mut gi,
        )?;
        Ok(vec![("grad_input", gi)])
    })
}

/// `max_unpool_backward` and `avg_unpool_backward`.
pub fn run_unpool(case: &mut Case) -> Result<(), Vec<String>> {
    let max = case.op == "max_unpool_backward";
    if max {
        case.expect_tensors(&["grad_output", "grad_input", "indices"], &[])
    } else {
        case.expect_tensors(&["grad_output", "grad_input"], &[])
    }
    .map_err(err)?;
    let op = case.op.clone();
    let (layout, args) = params(&mut case.params, |p| UnpoolArgs::parse(p, &op))?;
    let opts = args.options();
    let io = grads(case, layout).map_err(err)?;
    check_shape(
        upsample::unpool_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    let indices = if max {
        Some(indices(case, "grad_input").map_err(err)?)
    } else {
        None
    };
    check_gradients(case, |reference| {
        let mut gi = vec![SENTINEL; io.in_len];
        let (go, shape) = (io.grad_output, &io.in_shape);
        match (indices, reference) {
            (Some(idx), true) => {
                upsample::reference::max_unpool_backward(go, idx, shape, io.layout, &opts, &mut gi)?
            }
            (Some(idx), false) => {
                upsample::max_unpool_backward(go, idx, shape, io.layout, &opts, &mut gi)?
            }
            (None, true) => {
                upsample::reference::avg_unpool_backward(go, shape, io.layout, &opts, &mut gi)?
            }
            (None, false) => upsample::avg_unpool_backward(go, shape, io.layout, &opts, &mut gi)?,
        }
        Ok(vec![("grad_input", gi)])
    })
}

/// `conv_transpose_backward`: every gradient the case holds (the bias's
/// where the forward had one).
pub fn run_conv_transpose(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(
        &[
            "grad_output",
            "grad_input",
            "input",
            "weight",
            "grad_weight",
        ],
        &["grad_bias"],
    )
    .map_err(err)?;
    let (layout, args) = params(&mut case.params, ConvArgs::parse)?;
    let opts = args.options();
    let io = grads(case, layout).map_err(err)?;
    let input = case
        .tensor("input")
        .and_then(|t| t.f32("input"))
        .map_err(err)?;
    let weight = case.tensor("weight").map_err(err)?;
    let weight_shape = weight.shape.clone();
    let weight = weight.f32("weight").map_err(err)?;
    let bias_len = case
        .tensors
        .get("grad_bias")
        .map(|t| t.shape.iter().product::<usize>());
    check_shape(
        upsample::conv_transpose_output_shape(&io.in_shape, &weight_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    let scratch_len = upsample::conv_transpose_backward_scratch_len(
        &io.in_shape,
        io.layout,
        &weight_shape,
        &opts,
    )
    .map_err(|e| {
        err(format!(
            "conv_transpose_backward_scratch_len returned error: {e}"
        ))
    })?;
    check_gradients(case, |reference| {
        let mut gi = vec![SENTINEL; io.in_len];
        let mut gw = vec![SENTINEL; weight.len()];
        let mut gb = bias_len.map(|len| vec![SENTINEL; len]);
        let mut scratch = vec![0.0f32; scratch_len];
        let f = if reference {
            upsample::reference::conv_transpose_backward
        } else {
            upsample::conv_transpose_backward
        };
        let gradients = upsample::ConvTransposeGradients {
            input: Some(&mut gi),
            weight: Some(&mut gw),
            bias: gb.as_deref_mut(),
        };
        f(
            io.grad_output,
            input,
            &io.in_shape,
            io.layout,
            weight,
            &weight_shape,
            &opts,
            gradients,
            &mut scratch,
        )?;
        let mut out = vec![("grad_input", gi), ("grad_weight", gw)];
        if let Some(gb) = gb {
            out.push(("grad_bias", gb));
        }
        Ok(out)
    })
}

/// `interpolate_backward`.
pub fn run_interpolate(case: &mut Case) -> Result<(), Vec<String>> {
    case.expect_tensors(&["grad_output", "grad_input"], &[])
        .map_err(err)?;
    let (layout, args) = params(&mut case.params, InterpolateArgs::parse)?;
    let opts = args.options();
    let io = grads(case, layout).map_err(err)?;
    check_shape(
        upsample::interpolate_output_shape(&io.in_shape, &opts),
        &io.out_shape,
    )
    .map_err(err)?;
    check_gradients(case, |reference| {
        let mut gi = vec![SENTINEL; io.in_len];
        let f = if reference {
            upsample::reference::interpolate_backward
        } else {
            upsample::interpolate_backward
        };
        f(io.grad_output, &io.in_shape, io.layout, &opts, &mut gi)?;
        Ok(vec![("grad_input", gi)])
    })?;
    // The caller-scratch variant, against the same golden tensor.
    let mut gi = vec![SENTINEL; io.in_len];
    let result = upsample::interpolate_backward_scratch_len(&io.in_shape, io.layout, &opts)
        .and_then(|need| {
            let mut scratch = vec![SENTINEL; need];
            upsample::interpolate_backward_with_scratch(
                io.grad_output,
                &io.in_shape,
                io.layout,
                &opts,
                &mut gi,
                &mut scratch,
            )
        })
        .map(|()| vec![("grad_input", gi)]);
    let mut failures = Vec::new();
    compare_gradients(case, "with_scratch", result, &mut failures);
    no_failures(failures)
}
