"""Hypothesis strategies shared by the fuzz tests: mutations of valid text and bytes."""

from __future__ import annotations

from hypothesis import strategies as st

#: Text that breaks readers: quotes, separators, line breaks, BOMs, odd numbers, markup.
NASTY = st.one_of(
    st.text(max_size=30),
    st.sampled_from(['"', '""', ",", ";", "\n", "\r\n", "\t", "\ufeff", "\x00", "nan", "inf",
                     "-inf", "1e20", "-1", "0", "9" * 25, "1,5", "25:61:00", "99:99:99",
                     "<script>alert(1)</script>", "é", "\u200b", " ", ""]),
)


@st.composite
def mutated_csv(draw, text: str) -> str:
    """``text`` (a CSV file) with one to three cells, lines or headers damaged."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cell", "drop_line", "dup_line", "header", "truncate",
                                     "insert"]))
        row = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [draw(NASTY)]
            continue
        if kind == "cell":
            cells = lines[row].split(",")
            col = draw(st.integers(0, len(cells) - 1))
            cells[col] = draw(NASTY)
            lines[row] = ",".join(cells)
        elif kind == "drop_line":
            del lines[row]
        elif kind == "dup_line":
            lines.insert(row, lines[row])
        elif kind == "header":
            cells = lines[0].split(",")
            del cells[draw(st.integers(0, len(cells) - 1))]
            lines[0] = ",".join(cells)
        elif kind == "truncate":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].splitlines()
        else:
            lines.insert(row, draw(NASTY))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    """``data`` truncated, with flipped bytes, or with random bytes inserted."""
    buf = bytearray(data)
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "replace"]))
    if kind == "truncate":
        return bytes(buf[: draw(st.integers(0, len(buf)))])
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(buf) - 1))
            buf[i] ^= draw(st.integers(1, 255))
        return bytes(buf)
    if kind == "insert":
        i = draw(st.integers(0, len(buf)))
        return bytes(buf[:i]) + draw(st.binary(min_size=1, max_size=64)) + bytes(buf[i:])
    return draw(st.binary(max_size=512))
