//! The transposed convolutions `benches/conv_transpose.rs` and
//! `benches/conv_transpose_backward.rs` time: decoder, U-Net, vocoder, 3-d
//! and firmware shapes.

use upsample::Layout;

/// One transposed convolution: input and weight shapes, one stride,
/// padding and output padding for every axis, groups, and the layouts run.
pub struct Case {
    pub name: &'static str,
    pub shape: &'static [usize],
    pub weight: &'static [usize],
    pub stride: usize,
    pub padding: usize,
    pub output_padding: usize,
    pub groups: usize,
    pub layouts: &'static [Layout],
}

/// Both layouts.
pub const BOTH: &[Layout] = &[Layout::ChannelsFirst, Layout::ChannelsLast];

/// The cases, forward and backward alike.
pub const CASES: &[Case] = &[
    Case {
        name: "2d_k4s2p1_64to32_128",
        shape: &[1, 64, 128, 128],
        weight: &[64, 32, 4, 4],
        stride: 2,
        padding: 1,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_unet_k2s2_256to128_32",
        shape: &[1, 256, 32, 32],
        weight: &[256, 128, 2, 2],
        stride: 2,
        padding: 0,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_k3s2p1op1_128to64_64",
        shape: &[1, 128, 64, 64],
        weight: &[128, 64, 3, 3],
        stride: 2,
        padding: 1,
        output_padding: 1,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_firmware_k4s2p1_16to8_32",
        shape: &[1, 16, 32, 32],
        weight: &[16, 8, 4, 4],
        stride: 2,
        padding: 1,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_depthwise64_k4s2p1_128",
        shape: &[1, 64, 128, 128],
        weight: &[64, 1, 4, 4],
        stride: 2,
        padding: 1,
        output_padding: 0,
        groups: 64,
        layouts: BOTH,
    },
    Case {
        name: "1d_vocoder_k16s8p4_512to256_256",
        shape: &[1, 512, 256],
        weight: &[512, 256, 16],
        stride: 8,
        padding: 4,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "3d_k2s2_64to32_16",
        shape: &[1, 64, 16, 16, 16],
        weight: &[64, 32, 2, 2, 2],
        stride: 2,
        padding: 0,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
];
