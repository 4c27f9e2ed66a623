"""analyzer/__init__.py: the front door exports the public API, lazily."""
import doctest
import subprocess
import sys

import analyzer


def test_doctest_of_the_front_door():
    failures, tried = doctest.testmod(analyzer)
    assert tried > 0 and failures == 0


def test_every_exported_name_resolves():
    for name in analyzer.__all__:
        assert getattr(analyzer, name) is not None, name


def test_unknown_name_is_an_attribute_error():
    try:
        analyzer.no_such_function
    except AttributeError as exc:
        assert "no_such_function" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_does_not_load_numba_or_sympy():
    code = "import sys, analyzer; print('numba' in sys.modules, 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_network_is_the_function_after_the_module_loads():
    import analyzer.network  # noqa: F401  (the submodule of the same name)
    from analyzer.network import network as the_function
    assert analyzer.network is the_function
