//! Mojibake: UTF-8 text that was decoded as Windows-1252 and saved again (`âœ…` for ✅).

use crate::source::Span;

/// The Windows-1252 byte a character came from, if it is one of the characters that
/// decoding UTF-8 bytes as Windows-1252 produces.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        // Undefined in Windows-1252; decoders pass them through as C1 controls.
        '\u{80}'..='\u{9F}' | '\u{A0}'..='\u{FF}' => u8::try_from(u32::from(c)).ok()?,
        _ => return None,
    };
    Some(b)
}

/// Bytes that Windows-1252 leaves undefined; a decoder that drops them loses the last byte of
/// some UTF-8 sequences (`â€` for `”`, whose third byte is 0x9D).
const UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// A garbled sequence starting at `start`: its end and the character it stands for, or
/// `None` when one byte was lost and the character cannot be known for sure.
fn decode_at(text: &str, start: usize) -> Option<(usize, Option<char>)> {
    let mut chars = text[start..].char_indices().peekable();
    let (_, lead) = chars.next()?;
    let b0 = cp1252_byte(lead)?;
    let needed = match b0 {
        0xC2..=0xDF => 1,
        0xE0..=0xEF => 2,
        0xF0..=0xF4 => 3,
        _ => return None,
    };
    let mut bytes = vec![b0];
    let mut end = start + lead.len_utf8();
    while bytes.len() <= needed {
        let Some(b) = chars
            .peek()
            .and_then(|&(_, c)| cp1252_byte(c))
            .filter(|b| (0x80..=0xBF).contains(b))
        else {
            break;
        };
        if let Some((i, c)) = chars.next() {
            bytes.push(b);
            end = start + i + c.len_utf8();
        }
    }
    if bytes.len() == needed + 1 {
        let decoded = std::str::from_utf8(&bytes).ok()?.chars().next()?;
        return Some((end, Some(decoded)));
    }
    // One byte short: damaged only if some undefined byte would complete a valid character.
    let damaged = needed >= 2
        && bytes.len() == needed
        && UNDEFINED.iter().any(|&b| {
            let mut candidate = bytes.clone();
            candidate.push(b);
            std::str::from_utf8(&candidate).is_ok()
        });
    damaged.then_some((end, None))
}

/// A garbled run: its span and the restored text, when it can be restored.
pub struct Garbled {
    pub span: Span,
    pub restored: Option<String>,
}

/// Garbled runs in `text`, adjacent sequences merged.
pub fn find(text: &str) -> Vec<Garbled> {
    let mut runs: Vec<Garbled> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        // Every lead character (U+00C2..=U+00F4) is encoded starting with byte 0xC3.
        let Some(next) = text.as_bytes()[i..].iter().position(|&b| b == 0xC3) else {
            break;
        };
        i += next;
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if let Some((end, decoded)) = decode_at(text, i) {
            match runs.last_mut() {
                Some(run) if run.span.end == i => {
                    run.span.end = end;
                    run.restored = run.restored.take().zip(decoded).map(|(mut r, d)| {
                        r.push(d);
                        r
                    });
                }
                _ => runs.push(Garbled {
                    span: Span::new(i, end),
                    restored: decoded.map(String::from),
                }),
            }
            i = end;
        } else {
            i += c.len_utf8();
        }
    }
    runs
}

/// `text` with every restorable garbled run restored (damaged ones are left as they are).
pub fn restore(text: &str) -> std::borrow::Cow<'_, str> {
    let runs = find(text);
    if runs.iter().all(|r| r.restored.is_none()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for run in runs {
        if let Some(restored) = run.restored {
            out.push_str(&text[pos..run.span.start]);
            out.push_str(&restored);
            pos = run.span.end;
        }
    }
    out.push_str(&text[pos..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn restores_emoji_and_checkmarks() {
        let runs = find("ok âœ… and ðŸ’» and Ã© but not é or Â alone; ðŸ” lost a byte, â€ too");
        let restored: Vec<_> = runs.iter().map(|r| r.restored.as_deref()).collect();
        assert_eq!(
            restored,
            vec![Some("✅"), Some("💻"), Some("é"), None, None]
        );
    }
}
