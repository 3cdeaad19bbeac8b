"""The README's ten-line example runs, and its two set-up commands are the ones CI runs."""

import re

from conftest import REPO


def test_readme_example_runs():
    import matplotlib

    matplotlib.use("Agg")
    text = (REPO / "README.md").read_text()
    code = re.search(r"## Ten lines of Python\n\n```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    exec(compile(code, "README.md", "exec"), {})


def test_ci_runs_the_readme_test_command():
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", text, re.S)
    demo, tests = blocks[0].strip(), blocks[1].strip()
    assert "carbonlab demo" in demo and "pytest" in tests
    assert tests in (REPO / ".ci" / "run").read_text().splitlines()
