"""Tables of counts and bounds: plain text, JSON-ready dicts, LaTeX (booktabs)."""
from __future__ import annotations

from collections.abc import Sequence

from analyzer.bounds import Bound, Check


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
