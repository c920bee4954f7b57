//! ONNX's `ConvTranspose` (`upsample::onnx::conv_transpose`) against a
//! scalar computation written here from the ONNX specification (within
//! 1e-4, the crate's conv_transpose tolerance: the sums run in another
//! order), over random attributes (asymmetric pads, every auto_pad,
//! output_shape, output_padding, groups, dilations) in both layouts;
//! bit-exact against the PyTorch-semantics `conv_transpose` where the
//! attributes coincide; and bad attributes, which return `Err` and write
//! nothing. Every output sits between guard bands. `QUICKCHECK_TESTS` sets
//! the case count.

mod common;

use common::{
    Guarded, Rng, check, first_difference, to_channels_first, to_channels_last, untouched,
};
use quickcheck::TestResult;
use upsample::onnx::{AutoPad, ConvTransposeOptions};
use upsample::{Error, Layout, reference};

const TESTS: u64 = 300;
const TAIL: usize = 24;

/// Row-major strides of `dims`.
fn strides_of(dims: &[usize]) -> Vec<usize> {
    let mut s = vec![1; dims.len()];
    for a in (0..dims.len().saturating_sub(1)).rev() {
        s[a] = s[a + 1] * dims[a + 1];
    }
    s
}

/// Every index of a box, row-major.
fn points(dims: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &d in dims {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..d).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    out
}

struct Call {
    shape: Vec<usize>,
    weight_shape: Vec<usize>,
    strides: Vec<usize>,
    pads: Vec<usize>,
    dilations: Vec<usize>,
    output_padding: Vec<usize>,
    output_shape: Vec<usize>,
    group: usize,
    auto_pad: AutoPad,
}

impl Call {
    fn options(&self) -> ConvTransposeOptions<'_> {
        ConvTransposeOptions::new()
            .with_strides(&self.strides)
            .with_pads(&self.pads)
            .with_dilations(&self.dilations)
            .with_output_padding(&self.output_padding)
            .with_output_shape(&self.output_shape)
            .with_group(self.group)
            .with_auto_pad(self.auto_pad)
    }

    /// The specification's output sizes and begin pads (`None`: a negative
    /// begin pad, which the crate rejects, or no output).
    fn spec(&self) -> Option<(Vec<usize>, Vec<i64>)> {
        let rank = self.shape.len() - 2;
        let (mut out, mut begin) = (vec![], vec![]);
        for a in 0..rank {
            let at = |v: &Vec<usize>, d: usize| v.get(a).copied().unwrap_or(d) as i64;
            let (i, k) = (self.shape[2 + a] as i64, self.weight_shape[2 + a] as i64);
            let (s, d, op) = (
                at(&self.strides, 1),
                at(&self.dilations, 1),
                at(&self.output_padding, 0),
            );
            let natural = s * (i - 1) + op + (k - 1) * d + 1;
            let target = if !self.output_shape.is_empty() {
                Some(self.output_shape[a] as i64)
            } else if matches!(self.auto_pad, AutoPad::SameUpper | AutoPad::SameLower) {
                Some(i * s)
            } else {
                None
            };
            let (o, b) = match target {
                Some(t) => {
                    let total = natural - t;
                    let half = total.div_euclid(2);
                    (
                        t,
                        if self.auto_pad == AutoPad::SameUpper {
                            half
                        } else {
                            total - half
                        },
                    )
                }
                None if self.auto_pad == AutoPad::Valid => (natural, 0),
                None => {
                    let pb = self.pads.get(a).copied().unwrap_or(0) as i64;
                    let pe = self.pads.get(a + rank).copied().unwrap_or(0) as i64;
                    (natural - pb - pe, pb)
                }
            };
            if b < 0 || o < 1 {
                return None;
            }
            out.push(o as usize);
            begin.push(b);
        }
        Some((out, begin))
    }
}

/// ONNX ConvTranspose from the specification, channels-first:
/// `y[n, g*M + m, o] = B + sum x[n, g*K + c, i] * W[g*K + c, m, t]` over
/// `o = i * stride + t * dilation - pad_begin` within the output.
fn spec_conv(
    call: &Call,
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    out_sp: &[usize],
    begin: &[i64],
) -> Vec<f64> {
    let (n, c_in) = (call.shape[0], call.shape[1]);
    let m = call.weight_shape[1];
    let c_out = m * call.group;
    let kin = c_in / call.group;
    let in_sp = &call.shape[2..];
    let k_sp = &call.weight_shape[2..];
    let rank = in_sp.len();
    let (in_plane, out_plane, k_plane): (usize, usize, usize) = (
        in_sp.iter().product(),
        out_sp.iter().product(),
        k_sp.iter().product(),
    );
    let mut y = vec![0f64; n * c_out * out_plane];
    for b in 0..n {
        for oc in 0..c_out {
            let base = (b * c_out + oc) * out_plane;
            let bv = bias.map_or(0.0, |b| b[oc] as f64);
            y[base..base + out_plane].iter_mut().for_each(|v| *v = bv);
            let (g, mm) = (oc / m, oc % m);
            for c in 0..kin {
                let ic = g * kin + c;
                for ip in points(in_sp) {
                    for kp in points(k_sp) {
                        let mut o = vec![];
                        for a in 0..rank {
                            let s = call.strides.get(a).copied().unwrap_or(1) as i64;
                            let d = call.dilations.get(a).copied().unwrap_or(1) as i64;
                            let v = ip[a] as i64 * s + kp[a] as i64 * d - begin[a];
                            if v < 0 || v >= out_sp[a] as i64 {
                                break;
                            }
                            o.push(v as usize);
                        }
                        if o.len() < rank {
                            continue;
                        }
                        let oi: usize = o.iter().zip(strides_of(out_sp)).map(|(a, b)| a * b).sum();
                        let ii: usize = ip.iter().zip(strides_of(in_sp)).map(|(a, b)| a * b).sum();
                        let ki: usize = kp.iter().zip(strides_of(k_sp)).map(|(a, b)| a * b).sum();
                        y[base + oi] += x[(b * c_in + ic) * in_plane + ii] as f64
                            * w[(ic * m + mm) * k_plane + ki] as f64;
                    }
                }
            }
        }
    }
    y
}

fn random_call(rng: &mut Rng) -> Call {
    let rank = rng.range(1, 3);
    let group = rng.range(1, 3);
    let c_in = group * rng.range(1, 2);
    let m = rng.range(1, 3);
    let mut shape = vec![rng.range(1, 2), c_in];
    shape.extend(rng.ranges(rank, 1, [9, 5, 3][rank - 1]));
    let mut weight_shape = vec![c_in, m];
    weight_shape.extend(rng.ranges(rank, 1, 3));
    let strides = if rng.coin() {
        rng.ranges(rank, 1, 3)
    } else {
        vec![]
    };
    let dilations = if rng.coin() {
        rng.ranges(rank, 1, 2)
    } else {
        vec![]
    };
    let output_padding = if rng.coin() {
        rng.ranges(rank, 0, 3)
    } else {
        vec![]
    };
    let (mut pads, mut output_shape, mut auto_pad) = (vec![], vec![], AutoPad::NotSet);
    match rng.range(0, 5) {
        0 => auto_pad = AutoPad::SameUpper,
        1 => auto_pad = AutoPad::SameLower,
        2 => auto_pad = AutoPad::Valid,
        3 => {
            output_shape = shape[2..]
                .iter()
                .enumerate()
                .map(|(a, &i)| {
                    let s = strides.get(a).copied().unwrap_or(1);
                    let d = dilations.get(a).copied().unwrap_or(1);
                    let natural = (i - 1) * s + (weight_shape[2 + a] - 1) * d + 1;
                    (natural + rng.range(0, 3))
                        .saturating_sub(rng.range(0, 3))
                        .max(1)
                })
                .collect()
        }
        _ => pads = rng.ranges(2 * rank, 0, 2),
    }
    Call {
        shape,
        weight_shape,
        strides,
        pads,
        dilations,
        output_padding,
        output_shape,
        group,
        auto_pad,
    }
}

#[test]
fn conv_transpose_matches_the_specification() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let call = random_call(&mut rng);
        let layout = rng.layout();
        let opts = call.options();
        let Some((out_sp, begin)) = call.spec() else {
            let r =
                upsample::onnx::conv_transpose_output_shape(&call.shape, &call.weight_shape, &opts);
            return match r {
                Err(Error::Unsupported { .. } | Error::EmptyOutput { .. }) => TestResult::passed(),
                other => TestResult::error(format!("spec rejects, crate gives {other:?}")),
            };
        };
        let mut out_shape = vec![call.shape[0], call.weight_shape[1] * call.group];
        out_shape.extend(&out_sp);
        let helper =
            upsample::onnx::conv_transpose_output_shape(&call.shape, &call.weight_shape, &opts);
        if helper.as_ref().map(|s| s.as_slice()) != Ok(&out_shape[..]) {
            return TestResult::error(format!("shape {helper:?}, spec {out_shape:?}"));
        }
        let x = rng.signed_units(call.shape.iter().product());
        let w = rng.signed_units(call.weight_shape.iter().product());
        let bias = rng.coin().then(|| rng.signed_units(out_shape[1]));
        let want = spec_conv(&call, &x, &w, bias.as_deref(), &out_sp, &begin);
        let input = match layout {
            Layout::ChannelsFirst => x.clone(),
            Layout::ChannelsLast => to_channels_last(&x, &call.shape),
        };
        let scratch_len = upsample::onnx::conv_transpose_scratch_len(
            &call.shape,
            layout,
            &call.weight_shape,
            &opts,
        )
        .unwrap();
        for which in ["public", "reference"] {
            let f = if which == "public" {
                upsample::onnx::conv_transpose
            } else {
                reference::onnx_conv_transpose
            };
            let mut y = Guarded::<f32>::new(want.len(), rng.range(0, 7), TAIL);
            let mut scratch = vec![0.0; scratch_len];
            if let Err(e) = f(
                &input,
                &call.shape,
                layout,
                &w,
                &call.weight_shape,
                bias.as_deref(),
                &opts,
                y.inner_mut(),
                &mut scratch,
            ) {
                return TestResult::error(format!("{which}: {e}"));
            }
            let got = match layout {
                Layout::ChannelsFirst => y.inner().to_vec(),
                Layout::ChannelsLast => to_channels_first(y.inner(), &out_shape),
            };
            for (k, (&g, &e)) in got.iter().zip(&want).enumerate() {
                if (g as f64 - e).abs() > 1e-4 + 1e-4 * e.abs() {
                    return TestResult::error(format!("{which}: element {k}: {g} vs {e}"));
                }
            }
            if !y.bands_intact() {
                return TestResult::error(format!("{which}: wrote outside its output"));
            }
        }
        TestResult::passed()
    }
    check(prop, TESTS);
}

/// Symmetric pads, no output_shape, output_padding below the stride or the
/// dilation: PyTorch's `conv_transpose`, bit for bit (the same kernel).
#[test]
fn symmetric_conv_transpose_is_pytorchs() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let mut call = random_call(&mut rng);
        let rank = call.shape.len() - 2;
        let layout = rng.layout();
        let stride = if call.strides.is_empty() {
            vec![1; rank]
        } else {
            call.strides.clone()
        };
        let dilation = if call.dilations.is_empty() {
            vec![1; rank]
        } else {
            call.dilations.clone()
        };
        let padding = rng.ranges(rank, 0, 2);
        let output_padding = rng.output_padding(&stride, &dilation);
        call.pads = padding.iter().chain(&padding).copied().collect();
        call.output_padding = output_padding.clone();
        call.output_shape = vec![];
        call.auto_pad = AutoPad::NotSet;
        let torch = upsample::ConvTransposeOptions::new()
            .with_stride(&stride)
            .with_padding(&padding)
            .with_output_padding(&output_padding)
            .with_dilation(&dilation)
            .with_groups(call.group);
        let Ok(out) =
            upsample::conv_transpose_output_shape(&call.shape, &call.weight_shape, &torch)
        else {
            return TestResult::discard();
        };
        let opts = call.options();
        if upsample::onnx::conv_transpose_output_shape(&call.shape, &call.weight_shape, &opts)
            != Ok(out)
        {
            return TestResult::error("output shapes differ");
        }
        let x = rng.signed_units(call.shape.iter().product());
        let w = rng.signed_units(call.weight_shape.iter().product());
        let len = out.as_slice().iter().product();
        let (mut a, mut b) = (vec![0.0; len], vec![1.0; len]);
        let mut s1 = vec![
            0.0;
            upsample::conv_transpose_scratch_len(
                &call.shape,
                layout,
                &call.weight_shape,
                &torch
            )
            .unwrap()
        ];
        let mut s2 = vec![
            0.0;
            upsample::onnx::conv_transpose_scratch_len(
                &call.shape,
                layout,
                &call.weight_shape,
                &opts
            )
            .unwrap()
        ];
        upsample::conv_transpose(
            &x,
            &call.shape,
            layout,
            &w,
            &call.weight_shape,
            None,
            &torch,
            &mut a,
            &mut s1,
        )
        .unwrap();
        upsample::onnx::conv_transpose(
            &x,
            &call.shape,
            layout,
            &w,
            &call.weight_shape,
            None,
            &opts,
            &mut b,
            &mut s2,
        )
        .unwrap();
        match first_difference(&b, &a) {
            None => TestResult::passed(),
            Some(d) => TestResult::error(format!("differs at {d:?}")),
        }
    }
    check(prop, TESTS);
}

#[test]
fn conv_transpose_rejects_bad_attributes_and_writes_nothing() {
    let x = [1.0f32; 8];
    let w = [1.0f32; 8];
    let shape = [1, 2, 4];
    let ws = [2, 2, 2];
    let cases: [(ConvTransposeOptions<'_>, &str); 8] = [
        (
            ConvTransposeOptions::new().with_pads(&[1]),
            "ParameterCount",
        ),
        (
            ConvTransposeOptions::new().with_strides(&[0]),
            "InvalidParameter",
        ),
        (ConvTransposeOptions::new().with_group(3), "NotDivisible"),
        (
            ConvTransposeOptions::new().with_kernel_shape(&[3]),
            "Unsupported",
        ),
        (
            ConvTransposeOptions::new()
                .with_pads(&[1, 0])
                .with_auto_pad(AutoPad::SameUpper),
            "Unsupported",
        ),
        (
            ConvTransposeOptions::new()
                .with_pads(&[1, 0])
                .with_output_shape(&[5]),
            "Unsupported",
        ),
        (
            ConvTransposeOptions::new().with_output_shape(&[9]),
            "Unsupported",
        ),
        (
            ConvTransposeOptions::new().with_pads(&[3, 3]),
            "EmptyOutput",
        ),
    ];
    for (opts, want) in cases {
        let mut out = Guarded::<f32>::new(32, 0, 0);
        let mut scratch = vec![0.0; 1 << 12];
        let r = upsample::onnx::conv_transpose(
            &x,
            &shape,
            Layout::ChannelsFirst,
            &w,
            &ws,
            None,
            &opts,
            out.inner_mut(),
            &mut scratch,
        );
        assert!(
            format!("{r:?}").contains(want),
            "{opts:?}: {r:?}, want {want}"
        );
        assert!(untouched(out.inner()));
    }
}
