"""Tables of counts and bounds: plain text, JSON-ready dicts, LaTeX (booktabs)."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from analyzer.bounds import Bound, Check
from analyzer.errors import AnalyzerError


def check_dicts(checks: Sequence[Check]) -> list[dict]:
    """One JSON object per bound: name, kind, value (int or null), holds (bool or null), slack."""
    return [{
        "name": c.bound.name,
        "kind": c.bound.kind.value,
        "value": c.bound.value,
        "applies": c.bound.applies,
        "reason": c.bound.reason,
        "citation": c.bound.citation,
        "compared_with": c.count,
        "holds": c.holds,
        "difference": c.difference,
        "ratio": None if c.ratio is None else f"{float(c.ratio):.6g}",
    } for c in checks]


def bound_dicts(bounds: Sequence[Bound]) -> list[dict]:
    return [{"name": b.name, "kind": b.kind.value, "value": b.value, "applies": b.applies,
             "reason": b.reason, "citation": b.citation} for b in bounds]


def _verdict(c: Check) -> str:
    if not c.bound.applies:
        return "n/a"
    if c.holds is True:
        return "holds"
    if c.holds is False:
        return "VIOLATED"
    return {"lower": "(lower bound on the maximum)", "scale": "(scale, not a bound)"}.get(c.bound.kind.value, "")


def checks_text(checks: Sequence[Check]) -> str:
    """A fixed-width table of a check."""
    lines = [f"{'bound':48s} {'kind':6s} {'value':>14s} {'count':>8s} {'slack':>12s}  verdict"]
    for c in checks:
        value = "-" if c.bound.value is None else str(c.bound.value)
        count = "-" if c.count is None else str(c.count)
        slack = "-" if c.ratio is None else f"x{float(c.ratio):.3g}"
        verdict = _verdict(c) if c.bound.applies else f"n/a: {c.bound.reason}"
        lines.append(f"{c.bound.name[:48]:48s} {c.bound.kind.value:6s} {value:>14s} {count:>8s} {slack:>12s}  {verdict}")
    return "\n".join(lines)


def bounds_text(bounds: Sequence[Bound]) -> str:
    lines = [f"{'bound':48s} {'kind':6s} {'value':>16s}  notes"]
    for b in bounds:
        value = "-" if b.value is None else str(b.value)
        lines.append(f"{b.name[:48]:48s} {b.kind.value:6s} {value:>16s}  {b.reason or b.citation}")
    return "\n".join(lines)


_LATEX_SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                   "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


def bounds_latex(bounds: Sequence[Bound], caption: str) -> str:
    """A booktabs table of the bounds that apply."""
    rows = [rf"{latex_escape(b.name)} & {b.kind.value} & {b.value} \\" for b in bounds if b.applies]
    return "\n".join([
        r"\begin{table}[t]", r"\centering", r"\begin{tabular}{llr}", r"\toprule",
        r"Bound & Kind & Value \\", r"\midrule", *rows, r"\bottomrule", r"\end{tabular}",
        rf"\caption{{{latex_escape(caption)}}}", r"\end{table}"])


# --- counts and checks with provenance (CSV, LaTeX) -------------------------------------------------
#
# ``result`` is a mapping with at least ``activation_regions`` and optionally ``linear_regions``,
# ``bounded_regions``, ``per_layer`` (list of ints) and ``status`` (or ``complete``): the CLI's
# ``--json`` object and ``RegionSet.to_json()`` both qualify; other keys are ignored. ``provenance``
# is the dict of :func:`analyzer.provenance.provenance` (any flat mapping of names to strings or
# numbers works). Integers are written in full, never in floating point.

_COUNT_KEYS = ("activation_regions", "linear_regions", "bounded_regions")
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
    row = {key: int(result[key]) for key in _COUNT_KEYS if result.get(key) is not None}
    for i, n in enumerate(result.get("per_layer") or (), start=1):
        row[f"per_layer_{i}"] = int(n)
    status = _status(result)
    if status is not None:
        row["status"] = status
    return row


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
    return str(value)


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
    count_columns = [k for k in (*_COUNT_KEYS, *(f"per_layer_{i}" for i in range(1, depth + 1)), "status")
                     if k in present]
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
        partial = row.get("status") not in (None, "complete")
        any_partial |= partial
        cells = [str(row[k]) + ("*" if partial else "") if k in row else "--" for k in _COUNT_KEYS]
        body.append("% " + "; ".join(f"{_comment(k)}: {_comment(v)}" for k, v in provenance.items()))
        body.append(rf"{latex_escape(str(provenance.get('architecture', '')))} & "
                    rf"\texttt{{{latex_escape(str(provenance.get('domain', '')))}}} & {' & '.join(cells)} \\")
    versions = sorted({f"{p.get('tool', 'regionscope')} {p.get('version', '')}" for _, p in rows})
    lps = sorted({str(p.get("lp", "")) for _, p in rows})
    note = " *Partial count (the run stopped early): a lower bound." if any_partial else ""
    how = f" Exact counts by {', '.join(versions)} ({', '.join(lps)} LPs)." if rows else ""
    return "\n".join([
        r"\begin{table}[t]", r"\centering", r"\begin{tabular}{llrrr}", r"\toprule",
        r"Architecture & Domain & Activation regions & Linear regions & Bounded regions \\", r"\midrule",
        *body, r"\bottomrule", r"\end{tabular}", rf"\caption{{{latex_escape(caption + note + how)}}}", r"\end{table}"])


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
    text = caption if caption is not None else f"Regions over {domain}." if domain else "Region counts."
    partial = row.get("status") not in (None, "complete")
    note = (f" Counts are PARTIAL ({row['status']}): lower bounds only." if partial else "")
    how = (f" Counted exactly by {provenance.get('tool', 'regionscope')} {provenance.get('version', '')}"
           f" ({provenance.get('lp', '')} LPs); network SHA-256 {str(provenance.get('network_sha256', ''))[:12]}.")
    comments = [f"% {_comment(k)}: {_comment(v)}" for k, v in provenance.items()]
    return "\n".join([
        r"\begin{table}[t]", r"\centering", *comments, r"\begin{tabular}{lr}", r"\toprule",
        r"Quantity & Count \\", r"\midrule", *lines, r"\bottomrule", r"\end{tabular}",
        rf"\caption{{{latex_escape(text + note + how)}}}", r"\end{table}"])


def checks_csv(checks: Sequence[Check], provenance: Mapping) -> str:
    """One row per bound: name, kind, layer, value, applies, reason, citation, the count it is
    compared with, holds (true/false, empty when it is not a yes-or-no question), difference and the
    exact ratio bound/count as "p/q"; each row ends with the provenance fields."""
    rows = []
    for c in checks:
        row = {
            "name": c.bound.name, "kind": c.bound.kind.value, "layer": c.bound.layer, "value": c.bound.value,
            "applies": c.bound.applies, "reason": c.bound.reason, "citation": c.bound.citation,
            "compared_with": c.count, "holds": c.holds, "difference": c.difference,
            "ratio": None if c.ratio is None else str(c.ratio),
        }
        clash = set(row) & set(provenance)
        if clash:
            raise AnalyzerError(f"provenance fields {sorted(clash)} clash with check columns")
        row.update(provenance)
        rows.append(row)
    header = list(rows[0]) if rows else ["name", "kind", "layer", "value", "applies", "reason", "citation",
                                        "compared_with", "holds", "difference", "ratio", *provenance]
    return _csv_text(header, rows)

