# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""tools/report.py finds the environment's distribution in a real account, past ListDistributions' first page."""

from __future__ import annotations

import report  # tools/ is on the path (conftest)


class Pages:
    """A CloudFront client whose ListDistributions answers two pages (AWS's documented Marker/NextMarker)."""

    def __init__(self):
        self.markers = []

    def get_paginator(self, operation):
        assert operation == "list_distributions"
        return self

    def paginate(self):
        self.markers.append(None)
        yield {"DistributionList": {"IsTruncated": True, "NextMarker": "m2", "Items": [{"Comment": "someone-else"}]}}
        self.markers.append("m2")
        yield {"DistributionList": {"IsTruncated": False, "Items": [{"Comment": "jwt-pizza-dev-frontend"}]}}

    def list_distributions(self, **params):  # what a one-page read would see
        return {"DistributionList": {"IsTruncated": True, "NextMarker": "m2", "Items": [{"Comment": "someone-else"}]}}


def test_distributions_reads_every_page():
    client = Pages()
    assert [d["Comment"] for d in report.distributions(client)] == ["someone-else", "jwt-pizza-dev-frontend"]
    assert client.markers == [None, "m2"]
