//! Shapes, layouts and the validated tensor geometry every kernel works on.

use crate::error::{Buffer, Error};

/// The most spatial dimensions any op takes (3-d: D, H, W).
pub const MAX_SPATIAL: usize = 3;

/// How the elements of a logical `(N, C, spatial...)` tensor lie in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// `N, C, D, H, W` order (PyTorch's `torch.contiguous_format`).
    #[default]
    ChannelsFirst,
    /// `N, D, H, W, C` order (PyTorch's `torch.channels_last` /
    /// `torch.channels_last_3d`, and the order of most image buffers).
    ChannelsLast,
}

/// A logical shape `(N, C, spatial...)` of 3 to 5 dimensions, as returned by
/// the output-shape helpers. It dereferences to `&[usize]`, and its `Debug`
/// prints the dimensions only:
///
/// ```
/// let s = upsample::Shape::new(&[1, 3, 8, 8])?;
/// assert_eq!(format!("{s:?}"), "Shape[1, 3, 8, 8]");
/// # Ok::<(), upsample::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    dims: [usize; 2 + MAX_SPATIAL],
    len: usize,
}

impl Shape {
    /// A shape from its dimensions (at most 5; extra ones are an error).
    ///
    /// ```
    /// let s = upsample::Shape::new(&[1, 3, 8, 8])?;
    /// assert_eq!(s.as_slice(), &[1, 3, 8, 8]);
    /// assert!(upsample::Shape::new(&[1; 6]).is_err());
    /// # Ok::<(), upsample::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Rank`] when `dims` has more than 5 entries.
    pub fn new(dims: &[usize]) -> Result<Shape, Error> {
        if dims.len() > 2 + MAX_SPATIAL {
            return Err(Error::Rank {
                op: "Shape",
                min: 0,
                max: 2 + MAX_SPATIAL,
                actual: dims.len(),
            });
        }
        let mut out = Shape {
            dims: [0; 2 + MAX_SPATIAL],
            len: dims.len(),
        };
        out.dims[..dims.len()].copy_from_slice(dims);
        Ok(out)
    }

    /// The dimensions as a slice.
    ///
    /// ```
    /// let s = upsample::pixel_shuffle_output_shape(&[2, 12, 3, 3], 2)?;
    /// assert_eq!(s.as_slice(), &[2, 3, 6, 6]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn as_slice(&self) -> &[usize] {
        &self.dims[..self.len]
    }

    /// The number of elements (the product of the dimensions).
    ///
    /// Shapes returned by this crate's helpers never overflow.
    ///
    /// ```
    /// assert_eq!(upsample::Shape::new(&[2, 3, 4, 5])?.numel(), 120);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn numel(&self) -> usize {
        self.as_slice()
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .unwrap_or(usize::MAX)
    }
}

impl core::fmt::Debug for Shape {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Shape")?;
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl core::ops::Deref for Shape {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        self.as_slice()
    }
}

impl PartialEq<[usize]> for Shape {
    fn eq(&self, other: &[usize]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<&[usize]> for Shape {
    fn eq(&self, other: &&[usize]) -> bool {
        self.as_slice() == *other
    }
}

/// A validated tensor geometry: batch, channels and up to three spatial
/// sizes, with its layout. Spatial sizes are stored right-aligned in
/// `[D, H, W]` with leading 1s for lower ranks, so 1-, 2- and 3-d kernels
/// share one indexing scheme. Every product of its sizes fits in `usize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dims {
    pub n: usize,
    pub c: usize,
    /// `[D, H, W]`, padded with leading 1s.
    pub spatial: [usize; MAX_SPATIAL],
    /// Number of real spatial dimensions (1 to 3).
    pub rank: usize,
    pub layout: Layout,
}

impl Dims {
    /// Checks a logical shape: `3..=5` dims within `[min_rank, max_rank]`
    /// spatial dims, none zero, element count fits in `usize`.
    pub fn new(
        shape: &[usize],
        layout: Layout,
        op: &'static str,
        min_rank: usize,
        max_rank: usize,
        buffer: Buffer,
    ) -> Result<Dims, Error> {
        let nd = shape.len();
        if nd < 2 + min_rank || nd > 2 + max_rank {
            return Err(Error::Rank {
                op,
                min: 2 + min_rank,
                max: 2 + max_rank,
                actual: nd,
            });
        }
        if let Some(axis) = shape.iter().position(|&d| d == 0) {
            return Err(Error::ZeroDimension { buffer, axis });
        }
        let rank = nd - 2;
        let mut spatial = [1; MAX_SPATIAL];
        spatial[MAX_SPATIAL - rank..].copy_from_slice(&shape[2..]);
        Dims::from_parts(shape[0], shape[1], spatial, rank, layout)
    }

    /// Builds dims from parts, checking that the element count fits.
    pub fn from_parts(
        n: usize,
        c: usize,
        spatial: [usize; MAX_SPATIAL],
        rank: usize,
        layout: Layout,
    ) -> Result<Dims, Error> {
        let dims = Dims {
            n,
            c,
            spatial,
            rank,
            layout,
        };
        dims.checked_numel().ok_or(Error::Overflow {
            what: "the element count",
        })?;
        Ok(dims)
    }

    fn checked_numel(&self) -> Option<usize> {
        self.n
            .checked_mul(self.c)?
            .checked_mul(self.checked_plane()?)
    }

    fn checked_plane(&self) -> Option<usize> {
        self.spatial
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
    }

    /// Elements in one `(n, c)` spatial plane.
    pub fn plane(&self) -> usize {
        self.spatial[0] * self.spatial[1] * self.spatial[2]
    }

    /// Elements per spatial position of one memory plane: 1 channels-first
    /// (a plane is one channel's image), `C` channels-last (a plane is one
    /// image, every channel of a position together).
    pub fn pixel(&self) -> usize {
        match self.layout {
            Layout::ChannelsFirst => 1,
            Layout::ChannelsLast => self.c,
        }
    }

    /// Memory planes: `N * C` channels-first (one channel's image each),
    /// `N` channels-last (one image each, its channels innermost).
    pub fn memory_planes(&self) -> usize {
        match self.layout {
            Layout::ChannelsFirst => self.n * self.c,
            Layout::ChannelsLast => self.n,
        }
    }

    /// Total element count.
    pub fn numel(&self) -> usize {
        self.n * self.c * self.plane()
    }

    /// The logical shape `(N, C, spatial...)`.
    pub fn shape(&self) -> Shape {
        let mut dims = [0; 2 + MAX_SPATIAL];
        dims[0] = self.n;
        dims[1] = self.c;
        dims[2..2 + self.rank].copy_from_slice(&self.spatial[MAX_SPATIAL - self.rank..]);
        Shape {
            dims,
            len: 2 + self.rank,
        }
    }

    /// Same batch, channels, rank and layout, other spatial sizes.
    pub fn with_spatial(&self, spatial: [usize; MAX_SPATIAL]) -> Result<Dims, Error> {
        Dims::from_parts(self.n, self.c, spatial, self.rank, self.layout)
    }

    /// Same batch, spatial sizes, rank and layout, other channel count.
    pub fn with_channels(&self, c: usize) -> Result<Dims, Error> {
        Dims::from_parts(self.n, c, self.spatial, self.rank, self.layout)
    }

    /// Physical offset of logical element `(n, c, [z, y, x])`.
    #[inline]
    pub fn offset(&self, n: usize, c: usize, p: [usize; MAX_SPATIAL]) -> usize {
        let [d, h, w] = self.spatial;
        let spatial = (p[0] * h + p[1]) * w + p[2];
        match self.layout {
            Layout::ChannelsFirst => (n * self.c + c) * (d * h * w) + spatial,
            Layout::ChannelsLast => (n * (d * h * w) + spatial) * self.c + c,
        }
    }

    /// Checks that a slice has exactly this geometry's element count.
    pub fn check_len(&self, buffer: Buffer, len: usize) -> Result<(), Error> {
        check_len(buffer, self.numel(), len)
    }

    /// Checks an op's input slice against this (input) geometry and its
    /// output slice against `output`'s.
    pub fn check_input_output(
        &self,
        output: &Dims,
        input_buffer: &[f32],
        output_buffer: &[f32],
    ) -> Result<(), Error> {
        self.check_len(Buffer::Input, input_buffer.len())?;
        output.check_len(Buffer::Output, output_buffer.len())
    }
}

/// Checks a slice's length against what a shape needs.
pub(crate) fn check_len(buffer: Buffer, expected: usize, actual: usize) -> Result<(), Error> {
    if expected == actual {
        Ok(())
    } else {
        Err(Error::BufferLength {
            buffer,
            expected,
            actual,
        })
    }
}

/// Expands a per-dimension parameter to `[D, H, W]` order: one value applies
/// to every spatial dimension (like a Python scalar), `rank` values apply one
/// each. Padded leading axes get `pad`.
pub(crate) fn per_axis<T: Copy>(
    parameter: &'static str,
    values: &[T],
    rank: usize,
    pad: T,
) -> Result<[T; MAX_SPATIAL], Error> {
    let mut out = [pad; MAX_SPATIAL];
    match values.len() {
        1 => out[MAX_SPATIAL - rank..].fill(values[0]),
        n if n == rank => out[MAX_SPATIAL - rank..].copy_from_slice(values),
        n => {
            return Err(Error::ParameterCount {
                parameter,
                expected: rank,
                actual: n,
            });
        }
    }
    Ok(out)
}

/// The axis of the logical shape `(N, C, spatial...)` (2 = first spatial
/// dimension) that padded `[D, H, W]` axis `a` stands for, as errors name it.
#[inline]
pub(crate) fn shape_axis(a: usize, rank: usize) -> usize {
    2 + a + rank - MAX_SPATIAL
}

/// Iterates over every index of a `[D, H, W]` box in row-major order.
pub(crate) fn for_each_point(
    extent: [usize; MAX_SPATIAL],
    mut f: impl FnMut([usize; MAX_SPATIAL]),
) {
    for z in 0..extent[0] {
        for y in 0..extent[1] {
            for x in 0..extent[2] {
                f([z, y, x]);
            }
        }
    }
}
