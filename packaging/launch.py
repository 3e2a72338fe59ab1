"""The frozen app's entry script.

PyInstaller needs a script file, and `intake_gui/__main__.py` run as a script would be analysed under the name
`__main__` a second time beside the package; this file only hands over to the one real `main`.
"""

import sys

from intake_gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
