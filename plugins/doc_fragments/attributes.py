# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The attributes every module of jwtpizza.cloud shares."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: Reports what would change and makes no write; IDs of resources still to be created are empty.
  diff_mode:
    support: full
    description: Shows the settings the module owns before and after.
  idempotent:
    support: full
    description: A second run with the same arguments makes no change and no call that writes.
"""
