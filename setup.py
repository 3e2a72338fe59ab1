"""Only what pyproject.toml cannot say: ship the top-level `resources/` folder as the package
`intake_gui.resources`, so an installed Intake finds its stylesheet, icons and sounds through
`importlib.resources` (package data) instead of the deprecated `data-files`. Everything else is in
pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["intake_gui", "intake_gui.*"]), "intake_gui.resources"],
    package_dir={"intake_gui.resources": "resources"},
)
