# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The attributes every module of jwtpizza.cloud shares; a module overrides C(support) and C(details) where it differs."""

    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description:
      - Use C(group/jwtpizza.cloud.aws) in C(module_defaults) to set defaults for this module (connection settings).
      - That group extends C(amazon.aws.aws) and C(community.aws.aws), so one C(module_defaults) entry reaches their
        modules too.
    support: full
    membership:
      - jwtpizza.cloud.aws
  check_mode:
    support: full
    description: Reports what would change and makes no write; IDs of resources still to be created are empty.
  diff_mode:
    support: full
    description: With C(--diff), shows the settings the module owns before and after (built only when asked).
  idempotent:
    support: full
    description: A second run with the same arguments makes no change and no call that writes.
"""
