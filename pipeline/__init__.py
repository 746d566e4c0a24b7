"""dvk: Dân vận khéo recognition pipeline."""

import os

__version__ = "0.1.0"

if os.environ.get("DVK_WINDOWS_CONSTRAINTS") == "1":  # the test suite's simulation of Windows' limits
    from pipeline.platform import constraints

    constraints.apply()
