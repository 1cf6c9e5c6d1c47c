"""QR images of badge codes: the only module that imports `qrcode`.

Codes are upper-case base32 with a "S1-" prefix, so they fit the QR alphanumeric mode:
29 characters at error correction Q (25% of the symbol can be lost to a crease, a scratch
or glare) make a version 2 symbol of 25 x 25 modules. Printed 1.3 in wide with its quiet
zone, a module is about 1 mm: a phone camera reads it at arm's length.

Three forms, all from the same module matrix:
- `qr_png(code, scale=...)`: a PNG for email and the phone (scale = pixels per module);
- `qr_data_uri(code)`: a one-pixel-per-module PNG as a data: URI, for badge sheets. Scaled
  with CSS `image-rendering: pixelated` it stays sharp and costs WeasyPrint one tiny image
  instead of hundreds of parsed SVG path points;
- `qr_svg(code)`: one compact SVG path, for print tools that want vectors.
"""

import base64
import io

QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks


def qr_matrix(code, *, border=QUIET_ZONE):
    """The symbol's modules as rows of booleans (True = dark), quiet zone included."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_Q
    from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=border)
    try:
        data = QRData(code, mode=MODE_ALPHA_NUM)
    except ValueError:  # not alphanumeric (never for our codes): fall back to bytes
        data = QRData(code.encode(), mode=MODE_8BIT_BYTE)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def _image(matrix):
    from PIL import Image

    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image


def _png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_png(code, *, scale=10, border=QUIET_ZONE):
    """PNG bytes of the code's QR, `scale` pixels per module (10: 330 px square)."""
    from PIL import Image

    image = _image(qr_matrix(code, border=border))
    if scale != 1:
        image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    return _png_bytes(image)


def qr_data_uri(code, *, scale=1, border=QUIET_ZONE):
    """`data:image/png;base64,...` of the code's QR; scale 1 for sheets, larger for screens."""
    return "data:image/png;base64," + base64.b64encode(qr_png(code, scale=scale, border=border)).decode()


def qr_svg(code, *, module_mm=1.0, border=QUIET_ZONE):
    """A standalone SVG of the code's QR: one path of unit squares (run-length merged per row)."""
    matrix = qr_matrix(code, border=border)
    size = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size * module_mm:g}mm" height="{size * module_mm:g}mm" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )
