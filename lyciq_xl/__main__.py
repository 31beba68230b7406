import sys

from lyciq_xl.cli import main

sys.exit(main())
