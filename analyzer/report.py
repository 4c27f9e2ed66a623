"""Tables of counts and bounds: plain text, JSON-ready dicts, CSV, LaTeX (booktabs).

Integers are exact everywhere except in the fixed-width text tables, where a number of more than
15 digits is printed rounded to 4 significant digits (``1.235e+230``) so that columns stay aligned;
JSON, CSV and the LaTeX comments keep every digit. Python refuses to turn an integer of more than
4300 digits into a string (``sys.set_int_max_str_digits``); :func:`decimal` lifts that limit for
the one conversion, and JSON writes such an integer as a string of its digits (:func:`json_integer`),
since Python's own JSON reader would refuse the number (``int(value)`` reads either form).
"""
from __future__ import annotations

import csv
import io
import re
import sys
import textwrap
from collections.abc import Mapping, Sequence

from analyzer.bounds import Bound, BoundKind, Check, RegionKind
from analyzer.errors import AnalyzerError

_INT_STR_LIMIT = 4300  # Python's default int -> str limit, in digits
_TEXT_DIGITS = 15      # longer integers are rounded in text tables


def decimal_exponent(n: int) -> int:
    """``floor(log10 |n|)`` for ``n != 0``, exactly, without converting n to a string."""
    n = abs(n)
    e = max(0, int((n.bit_length() - 1) * 0.30102999566398120))  # log10(2), may be off by one
    while 10 ** (e + 1) <= n:
        e += 1
    while e > 0 and 10 ** e > n:
        e -= 1
    return e


def decimal(n: int) -> str:
    """Every decimal digit of n, however long (Python's int -> str limit is lifted for this call)."""
    if n == 0 or decimal_exponent(n) < _INT_STR_LIMIT:
        return str(n)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return str(n)
    finally:
        sys.set_int_max_str_digits(limit)


def json_integer(n: int | None) -> int | str | None:
    """n as a JSON integer, or as the string of its digits when it has more than 4300 of them."""
    if n is None or n == 0 or decimal_exponent(n) < _INT_STR_LIMIT:
        return n
    return decimal(n)


def _mantissa(n: int, significant: int) -> tuple[str, int]:
    """``(digits, e)``: |n| rounded to ``significant`` digits is ``int(digits) * 10^(e - significant + 1)``."""
    n, e = abs(n), decimal_exponent(n)
    head = n // 10 ** (e - significant) if e >= significant else n * 10 ** (significant - e)  # one digit more
    rounded = (head + 5) // 10
    if rounded == 10 ** significant:
        rounded, e = rounded // 10, e + 1
    return str(rounded), e


def short(n: int) -> str:
    """n in full up to 15 digits, else rounded to 4 significant digits: ``1.235e+230``."""
    if n == 0 or decimal_exponent(n) < _TEXT_DIGITS:
        return str(n)
    digits, e = _mantissa(n, 4)
    return f"{'-' if n < 0 else ''}{digits[0]}.{digits[1:]}e+{e}"


def latex_number(n: int) -> str:
    """n in full up to 15 digits, else ``$1.235\\times 10^{230}$``."""
    if n == 0 or decimal_exponent(n) < _TEXT_DIGITS:
        return str(n)
    digits, e = _mantissa(n, 4)
    return rf"${'-' if n < 0 else ''}{digits[0]}.{digits[1:]}\times 10^{{{e}}}$"


def _fraction(q) -> str:
    """An exact rational as "p/q" ("p" when q = 1), every digit."""
    return decimal(q.numerator) if q.denominator == 1 else f"{decimal(q.numerator)}/{decimal(q.denominator)}"


def _ratio_text(c: Check) -> str:
    if c.ratio is None:
        return "-"
    whole = c.ratio.numerator // c.ratio.denominator
    return f"x{float(c.ratio):.3g}" if whole < 10 ** 6 else f"x{short(whole)}"


_UNIT = {RegionKind.ACTIVATION: "act", RegionKind.LINEAR: "lin"}


def check_dicts(checks: Sequence[Check]) -> list[dict]:
    """One JSON object per bound: name, kind, what it counts and where it holds, value (int, a digit
    string past 4300 digits, or null), the count it was compared with and what that count counts,
    holds (bool or null), difference and the exact ratio value/count as "p/q"."""
    return [{
        **bound_dicts([c.bound])[0],
        "compared_with": c.count,
        "compared_counts": None if c.compared is None else c.compared.value,
        "holds": c.holds,
        "difference": json_integer(c.difference),
        "ratio": None if c.ratio is None else _fraction(c.ratio),
        "verdict": _verdict(c),
    } for c in checks]


def bound_dicts(bounds: Sequence[Bound]) -> list[dict]:
    return [{"name": b.name, "kind": b.kind.value, "counts": b.counts.value, "over": b.over,
             "value": json_integer(b.value), "applies": b.applies, "reason": b.reason, "citation": b.citation}
            for b in bounds]


def _verdict(c: Check) -> str:
    b = c.bound
    if not b.applies:
        return f"n/a: {b.reason}"
    if c.holds is False:
        return "VIOLATED"
    if c.holds is True:
        compared = c.compared or b.counts
        return "holds" if compared is b.counts else f"holds ({b.counts.value} <= {compared.value})"
    if b.kind is BoundKind.UPPER:
        return "undecided: activation count above it, linear regions not counted" if c.count is not None \
            else "not compared"
    what = "lower bound on the maximum" if b.kind is BoundKind.LOWER else "scale, not a bound"
    return f"({what}; {b.counts.value} not counted)" if c.count is None else f"({what})"


LEGEND = textwrap.fill("counts: what the bound counts (act: activation regions, lin: linear regions). Upper bounds hold on any "
          "domain, and an upper bound on activation regions bounds linear regions too; lower bounds bound the "
          "maximum over weights on R^n0, which no single network's count violates. Values of more than 15 digits "
          "are rounded to 4 significant digits (--json keeps them exact).", width=100)


def checks_text(checks: Sequence[Check]) -> str:
    """A fixed-width table of a check: each bound, what it counts, its value, the count it was
    compared with (``act``/``lin`` after it), value/count and the verdict."""
    lines = [f"{'bound':44s} {'kind':5s} {'counts':6s} {'value':>11s} {'compared with':>13s} {'ratio':>9s}  verdict"]
    for c in checks:
        value = "-" if c.bound.value is None else short(c.bound.value)
        count = "-" if c.count is None or c.compared is None else f"{short(c.count)} {_UNIT[c.compared]}"
        lines.append(f"{c.bound.name[:44]:44s} {c.bound.kind.value:5s} {_UNIT[c.bound.counts]:6s} {value:>11s} "
                     f"{count:>13s} {_ratio_text(c):>9s}  {_verdict(c)}")
    return "\n".join(lines)


def bounds_text(bounds: Sequence[Bound]) -> str:
    """A header line and one line per bound: name, kind, what it counts, value, notes."""
    lines = [f"{'bound':44s} {'kind':5s} {'counts':6s} {'value':>11s}  notes"]
    for b in bounds:
        value = "-" if b.value is None else short(b.value)
        lines.append(f"{b.name[:44]:44s} {b.kind.value:5s} {_UNIT[b.counts]:6s} {value:>11s}  {b.reason or b.citation}")
    return "\n".join(lines)


_LATEX_SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                   "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def latex_escape(text: str) -> str:
    """``text`` as literal LaTeX text: every special character escaped (for text a user wrote)."""
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


_POWER = re.compile(r"\b([A-Za-z])\^([A-Za-z]+\d*|\d+)")


def latex_text(text: str) -> str:
    """The tool's own text (bound names, captions) as LaTeX: powers of one letter such as ``s^N``,
    ``R^2`` or ``R^n0`` in math mode (``$s^N$``, ``$\\mathbb{R}^2$``, ``$\\mathbb{R}^{n_0}$``), the rest
    escaped."""
    out, last = [], 0
    for m in _POWER.finditer(text):
        base = r"\mathbb{R}" if m.group(1) == "R" else m.group(1)
        exponent = re.sub(r"^([A-Za-z]+)(\d+)$", r"\1_\2", m.group(2))
        exponent = exponent if len(exponent) == 1 else "{" + exponent + "}"
        out += [latex_escape(text[last:m.start()]), f"${base}^{exponent}$"]
        last = m.end()
    return "".join(out + [latex_escape(text[last:])])


def _exact_comment(b: Bound) -> list[str]:
    """A ``%`` line with every digit of a value the table rounds."""
    if b.value is None or b.value == 0 or decimal_exponent(b.value) < _TEXT_DIGITS:
        return []
    return [f"% {_comment(b.name)}: exactly {decimal(b.value)}"]


def bounds_latex(bounds: Sequence[Bound], caption: str) -> str:
    """A booktabs table of the bounds that apply: name, kind, what it counts, value (more than 15
    digits: rounded, with every digit in a ``%`` comment above the row)."""
    rows = [line for b in bounds if b.value is not None for line in (
        *_exact_comment(b),
        rf"{latex_text(b.name)} & {b.kind.value} & {b.counts.value} & {latex_number(b.value)} \\")]
    return "\n".join([
        r"\begin{table}[t]", r"\centering", r"\begin{tabular}{lllr}", r"\toprule",
        r"Bound & Kind & Counts & Value \\", r"\midrule", *rows, r"\bottomrule", r"\end{tabular}",
        rf"\caption{{{latex_text(caption)}}}", r"\end{table}"])


# --- counts and checks with provenance (CSV, LaTeX) -------------------------------------------------
#
# ``result`` is a mapping with at least ``activation_regions`` and optionally ``linear_regions``,
# ``bounded_regions``, ``per_layer`` (list of ints), ``status`` (or ``complete``) and the CLI's
# ``activation_complete``, ``linear_complete``, ``bounded_complete`` (which counts are exact;
# without them a status other than complete makes every count partial): the CLI's ``--json``
# object and ``RegionSet.to_json()`` both qualify; other keys are ignored. ``provenance``
# is the dict of :func:`analyzer.provenance.provenance` (any flat mapping of names to strings or
# numbers works). Integers are written in full, never in floating point.

_COUNT_KEYS = ("activation_regions", "linear_regions", "bounded_regions")
_COMPLETE_KEYS = ("activation_complete", "linear_complete", "bounded_complete")
_COUNT_NAMES = {"activation_regions": "Activation regions", "linear_regions": "Linear regions",
                "bounded_regions": "Bounded regions"}


def _status(result: Mapping) -> str | None:
    if "status" in result:
        return str(result["status"])
    if "complete" in result:
        return "complete" if result["complete"] else "partial"
    return None


def _count_row(result: Mapping) -> dict:
    if "activation_regions" not in result:
        raise AnalyzerError(f"a count result needs 'activation_regions'; it has {sorted(result)}")
    row: dict[str, int | str] = {key: int(result[key]) for key in _COUNT_KEYS if result.get(key) is not None}
    for i, n in enumerate(result.get("per_layer") or (), start=1):
        row[f"per_layer_{i}"] = int(n)
    status = _status(result)
    if status is not None:
        row["status"] = status
    row.update({key: bool(result[key]) for key in _COMPLETE_KEYS if key in result})
    return row


def _partial(row: Mapping) -> set[str]:
    """The counts of a :func:`_count_row` not proved exact: those whose ``*_complete`` is false,
    or, without those keys, all of them when the status is not complete."""
    if "activation_complete" in row:
        return {key for key, done in zip(_COUNT_KEYS, _COMPLETE_KEYS) if key in row and not row.get(done, False)}
    return set(_COUNT_KEYS) if row.get("status") not in (None, "complete") else set()


def _csv_text(header: Sequence[str], rows: Sequence[Mapping]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return decimal(value) if isinstance(value, int) else str(value)


def counts_csv(result: Mapping, provenance: Mapping) -> str:
    """One header line and one row: the counts (``per_layer_1``, ... for the per-layer counts,
    ``status`` when the result has one) followed by the provenance fields."""
    return counts_table_csv([(result, provenance)])


def counts_table_csv(rows: Sequence[tuple[Mapping, Mapping]]) -> str:
    """Several counts, one ``(result, provenance)`` pair a row, as :func:`counts_csv` writes one.

    The header is the union of the rows' columns in order of first appearance (networks of
    different depths have different ``per_layer_*`` columns); a cell a row lacks is empty."""
    table, present, depth = [], set(), 0
    for result, provenance in rows:
        row = _count_row(result)
        clash = set(row) & set(provenance)
        if clash:
            raise AnalyzerError(f"provenance fields {sorted(clash)} clash with count columns")
        present |= set(row)
        depth = max(depth, len(result.get("per_layer") or ()))
        row.update(provenance)
        table.append(row)
    count_columns = [k for k in (*_COUNT_KEYS, *(f"per_layer_{i}" for i in range(1, depth + 1)), "status",
                                 *_COMPLETE_KEYS) if k in present]
    other_columns = list(dict.fromkeys(k for row in table for k in row if k not in count_columns))
    return _csv_text(count_columns + other_columns, table)


def counts_table_latex(rows: Sequence[tuple[Mapping, Mapping]], caption: str) -> str:
    """A booktabs table with one row per count: architecture, domain, activation, linear and bounded
    regions (a dash where a result lacks one). Each row is preceded by a ``%`` comment with its full
    provenance; partial counts are starred and the caption says what the star means."""
    body = []
    any_partial = False
    for result, provenance in rows:
        row = _count_row(result)
        partial = _partial(row)
        any_partial |= bool(partial)
        cells = [str(row[k]) + ("*" if k in partial else "") if k in row else "--" for k in _COUNT_KEYS]
        body.append("% " + "; ".join(f"{_comment(k)}: {_comment(v)}" for k, v in provenance.items()))
        body.append(rf"{latex_escape(str(provenance.get('architecture', '')))} & "
                    rf"\texttt{{{latex_escape(str(provenance.get('domain', '')))}}} & {' & '.join(cells)} \\")
    versions = sorted({f"{p.get('tool', 'regionscope')} {p.get('version', '')}" for _, p in rows})
    paths = sorted({str(p.get("decided_by", "")) for _, p in rows})
    note = " *Partial count (the run stopped early): not an exact count." if any_partial else ""
    how = f" Exact counts by {', '.join(versions)} ({'; '.join(paths)})." if rows else ""
    return "\n".join([
        r"\begin{table}[t]", r"\centering", r"\begin{tabular}{llrrr}", r"\toprule",
        r"Architecture & Domain & Activation regions & Linear regions & Bounded regions \\", r"\midrule",
        *body, r"\bottomrule", r"\end{tabular}", rf"\caption{{{latex_escape(caption) + latex_text(note + how)}}}",
        r"\end{table}"])


def _comment(text: object) -> str:
    return " ".join(str(text).split())  # one line: a LaTeX comment ends at the newline


def counts_latex(result: Mapping, provenance: Mapping, caption: str | None = None) -> str:
    """A booktabs table of the counts, per-layer counts indented below them.

    The provenance is written in full as ``%`` comments inside the table (they travel with it when
    it is pasted into a paper) and briefly in the caption (version, LP path, network hash prefix).
    A partial count (status not complete) says so in the caption."""
    row = _count_row(result)
    lines = [rf"{_COUNT_NAMES[k]} & {row[k]} \\" for k in _COUNT_KEYS if k in row]
    lines += [rf"\quad after layer {k.rsplit('_', 1)[1]} & {v} \\" for k, v in row.items()
              if k.startswith("per_layer_")]
    domain = str(provenance.get("domain", ""))
    if domain == "all":
        n0 = str(provenance.get("architecture", "")).split("-")[0]
        domain = f"all of R^{n0}" if n0 else "the whole input space"
    text = latex_escape(caption) if caption is not None else latex_text(f"Regions over {domain}." if domain
                                                                         else "Region counts.")
    partial = _partial(row)
    names = " and ".join(_COUNT_NAMES[k].lower() for k in _COUNT_KEYS if k in partial)
    note = f" PARTIAL ({row.get('status', 'partial')}): the {names} are not exact counts." if partial else ""
    decided = f" ({provenance['decided_by']})" if provenance.get("decided_by") else ""
    how = (f" Counted exactly by {provenance.get('tool', 'regionscope')} {provenance.get('version', '')}{decided};"
           f" network SHA-256 {str(provenance.get('network_sha256', ''))[:12]}.")
    comments = [f"% {_comment(k)}: {_comment(v)}" for k, v in provenance.items()]
    return "\n".join([
        r"\begin{table}[t]", r"\centering", *comments, r"\begin{tabular}{lr}", r"\toprule",
        r"Quantity & Count \\", r"\midrule", *lines, r"\bottomrule", r"\end{tabular}",
        rf"\caption{{{text + latex_text(note + how)}}}", r"\end{table}"])


def checks_csv(checks: Sequence[Check], provenance: Mapping) -> str:
    """One row per bound: name, kind, what it counts, layer, value, applies, reason, citation, the count
    it is compared with and what that counts, holds (true/false, empty when it is not a yes-or-no
    question), difference and the exact ratio bound/count as "p/q"; each row ends with the provenance
    fields. Every digit is written."""
    rows = []
    for c in checks:
        row = {
            "name": c.bound.name, "kind": c.bound.kind.value, "counts": c.bound.counts.value, "layer": c.bound.layer,
            "value": c.bound.value, "applies": c.bound.applies, "reason": c.bound.reason, "citation": c.bound.citation,
            "compared_with": c.count, "compared_counts": None if c.compared is None else c.compared.value,
            "holds": c.holds, "difference": c.difference,
            "ratio": None if c.ratio is None else _fraction(c.ratio),
        }
        clash = set(row) & set(provenance)
        if clash:
            raise AnalyzerError(f"provenance fields {sorted(clash)} clash with check columns")
        row.update(provenance)
        rows.append(row)
    header = list(rows[0]) if rows else ["name", "kind", "counts", "layer", "value", "applies", "reason", "citation",
                                        "compared_with", "compared_counts", "holds", "difference", "ratio",
                                        *provenance]
    return _csv_text(header, rows)

