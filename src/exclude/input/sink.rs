//! Where a reader puts the keys of the numbers it reads: in file order with the input, or into a store the
//! threads reading pieces of one input fill together.

use super::NumbersRead;

/// Where a reader puts the keys ([`crate::PhoneNumber::key`]) of the numbers it reads, in file order.
pub(crate) trait KeySink {
    /// Takes the key of the next number read.
    fn push(&mut self, key: u64);
}

impl KeySink for Vec<u64> {
    #[inline]
    fn push(&mut self, key: u64) {
        Vec::push(self, key);
    }
}

/// Where the keys of a whole input go: each thread reading a piece of it fills a piece of the store.
pub(crate) trait KeyStore: Sync {
    /// What one thread fills.
    type Piece<'s>: KeySink + Send
    where
        Self: 's;
    /// A piece to fill.
    fn piece(&self) -> Self::Piece<'_>;
    /// Takes the pieces of one input, in file order, once all were read well; a store that keeps the keys
    /// with the input puts them in `read.keys`.
    fn join<'s>(&'s self, pieces: Vec<Self::Piece<'s>>, read: &mut NumbersRead);
    /// Forgets every key taken, before an input whose pieces were misread is read again whole.
    fn forget(&self);
}

/// The keys of each input kept with it ([`NumbersRead::keys`]), in file order.
pub(crate) struct InOrder;

impl KeyStore for InOrder {
    type Piece<'s> = Vec<u64>;

    fn piece(&self) -> Vec<u64> {
        Vec::new()
    }

    fn join(&self, pieces: Vec<Vec<u64>>, read: &mut NumbersRead) {
        for mut piece in pieces {
            if read.keys.is_empty() {
                read.keys = piece;
            } else {
                read.keys.append(&mut piece);
            }
        }
    }

    fn forget(&self) {}
}
