import sys

from intake_gui.cli.app import main

sys.exit(main())
