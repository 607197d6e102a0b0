//! What counts as a seal stamp: a PNG or a JPEG (recognised by its bytes, not
//! by a Content-Type anyone can set) no larger than the configured number of
//! pixels on each side. A PNG is decoded here, so a broken one is found before
//! it is stored; a JPEG is embedded as it is, after its header was read.

use super::{StampImage, StampStatus};
use krilla::image::Image;

/// Pixels on each side of a stamp at most, unless configured otherwise: a
/// seal drawn 0.4 inch high needs a few hundred.
pub const DEFAULT_MAX_SIDE: u32 = 2000;

/// A checked stamp: what to draw and what to record about it.
#[derive(Clone)]
pub struct Checked {
    pub image: StampImage,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// PNG (any colour type) or JPEG with default limits.
pub fn decode(bytes: &[u8]) -> Result<StampImage, StampStatus> {
    check(bytes, DEFAULT_MAX_SIDE).map(|c| c.image)
}

pub fn check(bytes: &[u8], max_side: u32) -> Result<Checked, StampStatus> {
    let broken = |d: String| StampStatus::Broken(d);
    let within = |width: u32, height: u32| {
        if width == 0 || height == 0 || width > max_side || height > max_side {
            Err(broken(format!(
                "{width}x{height} pixels (at most {max_side} on each side)"
            )))
        } else {
            Ok(())
        }
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let (width, height) = png_size(bytes).map_err(broken)?;
        within(width, height)?;
        let image = decode_png(bytes).map_err(broken)?;
        Ok(Checked {
            image,
            content_type: "image/png",
            width,
            height,
        })
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        let (width, height) =
            jpeg_size(bytes).ok_or_else(|| broken("jpeg: no frame header".into()))?;
        within(width, height)?;
        let image = Image::from_jpeg(krilla::Data::from(bytes.to_vec()), true)
            .map_err(|e| broken(format!("jpeg: {e}")))?;
        Ok(Checked {
            image: StampImage { image },
            content_type: "image/jpeg",
            width,
            height,
        })
    } else {
        Err(broken("not a PNG or JPEG image".to_owned()))
    }
}

fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().map_err(|e| format!("png: {e}"))?;
    let info = reader.info();
    Ok((info.width, info.height))
}

/// Width and height from the first start-of-frame segment.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Fill bytes (0xff) may precede a marker.
        while bytes.get(at) == Some(&0xff) && bytes.get(at + 1) == Some(&0xff) {
            at += 1;
        }
        if *bytes.get(at)? != 0xff {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        let is_frame = (0xc0..=0xcf).contains(&marker) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_frame {
            let height = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]);
            let width = u16::from_be_bytes([*bytes.get(at + 7)?, *bytes.get(at + 8)?]);
            return Some((u32::from(width), u32::from(height)));
        }
        if marker == 0xd9 || marker == 0xda || length < 2 {
            return None;
        }
        at += 2 + length;
    }
}

fn decode_png(bytes: &[u8]) -> Result<StampImage, String> {
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: 64 * 1024 * 1024,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| format!("png: {e}"))?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "png: too large".to_owned())?;
    let mut buffer = vec![0; size];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|e| format!("png: {e}"))?;
    buffer.truncate(frame.buffer_size());
    let pixels = (width as usize) * (height as usize);
    let rgba: Vec<u8> = match frame.color_type {
        png::ColorType::Rgba => buffer,
        png::ColorType::Rgb => buffer
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => buffer
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => buffer.iter().flat_map(|g| [*g, *g, *g, 255]).collect(),
        png::ColorType::Indexed => return Err("png: palette not expanded".to_owned()),
    };
    if rgba.len() != pixels * 4 {
        return Err("png: truncated image data".to_owned());
    }
    Ok(StampImage {
        image: Image::from_rgba8(rgba, width, height),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut bytes, width, height);
            encoder.set_color(png::ColorType::Grayscale);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap_or_else(|e| panic!("{e}"));
            let data = vec![0_u8; (width * height) as usize];
            writer
                .write_image_data(&data)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        bytes
    }

    /// The smallest JPEG header that names a size: SOI, an APP0 segment,
    /// then a baseline frame header.
    fn jpeg_header(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
        bytes.extend([0xff, 0xc0, 0x00, 0x0b, 0x08]);
        bytes.extend(height.to_be_bytes());
        bytes.extend(width.to_be_bytes());
        bytes.extend([0x01, 0x01, 0x11, 0x00]);
        bytes
    }

    #[test]
    fn only_png_and_jpeg_within_the_pixel_bound_pass() {
        let ok = check(&png(40, 20), 100).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (ok.content_type, ok.width, ok.height),
            ("image/png", 40, 20)
        );
        assert!(matches!(
            check(&png(101, 20), 100),
            Err(StampStatus::Broken(_))
        ));
        assert!(matches!(
            check(&png(20, 101), 100),
            Err(StampStatus::Broken(_))
        ));
        assert_eq!(jpeg_size(&jpeg_header(640, 480)), Some((640, 480)));
        let Err(StampStatus::Broken(why)) = check(&jpeg_header(5000, 10), 2000) else {
            panic!("a huge JPEG passed");
        };
        assert!(why.contains("5000x10"), "{why}");
        for garbage in [
            &b"<html>"[..],
            b"GIF89a....",
            b"\xff\xd8\xff",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        ] {
            assert!(matches!(check(garbage, 2000), Err(StampStatus::Broken(_))));
        }
    }
}
