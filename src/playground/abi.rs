//! The C ABI of the wasm build: the only unsafe code of the crate
//! (`tests/it/tidy.rs` holds it to this file). The page's loader
//! (`playground/loader.js`) copies a request into memory it got from
//! [`alloc`], calls one of [`check`], [`eval`], [`inputs`] or
//! [`flowchart`] with its address and length, reads the answer at the
//! address and length packed into the returned `u64` (address in the high
//! 32 bits), and gives both back with [`free`].
//!
//! Every buffer of either direction is a `[u8]` allocated with the layout
//! of its length, so one [`free`] returns both.
#![expect(
    unsafe_code,
    reason = "the wasm exports: `no_mangle` and reading the request from the address the page gives"
)]

use std::alloc::Layout;

/// Memory for a request of `len` bytes; the page writes it, passes it to
/// one function and gives it back with [`free`]. Null when it cannot be
/// had.
#[unsafe(no_mangle)]
pub(crate) extern "C" fn alloc(len: usize) -> *mut u8 {
    match Layout::array::<u8>(len) {
        Ok(_) if len == 0 => std::ptr::NonNull::<u8>::dangling().as_ptr(),
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { std::alloc::alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Gives back a buffer from [`alloc`] or an answer, with its length.
///
/// # Safety
/// `ptr` and `len` are those of one buffer [`alloc`] or an answer gave,
/// not given back before.
#[unsafe(no_mangle)]
pub(crate) unsafe extern "C" fn free(ptr: *mut u8, len: usize) {
    if ptr.is_null() || len == 0 {
        return;
    }
    if let Ok(layout) = Layout::array::<u8>(len) {
        // SAFETY: the caller gives a buffer allocated with this layout.
        unsafe { std::alloc::dealloc(ptr, layout) }
    }
}

/// Runs `answer` on the request at `ptr` (`len` bytes) and hands its
/// answer over as `address << 32 | length`.
///
/// # Safety
/// `ptr` points to `len` initialised bytes.
unsafe fn call(ptr: *const u8, len: usize, answer: fn(&str) -> String) -> u64 {
    let bytes: &[u8] = if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: the caller gives `len` initialised bytes at `ptr`.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(request) => answer(request),
        Err(_) => super::error_answer("the request is not UTF-8 text"),
    };
    let bytes = text.into_bytes().into_boxed_slice();
    let length = bytes.len() as u64;
    // A `Box<[u8]>` of this length has the layout `free` gives back.
    let address = Box::into_raw(bytes).cast::<u8>() as usize as u64;
    (address << 32) | length
}

/// [`super::check`] of the request at `ptr`.
///
/// # Safety
/// `ptr` points to `len` initialised bytes.
#[unsafe(no_mangle)]
pub(crate) unsafe extern "C" fn check(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: as the caller promises.
    unsafe { call(ptr, len, super::check) }
}

/// [`super::eval`] of the request at `ptr`.
///
/// # Safety
/// `ptr` points to `len` initialised bytes.
#[unsafe(no_mangle)]
pub(crate) unsafe extern "C" fn eval(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: as the caller promises.
    unsafe { call(ptr, len, super::eval) }
}

/// [`super::inputs`] of the request at `ptr`.
///
/// # Safety
/// `ptr` points to `len` initialised bytes.
#[unsafe(no_mangle)]
pub(crate) unsafe extern "C" fn inputs(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: as the caller promises.
    unsafe { call(ptr, len, super::inputs) }
}

/// [`super::flowchart`] of the request at `ptr`.
///
/// # Safety
/// `ptr` points to `len` initialised bytes.
#[unsafe(no_mangle)]
pub(crate) unsafe extern "C" fn flowchart(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: as the caller promises.
    unsafe { call(ptr, len, super::flowchart) }
}
