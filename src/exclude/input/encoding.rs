//! Text encodings of inputs: which one a file is in, and turning text fields into Unicode.
//!
//! Phone numbers are ASCII in every encoding read here, so files in UTF-8 and the single-byte Windows code
//! pages are read as bytes (the same bytes on every thread) and only the text shown to people — header names,
//! rejected values — is decoded. UTF-16 is not ASCII-compatible and is transcoded to UTF-8 first.

use std::io::Read;
use std::str::FromStr;

/// The text encoding of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark (ASCII is UTF-8).
    Utf8,
    /// UTF-16, little-endian (Windows "Unicode" text).
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// Windows-1250: Central European Excel exports (Czech, Slovak, Polish, Hungarian).
    Windows1250,
    /// Windows-1252: Western European Excel exports.
    Windows1252,
}

impl TextEncoding {
    /// The encoding's name as written in the summary and accepted back.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1250 => "windows-1250",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }

    fn encoding_rs(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1250 => encoding_rs::WINDOWS_1250,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    /// Whether ASCII bytes stand for themselves (every encoding here but UTF-16).
    pub fn is_ascii_compatible(self) -> bool {
        !matches!(self, TextEncoding::Utf16Le | TextEncoding::Utf16Be)
    }

    /// Decodes bytes of an ASCII-compatible input (or of transcoded UTF-16, which is UTF-8) for display;
    /// invalid sequences become U+FFFD.
    pub fn decode(self, bytes: &[u8]) -> String {
        let encoding = if self.is_ascii_compatible() { self.encoding_rs() } else { encoding_rs::UTF_8 };
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    }
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TextEncoding {
    type Err = String;
    /// `utf-8`, `utf-16` (little-endian unless a byte-order mark says otherwise), `utf-16le`, `utf-16be`,
    /// `windows-1250` (`cp1250`), `windows-1252` (`cp1252`, `latin1`); case, `-` and `_` do not matter.
    fn from_str(s: &str) -> Result<TextEncoding, String> {
        let key: String = s.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).collect::<String>().to_lowercase();
        Ok(match key.as_str() {
            "utf8" => TextEncoding::Utf8,
            "utf16" | "utf16le" | "unicode" => TextEncoding::Utf16Le,
            "utf16be" => TextEncoding::Utf16Be,
            "windows1250" | "cp1250" | "win1250" => TextEncoding::Windows1250,
            "windows1252" | "cp1252" | "win1252" | "latin1" | "iso88591" => TextEncoding::Windows1252,
            _ => {
                return Err(format!(
                    "unknown encoding '{s}' (known: utf-8, utf-16, utf-16le, utf-16be, windows-1250, windows-1252)"
                ));
            }
        })
    }
}

/// Country codes whose Excel exports are in Windows-1250 when they are not in UTF-8.
const CENTRAL_EUROPE: &[u16] = &[420, 421, 48, 36, 386, 385, 381, 387, 40, 355, 382, 389];

/// The encoding of an input from its first bytes (`more`: the input goes on after them), the length of its
/// byte-order mark, and how it was told.
pub(super) fn detect(head: &[u8], more: bool, country_code: u16) -> (TextEncoding, usize, String) {
    if head.starts_with(&[0xef, 0xbb, 0xbf]) {
        return (TextEncoding::Utf8, 3, "detected: byte-order mark".into());
    }
    if head.starts_with(&[0xff, 0xfe]) {
        return (TextEncoding::Utf16Le, 2, "detected: byte-order mark".into());
    }
    if head.starts_with(&[0xfe, 0xff]) {
        return (TextEncoding::Utf16Be, 2, "detected: byte-order mark".into());
    }
    // ASCII text in UTF-16 without a mark: every other byte is zero.
    let probe = &head[..head.len().min(4096) & !1];
    if probe.len() >= 8 {
        let zeros = |offset: usize| probe.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
        let (even, odd, half) = (zeros(0), zeros(1), probe.len() / 2);
        if odd * 10 >= half * 4 && even * 20 < half {
            return (TextEncoding::Utf16Le, 0, "detected: every other byte is zero".into());
        }
        if even * 10 >= half * 4 && odd * 20 < half {
            return (TextEncoding::Utf16Be, 0, "detected: every other byte is zero".into());
        }
    }
    match std::str::from_utf8(head) {
        Ok(text) if text.is_ascii() => return (TextEncoding::Utf8, 0, "detected: ASCII only".into()),
        Ok(_) => return (TextEncoding::Utf8, 0, "detected: valid UTF-8".into()),
        // Cut inside a character at the end of the sample.
        Err(e) if e.error_len().is_none() && more => {
            return (TextEncoding::Utf8, 0, "detected: valid UTF-8".into());
        }
        Err(_) => {}
    }
    // Not UTF-8: a single-byte Windows code page. Bytes that only one of the two defines decide; otherwise
    // the country's usual code page (the numbers are ASCII either way: only names are shown differently).
    let only_1250 = head.iter().any(|b| matches!(b, 0x8d | 0x8f | 0x9d));
    let only_1252 = head.iter().any(|b| matches!(b, 0x83 | 0x88 | 0x98));
    match (only_1250, only_1252) {
        (true, false) => (TextEncoding::Windows1250, 0, "detected: not UTF-8, bytes only windows-1250 uses".into()),
        (false, true) => (TextEncoding::Windows1252, 0, "detected: not UTF-8, bytes only windows-1252 uses".into()),
        _ if CENTRAL_EUROPE.contains(&country_code) => (
            TextEncoding::Windows1250,
            0,
            format!(
                "not UTF-8, usual for +{country_code}; numbers read the same in any code page: set the encoding if names look wrong"
            ),
        ),
        _ => (
            TextEncoding::Windows1252,
            0,
            format!(
                "not UTF-8, usual for +{country_code}; numbers read the same in any code page: set the encoding if names look wrong"
            ),
        ),
    }
}

/// Reads up to `limit` bytes (fewer only at the end of the input).
pub(super) fn read_up_to(input: &mut impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(limit.min(1 << 20));
    input.take(limit as u64).read_to_end(&mut out)?;
    Ok(out)
}

/// UTF-16 (or any encoding) transcoded to UTF-8 as it is read; a leading byte-order mark is dropped.
pub(super) struct Transcode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_at: usize,
    in_end: usize,
    output: Vec<u8>,
    out_at: usize,
    out_end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Transcode<R> {
    pub(super) fn new(encoding: TextEncoding, inner: R) -> Transcode<R> {
        Transcode {
            inner,
            decoder: encoding.encoding_rs().new_decoder_with_bom_removal(),
            input: vec![0; 1 << 16],
            in_at: 0,
            in_end: 0,
            output: vec![0; 3 << 16],
            out_at: 0,
            out_end: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.out_at < self.out_end {
                let n = buf.len().min(self.out_end - self.out_at);
                buf[..n].copy_from_slice(&self.output[self.out_at..self.out_at + n]);
                self.out_at += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_at == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                (self.in_at, self.in_end, self.eof) = (0, n, n == 0);
            }
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.in_at..self.in_end], &mut self.output, self.eof);
            self.in_at += read;
            (self.out_at, self.out_end) = (0, written);
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_mark_transcodes_to_the_same_utf8() {
        let text = "Jméno;Telefon\r\nNovák;+420 601 123 456\r\n";
        for (mark, encode) in [([0xff, 0xfe], u16::to_le_bytes as fn(u16) -> [u8; 2]), ([0xfe, 0xff], u16::to_be_bytes)]
        {
            let mut bytes = mark.to_vec();
            text.encode_utf16().for_each(|u| bytes.extend(encode(u)));
            let (encoding, bom, _) = detect(&bytes, false, 420);
            assert_eq!(bom, 2);
            let mut out = String::new();
            Transcode::new(encoding, &bytes[..]).read_to_string(&mut out).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn czech_bytes_that_are_not_utf8_read_as_windows_1250() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode("Příjmení;Ťava\n");
        let (encoding, bom, _) = detect(&bytes, false, 1);
        assert_eq!((encoding, bom), (TextEncoding::Windows1250, 0), "Ť is only in windows-1250");
        assert_eq!(encoding.decode(&bytes), "Příjmení;Ťava\n");
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode("Jméno;Příjmení\n");
        assert_eq!(detect(&bytes, false, 420).0, TextEncoding::Windows1250);
        assert_eq!(detect("Jméno".as_bytes(), false, 420).0, TextEncoding::Utf8);
        assert_eq!("CP1250".parse(), Ok(TextEncoding::Windows1250));
        assert!("koi8".parse::<TextEncoding>().is_err());
    }
}
