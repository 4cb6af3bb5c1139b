"""python -m demo [--lang en|ru] [--step SECONDS]: see demo/__init__.py."""

import sys

from demo.session import main

sys.exit(main())
