//! Sentinels, and buffers whose bands of them catch writes out of bounds.

/// What an output holds before an op writes it: a value no op produces
/// from the tests' inputs (their data is at most a few units in size, and
/// the golden cases' outputs at most 7 in magnitude, or infinite or NaN),
/// so an element an op forgets to write, or writes on an error, or writes
/// past its output, shows. It is finite, and far from overflow when
/// doubled or compared within a tolerance.
pub const SENTINEL: f32 = -7.25e30;

/// [`SENTINEL`] for index outputs (`max_pool`'s): indices are never
/// negative.
pub const INDEX_SENTINEL: i64 = i64::MIN;

/// The fill for the second of two outputs compared with each other (the
/// reference's, when the public op's holds [`SENTINEL`]): an element that
/// neither writes then differs instead of matching.
pub const ALT_SENTINEL: f32 = -SENTINEL;

/// [`ALT_SENTINEL`] for index outputs.
pub const ALT_INDEX_SENTINEL: i64 = i64::MAX;

/// An element type with a sentinel: [`SENTINEL`] for `f32`,
/// [`INDEX_SENTINEL`] for `i64`.
pub trait Sentinel: Copy {
    const SENTINEL: Self;
    /// Whether this is the sentinel, bit for bit.
    fn is_sentinel(&self) -> bool;
}

impl Sentinel for f32 {
    const SENTINEL: f32 = SENTINEL;
    fn is_sentinel(&self) -> bool {
        self.to_bits() == SENTINEL.to_bits()
    }
}

impl Sentinel for i64 {
    const SENTINEL: i64 = INDEX_SENTINEL;
    fn is_sentinel(&self) -> bool {
        *self == INDEX_SENTINEL
    }
}

/// Whether every element of `v` still holds the sentinel.
pub fn untouched<T: Sentinel>(v: &[T]) -> bool {
    v.iter().all(T::is_sentinel)
}

/// A buffer of `len` elements between bands of sentinels, `lead` elements
/// before it and `tail` after: the op writes [`Guarded::inner_mut`], and
/// [`Guarded::bands_intact`] says whether it wrote outside. A random `lead`
/// moves the inner slice through every alignment.
pub struct Guarded<T> {
    buf: Vec<T>,
    lead: usize,
    len: usize,
}

impl<T: Sentinel> Guarded<T> {
    /// All sentinels, the inner `len` elements included.
    pub fn new(len: usize, lead: usize, tail: usize) -> Self {
        Guarded {
            buf: vec![T::SENTINEL; lead + len + tail],
            lead,
            len,
        }
    }

    pub fn inner(&self) -> &[T] {
        &self.buf[self.lead..self.lead + self.len]
    }

    pub fn inner_mut(&mut self) -> &mut [T] {
        &mut self.buf[self.lead..self.lead + self.len]
    }

    /// Whether both bands still hold only the sentinel.
    pub fn bands_intact(&self) -> bool {
        let (head, rest) = self.buf.split_at(self.lead);
        untouched(head) && untouched(&rest[self.len..])
    }
}
