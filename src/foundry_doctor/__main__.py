"""``python -m foundry_doctor`` runs the command line."""

import sys

from foundry_doctor.cli import main

sys.exit(main())
