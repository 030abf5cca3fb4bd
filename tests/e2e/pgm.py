"""The page images the end-to-end tests read: binary PGM as `pdftoppm -gray` writes it."""


def read_pgm(path):
    """(width, height, pixels) of a binary PGM, pixels one byte each, row by row."""
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:  # P5 width height maxval, separated by white space
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), data[pos + 1:]
