//! Slice access that cannot panic, for kernels whose geometry already
//! proves every length: each helper clamps to what the slice holds (which,
//! for a valid geometry, is all that was asked for).

/// `s[at..at + len]`, or what of it exists (the geometry makes it all exist).
#[inline(always)]
pub(crate) fn sub(s: &[f32], at: usize, len: usize) -> &[f32] {
    let s = s.get(at..).unwrap_or_default();
    s.get(..len).unwrap_or(s)
}

/// `s[at..at + len]`, or what of it exists (the geometry makes it all exist).
#[inline(always)]
pub(crate) fn sub_mut(s: &mut [f32], at: usize, len: usize) -> &mut [f32] {
    let s = s.get_mut(at..).unwrap_or_default();
    let len = len.min(s.len());
    &mut s[..len]
}

/// Splits the first `head` elements off `s` (all of it if shorter).
#[inline(always)]
pub(crate) fn split_head(s: &[f32], head: usize) -> (&[f32], &[f32]) {
    s.split_at(head.min(s.len()))
}

/// Splits the first `head` elements off `s` (all of it if shorter).
#[inline(always)]
pub(crate) fn split_head_mut(s: &mut [f32], head: usize) -> (&mut [f32], &mut [f32]) {
    s.split_at_mut(head.min(s.len()))
}

/// `out.copy_from_slice(src)` for slices the geometry makes equally long
/// (the common length where they are not).
#[inline(always)]
pub(crate) fn copy(src: &[f32], out: &mut [f32]) {
    let n = src.len().min(out.len());
    out[..n].copy_from_slice(&src[..n]);
}

/// Takes the first `head` elements (all, if fewer) off the front of
/// `rest`, which keeps the others: the pieces of an output written in
/// order.
#[inline(always)]
pub(crate) fn take_head<'a, T>(rest: &mut &'a mut [T], head: usize) -> &'a mut [T] {
    let all = core::mem::take(rest);
    let (head, tail) = all.split_at_mut(head.min(all.len()));
    *rest = tail;
    head
}
