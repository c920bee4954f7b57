//! Benchmark buffers aligned to 64 bytes: a cache line, and one AVX-512
//! vector. PyTorch's CPU allocator aligns every tensor so, and the
//! allocator's default (16 bytes from glibc `malloc`) splits every 64-byte
//! store of the AVX-512 build across two lines: that alone cost nearest x2
//! channels-last 1.03 against 0.90 ms. The `_out+16B` cases of
//! `benches/interpolate.rs` keep that cost in view.

use std::ops::{Deref, DerefMut};

/// `len` elements starting `bytes` past a 64-byte boundary.
pub struct Aligned<T> {
    buf: Vec<T>,
    skip: usize,
    len: usize,
}

impl<T: Copy + Default> Aligned<T> {
    /// `len` default elements on a 64-byte boundary.
    pub fn zeroed(len: usize) -> Self {
        Self::offset(len, 0)
    }

    /// `len` default elements starting `bytes` past a 64-byte boundary
    /// (`bytes` a multiple of the element size, below 64).
    pub fn offset(len: usize, bytes: usize) -> Self {
        let size = size_of::<T>();
        let buf = vec![T::default(); len + 128 / size];
        let skip = buf.as_ptr().align_offset(64) + bytes / size;
        Aligned { buf, skip, len }
    }

    /// A copy of `values` on a 64-byte boundary.
    pub fn from(values: &[T]) -> Self {
        let mut a = Self::zeroed(values.len());
        a.copy_from_slice(values);
        a
    }
}

impl<T> Deref for Aligned<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.buf[self.skip..self.skip + self.len]
    }
}

impl<T> DerefMut for Aligned<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.buf[self.skip..self.skip + self.len]
    }
}
