//! Every random draw of dialsim comes from a ChaCha20 stream derived from the one seed.
//!
//! ChaCha20 is portable and stable across platforms and crate versions (unlike `StdRng`), and its 64-bit stream
//! parameter gives each purpose its own independent sequence from the same seed, so adding a draw in one part
//! of the program never shifts the numbers another part sees. Never `thread_rng`, never `StdRng`.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The purposes that draw random numbers, each with its own stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stream {
    /// Round keys of the call-list permutation.
    Permutation,
    /// Seeds of Bloom filter hash keys.
    Filter,
    /// A simulation's random processes (the index tells them apart).
    Simulation(u32),
    /// Seeds of replications (the index is the replication).
    Replication(u32),
}

impl Stream {
    fn id(self) -> u64 {
        match self {
            Stream::Permutation => 1,
            Stream::Filter => 2,
            Stream::Simulation(i) => (3 << 32) | u64::from(i),
            Stream::Replication(i) => (4 << 32) | u64::from(i),
        }
    }
}

/// The generator for `purpose` under `seed`.
pub fn stream(seed: u64, purpose: Stream) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(purpose.id());
    rng
}

/// The seed of replication `index` of a run seeded with `seed` (replication 0 is the run's own seed).
pub fn replication_seed(seed: u64, index: u32) -> u64 {
    use rand::Rng;
    if index == 0 {
        return seed;
    }
    stream(seed, Stream::Replication(index)).next_u64()
}

/// A fresh seed for a run the caller gave none: drawn from the operating system's entropy, and short enough
/// (53 bits) to type when the run is repeated.
pub fn fresh_seed() -> u64 {
    rand::random::<u64>() >> 11
}

/// Tests' cheap stand-in for random inputs: Marsaglia's xorshift64 from `seed` (not zero), a value a call.
/// Not a draw of the program: those come from [`stream`].
#[cfg(test)]
pub(crate) fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}
