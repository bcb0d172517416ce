#!/usr/bin/env python3
"""png_colors.py PNG RRGGBB...: for each colour, how many pixels of the
screenshot are that colour (within a small tolerance for antialiasing),
one "RRGGBB COUNT" line each.  Reads 8-bit RGB or RGBA PNGs, as Chromium
writes them, with only the standard library."""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(
                ">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unsupported PNG: depth %d type %d" %
                                 (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    width, height, bpp, rows = read_png(sys.argv[1])
    want = [tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
            for h in sys.argv[2:]]
    counts = [0] * len(want)
    for line in rows:
        for x in range(0, width * bpp, bpp):
            px = line[x:x + 3]
            for k, (r, g, b) in enumerate(want):
                if (abs(px[0] - r) <= 6 and abs(px[1] - g) <= 6 and
                        abs(px[2] - b) <= 6):
                    counts[k] += 1
    print("size %dx%d" % (width, height))
    for h, n in zip(sys.argv[2:], counts):
        print("%s %d" % (h, n))


if __name__ == "__main__":
    main()
